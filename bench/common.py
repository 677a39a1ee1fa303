"""Shared set-up of the benchmarks: throw-away databases, apps, timing."""

import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402 (after the path is set)
from sqlalchemy.engine import make_url  # noqa: E402

POSTGRES_URL = os.environ.get("PLANNER_BENCH_POSTGRES_URL") or os.environ.get(
    "PLANNER_TEST_POSTGRES_URL"
)


@contextmanager
def database(kind: str, folder: Path) -> Iterator[str]:
    """Create an empty database, yield its URL, drop it afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / f'bench-{uuid.uuid4().hex[:8]}.db'}"
        return
    name = f"planner_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def kinds() -> list[str]:
    """Return the databases to measure: SQLite, and PostgreSQL when a server is named."""
    return ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


def timed(work: Callable[[], object], runs: int) -> tuple[float, float]:
    """Return the median and the 95th percentile of ``runs`` timings, in milliseconds."""
    work()  # warm up caches and connections
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95


def machine() -> str:
    """Describe the machine the figures come from."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {sys.version.split()[0]}"
