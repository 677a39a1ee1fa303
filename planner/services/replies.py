"""Answers that calendar programs send back: iMIP REPLY, COUNTER and DECLINECOUNTER.

When someone presses Accept in Outlook, Gmail, Apple Calendar or Thunderbird, their
program mails a ``METHOD:REPLY`` to the invitation's ORGANIZER. Such a message reaches
us through ``mail receive`` (an MTA pipe) or ``mail fetch`` (an IMAP mailbox). A reply
counts only when its sender is the ATTENDEE it answers for, that person was invited to
that UID, and it answers the latest SEQUENCE we sent them; anything else changes
nothing and is kept in the log with the reason. A COUNTER (a proposal of another
time) is shown to the planners, never applied.

Handling the same message twice changes nothing (its digest is stored): a mailbox
reader that crashed between handling and moving a message may hand it over again.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parseaddr

from flask import current_app
from icalendar import Calendar
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from planner.enums import OutboxStatus, RsvpStatus
from planner.extensions import db
from planner.models import (
    AgendaItem,
    InboundMessage,
    OutboxMessage,
    Participation,
    Person,
    Visit,
)
from planner.models.types import utcnow
from planner.services.answers import answer_item
from planner.services.errors import UnreadableMessage
from planner.services.timezones import zone

log = logging.getLogger(__name__)

# Bounds: a reply is a few kilobytes; nothing bigger is parsed.
MAX_CALENDAR_BYTES = 256_000
MAX_PARTS = 50
MAX_EVENTS = 20
CALENDAR_TYPES = ("text/calendar", "application/ics", "text/x-vcalendar")
ANSWERS = {
    "ACCEPTED": RsvpStatus.ACCEPTED,
    "DECLINED": RsvpStatus.DECLINED,
    "TENTATIVE": RsvpStatus.TENTATIVE,
}


@dataclass(frozen=True)
class Received:
    """What became of one message: one outcome per event it answered."""

    outcomes: list[str]
    duplicate: bool = False

    @property
    def understood(self) -> bool:
        """Return whether the message answered anything (else it was ignored)."""
        return any(outcome != "ignored" for outcome in self.outcomes)


def handle_and_commit(raw: bytes) -> bool:
    """Read one message in its own transaction, for the mailbox reader.

    Returns whether it was an answer; raises ``UnreadableMessage`` (after rolling
    back) for a message that cannot be read.
    """
    try:
        received = receive(raw)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return received.understood


def _bytes_limit() -> int:
    return int(current_app.config["MAIL_MAX_BYTES"])


def _address(value: str) -> str:
    """Return a bare, lower-cased e-mail address from a header or a mailto: URI."""
    value = value.strip()
    if value.lower().startswith("mailto:"):
        value = value[7:]
    return parseaddr(value)[1].strip().lower()


def _calendars(mail: EmailMessage) -> list[Calendar]:
    """Return the calendars in a message; parts of other kinds are skipped."""
    found: list[Calendar] = []
    seen: set[bytes] = set()
    for number, part in enumerate(mail.walk()):
        if number >= MAX_PARTS:
            break
        if part.get_content_type() not in CALENDAR_TYPES:
            continue
        payload = part.get_payload(decode=True) or b""
        if len(payload) > MAX_CALENDAR_BYTES:
            raise UnreadableMessage("calendar part too large")
        if payload in seen:  # Gmail and Thunderbird attach the same calendar twice
            continue
        seen.add(payload)
        try:
            found.append(Calendar.from_ical(payload))
        except (ValueError, KeyError, IndexError) as error:
            raise UnreadableMessage(f"broken calendar: {error}") from error
    return found


def _instant(value, visit_zone: str) -> datetime | None:
    if value is None:
        return None
    moment = value.dt
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone(visit_zone))
        return moment.astimezone(UTC)
    if isinstance(moment, date):
        return datetime(moment.year, moment.month, moment.day, tzinfo=zone(visit_zone))
    return None


def _sent_sequence(participation: Participation, uid: str) -> int | None:
    """Return the highest SEQUENCE of an invitation to this UID sent to the person."""
    messages = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.participation_id == participation.id,
            OutboxMessage.kind.in_(("invite", "update")),
            OutboxMessage.status == OutboxStatus.SENT,
        )
    )
    highest = None
    for message in messages:
        if uid not in (message.item_uids or []) or not message.ical:
            continue
        for event in Calendar.from_ical(message.ical).walk("VEVENT"):
            if str(event.get("UID")) == uid:
                sequence = int(event.get("SEQUENCE", 0))
                highest = sequence if highest is None else max(highest, sequence)
    return highest


def _participation(item: AgendaItem, address: str) -> Participation | None:
    return db.session.scalar(
        select(Participation)
        .join(Person, Participation.person_id == Person.id)
        .where(Participation.visit_id == item.visit_id, func.lower(Person.email) == address)
        .options(joinedload(Participation.person))
    )


def _handle_event(event, method: str, sender: str, record: InboundMessage) -> str:
    """Apply or refuse one answered event; fill in the log record; return the outcome."""
    uid = str(event.get("UID", ""))[:255]
    record.uid = uid
    try:
        record.sequence = int(event.get("SEQUENCE", 0))
    except (TypeError, ValueError):
        record.sequence = 0
    comment = event.get("COMMENT")
    record.comment = str(comment)[:2000] if comment is not None else ""
    item = db.session.scalar(select(AgendaItem).where(AgendaItem.uid == uid)) if uid else None
    if item is None:
        return "unknown-item"
    record.agenda_item_id = item.id
    record.visit_id = item.visit_id
    attendees = event.get("ATTENDEE")
    attendees = attendees if isinstance(attendees, list) else [attendees] if attendees else []
    # The attendee who answers is the one who sent the message; anyone else is forged.
    answering = next((a for a in attendees if _address(str(a)) == sender), None)
    if answering is None:
        return "forged"
    participation = _participation(item, sender)
    if participation is None:
        return "forged"
    record.participation_id = participation.id
    if item.uid not in (participation.invited_uids or []):
        return "not-invited"
    visit = db.session.get(Visit, item.visit_id)
    if method == "COUNTER":
        record.proposed_start = _instant(event.get("DTSTART"), visit.timezone)
        record.proposed_end = _instant(event.get("DTEND"), visit.timezone)
        return "counter"
    if method == "DECLINECOUNTER":
        return "declinecounter"
    partstat = str(answering.params.get("PARTSTAT", "")).upper()
    status = ANSWERS.get(partstat)
    if status is None:
        return "ignored"
    record.answer = status.value
    latest = _sent_sequence(participation, item.uid)
    if latest is not None and record.sequence < latest:
        return "outdated"
    stamp = _instant(event.get("DTSTAMP"), "UTC") or utcnow()
    applied = answer_item(
        participation,
        item,
        status,
        source="calendar",
        replied_at=min(stamp, utcnow()),
        sequence=record.sequence,
        comment=record.comment,
    )
    return "applied" if applied else "outdated"


def receive(raw: bytes) -> Received:
    """Read one e-mail and apply the answers it carries; the caller commits.

    Raises ``UnreadableMessage`` for a message that cannot be read at all; a message
    that is readable but no answer (an out-of-office note, a forged reply) is logged
    and changes nothing.
    """
    if len(raw) > _bytes_limit():
        raise UnreadableMessage("message too large")
    digest = hashlib.sha256(raw).hexdigest()
    known = db.session.scalar(select(InboundMessage).where(InboundMessage.digest == digest))
    if known is not None:
        return Received([known.outcome], duplicate=True)
    try:
        mail = message_from_bytes(raw, policy=policy.default)
        sender = _address(str(mail.get("From", "")))
        subject = str(mail.get("Subject", ""))[:500]
        message_id = str(mail.get("Message-ID", ""))[:500]
    except (ValueError, TypeError, IndexError) as error:
        raise UnreadableMessage(f"unreadable headers: {error}") from error
    if not mail.keys():
        raise UnreadableMessage("not an e-mail: no header fields")
    calendars = _calendars(mail)
    events = [
        (str(calendar.get("METHOD", "")).upper(), event)
        for calendar in calendars
        for event in calendar.walk("VEVENT")
    ][:MAX_EVENTS]
    outcomes = []
    if not events:
        events = [("", None)]
    for number, (method, event) in enumerate(events):
        record = InboundMessage(
            digest=digest if number == 0 else hashlib.sha256(raw + bytes([number])).hexdigest(),
            message_id=message_id,
            sender=sender[:254],
            subject=subject,
            method=method[:20],
        )
        if event is None or method not in ("REPLY", "COUNTER", "DECLINECOUNTER"):
            outcome = "ignored"
        else:
            outcome = _handle_event(event, method, sender, record)
        record.outcome = outcome
        db.session.add(record)
        outcomes.append(outcome)
        level = logging.INFO if outcome in ("applied", "counter", "ignored") else logging.WARNING
        log.log(level, "reply %s from %s for %s: %s", method or "-", sender, record.uid, outcome)
    try:
        db.session.flush()
    except IntegrityError:
        # Another reader handled the same message at the same moment.
        db.session.rollback()
        return Received(outcomes, duplicate=True)
    return Received(outcomes)


def replies_of(visit_id: int, limit: int = 200) -> list[InboundMessage]:
    """Return the latest answers from calendar programs for a visit, newest first."""
    return list(
        db.session.scalars(
            select(InboundMessage)
            .where(InboundMessage.visit_id == visit_id)
            .options(
                joinedload(InboundMessage.participation).joinedload(Participation.person),
                joinedload(InboundMessage.item),
            )
            .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc())
            .limit(limit)
        )
    )
