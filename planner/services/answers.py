"""Answers of invited people, per agenda item: from their answer page or their calendar.

An answer link signs the participation's random nonce, never a row id: it stops
working when the person is removed from the visit, and cannot be guessed from another
person's link. The same link opens the person's own page: their items of the issued
agenda, with an answer per item.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from planner.enums import ItemStatus, RsvpStatus
from planner.extensions import db
from planner.models import AgendaItem, AgendaVersion, ItemAnswer, Participation
from planner.models.types import utcnow
from planner.services.agenda_view import Audience, for_audience, read_version
from planner.services.calendars import CalendarRequest, build, serialise
from planner.services.item_texts import reader_language
from planner.services.versions import latest_version

RSVP_SALT = "rsvp"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RSVP_SALT)


def rsvp_token(participation: Participation) -> str:
    """Return the signed token of a participant's answer links."""
    return _serializer().dumps({"n": participation.rsvp_nonce})


def answer_url(participation: Participation) -> str:
    """Return the address of the participant's own answer page."""
    base = current_app.config["BASE_URL"].rstrip("/")
    return f"{base}/rsvp/{rsvp_token(participation)}"


def read_rsvp_token(token: str) -> Participation | None:
    """Return the participation a valid, unexpired token stands for, else None."""
    max_age = int(current_app.config["RSVP_MAX_AGE_DAYS"]) * 86400
    try:
        data = _serializer().loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("n"), str):
        return None
    return db.session.scalar(select(Participation).where(Participation.rsvp_nonce == data["n"]))


@dataclass(frozen=True)
class OwnItem:
    """One item of a person's own programme, as issued, with their answer."""

    id: int | None
    uid: str
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    # The same moments as instants, for showing them in another zone too.
    starts_utc: datetime
    ends_utc: datetime
    place: str
    cancelled: bool
    answer: RsvpStatus
    answered_at: datetime | None


def own_items(
    participation: Participation, language: str | None = None
) -> tuple[AgendaVersion | None, list[OwnItem]]:
    """Return the latest issued version and the person's items in it, with their answers.

    Internal holds and internal notes never appear: this page needs no staff login.
    Titles and descriptions are in ``language`` (by default the person's), else in the
    other one.
    """
    version = latest_version(participation.visit_id)
    if version is None:
        return None, []
    answers = answers_of(participation)
    live = _live_ids(participation.visit_id)
    language = language or participation.person.language.value
    agenda = for_audience(read_version(version, None, language), Audience.PERSON,
                          person_id=participation.person_id)  # fmt: skip
    items = []
    for item in agenda.items:
        item_id = item.id if item.id in live else None
        answer = answers.get(item_id) if item_id is not None else None
        items.append(
            OwnItem(
                id=item_id,
                uid=item.uid,
                title=item.title,
                description=item.description,
                starts_at=item.starts_at,
                ends_at=item.ends_at,
                starts_utc=item.starts_utc,
                ends_utc=item.ends_utc,
                place=item.location or item.room,
                cancelled=item.status == ItemStatus.CANCELLED,
                answer=answer.status if answer else RsvpStatus.NEEDS_ACTION,
                answered_at=answer.replied_at if answer else None,
            )
        )
    items.sort(key=lambda own: (own.starts_at, own.title))
    return version, items


def _live_ids(visit_id: int) -> set[int]:
    return set(db.session.scalars(select(AgendaItem.id).where(AgendaItem.visit_id == visit_id)))


def answers_of(participation: Participation) -> dict[int, ItemAnswer]:
    """Return the participant's answers by agenda item id."""
    rows = db.session.scalars(
        select(ItemAnswer).where(ItemAnswer.participation_id == participation.id)
    )
    return {answer.agenda_item_id: answer for answer in rows}


def answers_by_participation(visit_id: int) -> dict[int, dict[int, ItemAnswer]]:
    """Return every answer of a visit's participants: participation id → item id → answer."""
    rows = db.session.scalars(
        select(ItemAnswer)
        .join(Participation, ItemAnswer.participation_id == Participation.id)
        .where(Participation.visit_id == visit_id)
    )
    result: dict[int, dict[int, ItemAnswer]] = {}
    for answer in rows:
        result.setdefault(answer.participation_id, {})[answer.agenda_item_id] = answer
    return result


