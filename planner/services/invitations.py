"""Invitations by e-mail: drafted into the outbox with the change that causes them.

Every iTIP message carries exactly one UID (RFC 5546; Outlook and Thunderbird act on
the first event of a message only): a person invited to five items gets a cover letter
with the whole programme (a .ics to keep, METHOD:PUBLISH, no ATTENDEE) and then five
meeting requests (METHOD:REQUEST) that their calendar files one by one. After a new
agenda version, only the people whom the changes affect get an update of the items
that changed (same UID, higher SEQUENCE) or a cancellation (METHOD:CANCEL) of the
items they lost. Every message is rendered when it is drafted, in the recipient's
language, and waits as a draft until a planner sends it from the outbox.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime
from email.utils import make_msgid

from flask import current_app, render_template
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from planner.enums import ItemStatus, OutboxStatus, RsvpStatus
from planner.extensions import db
from planner.i18n import format_span, format_time_in_zone
from planner.models import (
    AgendaItem,
    AgendaVersion,
    OutboxMessage,
    Participation,
    Person,
    Visit,
)
from planner.models.types import utcnow
from planner.services.address import person_forms
from planner.services.agenda_view import (
    AgendaView,
    Audience,
    ViewItem,
    for_audience,
    read_version,
)
from planner.services.answers import answer_url, answers_of
from planner.services.calendars import CalendarRequest, Recipient, build, serialise
from planner.services.item_texts import reader_language, title_in
from planner.services.letters import SHARED, fill, shared_text, signature, text_to_html
from planner.services.locales import formatting_locale
from planner.services.locking import write_bookkeeping
from planner.services.timezones import to_utc
from planner.services.versions import Changes

OPEN = (OutboxStatus.DRAFT, OutboxStatus.PENDING, OutboxStatus.SENDING)


@dataclass(frozen=True)
class Line:
    """One agenda line of a message body."""

    day: str
    time: str
    title: str
    place: str
    cancelled: bool


def greeting(person: Person, language: str) -> str:
    """Return the opening line of a letter: "Sehr geehrter Herr Oberbürgermeister …,"."""
    return person_forms(person, language).salutation


def _programme(visit: Visit, version: AgendaVersion) -> AgendaView:
    """Return an issued version as the people invited to it see it."""
    return for_audience(read_version(version, visit), Audience.PERSON)


def _lines(items: list[ViewItem], language: str, zone_name: str) -> list[Line]:
    """Return the agenda lines of a message, as every agenda shows the times."""
    lines = []
    ordered = sorted(items, key=lambda i: to_utc(i.starts_at, zone_name, i.starts_fold))
    with force_locale(formatting_locale(language)):
        for item in ordered:
            lines.append(
                Line(
                    day=format_date(item.starts_at.date(), format="full"),
                    time=format_span(item, zone_name),
                    title=title_in(item, language),
                    place=item.room,
                    cancelled=item.status == ItemStatus.CANCELLED,
                )
            )
    return lines


def _when(local: datetime | None, fold: int, zone_name: str,
          other: datetime | None = None) -> str:  # fmt: skip
    """Return a start as a sentence names it: the time, with the day when it differs."""
    if local is None:  # a change of the visit's zone leaves no former time
        return ""
    clock = format_time_in_zone(local, zone_name, fold)
    if other is not None and other.date() == local.date():
        return clock
    return f"{format_date(local.date(), format='short')} {clock}"


def _summary(changes: Changes, uids: set[str], language: str, zone_name: str) -> list[str]:
    """Return one short sentence per change that concerns these items."""
    sentences = []
    with force_locale(formatting_locale(language)):
        for item in changes.read("moved"):
            if item.uid in uids:
                sentences.append(_("%(title)s moved from %(old)s to %(new)s%(place)s.",
                                   title=title_in(item, language),
                                   old=_when(item.from_starts_at, item.from_starts_fold,
                                             zone_name, item.starts_at),
                                   new=_when(item.starts_at, item.starts_fold, zone_name,
                                             item.from_starts_at),
                                   place=f", {item.room}" if item.room else ""))  # fmt: skip
        for item in changes.read("changed"):
            if item.uid in uids and item.fields:
                sentences.append(_("%(title)s has changed.", title=title_in(item, language)))
        for item in changes.read("new"):
            if item.uid in uids:
                start = _when(item.starts_at, item.starts_fold, zone_name)
                sentences.append(_("New: %(title)s, %(start)s.", title=title_in(item, language),
                                   start=start))  # fmt: skip
        for item in changes.read("cancelled", "removed"):
            if item.uid in uids:
                sentences.append(_("%(title)s is cancelled.", title=title_in(item, language)))
    return sentences


# Kinds of outbox messages: a cover letter per person and version (with the whole
# programme as METHOD:PUBLISH), then one iTIP message per item.
LETTERS = ("letter-invite", "letter-update", "letter-cancel")
REQUESTS = ("invite", "update")
REPLACEABLE = (*REQUESTS, "letter-invite", "letter-update")


@dataclass(frozen=True)
class Plan:
    """What one person is sent for one version: items to request and to cancel."""

    participation: Participation
    occasion: str  # invite, update or cancel: the cover letter's wording
    requests: list[tuple[str, ViewItem]]  # (invite or update, issued item)
    cancels: list[ViewItem]
    summary: list[str]
    changes: Changes = field(default_factory=Changes)


def _organizer(visit: Visit) -> str:
    contact = visit.contact_person
    return contact.display_name if contact else visit.host_organisation.name


def _message(visit: Visit, version: AgendaVersion, participation: Participation, kind: str,
             subject: str, body_text: str, items: list[ViewItem],
             calendar: bytes | None, method: str | None) -> OutboxMessage:  # fmt: skip
    """Draft one message; a text with the shared text's place marked carries that text."""
    person: Person = participation.person
    contact = visit.contact_person
    language = person.language.value
    frame = body_text if SHARED in body_text else None
    if frame is not None:
        body_text = fill(frame, shared_text(visit.id, version.number, language))
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
        body_html=text_to_html(body_text, language, subject),
        body_frame=frame,
        ical_method=method,
        ical=calendar.decode("utf-8") if calendar is not None else None,
        version_number=version.number,
        item_uids=[item.uid for item in items],
        language=language,
        reply_to=(contact.email or "") if contact else "",
    )
    db.session.add(message)
    return message


