"""Optimistic locking of the records people edit.

A form carries the ``lock_version`` of the record it was opened at. Saving it succeeds
only while the record is still at that version; otherwise, and when the form came
without a version, nothing is saved and the refusal says what others changed meanwhile,
read from the audit trail. Every change a person makes raises the version (SQLAlchemy's
version counter, see ``planner.models.types.Locked``); bookkeeping that is nobody's
edit (what an e-mail delivered, when someone last logged in) is written with
``write_bookkeeping`` and leaves it alone.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from planner.extensions import db
from planner.models import AuditEntry

T = TypeVar("T")

# A version longer than this is no version we handed out, but a tampered form.
MAX_VERSION_DIGITS = 9


@dataclass(frozen=True)
class OtherChange:
    """A change someone else saved while a form was open.

    ``who`` is None for changes made without a login: a participant's own answer, the
    command line. ``fields`` maps each changed field to ``[old, new]`` as the audit trail
    keeps it (collections as ``{"added": [...], "removed": [...]}``).
    """

    who: str | None
    fields: dict[str, Any]


class EditConflict(Exception):
    """The record changed since the form was opened, or the form did not say when it was
    opened; nothing was saved."""

    def __init__(self, changes: list[OtherChange], version_missing: bool = False) -> None:
        super().__init__("edited by someone else")
        self.changes = changes
        self.version_missing = version_missing


def parse_version(text: str | None) -> int | None:
    """Return the lock version a form sent back, or None if it sent none (or garbage)."""
    text = (text or "").strip()
    if text.isdecimal() and text.isascii() and len(text) <= MAX_VERSION_DIGITS:
        return int(text)
    return None


def changes_since(obj: Any, version: int) -> list[OtherChange]:
    """Return the audited changes of a record made after it had ``version``, oldest first."""
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == type(obj).__name__, AuditEntry.object_id == obj.id)
        .order_by(AuditEntry.id.desc())
        .limit(50)
    )
    found = []
    for entry in entries:
        lock = entry.changes.get("lock_version")
        if lock and lock[0] is not None and lock[0] >= version:
            fields = {k: v for k, v in entry.changes.items() if k != "lock_version"}
            found.append(OtherChange(who=entry.user.name if entry.user else None, fields=fields))
    return list(reversed(found))


def check_version(obj: Any, expected_version: int | None) -> None:
    """Raise ``EditConflict`` unless the record is still at the version a form was opened at."""
    if expected_version is None:
        raise EditConflict([], version_missing=True)
    if obj.lock_version != expected_version:
        raise EditConflict(changes_since(obj, expected_version))


def flush_or_conflict(*objects: Any) -> None:
    """Flush; when a concurrent save got there first, roll back and raise ``EditConflict``
    with what it changed in ``objects``."""
    versions = [(obj, obj.lock_version) for obj in objects]
    try:
        db.session.flush()
    except StaleDataError as error:
        db.session.rollback()
        changes = [change for obj, version in versions for change in changes_since(obj, version)]
        raise EditConflict(changes) from error


def save_with_lock(obj: Any, expected_version: int | None, change: Callable[[], T]) -> T:
    """Apply ``change`` to ``obj`` and flush, unless someone else saved ``obj`` since the
    form was opened at ``expected_version`` (or the form did not say); return what
    ``change`` returns. The caller commits, or rolls back on ``EditConflict``.
    """
    check_version(obj, expected_version)
    result = change()
    flush_or_conflict(obj)
    return result


def lock_rows(model: type[T], ids: list[int]) -> list[T]:
    """Load records about to be checked and changed afresh, locked until the transaction
    ends (PostgreSQL), so that a concurrent save waits and then finds the new version.
    SQLite's writers hold the database's write lock from the start of their transaction.
    """
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(model)
            .where(model.id.in_(ids))
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )


def write_bookkeeping(obj: Any, **values: Any) -> None:
    """Store values that are nobody's edit (delivery state, login times) without raising
    the record's version: an edit in progress is not refused because of them, and they
    do not fail because of it.
    """
    model = type(obj)
    db.session.execute(
        update(model).where(model.id == obj.id).values(**values),
        execution_options={"synchronize_session": False},
    )
    for key, value in values.items():
        set_committed_value(obj, key, value)


def _raise_versions_of_collections(session: Session, _flush_context, _instances) -> None:
    # SQLAlchemy raises the version when a record's own columns change; a change of a
    # many-to-many collection alone (who attends which item, a visit's guests) is a
    # change people make too.
    for obj in session.dirty:
        state = inspect(obj)
        mapper = state.mapper
        if mapper.version_id_col is None:
            continue
        if any(state.attrs[column.key].history.has_changes() for column in mapper.column_attrs):
            continue
        if any(
            state.attrs[relationship.key].history.has_changes()
            for relationship in mapper.relationships
            if relationship.secondary is not None
        ):
            obj.lock_version = obj.lock_version + 1


def register_version_counters() -> None:
    """Raise lock versions for collection changes too; safe to call more than once."""
    if not event.contains(FlaskSession, "before_flush", _raise_versions_of_collections):
        event.listen(FlaskSession, "before_flush", _raise_versions_of_collections)
