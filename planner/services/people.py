"""People: search, editing, protocol data of a person, export and anonymisation."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import flag_modified

from planner.enums import Language, TrashKind
from planner.extensions import db
from planner.models import (
    AgendaItem,
    AuditEntry,
    Organisation,
    OutboxMessage,
    Participation,
    Person,
    TrashEntry,
    User,
    Visit,
)
from planner.models.types import utcnow
from planner.services.address import FORM_NAMES
from planner.services.audit import REDACTED, redact_everything
from planner.services.errors import InvalidInput
from planner.services.invitations import draft_removal
from planner.services.item_texts import title_in
from planner.services.permissions import EDITING_ROLES, can_edit_delegation
from planner.services.personal import TRAVEL_FIELDS, clear_travel
from planner.services.press import forget_journalists
from planner.services.text import clean_text
from planner.services.trash import (
    CANCELLATIONS,
    person_counts,
    trash_person,
    trashed_rows,
    visit_last_days,
)
from planner.services.users import normalise_email

ANONYMOUS = "Anonymisiert"

# Fields a form or an import may set, with their kind.
TEXT_FIELDS = (
    "salutation", "first_name", "last_name", "academic_title", "office_title", "function",
    "company", "phone",
)  # fmt: skip
LONG_TEXT_FIELDS = ("dietary_needs", "accessibility_needs")
FLAG_FIELDS = ("needs_escort", "needs_parking", "phone_internal")


@dataclass
class PersonValues:
    """A person's values as a form or an import row hands them over."""

    last_name: str
    first_name: str = ""
    salutation: str = ""
    academic_title: str = ""
    office_title: str = ""
    function: str = ""
    company: str = ""
    email: str | None = None
    phone: str = ""
    phone_internal: bool = False
    language: Language = Language.DE
    dietary_needs: str = ""
    accessibility_needs: str = ""
    needs_escort: bool = False
    needs_parking: bool = False
    precedence_rank: int | None = None
    # Forms of address set by hand: {"de": {"salutation": "Lieber Uwe,"}}.
    address_overrides: dict[str, dict[str, str]] | None = None


def hosted_by(organisation_id: int):
    """Return a condition: the person takes part in a visit the organisation hosts."""
    return exists().where(
        Participation.person_id == Person.id,
        Participation.visit_id == Visit.id,
        Visit.host_organisation_id == organisation_id,
    )


def visible_people(user: User):
    """Return a condition: people of the user's organisation and of the visits it hosts."""
    return or_(Person.organisation_id == user.organisation_id, hosted_by(user.organisation_id))


def search_people(user: User, text: str = "", limit: int = 200) -> list[Person]:
    """Find people the user may see by name, organisation or e-mail."""
    query = (
        select(Person)
        .join(Organisation, Person.organisation_id == Organisation.id)
        .where(visible_people(user), Person.anonymised_at.is_(None))
        .options(joinedload(Person.organisation))
        .order_by(Person.last_name, Person.first_name, Person.id)
        .limit(limit)
    )
    for word in clean_text(text).split():
        pattern = f"%{word.lower()}%"
        query = query.where(
            or_(
                func.lower(Person.first_name).like(pattern),
                func.lower(Person.last_name).like(pattern),
                func.lower(Person.email).like(pattern),
                func.lower(Organisation.name).like(pattern),
            )
        )
    return list(db.session.scalars(query))


def can_see_person(user: User, person: Person) -> bool:
    """Return whether the user may see the person's record."""
    return bool(
        db.session.scalar(select(Person.id).where(Person.id == person.id, visible_people(user)))
    )


def can_edit_person(user: User, person: Person) -> bool:
    """Return whether the user may change the person: planners and admins of the person's
    organisation, or of an organisation that hosts a visit the person takes part in."""
    if user.role not in EDITING_ROLES:
        return False
    return can_see_person(user, person)


def apply_values(person: Person, values: PersonValues) -> None:
    """Set a person's fields from clean values."""
    for key in TEXT_FIELDS:
        setattr(person, key, clean_text(getattr(values, key)))
    for key in LONG_TEXT_FIELDS:
        setattr(person, key, clean_text(getattr(values, key), multiline=True))
    for key in FLAG_FIELDS:
        setattr(person, key, bool(getattr(values, key)))
    person.email = normalise_email(values.email) if values.email else None
    person.language = Language(values.language)
    person.precedence_rank = values.precedence_rank
    if values.address_overrides is not None:
        person.address_overrides = clean_overrides(values.address_overrides)
    if not person.last_name:
        raise InvalidInput("last_name", _l("Please enter a last name."))


