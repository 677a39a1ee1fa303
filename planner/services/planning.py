"""Creating and changing visits: details, status, copies and deletion."""

import uuid
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import func, select

from planner.enums import ItemStatus, Language, Side, VisitStatus
from planner.extensions import db
from planner.models import (
    AgendaItem,
    AgendaVersion,
    Organisation,
    Participation,
    Person,
    TrashEntry,
    User,
    Visit,
    VisitGuest,
)
from planner.services.agenda import folds_in_zone, moved_by_days
from planner.services.conflicts import find_conflicts
from planner.services.errors import InvalidInput
from planner.services.guests import name_guests, notify_invited
from planner.services.locking import save_with_lock
from planner.services.text import clean_text
from planner.services.timezones import is_known_zone
from planner.services.trash import trash_visit
from planner.services.users import get_or_create_organisation

# Where a visit may go from each status; cancelled is reachable until completion.
TRANSITIONS = {
    VisitStatus.DRAFT: (VisitStatus.PLANNED, VisitStatus.CANCELLED),
    VisitStatus.PLANNED: (VisitStatus.DRAFT, VisitStatus.CONFIRMED, VisitStatus.CANCELLED),
    VisitStatus.CONFIRMED: (VisitStatus.PLANNED, VisitStatus.COMPLETED, VisitStatus.CANCELLED),
    VisitStatus.COMPLETED: (),
    VisitStatus.CANCELLED: (VisitStatus.DRAFT,),
}


@dataclass(frozen=True)
class VisitValues:
    """A visit's details as a form hands them over."""

    title: str
    first_day: date
    last_day: date
    timezone: str = "Europe/Berlin"
    language: Language = Language.DE
    purpose: str = ""
    internal_notes: str = ""
    guest_organisation_ids: list[int] = field(default_factory=list)
    new_guest_organisation: str = ""
    contact_person_id: int | None = None


def _check(host: Organisation, values: VisitValues) -> tuple[VisitValues, list[Organisation]]:
    title = clean_text(values.title)
    if not title:
        raise InvalidInput("title", _l("Please enter a title."))
    if values.last_day < values.first_day:
        raise InvalidInput("last_day", _l("The last day cannot lie before the first day."))
    if not is_known_zone(values.timezone):
        raise InvalidInput("timezone", _l("Choose a time zone such as Europe/Berlin."))
    guests = list(
        db.session.scalars(
            select(Organisation).where(Organisation.id.in_(values.guest_organisation_ids))
        )
    )
    if len(guests) != len(set(values.guest_organisation_ids)):
        raise InvalidInput("guest_organisations", _l("An organisation does not exist."))
    new_name = clean_text(values.new_guest_organisation)
    if new_name:
        guests.append(get_or_create_organisation(new_name))
    if any(guest.id == host.id for guest in guests if guest.id is not None) or any(
        guest.name == host.name for guest in guests
    ):
        raise InvalidInput("guest_organisations", _l("The host cannot be its own guest."))
    if values.contact_person_id is not None:
        person = db.session.get(Person, values.contact_person_id)
        if person is None or person.organisation_id != host.id:
            raise InvalidInput("contact_person", _l("Choose a person of the host organisation."))
    clean = VisitValues(
        **{
            **values.__dict__,
            "title": title,
            "purpose": clean_text(values.purpose, multiline=True),
            "internal_notes": clean_text(values.internal_notes, multiline=True),
        }
    )
    return clean, list({guest.name: guest for guest in guests}.values())


def _assign(visit: Visit, values: VisitValues, guests: list[Organisation]) -> list[VisitGuest]:
    visit.title = values.title
    visit.first_day = values.first_day
    visit.last_day = values.last_day
    visit.timezone = values.timezone
    visit.language = Language(values.language)
    visit.purpose = values.purpose
    visit.internal_notes = values.internal_notes
    visit.contact_person_id = values.contact_person_id
    return name_guests(visit, guests)


def create_visit(host: Organisation, values: VisitValues) -> Visit:
    """Create a draft visit hosted by ``host``; the caller commits."""
    values, guests = _check(host, values)
    visit = Visit(host_organisation=host, status=VisitStatus.DRAFT)
    invited = _assign(visit, values, guests)
    db.session.add(visit)
    db.session.flush()
    notify_invited(visit, invited)
    return visit


def update_visit(visit: Visit, values: VisitValues, expected_version: int | None) -> None:
    """Change a visit's details unless someone else changed them meanwhile."""
    values, guests = _check(visit.host_organisation, values)
    # Another zone gives the same wall-clock times other instants: each must still exist.
    folds = folds_in_zone(visit, values.timezone) if values.timezone != visit.timezone else {}

    invited: list[VisitGuest] = []

    def change() -> None:
        invited.extend(_assign(visit, values, guests))
        for item in visit.items:
            if item.id in folds:
                item.starts_fold, item.ends_fold = folds[item.id]

    save_with_lock(visit, expected_version, change)
    notify_invited(visit, invited)


