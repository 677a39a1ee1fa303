"""The audit trail, written by the session itself in the transaction of every change.

Views name the acting user with ``set_actor``; the command line, the answer page and
calendar replies act as nobody (None). The entries of one transaction share a change
set, so that the history can tell what one person did in one go as one sentence.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from planner.enums import AuditAction
from planner.models import (
    AgendaItem,
    AgendaVersion,
    ApiToken,
    AuditEntry,
    ConflictAcknowledgement,
    FeedToken,
    Gift,
    GoldenBookEntry,
    GoldenBookSigner,
    InboundMessage,
    ItemAnswer,
    Organisation,
    OutboxMessage,
    Participation,
    Person,
    PressContact,
    PressPage,
    ProgrammeModule,
    Room,
    User,
    Vehicle,
    Venue,
    Visit,
    VisitGuest,
    VisitMessage,
    VisitRequest,
    VisitRequestEvent,
)
from planner.models.types import utcnow

AUDITED = (
    Visit,
    # Named by its organisation's id, within its visit.
    VisitGuest,
    AgendaItem,
    Person,
    Participation,
    ItemAnswer,
    InboundMessage,
    AgendaVersion,
    OutboxMessage,
    FeedToken,
    ApiToken,
    User,
    Organisation,
    Venue,
    Room,
    ProgrammeModule,
    ConflictAcknowledgement,
    # Thread messages: who wrote to whom, when; the text stays in the thread.
    VisitMessage,
    # A visit request and each step of it (services/requests.py).
    VisitRequest,
    VisitRequestEvent,
    PressContact,
    PressPage,
    Gift,
    GoldenBookEntry,
    GoldenBookSigner,
    Vehicle,
)
SKIPPED_FIELDS = frozenset({"id", "created_at", "updated_at"})
# Never recorded: secrets, the machinery of delivery and bulky copies kept elsewhere.
UNRECORDED_FIELDS = {
    ApiToken: frozenset({"token_hash", "last_used_at"}),
    Participation: frozenset({"rsvp_nonce", "invited_uids", "invited_version"}),
    AgendaVersion: frozenset({"snapshot", "changes", "issued_at"}),
    OutboxMessage: frozenset(
        {
            "message_id",
            "to_address",
            "reply_to",
            "language",
            "ical_method",
            "ical",
            "body_frame",
            "item_uids",
            "attempts",
            "last_error",
            "next_attempt_at",
            "claimed_by",
            "claimed_at",
            "sent_at",
        }
    ),
    FeedToken: frozenset({"token"}),
    InboundMessage: frozenset(
        {"digest", "message_id", "sender", "subject", "comment", "received_at"}
    ),
    ItemAnswer: frozenset({"replied_at"}),
    User: frozenset({"session_version", "last_login_at"}),
    Organisation: frozenset({"logo_mime"}),
    # The hash that names the clash: the kind and the items say it in words.
    ConflictAcknowledgement: frozenset({"fingerprint"}),
}
# Recorded as changed, never with their values: health-related and personal needs,
# secrets, binary data, the text of e-mails and what people wrote with their answers.
REDACTED_FIELDS = {
    Person: frozenset({"dietary_needs", "accessibility_needs"}),
    User: frozenset({"password_hash"}),
    Organisation: frozenset({"logo"}),
    OutboxMessage: frozenset({"subject", "body_text", "body_html"}),
    ItemAnswer: frozenset({"comment"}),
    VisitGuest: frozenset({"message"}),
    VisitMessage: frozenset({"body"}),
    # Kept in the step itself, which the request's page shows.
    VisitRequestEvent: frozenset({"message"}),
    # A journalist's name and contacts: kept on the press list, forgotten by the purge.
    PressContact: frozenset({"journalist", "email", "phone"}),
    # The press page's link is a secret; the release is a page of text the record keeps.
    PressPage: frozenset({"token", "release_text"}),
    Gift: frozenset({"photo"}),
}
REDACTED = "[redacted]"
ACTOR_KEY = "audit_actor_id"
VIA_KEY = "audit_via"
REDACT_ALL_KEY = "audit_redact_all"
CHANGE_SET_KEY = "audit_change_set"
PINNED_CHANGE_SET_KEY = "audit_pinned_change_set"


def set_actor(session: Session, user_id: int | None, via: str | None = None) -> None:
    """Name the user to whom the session's following changes are attributed, and how
    they acted when not through the pages (``via``: the API token's name)."""
    session.info[ACTOR_KEY] = user_id
    session.info[VIA_KEY] = via


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
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, AUDITED):
        return value.id
    return value


