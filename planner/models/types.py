"""Column types shared by the models."""

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime, Enum, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """An instant, stored as naive UTC and always returned timezone-aware in UTC.

    SQLite keeps no zone and PostgreSQL's ``timestamptz`` would convert to the session's
    zone; storing naive UTC gives both databases the same behaviour.
    """

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


# Table option: SQLite never hands out the id of a deleted row again (AUTOINCREMENT).
# Ids appear in links, tokens and the audit trail, so a reused id would point at
# someone else's data.
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}


def utcnow() -> datetime:
    """Return the current instant, aware, in UTC."""
    return datetime.now(UTC)


def enum_column(enum_class: type[StrEnum], name: str) -> Enum:
    """Return a portable enum type: VARCHAR plus a CHECK constraint on its values."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(member.value) for member in enum_class),
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class Locked:
    """Optimistic locking for a record people edit.

    ``lock_version`` is SQLAlchemy's version counter: every UPDATE names the version the
    row was read at and raises it, so a save based on an out-of-date copy changes no row
    and fails (``StaleDataError``) instead of overwriting someone else's change. A form
    sends the version it was opened at; ``planner.services.locking`` refuses it when the
    record has moved on since.
    """

    lock_version: Mapped[int] = mapped_column(default=1, server_default=text("1"))

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.lock_version}