def _calendar(visit: Visit, version: AgendaVersion, agenda: AgendaView,
              participation: Participation, items: list[ViewItem], method: str,
              answers: dict[int, RsvpStatus] | None = None) -> bytes:  # fmt: skip
    person = participation.person
    recipient = None
    if method != "PUBLISH":
        [item] = items  # one UID per iTIP message (RFC 5546)
        answer = (answers or {}).get(item.id) if item.id is not None else None
        recipient = Recipient(
            person.email, person.display_name, partstat=answer.value if answer else "needs-action"
        )
    return serialise(
        build(
            CalendarRequest(
                visit=visit,
                agenda=replace(agenda, items=tuple(items)),
                # DTSTAMP of an iTIP message is when it was written (RFC 5546): a
                # cancellation drafted later than the version is newer than it.
                issued_at=version.issued_at if method == "PUBLISH" else utcnow(),
                language=person.language.value,
                name=visit.title,
                method=method,
                organizer_name=_organizer(visit),
                recipient=recipient,
                url=answer_url(participation),
            )
        )
    )


def _item_answers(participation: Participation) -> dict[int, RsvpStatus]:
    return {item_id: answer.status for item_id, answer in answers_of(participation).items()}


def _rsvp_links(participation: Participation, item_id: int | None = None) -> dict[str, str]:
    """Return the answer links: for the whole programme, or for one item."""
    page = answer_url(participation)
    one = f"&item={item_id}" if item_id is not None else ""
    return {
        answer: f"{page}?answer={answer}{one}" for answer in ("accepted", "tentative", "declined")
    }


def _item_subject(kind: str, item: ViewItem, visit: Visit) -> str:
    # Drafted inside force_locale(): the recipient's language.
    title = f"{title_in(item, reader_language())} – {visit.title}"
    if kind == "invite":
        return _("Invitation: %(title)s", title=title)
    if kind == "update":
        return _("Updated: %(title)s", title=title)
    return _("Cancelled: %(title)s", title=title)


