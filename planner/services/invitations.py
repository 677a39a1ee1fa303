"""Invitations by e-mail: drafted into the outbox with the change that causes them.

An invitation (METHOD:REQUEST) carries every item the person attends; after a new
agenda version, only the people whom the changes affect get an update (the same UIDs,
higher SEQUENCE) or a cancellation (METHOD:CANCEL) of the items they lost. Every
message is rendered when it is drafted, in the recipient's language, and waits as a
draft until a planner sends it from the outbox.
"""

from dataclasses import dataclass
from datetime import datetime
from email.utils import make_msgid
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from planner.enums import ItemStatus, OutboxStatus, RsvpStatus
from planner.extensions import db
from planner.models import (
    AgendaItem,
    AgendaVersion,
    OutboxMessage,
    Participation,
    Person,
    Visit,
)
from planner.models.types import utcnow
from planner.services.calendars import CalendarRequest, Recipient, build, serialise, visit_url
from planner.services.versions import Changes

RSVP_SALT = "rsvp"
OPEN = (OutboxStatus.DRAFT, OutboxStatus.PENDING, OutboxStatus.SENDING)


@dataclass(frozen=True)
class Line:
    """One agenda line of a message body."""

    day: str
    time: str
    title: str
    place: str
    cancelled: bool


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RSVP_SALT)


def rsvp_token(participation: Participation) -> str:
    """Return the signed token of a participant's answer links."""
    return _serializer().dumps({"p": participation.id, "v": participation.visit_id})


def read_rsvp_token(token: str) -> Participation | None:
    """Return the participation a valid, unexpired token stands for, else None."""
    max_age = int(current_app.config["RSVP_MAX_AGE_DAYS"]) * 86400
    try:
        data = _serializer().loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict):
        return None
    participation = db.session.get(Participation, data.get("p"))
    if participation is None or participation.visit_id != data.get("v"):
        return None
    return participation


def answer(participation: Participation, status: RsvpStatus) -> None:
    """Record a participant's answer."""
    participation.rsvp_status = status
    participation.rsvp_at = utcnow()


# Salutations are stored as typed, mostly in German; letters use the reader's language.
SALUTATIONS = {
    "de": {"herr": ("Sehr geehrter Herr", "Herr"), "frau": ("Sehr geehrte Frau", "Frau"),
           "mr": ("Sehr geehrter Herr", "Herr"), "ms": ("Sehr geehrte Frau", "Frau"),
           "mrs": ("Sehr geehrte Frau", "Frau")},
    "en": {"herr": ("Dear Mr", "Mr"), "frau": ("Dear Ms", "Ms"), "mr": ("Dear Mr", "Mr"),
           "ms": ("Dear Ms", "Ms"), "mrs": ("Dear Mrs", "Mrs")},
}  # fmt: skip


def greeting(person: Person, language: str) -> str:
    """Return the opening line of a letter: "Sehr geehrter Herr Dr. Schneidewind,"."""
    name = " ".join(part for part in (person.academic_title, person.last_name) if part)
    known = SALUTATIONS.get(language, {}).get(person.salutation.strip().rstrip(".").lower())
    if known:
        return f"{known[0]} {name},"
    with force_locale(language):
        return _("Dear %(name)s,", name=person.display_name)


def _attended(snapshot: dict[str, Any], person_id: int) -> list[dict[str, Any]]:
    return [
        item
        for item in snapshot["items"]
        if person_id in item.get("attendees", []) and item["kind"] != "internal-hold"
    ]


def _lines(items: list[dict[str, Any]], language: str) -> list[Line]:
    lines = []
    with force_locale(language):
        for item in sorted(items, key=lambda i: i["starts_at"]):
            start = datetime.fromisoformat(item["starts_at"])
            end = datetime.fromisoformat(item["ends_at"])
            lines.append(
                Line(
                    day=format_date(start.date(), format="full"),
                    time=f"{start:%H:%M}–{end:%H:%M}",
                    title=item["title"],
                    place=item.get("room") or "",
                    cancelled=item["status"] == ItemStatus.CANCELLED,
                )
            )
    return lines


def text_to_html(text: str) -> str:
    """Return the HTML part of a message from its text: the same words, escaped."""
    paragraphs = [part.split("\n") for part in text.split("\n\n") if part.strip()]
    return render_template("email/message.html", paragraphs=paragraphs)


