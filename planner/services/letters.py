"""The words of outbox messages: the shared text, the signature, the HTML part, and the
calendar entries a message carries, as the outbox's preview shows them.

A planner writes one text per agenda version and language for everyone (a welcome, a
note on dress or parking). It goes into each recipient's first message of the version:
the message keeps its text with that place marked (``body_frame``), so a new shared
text reaches every draft that follows it. A draft edited by hand keeps its own words.
"""

from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace

from flask import render_template
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from planner.enums import OutboxStatus
from planner.extensions import db
from planner.i18n import format_day, format_span
from planner.models import AgendaVersion, LetterText, OutboxMessage, Visit
from planner.services.locking import EditConflict, changes_since, save_with_lock
from planner.services.timezones import zone

# Where the shared text goes. A control character: input never contains one (text
# hygiene strips them), so the mark cannot be typed.
SHARED = "\x1e"


def fill(frame: str, shared: str) -> str:
    """Return a message text with the shared text in its place: a paragraph, or nothing."""
    text = shared.strip()
    return frame.replace(SHARED, f"{text}\n\n" if text else "")


def text_to_html(text: str, language: str = "de", title: str = "") -> str:
    """Return the HTML part of a message from its text: the same words, escaped."""
    paragraphs = [part.split("\n") for part in text.split("\n\n") if part.strip()]
    return render_template(
        "email/message.html", paragraphs=paragraphs, language=language, title=title
    )


def set_text(message: OutboxMessage, text: str) -> None:
    """Give a message a new text, and its HTML part the same words."""
    message.body_text = text
    message.body_html = text_to_html(text, message.language, message.subject)


# --- the signature ------------------------------------------------------------------------


def signature(visit: Visit, version: AgendaVersion | None = None) -> list[str]:
    """Return the lines under "Kind regards": who signs, their function, the organisation.

    The visit's contact person signs; without one, the planner who issued the version;
    without either, the host organisation.
    """
    organisation = visit.host_organisation.name
    contact = visit.contact_person
    if contact is not None and contact.anonymised_at is None:
        role = contact.function or contact.office_title
        lines = [contact.display_name, role] if role else [contact.display_name]
    elif version is not None and version.author is not None:
        lines = [version.author.name]
    else:
        return [organisation]
    # "Protokoll der Stadt Bochum" names the organisation already.
    if organisation.casefold() not in " ".join(lines[1:]).casefold():
        lines.append(organisation)
    return lines


# --- the shared text ---------------------------------------------------------------------


def letter_text(visit_id: int, version_number: int) -> LetterText | None:
    """Return the shared text of a version, if a planner wrote one."""
    return db.session.scalar(
        select(LetterText).where(
            LetterText.visit_id == visit_id, LetterText.version_number == version_number
        )
    )


def earlier_letter_text(visit_id: int, version_number: int) -> LetterText | None:
    """Return the newest shared text written for a version before this one."""
    return db.session.scalar(
        select(LetterText)
        .where(LetterText.visit_id == visit_id, LetterText.version_number < version_number)
        .order_by(LetterText.version_number.desc())
        .limit(1)
    )


def shared_text(visit_id: int, version_number: int, language: str) -> str:
    """Return the shared text of a version in a language ("" when there is none)."""
    record = letter_text(visit_id, version_number)
    return record.text_in(language) if record else ""


def following(visit_id: int, version_number: int) -> list[OutboxMessage]:
    """Return the drafts of a version that the shared text reaches."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .options(joinedload(OutboxMessage.person))
            .where(
                OutboxMessage.visit_id == visit_id,
                OutboxMessage.version_number == version_number,
                OutboxMessage.status == OutboxStatus.DRAFT,
                OutboxMessage.body_frame.is_not(None),
            )
            .order_by(OutboxMessage.id)
        )
    )


@dataclass(frozen=True)
class SharedTextReach:
    """Whom a version's shared text reaches: drafts per language, and drafts edited by hand."""

    by_language: dict[str, int]
    edited: list[OutboxMessage]


def reach(visit_id: int, version_number: int) -> SharedTextReach:
    """Return how many drafts follow the shared text, by language, and which do not."""
    counts = {"de": 0, "en": 0}
    edited = []
    for message in following(visit_id, version_number):
        if message.edited:
            edited.append(message)
        else:
            counts[message.language] = counts.get(message.language, 0) + 1
    return SharedTextReach(counts, edited)


def save_letter_text(
    visit: Visit, version_number: int, texts: dict[str, str], expected_version: int | None
) -> int:
    """Store a version's shared text and put it into every draft that follows it.

    ``expected_version`` 0 means the form was opened before anyone wrote a text. Raises
    ``EditConflict`` when someone saved one since; returns how many drafts changed.
    """
    record = letter_text(visit.id, version_number)

    def change() -> None:
        record.text_de = texts.get("de", "")
        record.text_en = texts.get("en", "")

    if record is None:
        if expected_version != 0:
            raise EditConflict([], version_missing=expected_version is None)
        record = LetterText(visit_id=visit.id, version_number=version_number)
        db.session.add(record)
        change()
        db.session.flush()
    elif expected_version == 0:
        # Someone wrote the first text while this form was open.
        raise EditConflict(changes_since(record, 0))
    else:
        save_with_lock(record, expected_version, change)
    changed = 0
    for message in following(visit.id, version_number):
        if message.edited:
            continue
        text = fill(message.body_frame or "", record.text_in(message.language))
        if text != message.body_text:
            set_text(message, text)
            changed += 1
    db.session.flush()
    return changed


# --- what the preview shows --------------------------------------------------------------


@dataclass(frozen=True)
class CalendarEntry:
    """One event of a message's calendar, in the visit's zone."""

    title: str
    day: str
    time: str
    place: str
    cancelled: bool
    starts_at: datetime


def _local(value: datetime | date, zone_name: str) -> tuple[datetime, int]:
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day), 0
    if value.tzinfo is None:  # floating time: read as the visit's wall clock
        return value, 0
    local = value.astimezone(zone(zone_name))
    return local.replace(tzinfo=None), local.fold


def calendar_entries(message: OutboxMessage, zone_name: str) -> list[CalendarEntry]:
    """Return the events of the calendar a message carries, with times in ``zone_name``."""
    if not message.ical:
        return []
    try:
        calendar = Calendar.from_ical(message.ical)
    except ValueError:
        return []
    method = str(calendar.get("METHOD", "")).upper()
    entries = []
    for event in calendar.walk("VEVENT"):
        start = event.decoded("DTSTART", None)
        if start is None:
            continue
        end = event.decoded("DTEND", None) or start
        starts_at, starts_fold = _local(start, zone_name)
        ends_at, ends_fold = _local(end, zone_name)
        span = SimpleNamespace(starts_at=starts_at, ends_at=ends_at,
                               starts_fold=starts_fold, ends_fold=ends_fold)  # fmt: skip
        entries.append(
            CalendarEntry(
                title=str(event.get("SUMMARY", "")),
                day=format_day(starts_at.date()),
                time=format_span(span, zone_name),
                place=str(event.get("LOCATION", "")),
                cancelled=method == "CANCEL" or str(event.get("STATUS", "")) == "CANCELLED",
                starts_at=starts_at,
            )
        )
    return sorted(entries, key=lambda entry: entry.starts_at)