def answer_item(
    participation: Participation,
    item: AgendaItem,
    status: RsvpStatus,
    *,
    source: str,
    replied_at: datetime | None = None,
    sequence: int | None = None,
    comment: str = "",
) -> bool:
    """Record a participant's answer for one item; the caller commits.

    Returns False (and changes nothing) when a newer answer is stored already: a
    calendar reply that arrives late must not overwrite what the person said since.
    """
    replied_at = replied_at or utcnow()
    answer = db.session.scalar(
        select(ItemAnswer).where(
            ItemAnswer.participation_id == participation.id,
            ItemAnswer.agenda_item_id == item.id,
        )
    )
    if answer is None:
        answer = ItemAnswer(participation_id=participation.id, agenda_item_id=item.id)
        db.session.add(answer)
    elif answer.replied_at > replied_at:
        return False
    answer.status = status
    answer.source = source
    answer.replied_at = replied_at
    answer.sequence = sequence
    answer.comment = comment[:2000]
    db.session.flush()
    _summarise(participation)
    return True


def record_answers(
    participation: Participation,
    everything: RsvpStatus | None,
    per_item: dict[int, RsvpStatus | None],
) -> int:
    """Record the answers given on the answer page: per item, else one for every item.

    Only items of the person's issued programme that still take place can be answered.
    Returns how many answers changed.
    """
    _, items = own_items(participation)
    open_ids = [own.id for own in items if own.id is not None and not own.cancelled]
    found = db.session.scalars(select(AgendaItem).where(AgendaItem.id.in_(open_ids))).all()
    # In programme order, so the trail (and the history's sentence) lists them so too.
    by_id = {item.id: item for item in found}
    live = [by_id[item_id] for item_id in open_ids if item_id in by_id]
    count = 0
    for item in live:
        status = per_item.get(item.id) or everything
        if status is not None:
            count += answer_item(participation, item, status, source="link")
    if not live and everything is not None:
        # Nothing to answer item by item (no version issued yet): an answer to the visit.
        participation.rsvp_status = everything
        participation.rsvp_at = utcnow()
    return count


def own_calendar(participation: Participation, feed: bool = False) -> bytes | None:
    """Return the person's issued programme as a calendar file (PUBLISH), or None;
    ``feed`` for their subscription."""
    version = latest_version(participation.visit_id)
    if version is None:
        return None
    person = participation.person
    visit = participation.visit
    return serialise(
        build(
            CalendarRequest(
                visit=visit,
                agenda=for_audience(read_version(version, visit), Audience.PERSON),
                issued_at=version.issued_at,
                language=person.language.value,
                name=visit.title,
                person_id=person.id,
                url=answer_url(participation),
                feed=feed,
            )
        )
    )


def _summarise(participation: Participation) -> None:
    """Set the participant's overall answer from the answers per item.

    Coming to any item counts as coming; declining counts only when nothing is
    accepted or tentative.
    """
    statuses = {answer.status for answer in answers_of(participation).values()}
    for status in (RsvpStatus.ACCEPTED, RsvpStatus.TENTATIVE, RsvpStatus.DECLINED):
        if status in statuses:
            participation.rsvp_status = status
            break
    participation.rsvp_at = utcnow()


@dataclass(frozen=True)
class ItemAnswerLine:
    """A person's answer for one item of the issued programme, for lists and exports."""

    item_id: int
    title: str
    status: RsvpStatus
    replied_at: datetime | None
    source: str


def answer_lines(visit_id: int) -> tuple[list[tuple[int, str]], dict[int, list[ItemAnswerLine]]]:
    """Return the issued items that can be answered, and each participant's answers.

    The items are those of the latest issued version (internal holds and cancelled
    items aside); a participant gets a line for every such item they attend, with
    "no answer" where they have not answered. Keys are participation ids.
    """
    version = latest_version(visit_id)
    if version is None:
        return [], {}
    live = _live_ids(visit_id)
    language = reader_language()
    # The items persons see and can still answer.
    agenda = for_audience(read_version(version, None, language), Audience.PERSON)
    items = [
        item for item in agenda.items if item.status != ItemStatus.CANCELLED and item.id in live
    ]
    items.sort(key=lambda item: (item.starts_at, item.title))
    participations = db.session.scalars(
        select(Participation).where(Participation.visit_id == visit_id)
    ).all()
    answers = answers_by_participation(visit_id)
    lines: dict[int, list[ItemAnswerLine]] = {}
    for participation in participations:
        given = answers.get(participation.id, {})
        lines[participation.id] = [
            ItemAnswerLine(
                item_id=item.id,
                title=item.title,
                status=given[item.id].status if item.id in given else RsvpStatus.NEEDS_ACTION,
                replied_at=given[item.id].replied_at if item.id in given else None,
                source=given[item.id].source if item.id in given else "",
            )
            for item in items
            if participation.person_id in item.attendees
        ]
    return [(item.id, item.title) for item in items], lines