def _summary(changes: Changes, uids: set[str], language: str) -> list[str]:
    """Return one short sentence per change that concerns these items."""
    sentences = []
    with force_locale(language):
        for item in changes.moved:
            if item["uid"] in uids:
                sentences.append(_("%(title)s moved from %(old)s to %(new)s%(place)s.",
                                   title=item["title"], old=item["from_starts_at"][11:16],
                                   new=item["starts_at"][11:16],
                                   place=f", {item['room']}" if item["room"] else ""))  # fmt: skip
        for item in changes.changed:
            if item["uid"] in uids and item["fields"]:
                sentences.append(_("%(title)s has changed.", title=item["title"]))
        for item in changes.new:
            if item["uid"] in uids:
                sentences.append(_("New: %(title)s, %(start)s.", title=item["title"],
                                   start=item["starts_at"][11:16]))  # fmt: skip
        for item in changes.cancelled + changes.removed:
            if item["uid"] in uids:
                sentences.append(_("%(title)s is cancelled.", title=item["title"]))
    return sentences


def _draft(visit: Visit, version: AgendaVersion, participation: Participation, kind: str,
           items: list[dict[str, Any]], summary: list[str]) -> OutboxMessage:  # fmt: skip
    person: Person = participation.person
    language = person.language.value
    method = "CANCEL" if kind == "cancel" else "REQUEST"
    contact = visit.contact_person
    organizer = contact.display_name if contact else visit.host_organisation.name
    snapshot = {**version.snapshot, "items": items}
    calendar = build(
        CalendarRequest(
            visit=visit,
            snapshot=snapshot,
            issued_at=version.issued_at,
            language=language,
            name=visit.title,
            method=method,
            organizer_name=organizer,
            recipient=Recipient(
                person.email, person.display_name, partstat=participation.rsvp_status.value
            ),
        )  # fmt: skip
    )
    token = rsvp_token(participation)
    base = current_app.config["BASE_URL"].rstrip("/")
    with force_locale(language):
        subject = {
            "invite": _("Invitation: %(title)s", title=visit.title),
            "update": _("Updated: %(title)s", title=visit.title),
            "cancel": _("Cancelled: %(title)s", title=visit.title),
        }[kind]
        body_text = render_template(
            "email/invitation.txt",
            kind=kind,
            visit=visit,
            greeting=greeting(person, language),
            lines=_lines(items, language),
            summary=summary,
            zone=visit.timezone,
            url=visit_url(visit),
            rsvp={
                answer: f"{base}/rsvp/{token}?answer={answer}"
                for answer in ("accepted", "tentative", "declined")
            },  # fmt: skip
            organizer=organizer,
        )
    message = OutboxMessage(
        visit=visit,
        person=person,
        participation_id=participation.id,
        kind=kind,
        status=OutboxStatus.DRAFT,
        message_id=make_msgid(domain=current_app.config["ICAL_DOMAIN"]),
        to_address=person.email,
        subject=subject,
        body_text=body_text,
        body_html=text_to_html(body_text),
        ical_method=method,
        ical=serialise(calendar).decode("utf-8"),
        version_number=version.number,
        item_uids=[item["uid"] for item in items],
        language=language,
        reply_to=(contact.email or "") if contact else "",
    )
    db.session.add(message)
    return message


def _participations(visit_id: int) -> list[Participation]:
    return list(
        db.session.scalars(
            select(Participation)
            .where(Participation.visit_id == visit_id)
            .options(joinedload(Participation.person))
        )
    )


def _reachable(participation: Participation) -> bool:
    person = participation.person
    return bool(person.email) and person.anonymised_at is None


def _has_open(participation_ids: list[int]) -> set[int]:
    if not participation_ids:
        return set()
    rows = db.session.scalars(
        select(OutboxMessage.participation_id).where(
            OutboxMessage.participation_id.in_(participation_ids), OutboxMessage.status.in_(OPEN)
        )
    )
    return set(rows)


def _raise_sequences(visit_id: int, uids: list[str]) -> None:
    """Raise the live SEQUENCE of items a person is told are cancelled for them.

    The CANCEL carries SEQUENCE + 1; a later invitation to the same item must not carry
    less, or calendar programs would ignore it.
    """
    items = db.session.scalars(
        select(AgendaItem).where(AgendaItem.visit_id == visit_id, AgendaItem.uid.in_(uids))
    )
    for item in items:
        if item.status != ItemStatus.CANCELLED:
            item.sequence += 1


def withdraw_open(participation_id: int) -> int:
    """Discard the invitations and updates to a person that have not gone out yet.

    A newer message replaces them: sending both would put an outdated calendar into
    the recipient's programme after the current one.
    """
    open_messages = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.participation_id == participation_id,
            OutboxMessage.kind.in_(("invite", "update")),
            OutboxMessage.status.in_((OutboxStatus.DRAFT, OutboxStatus.PENDING)),
        )
    ).all()
    for message in open_messages:
        message.status = OutboxStatus.DISCARDED
    return len(open_messages)


def draft_invitations(visit: Visit, version: AgendaVersion) -> int:
    """Draft an invitation for every reachable participant who has none yet."""
    participations = [p for p in _participations(visit.id) if _reachable(p)]
    busy = _has_open([p.id for p in participations])
    count = 0
    for participation in participations:
        if participation.invited_version is not None or participation.id in busy:
            continue
        items = [i for i in _attended(version.snapshot, participation.person_id)
                 if i["status"] != ItemStatus.CANCELLED]  # fmt: skip
        if items:
            _draft(visit, version, participation, "invite", items, [])
            count += 1
    db.session.flush()
    return count


