"""Throw-away test databases on SQLite and PostgreSQL."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

# The server a fresh machine of this project has (README: PostgreSQL); used when
# PLANNER_TEST_POSTGRES_URL is not set and it answers. "none" turns PostgreSQL off.
LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _find_postgres() -> tuple[str | None, str]:
    """Return the PostgreSQL URL the tests use, or None and the reason why there is none."""
    configured = os.environ.get("PLANNER_TEST_POSTGRES_URL")
    if configured and configured.lower() != "none":
        return configured, ""
    if configured:
        return None, "PLANNER_TEST_POSTGRES_URL=none"
    engine = create_engine(LOCAL_POSTGRES, connect_args={"connect_timeout": 2})
    try:
        with engine.connect():
            return LOCAL_POSTGRES, ""
    except Exception as error:  # noqa: BLE001 (any failure means: no server to test on)
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return (
            None,
            f"no PostgreSQL: PLANNER_TEST_POSTGRES_URL is not set and {LOCAL_POSTGRES} "
            f"does not answer ({first})",
        )
    finally:
        engine.dispose()


POSTGRES_URL, NO_POSTGRES = _find_postgres()


@contextmanager
def throwaway_database(kind: str, directory: Path) -> Iterator[str]:
    """Create an empty database of the kind, yield its URL, then drop it."""
    if kind == "sqlite":
        yield f"sqlite:///{directory / f'planner-{uuid.uuid4().hex}.db'}"
        return
    if not POSTGRES_URL:
        raise RuntimeError(NO_POSTGRES)
    name = f"planner_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
            # A throw-away database need not wait for the disk at every commit.
            connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit TO off'))
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