def clean_overrides(overrides: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """Return the forms of address set by hand, without empty ones."""
    kept = {}
    for language in (language.value for language in Language):
        own = overrides.get(language) or {}
        forms = {name: clean_text(own.get(name) or "") for name in FORM_NAMES}
        if any(forms.values()):
            kept[language] = {name: text for name, text in forms.items() if text}
    return kept


def email_taken(organisation_id: int, email: str | None, person_id: int | None) -> bool:
    """Return whether another person of the organisation has that address."""
    if not email:
        return False
    query = select(Person.id).where(
        Person.organisation_id == organisation_id, Person.email == email.lower()
    )
    if person_id is not None:
        query = query.where(Person.id != person_id)
    return db.session.scalar(query) is not None


def save_person(
    organisation: Organisation, values: PersonValues, person: Person | None = None
) -> Person:
    """Create or change a person; the caller commits."""
    with db.session.no_autoflush:
        if person is None:
            person = Person(organisation=organisation)
            db.session.add(person)
        apply_values(person, values)
        if email_taken(organisation.id, person.email, person.id):
            raise InvalidInput("email", _l("Another person of this organisation has this address."))
    db.session.flush()
    return person


def personal_data(person: Person) -> dict[str, Any]:
    """Return everything stored about a person, for a data subject's request."""
    participations = db.session.scalars(
        select(Participation)
        .where(Participation.person_id == person.id)
        .options(joinedload(Participation.visit), joinedload(Participation.items))
    ).unique()
    responsible_for = db.session.scalars(
        select(AgendaItem).where(AgendaItem.responsible_person_id == person.id)
    )
    trail = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == "Person", AuditEntry.object_id == person.id)
        .order_by(AuditEntry.id)
    )
    fields = {
        column.key: getattr(person, column.key)
        for column in Person.__table__.columns
        if column.key not in ("organisation_id",)
    }
    return _jsonable(
        {
            "person": {**fields, "organisation": person.organisation.name},
            "participations": [
                {
                    "visit": p.visit.title,
                    "visit_days": [p.visit.first_day, p.visit.last_day],
                    "side": p.side,
                    "rsvp_status": p.rsvp_status,
                    "rsvp_at": p.rsvp_at,
                    "attends_all_items": p.attends_all_items,
                    "items": [title_in(item, person.language) for item in p.items],
                }
                for p in participations
            ],
            "responsible_for_items": [title_in(item, person.language) for item in responsible_for],
            "audit_trail": [
                {"when": e.created_at, "action": e.action, "changes": e.changes} for e in trail
            ],
        }
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    return value


# What anonymising leaves of a person's identifying fields.
ANONYMISED = {
    "salutation": "", "first_name": "", "last_name": ANONYMOUS, "academic_title": "",
    "office_title": "", "function": "", "company": "", "email": None, "phone": "",
    "phone_internal": False, "dietary_needs": "", "accessibility_needs": "",
    "needs_escort": False, "needs_parking": False, "address_overrides": {},
    "health_consent_at": None,
}  # fmt: skip


def anonymise(person: Person) -> None:
    """Replace everything that identifies the person; participations and agendas stay.

    The audit trail keeps that the person changed, never the values, before or after.
    """
    participations = _participations_of(person)
    with redact_everything(db.session):
        for key, value in ANONYMISED.items():
            setattr(person, key, value)
        person.anonymised_at = utcnow()
        for participation in participations:
            clear_travel(participation)
        db.session.flush()
    _redact_trail(person.id)
    _redact_travel_trail([participation.id for participation in participations])


def _redact_trail(person_id: int) -> None:
    for entry in db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.object_type == "Person", AuditEntry.object_id == person_id
        )
    ):
        entry.changes = {
            key: (value if key in ("anonymised_at",) else [REDACTED, REDACTED])
            for key, value in entry.changes.items()
        }


def _redact_travel_trail(participation_ids: list[int]) -> None:
    """Keep that the journeys changed, never how the person travelled."""
    if not participation_ids:
        return
    for entry in db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.object_type == "Participation",
            AuditEntry.object_id.in_(participation_ids),
        )
    ):
        if any(key in TRAVEL_FIELDS for key in entry.changes):
            entry.changes = {
                key: ([REDACTED, REDACTED] if key in TRAVEL_FIELDS else value)
                for key, value in entry.changes.items()
            }


@dataclass(frozen=True)
class PersonDeletion:
    """What deleting a person takes along and sets off, for the confirmation page."""

    counts: dict[str, int]
    visits: list[Visit]
    responsible_for: int
    contact_of: int
    cancellations: int
    refusal: LazyString | None


def _participations_of(person: Person) -> list[Participation]:
    return list(
        db.session.scalars(
            select(Participation)
            .where(Participation.person_id == person.id)
            .options(joinedload(Participation.visit))
        )
    )


