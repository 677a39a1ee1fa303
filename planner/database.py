"""Connection set-up that the database engines need beyond their URL."""

import sqlite3
from contextvars import ContextVar

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

# Whether the current unit of work writes. SQLite gives a deferred transaction that reads
# first and writes later no chance to wait for the lock ("database is locked" at once,
# whatever the busy timeout), so writing work (POST requests, the outbox worker) takes
# the lock when it begins; reading work keeps WAL's concurrent readers.
write_intent: ContextVar[bool] = ContextVar("write_intent", default=False)


def _casefold(value: str | None) -> str | None:
    return value.casefold() if isinstance(value, str) else value


def configure_engine(app: Flask, engine: Engine) -> None:
    """Open SQLite in WAL mode with foreign keys enforced and a busy timeout."""
    if engine.dialect.name != "sqlite":
        return
    busy_timeout = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record) -> None:
        # SQLite's lower() and LIKE fold ASCII letters only; search folds "Ü" and "ß" too.
        dbapi_connection.create_function("casefold", 1, _casefold, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {busy_timeout}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        # Reading work keeps the driver's own handling (a transaction opens at the first
        # write); writing work takes the write lock at once, waiting up to the timeout.
        if write_intent.get():
            connection.exec_driver_sql("BEGIN IMMEDIATE")