def _draft_plan(visit: Visit, version: AgendaVersion, agenda: AgendaView, plan: Plan) -> int:
    """Draft a person's messages: the cover letter first, then one per item.

    A first invitation always comes with a cover letter (the whole programme and a
    .ics of it to keep); an update or cancellation of a single item travels alone.
    Returns how many messages were drafted.
    """
    participation = plan.participation
    person = participation.person
    language = person.language.value
    itip = len(plan.requests) + len(plan.cancels)
    if not itip:
        return 0
    base = {
        "visit": visit,
        "greeting": greeting(person, language),
        # The zone the version was issued in (a later change is not published yet).
        "zone": agenda.timezone,
        "page": answer_url(participation),
        "rsvp": _rsvp_links(participation),
        "signature": signature(visit, version),
    }
    answers = _item_answers(participation)
    live = _live_sequences(visit.id)
    drafted = 0

    def shared() -> str:
        # The first message of the person's round carries the shared text; the others not.
        return SHARED if not drafted else ""

    with force_locale(formatting_locale(language)):
        if plan.occasion == "invite" or itip > 1:
            programme = agenda.attending(person.id)
            shown = [i for i in programme if i.status != ItemStatus.CANCELLED]
            subject = {
                "invite": _("Invitation: %(title)s", title=visit.title),
                "update": _("Updated: %(title)s", title=visit.title),
                "cancel": _("Cancelled: %(title)s", title=visit.title),
            }[plan.occasion]
            # The programme to keep: what still takes place for them.
            gone = {item.uid for item in plan.cancels}
            keep = [i for i in shown if i.uid not in gone]
            body = render_template(
                "email/letter.txt", **base, shared=shared(), occasion=plan.occasion,
                summary=plan.summary,
                lines=_lines(shown, language, base["zone"]), requests=len(plan.requests),
                cancels=len(plan.cancels), attached=bool(keep),
                cancelled_lines=_lines(plan.cancels, language, base["zone"]),
            )  # fmt: skip
            calendar = (
                _calendar(visit, version, agenda, participation, keep, "PUBLISH") if keep else None
            )
            _message(visit, version, participation, f"letter-{plan.occasion}", subject, body,
                     [], calendar, "PUBLISH" if calendar else None)  # fmt: skip
            drafted += 1
        for kind, item in plan.requests:
            body = render_template(
                "email/item.txt", **{**base, "rsvp": _rsvp_links(participation, item.id)},
                shared=shared(), kind=kind, lines=_lines([item], language, base["zone"]),
                summary=_summary(plan.changes, {item.uid}, language, base["zone"]),
            )  # fmt: skip
            calendar = _calendar(visit, version, agenda, participation,
                                 [_current(item, live)], "REQUEST", answers)  # fmt: skip
            _message(visit, version, participation, kind, _item_subject(kind, item, visit),
                     body, [item], calendar, "REQUEST")  # fmt: skip
            drafted += 1
        for item in plan.cancels:
            body = render_template(
                "email/item.txt", **base, shared=shared(), kind="cancel",
                lines=_lines([item], language, base["zone"]),
                summary=plan.summary if itip == 1 else [],
            )  # fmt: skip
            calendar = _calendar(visit, version, agenda, participation,
                                 [_current(item, live)], "CANCEL", answers)  # fmt: skip
            _message(visit, version, participation, "cancel",
                     _item_subject("cancel", item, visit), body, [item], calendar,
                     "CANCEL")  # fmt: skip
            drafted += 1
    return drafted


def _participations(visit_id: int) -> list[Participation]:
    return list(
        db.session.scalars(
            select(Participation)
            .where(Participation.visit_id == visit_id)
            .options(joinedload(Participation.person))
            # Drafted in the same order on every database.
            .order_by(Participation.id)
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


def _live_sequences(visit_id: int) -> dict[str, int]:
    """Return the live SEQUENCE of each item of the visit, by UID."""
    rows = db.session.execute(
        select(AgendaItem.uid, AgendaItem.sequence).where(AgendaItem.visit_id == visit_id)
    )
    return {uid: sequence for uid, sequence in rows}


def _current(item: ViewItem, live: dict[str, int]) -> ViewItem:
    """Return an issued item with the SEQUENCE an iTIP message about it must carry.

    A cancellation sent to one person raises the live SEQUENCE above the issued one;
    whatever goes out later about the item must not carry less, or calendar programs
    would take it for outdated.
    """
    return replace(item, sequence=max(item.sequence, live.get(item.uid, 0)))


def _raise_sequences(visit_id: int, items: list[ViewItem]) -> None:
    """Raise the live SEQUENCE of items a person is told are cancelled for them.

    The CANCEL carries SEQUENCE + 1 (an item cancelled for everyone carries its own);
    a later invitation to the same item must carry more, or calendar programs would
    ignore it.
    """
    sent = {item.uid: item for item in items}
    live = db.session.scalars(
        select(AgendaItem).where(AgendaItem.visit_id == visit_id, AgendaItem.uid.in_(sent))
    )
    for item in live:
        if item.status == ItemStatus.CANCELLED:
            continue
        cancelled = sent[item.uid].status == ItemStatus.CANCELLED
        carried = max(sent[item.uid].sequence, item.sequence) + (0 if cancelled else 1)
        item.sequence = max(item.sequence, carried + 1)


def _open_cancels(participation_id: int) -> set[str]:
    """Return the UIDs of cancellations to a person that have not been delivered yet."""
    messages = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.participation_id == participation_id,
            OutboxMessage.kind == "cancel",
            OutboxMessage.status.in_(OPEN),
        )
    )
    return {uid for message in messages for uid in message.item_uids or []}