def draft_updates(visit: Visit, version: AgendaVersion, changes: Changes) -> int:
    """Draft updates and cancellations for the invited people a new version affects."""
    previous = db.session.scalar(
        select(AgendaVersion).where(
            AgendaVersion.visit_id == visit.id, AgendaVersion.number == version.number - 1
        )
    )
    old_items = {item["uid"]: item for item in (previous.snapshot["items"] if previous else [])}
    # Who attends an item is not news to the others: only what they see counts.
    touched = {item["uid"] for group in (changes.new, changes.moved) for item in group} | {
        item["uid"] for item in changes.changed if item["fields"]
    }
    count = 0
    for participation in _participations(visit.id):
        attended = [i for i in _attended(version.snapshot, participation.person_id)
                    if i["status"] != ItemStatus.CANCELLED]  # fmt: skip
        if participation.invited_version is None:
            # An invitation still waiting shows an older agenda: replace it.
            if withdraw_open(participation.id) and attended and _reachable(participation):
                _draft(visit, version, participation, "invite", attended, [])
                count += 1
            continue
        live = {item["uid"] for item in attended}
        had = set(participation.invited_uids or [])
        lost = had - live
        gained = live - had
        changed = live & touched
        if not (lost or gained or changed):
            # Nothing of theirs changed: their calendar shows this version already.
            participation.invited_version = version.number
            continue
        if not _reachable(participation):
            continue
        if gained or changed:
            withdraw_open(participation.id)
            summary = _summary(changes, gained | changed, participation.person.language.value)
            _draft(visit, version, participation, "update", attended, summary)
            count += 1
        if lost:
            current = {item["uid"]: item for item in version.snapshot["items"]}
            items = [current.get(uid) or old_items[uid] for uid in sorted(lost)
                     if uid in current or uid in old_items]  # fmt: skip
            summary = _summary(changes, lost, participation.person.language.value)
            _draft(visit, version, participation, "cancel", items, summary)
            _raise_sequences(visit.id, sorted(lost))
            count += 1
    db.session.flush()
    return count


def draft_visit_cancellation(visit: Visit, version: AgendaVersion | None) -> int:
    """Draft a cancellation of every item for everyone who was invited."""
    if version is None:
        return 0
    items = {item["uid"]: item for item in version.snapshot["items"]}
    count = 0
    for participation in _participations(visit.id):
        withdraw_open(participation.id)
        uids = [uid for uid in participation.invited_uids or [] if uid in items]
        if not uids or not _reachable(participation):
            continue
        with force_locale(participation.person.language.value):
            summary = [_("The visit is cancelled.")]
        _draft(visit, version, participation, "cancel", [items[uid] for uid in uids], summary)
        count += 1
    db.session.flush()
    return count


def outdated_invitations(visit_id: int, latest_number: int | None) -> int:
    """Return how many participants hold an invitation older than the latest version."""
    if latest_number is None:
        return 0
    return sum(
        1
        for participation in _participations(visit_id)
        if participation.invited_version is not None
        and participation.invited_version < latest_number
    )


def delivered(message: OutboxMessage) -> None:
    """Note in the participation what the recipient's calendar holds now."""
    if message.participation_id is None or message.version_number is None:
        return
    participation = db.session.get(Participation, message.participation_id)
    if participation is None:
        return
    uids = set(participation.invited_uids or [])
    if message.kind == "cancel":
        uids -= set(message.item_uids)
    else:
        uids = set(message.item_uids)
    participation.invited_uids = sorted(uids)
    participation.invited_version = max(participation.invited_version or 0, message.version_number)


def draft_removal(participation: Participation) -> bool:
    """Draft the cancellation of everything a person was invited to, before they leave."""
    version = db.session.scalar(
        select(AgendaVersion)
        .where(AgendaVersion.visit_id == participation.visit_id)
        .order_by(AgendaVersion.number.desc())
        .limit(1)
    )
    withdraw_open(participation.id)
    if version is None or not participation.invited_uids or not _reachable(participation):
        return False
    items = [i for i in version.snapshot["items"] if i["uid"] in set(participation.invited_uids)]
    if not items:
        return False
    with force_locale(participation.person.language.value):
        summary = [_("You no longer take part in this visit.")]
    _draft(participation.visit, version, participation, "cancel", items, summary)
    _raise_sequences(participation.visit_id, [item["uid"] for item in items])
    return True


def draft_count(visit_id: int) -> int:
    """Return how many drafts of the visit wait for review."""
    return db.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.visit_id == visit_id, OutboxMessage.status == OutboxStatus.DRAFT)
    )