def deletion_refusal(user: User, person: Person) -> LazyString | None:
    """Return why the user may not delete the person, or None when they may."""
    if not can_edit_person(user, person):
        return _l("You may not change this person.")
    for participation in _participations_of(person):
        if not can_edit_delegation(user, participation.visit, person.organisation):
            return _l(
                "This person also takes part in visits that you cannot change: remove "
                "them from your own visits instead."
            )
    return None


def person_deletion(user: User, person: Person) -> PersonDeletion:
    """Return what deleting the person would take along into the trash and set off."""
    participations = _participations_of(person)
    return PersonDeletion(
        counts=person_counts(person),
        visits=sorted((p.visit for p in participations), key=lambda v: (v.first_day, v.id)),
        responsible_for=db.session.scalar(
            select(func.count())
            .select_from(AgendaItem)
            .where(AgendaItem.responsible_person_id == person.id)
        ),
        contact_of=db.session.scalar(
            select(func.count()).select_from(Visit).where(Visit.contact_person_id == person.id)
        ),
        cancellations=sum(
            len(p.invited_uids or [])
            for p in participations
            if person.email and not person.anonymised_at
        ),
        refusal=deletion_refusal(user, person),
    )


def _cancellation_ids(participation_ids: list[int]) -> set[int]:
    if not participation_ids:
        return set()
    return set(
        db.session.scalars(
            select(OutboxMessage.id).where(
                OutboxMessage.participation_id.in_(participation_ids),
                OutboxMessage.kind.in_(CANCELLATIONS),
            )
        )
    )


def delete_person(person: Person, user: User | None = None) -> TrashEntry:
    """Move a person with their participations into the trash; the caller commits.

    Whoever was sent invitations gets cancellations drafted first, as when a participant
    is removed; restoring the person withdraws those that have not gone out.
    """
    refusal = deletion_refusal(user, person) if user is not None else None
    if refusal is not None:
        raise InvalidInput("person", refusal)
    participations = _participations_of(person)
    ids = [participation.id for participation in participations]
    before = _cancellation_ids(ids)
    for participation in participations:
        draft_removal(participation)
    db.session.flush()
    return trash_person(person, user, sorted(_cancellation_ids(ids) - before))


def purge(older_than_days: int, today: date) -> int:
    """Anonymise everyone whose visits all ended more than the given days ago, and clear
    the journalists' names and contacts on those visits' press lists.

    Participations and people in the trash count alike: the law does not wait for the
    trash to be emptied.
    """
    cutoff = today - timedelta(days=older_than_days)
    old_in_trash, recent_in_trash = _trashed_participants(cutoff)
    recent = (
        select(Participation.id)
        .join(Visit, Participation.visit_id == Visit.id)
        .where(Participation.person_id == Person.id, Visit.last_day >= cutoff)
        .exists()
    )
    old = (
        select(Participation.id)
        .join(Visit, Participation.visit_id == Visit.id)
        .where(Participation.person_id == Person.id, Visit.last_day < cutoff)
        .exists()
    )
    people = list(
        db.session.scalars(
            select(Person).where(
                Person.anonymised_at.is_(None),
                or_(old, Person.id.in_(old_in_trash)),
                ~recent,
                Person.id.not_in(recent_in_trash),
            )
        )
    )
    for person in people:
        anonymise(person)
    forget_journalists(cutoff)
    return len(people) + _anonymise_in_trash(old_in_trash - recent_in_trash)


def _trashed_participants(cutoff: date) -> tuple[set[int], set[int]]:
    """Return who took part in visits that ended before ``cutoff``, and who in later ones,
    counting only participations that lie in the trash.
    """
    trashed = trashed_rows("participation")
    last_days = visit_last_days({row["visit_id"] for _entry, row in trashed})
    old: set[int] = set()
    recent: set[int] = set()
    for _entry, row in trashed:
        last_day = last_days.get(row["visit_id"])
        # A visit removed for good is over for the purpose of the purge.
        (old if last_day is None or last_day < cutoff else recent).add(row["person_id"])
    return old, recent


def _anonymise_in_trash(person_ids: set[int]) -> int:
    """Anonymise the people among ``person_ids`` who lie in the trash; return how many."""
    count = 0
    for entry, row in trashed_rows("person"):
        if row["id"] not in person_ids or row.get("anonymised_at"):
            continue
        row.update(ANONYMISED)
        row["anonymised_at"] = utcnow().isoformat()
        if entry.kind == TrashKind.PERSON and entry.object_id == row["id"]:
            entry.title = ANONYMOUS
        flag_modified(entry, "payload")
        _redact_trail(row["id"])
        count += 1
    return count
