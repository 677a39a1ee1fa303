"""People: search, editing, protocol data of a person, export and anonymisation."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.orm import joinedload

from planner.enums import Language
from planner.extensions import db
from planner.models import (
    AgendaItem,
    AuditEntry,
    Organisation,
    Participation,
    Person,
    User,
    Visit,
)
from planner.models.types import utcnow
from planner.services.audit import REDACTED, redact_everything
from planner.services.errors import InvalidInput
from planner.services.item_texts import title_in
from planner.services.permissions import EDITING_ROLES
from planner.services.text import clean_text
from planner.services.users import normalise_email

ANONYMOUS = "Anonymisiert"

# Fields a form or an import may set, with their kind.
TEXT_FIELDS = (
    "salutation", "first_name", "last_name", "academic_title", "office_title", "function",
    "phone",
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
    email: str | None = None
    phone: str = ""
    phone_internal: bool = False
    language: Language = Language.DE
    dietary_needs: str = ""
    accessibility_needs: str = ""
    needs_escort: bool = False
    needs_parking: bool = False
    precedence_rank: int | None = None


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
    if not person.last_name:
        raise InvalidInput("last_name", _l("Please enter a last name."))


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


def anonymise(person: Person) -> None:
    """Replace everything that identifies the person; participations and agendas stay.

    The audit trail keeps that the person changed, never the values, before or after.
    """
    with redact_everything(db.session):
        person.salutation = ""
        person.first_name = ""
        person.last_name = ANONYMOUS
        person.academic_title = ""
        person.office_title = ""
        person.function = ""
        person.email = None
        person.phone = ""
        person.phone_internal = False
        person.dietary_needs = ""
        person.accessibility_needs = ""
        person.needs_escort = False
        person.needs_parking = False
        person.anonymised_at = utcnow()
        db.session.flush()
    for entry in db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.object_type == "Person", AuditEntry.object_id == person.id
        )
    ):
        entry.changes = {
            key: (value if key in ("anonymised_at",) else [REDACTED, REDACTED])
            for key, value in entry.changes.items()
        }


def delete_person(person: Person) -> None:
    """Delete a person who takes part in no visit; others can only be anonymised."""
    if db.session.scalar(select(Participation.id).where(Participation.person_id == person.id)):
        raise InvalidInput("person", _l("This person takes part in visits: anonymise instead."))
    db.session.execute(
        update(AgendaItem)
        .where(AgendaItem.responsible_person_id == person.id)
        .values(responsible_person_id=None)
    )
    db.session.delete(person)


def purge(older_than_days: int, today: date) -> int:
    """Anonymise everyone whose visits all ended more than the given days ago."""
    cutoff = today - timedelta(days=older_than_days)
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
        db.session.scalars(select(Person).where(Person.anonymised_at.is_(None), old, ~recent))
    )
    for person in people:
        anonymise(person)
    return len(people)