def _visit_id(session: Session, obj: Any) -> int | None:
    if isinstance(obj, Visit):
        return obj.id
    if isinstance(obj, ItemAnswer):
        # An answer belongs to the visit of its participation, usually loaded already.
        participation = session.identity_map.get(identity_key(Participation, obj.participation_id))
        if participation is not None:
            return participation.visit_id
        return session.connection().scalar(
            select(Participation.visit_id).where(Participation.id == obj.participation_id)
        )
    if isinstance(obj, GoldenBookSigner):
        # A signer belongs to the visit of its entry, loaded with it.
        entry = session.identity_map.get(identity_key(GoldenBookEntry, obj.entry_id))
        if entry is not None:
            return entry.visit_id
        return session.connection().scalar(
            select(GoldenBookEntry.visit_id).where(GoldenBookEntry.id == obj.entry_id)
        )
    return getattr(obj, "visit_id", None)


@contextmanager
def one_change_set(session: Session) -> Iterator[None]:
    """Record the transactions inside the block as one action (a round of the outbox worker)."""
    session.info[PINNED_CHANGE_SET_KEY] = uuid.uuid4().hex
    try:
        yield
    finally:
        session.info.pop(PINNED_CHANGE_SET_KEY, None)


def _change_set(session: Session) -> str:
    pinned = session.info.get(PINNED_CHANGE_SET_KEY)
    if pinned is not None:
        return pinned
    key = session.info.get(CHANGE_SET_KEY)
    if key is None:
        key = session.info[CHANGE_SET_KEY] = uuid.uuid4().hex
    return key


def _end_change_set(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(CHANGE_SET_KEY, None)


def _changes(obj: Any, action: AuditAction) -> dict[str, Any]:
    state = inspect(obj)
    redacted = REDACTED_FIELDS.get(type(obj), frozenset())
    skipped = SKIPPED_FIELDS | UNRECORDED_FIELDS.get(type(obj), frozenset())
    if state.session is not None and state.session.info.get(REDACT_ALL_KEY):
        redacted = frozenset(column.key for column in state.mapper.column_attrs)
    changes: dict[str, Any] = {}
    for column in state.mapper.column_attrs:
        key = column.key
        if key in skipped:
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
    via = session.info.get(VIA_KEY)
    now = utcnow()
    rows = []
    for action, objects in (
        (AuditAction.CREATE, session.new),
        (AuditAction.UPDATE, session.dirty),
        (AuditAction.DELETE, session.deleted),
    ):
        for obj in objects:
            if not isinstance(obj, AUDITED):
                continue
            if action is AuditAction.UPDATE and not session.is_modified(obj):
                continue
            changes = _changes(obj, action)
            if action is AuditAction.UPDATE and not changes:
                continue
            rows.append(
                {
                    "user_id": actor,
                    "visit_id": _visit_id(session, obj),
                    "object_type": type(obj).__name__,
                    "object_id": obj.id,
                    "action": action,
                    "changes": changes,
                    "created_at": now,
                    "change_set": None,
                    "via": via,
                }
            )
    if rows:
        change_set = _change_set(session)
        for row in rows:
            row["change_set"] = change_set
        # Core insert: adding ORM objects while a flush runs is not supported.
        session.connection().execute(insert(AuditEntry), rows)


def _keep_old_value(_target, value, _old, _initiator):
    return value


def register_audit_trail() -> None:
    """Record every flush of audited objects; safe to call more than once."""
    if event.contains(FlaskSession, "after_flush", _record_changes):
        return
    event.listen(FlaskSession, "after_flush", _record_changes)
    event.listen(FlaskSession, "after_transaction_end", _end_change_set)
    for model in AUDITED:
        for column in inspect(model).column_attrs:
            if column.key in UNRECORDED_FIELDS.get(model, ()):
                continue
            # Load the old value when an expired attribute is set, so that the trail
            # can say what it was.
            event.listen(getattr(model, column.key), "set", _keep_old_value, active_history=True)