def _withdraw_cancels(participation_id: int, uids: set[str]) -> None:
    """Discard waiting cancellations of items the person takes part in again."""
    messages = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.participation_id == participation_id,
            OutboxMessage.kind == "cancel",
            OutboxMessage.status.in_((OutboxStatus.DRAFT, OutboxStatus.PENDING)),
        )
    )
    for message in messages:
        if set(message.item_uids or []) & uids:
            message.status = OutboxStatus.DISCARDED


def withdraw_open(participation_id: int) -> set[str]:
    """Discard the invitations and updates to a person that have not gone out yet.

    A newer message replaces them: sending both would put an outdated calendar into
    the recipient's programme after the current one. Returns the UIDs they were for,
    so that the caller drafts them again from the new version.
    """
    open_messages = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.participation_id == participation_id,
            OutboxMessage.kind.in_(REPLACEABLE),
            OutboxMessage.status.in_((OutboxStatus.DRAFT, OutboxStatus.PENDING)),
        )
    ).all()
    uids: set[str] = set()
    for message in open_messages:
        message.status = OutboxStatus.DISCARDED
        uids.update(message.item_uids or [])
    return uids


def _live(programme: AgendaView, person_id: int) -> list[ViewItem]:
    return [i for i in programme.attending(person_id) if i.status != ItemStatus.CANCELLED]


def draft_invitations(visit: Visit, version: AgendaVersion) -> int:
    """Draft invitations for every reachable participant who has none yet.

    Returns how many people will be invited.
    """
    participations = [p for p in _participations(visit.id) if _reachable(p)]
    busy = _has_open([p.id for p in participations])
    programme = _programme(visit, version)
    count = 0
    for participation in participations:
        if participation.invited_version is not None or participation.id in busy:
            continue
        items = _live(programme, participation.person_id)
        plan = Plan(participation, "invite", [("invite", i) for i in items], [], [])
        count += bool(_draft_plan(visit, version, programme, plan))
    db.session.flush()
    return count


def draft_updates(visit: Visit, version: AgendaVersion, changes: Changes) -> int:
    """Draft updates and cancellations for the invited people a new version affects.

    Returns how many people will receive messages.
    """
    previous = db.session.scalar(
        select(AgendaVersion).where(
            AgendaVersion.visit_id == visit.id, AgendaVersion.number == version.number - 1
        )
    )
    old_items = read_version(previous, visit).by_uid() if previous else {}
    current = read_version(version, visit).by_uid()
    programme = _programme(visit, version)
    # Who attends an item is not news to the others: only what they see counts.
    touched = {item.uid for item in changes.read("new", "moved")} | {
        item.uid for item in changes.read("changed") if item.fields
    }
    count = 0
    for participation in _participations(visit.id):
        attended = _live(programme, participation.person_id)
        live = {item.uid for item in attended}
        if participation.invited_version is None:
            # An invitation still waiting shows an older agenda: replace it.
            if withdraw_open(participation.id) and attended and _reachable(participation):
                plan = Plan(participation, "invite", [("invite", i) for i in attended], [], [])
                count += bool(_draft_plan(visit, version, programme, plan))
            continue
        had = set(participation.invited_uids or [])
        waiting_cancels = _open_cancels(participation.id)
        if waiting_cancels & live:
            # Their calendar still holds the item: the waiting cancellation must not go.
            _withdraw_cancels(participation.id, waiting_cancels & live)
            waiting_cancels = _open_cancels(participation.id)
        lost = had - live - waiting_cancels
        gained = live - had
        changed = live & touched
        if not (lost or gained or changed):
            # Nothing of theirs changed: their calendar shows this version already.
            participation.invited_version = version.number
            continue
        if not _reachable(participation):
            continue
        waiting = withdraw_open(participation.id) if gained or changed else set()
        renew = gained | changed | (waiting & live)
        requests = [("invite" if i.uid in gained else "update", i)
                    for i in attended if i.uid in renew]  # fmt: skip
        cancels = [current.get(uid) or old_items[uid] for uid in sorted(lost)
                   if uid in current or uid in old_items]  # fmt: skip
        language = participation.person.language.value
        summary = _summary(changes, renew | lost, language, programme.timezone)
        plan = Plan(participation, "update" if requests else "cancel", requests, cancels,
                    summary, changes)  # fmt: skip
        count += bool(_draft_plan(visit, version, programme, plan))
        _raise_sequences(visit.id, cancels)
    db.session.flush()
    return count


