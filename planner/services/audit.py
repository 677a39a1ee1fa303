"""The audit trail, written by the session itself in the transaction of every change.

Views name the acting user with ``set_actor``; the command line acts as nobody (None).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from enum import Enum
from typing import Any

from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event, insert, inspect, or_, select
from sqlalchemy.orm import Session, joinedload

from planner.enums import AuditAction
from planner.extensions import db
from planner.models import (
    AgendaItem,
    AuditEntry,
    Organisation,
    OutboxMessage,
    Participation,
    Person,
    ProgrammeModule,
    Room,
    User,
    Venue,
    Visit,
)
from planner.models.types import utcnow

AUDITED = (Visit, AgendaItem, Person, Participation)
# Of these records only the changes people make in their forms are kept (None: every
# field), so that a refused save can say what the other person changed; their creation,
# deletion and bookkeeping (a message's delivery, a login's last visit) are left out.
EDITS_ONLY: dict[type, frozenset[str] | None] = {
    Organisation: frozenset({"name", "timezone", "locale", "accent_colour", "logo", "logo_mime"}),
    User: frozenset({"email", "name", "role", "active"}),
    Venue: None,
    Room: None,
    ProgrammeModule: None,
    OutboxMessage: frozenset({"subject", "body_text"}),
}
SKIPPED_FIELDS = frozenset({"id", "created_at", "updated_at"})
# Health-related and personal needs: the trail says that they changed, never to what;
# a logo is no text at all.
REDACTED_FIELDS = {
    Person: frozenset({"dietary_needs", "accessibility_needs"}),
    Organisation: frozenset({"logo"}),
}
REDACTED = "[redacted]"
ACTOR_KEY = "audit_actor_id"
REDACT_ALL_KEY = "audit_redact_all"


def set_actor(session: Session, user_id: int | None) -> None:
    """Name the user to whom the session's following changes are attributed."""
    session.info[ACTOR_KEY] = user_id


@contextmanager
def redact_everything(session: Session) -> Iterator[None]:
    """Record the flushes inside the block without any values (for anonymisation)."""
    session.info[REDACT_ALL_KEY] = True
    try:
        yield
    finally:
        session.info.pop(REDACT_ALL_KEY, None)


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, AUDITED):
        return value.id
    return value


def _visit_id(obj: Any) -> int | None:
    return obj.id if isinstance(obj, Visit) else getattr(obj, "visit_id", None)


def _changes(obj: Any, action: AuditAction) -> dict[str, Any]:
    state = inspect(obj)
    redacted = REDACTED_FIELDS.get(type(obj), frozenset())
    if state.session is not None and state.session.info.get(REDACT_ALL_KEY):
        redacted = frozenset(column.key for column in state.mapper.column_attrs)
    only = EDITS_ONLY.get(type(obj))
    changes: dict[str, Any] = {}
    for column in state.mapper.column_attrs:
        key = column.key
        if key in SKIPPED_FIELDS or (only is not None and key not in only):
            continue
        if action is AuditAction.UPDATE:
            history = state.attrs[key].history
            if not history.has_changes():
                continue
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
        else:
            # The state's own values: a deleted row must not be loaded again.
            value = state.dict.get(key)
            if value is None or value == "":
                continue
            old, new = (None, value) if action is AuditAction.CREATE else (value, None)
        if key in redacted:
            old, new = (REDACTED if old else old), (REDACTED if new else new)
        changes[key] = [_plain(old), _plain(new)]
    for relationship in state.mapper.relationships:
        if relationship.secondary is None or action is AuditAction.DELETE:
            continue
        history = state.attrs[relationship.key].history
        if history.added or history.deleted:
            changes[relationship.key] = {
                "added": sorted(related.id for related in history.added),
                "removed": sorted(related.id for related in history.deleted),
            }
    if action is AuditAction.UPDATE and state.mapper.version_id_col is not None and changes:
        # The flush raised the optimistic-locking version itself (for a
        # changed collection too, planner.services.locking); the trail notes from
        # which version the change was made, so an edit conflict can show what changed.
        version = state.dict.get(state.mapper.version_id_col.key)
        if version is not None:
            changes["lock_version"] = [version - 1, version]
    return changes


def _record_changes(session: Session, _flush_context) -> None:
    actor = session.info.get(ACTOR_KEY)
    now = utcnow()
    rows = []
    for action, objects in (
        (AuditAction.CREATE, session.new),
        (AuditAction.UPDATE, session.dirty),
        (AuditAction.DELETE, session.deleted),
    ):
        for obj in objects:
            if not isinstance(obj, AUDITED) and not (
                action is AuditAction.UPDATE and type(obj) in EDITS_ONLY
            ):
                continue
            if action is AuditAction.UPDATE and not session.is_modified(obj):
                continue
            changes = _changes(obj, action)
            if action is AuditAction.UPDATE and not changes:
                continue
            rows.append(
                {
                    "user_id": actor,
                    # Edits kept only for conflicts stay out of a visit's history.
                    "visit_id": _visit_id(obj) if isinstance(obj, AUDITED) else None,
                    "object_type": type(obj).__name__,
                    "object_id": obj.id,
                    "action": action,
                    "changes": changes,
                    "created_at": now,
                }
            )
    if rows:
        # Core insert: adding ORM objects while a flush runs is not supported.
        session.connection().execute(insert(AuditEntry), rows)


def _keep_old_value(_target, value, _old, _initiator):
    return value


def register_audit_trail() -> None:
    """Record every flush of audited objects; safe to call more than once."""
    if event.contains(FlaskSession, "after_flush", _record_changes):
        return
    event.listen(FlaskSession, "after_flush", _record_changes)
    for model in (*AUDITED, *EDITS_ONLY):
        for column in inspect(model).column_attrs:
            # Load the old value when an expired attribute is set, so that the trail
            # can say what it was.
            event.listen(getattr(model, column.key), "set", _keep_old_value, active_history=True)


def visit_history(visit_id: int, limit: int = 500) -> list[AuditEntry]:
    """Return the newest entries of a visit's trail, newest first."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.visit_id == visit_id)
        .options(joinedload(AuditEntry.user))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def organisation_history(organisation_id: int, limit: int = 500) -> list[AuditEntry]:
    """Return the newest entries about an organisation's visits and people, or by its users."""
    hosted = select(Visit.id).where(Visit.host_organisation_id == organisation_id)
    own_people = select(Person.id).where(Person.organisation_id == organisation_id)
    own_users = select(User.id).where(User.organisation_id == organisation_id)
    query = (
        select(AuditEntry)
        .where(
            or_(
                AuditEntry.visit_id.in_(hosted),
                AuditEntry.user_id.in_(own_users),
                (AuditEntry.object_type == "Person") & AuditEntry.object_id.in_(own_people),
            )
        )
        .options(joinedload(AuditEntry.user))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))