def change_status(visit: Visit, target: VisitStatus) -> None:
    """Move a visit to another status along the allowed transitions."""
    if target not in TRANSITIONS[visit.status]:
        raise InvalidInput("status", _l("This change of status is not possible."))
    if VisitStatus.CANCELLED in (target, visit.status):
        # Calendars cancel (or bring back) every item: each needs a higher SEQUENCE.
        for item in visit.items:
            if item.status != ItemStatus.CANCELLED:
                item.sequence += 1
    visit.status = target


@dataclass(frozen=True)
class CopyValues:
    """What a copy of a visit takes over: its title, dates and guests, and what to copy.

    Without a title the copy keeps the original's. Guests and their delegations, answers,
    versions and invitations are never copied: the guests named here are asked anew.
    """

    first_day: date
    title: str | None = None
    guest_organisation_ids: list[int] = field(default_factory=list)
    items: bool = True
    rooms: bool = True
    internal_notes: bool = True
    hosts: bool = True


def duplicate_visit(visit: Visit, values: CopyValues) -> Visit:
    """Copy a visit onto new dates with the chosen parts, shifted; the caller commits."""
    shift = values.first_day - visit.first_day
    copy = create_visit(
        visit.host_organisation,
        VisitValues(
            title=visit.title if values.title is None else values.title,
            first_day=visit.first_day + shift,
            last_day=visit.last_day + shift,
            timezone=visit.timezone,
            language=visit.language,
            purpose=visit.purpose,
            internal_notes=visit.internal_notes if values.internal_notes else "",
            guest_organisation_ids=values.guest_organisation_ids,
            contact_person_id=visit.contact_person_id,
        ),
    )
    copies: dict[int, AgendaItem] = {}
    domain = current_app.config["ICAL_DOMAIN"]
    for item in visit.items if values.items else []:
        starts_at, starts_fold, ends_at, ends_fold = moved_by_days(item, shift.days, visit.timezone)
        copies[item.id] = AgendaItem(
            visit=copy,
            module_id=item.module_id,
            starts_at=starts_at,
            starts_fold=starts_fold,
            ends_at=ends_at,
            ends_fold=ends_fold,
            setup_minutes=item.setup_minutes,
            teardown_minutes=item.teardown_minutes,
            kind=item.kind,
            title_de=item.title_de,
            title_en=item.title_en,
            description_de=item.description_de,
            description_en=item.description_en,
            internal_notes=item.internal_notes if values.internal_notes else "",
            room_id=item.room_id if values.rooms else None,
            responsible_person_id=item.responsible_person_id,
            status=item.status,
            press_access=item.press_access,
            uid=f"{uuid.uuid4()}@{domain}",
        )
        db.session.add(copies[item.id])
    for participation in visit.participations if values.hosts else []:
        if participation.side != Side.HOST:
            continue
        db.session.add(
            Participation(
                visit=copy,
                person_id=participation.person_id,
                side=Side.HOST,
                rank=participation.rank,
                attends_all_items=participation.attends_all_items,
                items=[copies[item.id] for item in participation.items if item.id in copies],
            )
        )
    db.session.flush()
    return copy


def copy_conflict_count(copy: Visit) -> int:
    """Return how many warnings a copy's new dates cause, with its rooms and people."""
    return len(find_conflicts([copy.id])[copy.id])


def deletion_refusal(visit: Visit) -> LazyString | None:
    """Return why a visit cannot be deleted, or None when it can.

    Only a draft of which no version was ever issued: once an agenda went out, the visit
    is cancelled instead (which sends the cancellations), never deleted. Issuing does not
    move the status on by itself, so the status alone does not tell.
    """
    issued = db.session.scalar(
        select(func.max(AgendaVersion.number)).where(AgendaVersion.visit_id == visit.id)
    )
    if issued:
        return _l(
            "Version %(number)s of this visit has been issued, so it cannot be deleted: "
            "cancel it instead, and everyone invited receives a cancellation.",
            number=issued,
        )
    if visit.status != VisitStatus.DRAFT:
        return _l("Only drafts can be deleted; cancel the visit instead.")
    return None


def delete_visit(visit: Visit, user: User | None = None) -> TrashEntry:
    """Move a draft visit that was never issued into the trash, with all that belongs to it."""
    refusal = deletion_refusal(visit)
    if refusal is not None:
        raise InvalidInput("status", refusal)
    return trash_visit(visit, user)
