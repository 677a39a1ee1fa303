"""Throw-away test databases on SQLite and PostgreSQL."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get("PLANNER_TEST_POSTGRES_URL")


@contextmanager
def throwaway_database(kind: str, directory: Path) -> Iterator[str]:
    """Create an empty database of the kind, yield its URL, then drop it."""
    if kind == "sqlite":
        yield f"sqlite:///{directory / f'planner-{uuid.uuid4().hex}.db'}"
        return
    if not POSTGRES_URL:
        raise RuntimeError("PLANNER_TEST_POSTGRES_URL is not set")
    name = f"planner_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
