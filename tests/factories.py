"""Small factories for test data; each adds to the session and flushes."""

import itertools
from datetime import date, datetime

from planner.enums import ItemKind, Language, Role, Side
from planner.extensions import db
from planner.models import (
    AgendaItem,
    Organisation,
    Participation,
    Person,
    Room,
    User,
    Venue,
    Visit,
)
from planner.services.users import hash_password

PASSWORD = "richtig-langes-passwort"

_counter = itertools.count(1)


def organisation(name: str | None = None) -> Organisation:
    """Add an organisation."""
    org = Organisation(name=name or f"Stadt {next(_counter)}")
    db.session.add(org)
    db.session.flush()
    return org


def room(host: Organisation, name: str = "Ratssaal", capacity: int | None = 40) -> Room:
    """Add a room in a venue of the organisation."""
    venue = Venue(organisation=host, name=f"Rathaus {next(_counter)}")
    result = Room(venue=venue, name=name, capacity=capacity)
    db.session.add(result)
    db.session.flush()
    return result


def visit(
    host: Organisation | None = None,
    guests: list[Organisation] | None = None,
    first_day: date = date(2023, 2, 23),
    last_day: date | None = None,
    **fields,
) -> Visit:
    """Add a visit."""
    result = Visit(
        host_organisation=host or organisation(),
        guest_organisations=guests if guests is not None else [organisation()],
        title=fields.pop("title", f"Besuch {next(_counter)}"),
        first_day=first_day,
        last_day=last_day or first_day,
        **fields,
    )
    db.session.add(result)
    db.session.flush()
    return result


def item(visit: Visit, start: str, end: str, title: str | None = None, **fields) -> AgendaItem:
    """Add an agenda item; ``start`` and ``end`` are "YYYY-MM-DD HH:MM" wall-clock times.

    ``title`` and ``description`` are the texts in the visit's language; ``title_en`` and
    the like set a language of their own.
    """
    language = Language(visit.language or Language.DE).value
    if title is not None or not (fields.get("title_de") or fields.get("title_en")):
        fields[f"title_{language}"] = title or f"Programmpunkt {next(_counter)}"
    if "description" in fields:
        fields[f"description_{language}"] = fields.pop("description")
    result = AgendaItem(
        visit=visit,
        starts_at=datetime.fromisoformat(start),
        ends_at=datetime.fromisoformat(end),
        kind=fields.pop("kind", ItemKind.SESSION),
        uid=fields.pop("uid", f"item-{next(_counter)}@planner.test"),
        **fields,
    )
    db.session.add(result)
    db.session.flush()
    return result


def person(org: Organisation, last_name: str | None = None, **fields) -> Person:
    """Add a person."""
    result = Person(organisation=org, last_name=last_name or f"Muster {next(_counter)}", **fields)
    db.session.add(result)
    db.session.flush()
    return result


def participation(visit: Visit, person: Person, side: Side = Side.GUEST, **fields) -> Participation:
    """Add a person to a visit."""
    result = Participation(visit=visit, person=person, side=side, **fields)
    db.session.add(result)
    db.session.flush()
    return result


def user(org: Organisation, role: Role = Role.PLANNER, **fields) -> User:
    """Add a staff login whose password is ``PASSWORD``."""
    number = next(_counter)
    result = User(
        organisation=org,
        email=fields.pop("email", f"user{number}@{org.name.lower().replace(' ', '-')}.example"),
        name=fields.pop("name", f"Mitarbeiterin {number}"),
        role=role,
        password_hash=hash_password(fields.pop("password", PASSWORD)),
        **fields,
    )
    db.session.add(result)
    db.session.flush()
    return result


def issue(visit: Visit, comment: str = "Erste Fassung"):
    """Issue the visit's draft as its next agenda version."""
    from planner.services.versions import issue_version, load_for_snapshot

    db.session.flush()
    db.session.expire(visit)
    return issue_version(load_for_snapshot(visit.id), None, comment)


def module(org: Organisation, key: str | None = None, minutes: int = 30, **fields):
    """Add a programme module to the organisation's catalogue."""
    from planner.models import ProgrammeModule

    number = next(_counter)
    result = ProgrammeModule(
        organisation=org,
        key=key or f"module-{number}",
        kind=fields.pop("kind", ItemKind.SESSION),
        title_de=fields.pop("title_de", f"Baustein {number}"),
        title_en=fields.pop("title_en", f"Module {number}"),
        default_duration_minutes=minutes,
        **fields,
    )
    db.session.add(result)
    db.session.flush()
    return result