def _draft_cancellation(participation: Participation, version: AgendaVersion,
                        programme: AgendaView, items: list[ViewItem],
                        sentence: LazyString) -> bool:  # fmt: skip
    if not items:
        return False
    with force_locale(formatting_locale(participation.person.language.value)):
        summary = [str(sentence)]
    plan = Plan(participation, "cancel", [], items, summary)
    return bool(_draft_plan(participation.visit, version, programme, plan))


def draft_visit_cancellation(visit: Visit, version: AgendaVersion | None) -> int:
    """Draft a cancellation of every item for everyone who was invited."""
    if version is None:
        return 0
    items = read_version(version, visit).by_uid()
    programme = _programme(visit, version)
    count = 0
    for participation in _participations(visit.id):
        withdraw_open(participation.id)
        waiting = _open_cancels(participation.id)
        uids = [
            uid for uid in participation.invited_uids or [] if uid in items and uid not in waiting
        ]
        if uids and _reachable(participation):
            count += _draft_cancellation(participation, version, programme,
                                         [items[uid] for uid in uids],
                                         _l("The visit is cancelled."))  # fmt: skip
    db.session.flush()
    return count


def outdated_invitations(visit_id: int, latest_number: int | None) -> int:
    """Return how many participants hold an invitation older than the latest version."""
    if latest_number is None:
        return 0
    return db.session.scalar(
        select(func.count(Participation.id)).where(
            Participation.visit_id == visit_id,
            Participation.invited_version.is_not(None),
            Participation.invited_version < latest_number,
        )
    )


def delivered(message: OutboxMessage) -> None:
    """Note in the participation what the recipient's calendar holds now."""
    if (
        message.participation_id is None
        or message.version_number is None
        or message.kind in LETTERS
    ):
        return
    participation = db.session.get(Participation, message.participation_id)
    if participation is None:
        return
    uids = set(participation.invited_uids or [])
    if message.kind == "cancel":
        uids -= set(message.item_uids)
    else:
        uids |= set(message.item_uids)
    # Bookkeeping of the worker: a planner's open form on this participant stays valid.
    write_bookkeeping(
        participation,
        invited_uids=sorted(uids),
        invited_version=max(participation.invited_version or 0, message.version_number),
    )


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
    invited = set(participation.invited_uids) - _open_cancels(participation.id)
    visit = participation.visit
    items = [i for i in read_version(version, visit).items if i.uid in invited]
    drafted = _draft_cancellation(participation, version, _programme(visit, version), items,
                                  _l("You no longer take part in this visit."))  # fmt: skip
    if drafted:
        _raise_sequences(participation.visit_id, items)
    return drafted


def draft_count(visit_id: int) -> int:
    """Return how many drafts of the visit wait for review."""
    return db.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.visit_id == visit_id, OutboxMessage.status == OutboxStatus.DRAFT)
    )


def unreachable(visit_id: int) -> list[Person]:
    """Return the participants whom no e-mail reaches: they have no address."""
    people = [
        participation.person
        for participation in _participations(visit_id)
        if not participation.person.email and participation.person.anonymised_at is None
    ]
    return sorted(people, key=lambda person: (person.last_name.casefold(), person.id))


@dataclass(frozen=True)
class OutboxGroup:
    """The messages of a visit's outbox to one recipient, and what they amount to."""

    person: Person | None
    address: str
    messages: list[OutboxMessage]

    @property
    def name(self) -> str:
        """Return the recipient's name, or "" for an address without a person."""
        return self.person.display_name if self.person else ""

    def counted(self, *kinds: str) -> int:
        """Return how many messages of these kinds go (or went) out, discarded ones aside."""
        return sum(
            1
            for message in self.messages
            if message.kind in kinds and message.status != OutboxStatus.DISCARDED
        )


def outbox_groups(visit_id: int) -> list[OutboxGroup]:
    """Return the visit's messages by recipient, the most recently drafted first."""
    messages = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.visit_id == visit_id)
        .options(joinedload(OutboxMessage.person))
        .order_by(OutboxMessage.id.desc())
    ).all()
    groups: dict[tuple, list[OutboxMessage]] = {}
    for message in messages:
        groups.setdefault((message.person_id, message.to_address), []).append(message)
    return [
        OutboxGroup(
            person=batch[0].person,
            address=batch[0].to_address,
            messages=sorted(batch, key=lambda m: m.id),
        )
        for batch in groups.values()
    ]
