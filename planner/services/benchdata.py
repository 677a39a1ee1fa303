"""Synthetic data for benchmarks, inserted in bulk: visits, items, rooms, people.

Shapes follow real use: one host city with a few buildings whose rooms all its visits
share, guest cities, and people who attend several visits.
"""

import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, insert, select, text

from planner.enums import ItemKind, ItemStatus, Language, RsvpStatus, Side, VisitStatus
from planner.extensions import db
from planner.models import (
    AgendaItem,
    Organisation,
    Participation,
    Person,
    Room,
    Venue,
    Visit,
    visit_guest_organisation,
)
from planner.services.planning_state import refresh_visits

CHUNK = 5000
STATUSES = [VisitStatus.PLANNED, VisitStatus.CONFIRMED, VisitStatus.COMPLETED, VisitStatus.DRAFT]


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _bulk(table, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(table), rows[start : start + CHUNK])


def _organisation(name: str) -> Organisation:
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == name))
    if organisation is None:
        organisation = Organisation(name=name)
        db.session.add(organisation)
        db.session.flush()
    return organisation


def generate(visits: int, items_per_visit: int, people: int, participants_per_visit: int = 10,
             host_name: str = "Bochum", first_day: date | None = None) -> list[int]:  # fmt: skip
    """Insert the data; return the new visits' ids. The caller commits."""
    now = datetime.now(UTC)
    host = _organisation(host_name)
    guests = [_organisation(f"Gaststadt {n}") for n in range(1, 6)]
    venue = Venue(organisation=host, name=f"Rathaus {uuid.uuid4().hex[:6]}", address="Markt 1")
    # Rooms big enough for the visits' people, as a planner would book them: the figures
    # measure a well-planned visit, not one with a warning on every item.
    size = max(40, participants_per_visit)
    rooms = [Room(venue=venue, name=f"Raum {n}", capacity=size + 10 * n) for n in range(10)]
    db.session.add_all(rooms)
    db.session.flush()

    person_start = _next_id(Person)
    organisations = [host, *guests]
    person_rows = [
        {
            "id": person_start + n,
            "organisation_id": organisations[n % 6].id,
            "salutation": "",
            "first_name": f"Vorname{n}",
            "last_name": f"Nachname{n}",
            "academic_title": "",
            "office_title": "",
            "function": "Referent",
            "email": f"p{person_start + n}@bench.example",
            "phone": "",
            "phone_internal": False,
            "language": Language.DE,
            "dietary_needs": "",
            "accessibility_needs": "",
            "needs_escort": False,
            "needs_parking": False,
            "precedence_rank": n % 50,
            "created_at": now,
            "updated_at": now,
        }  # fmt: skip
        for n in range(people)
    ]
    _bulk(Person.__table__, person_rows)

    visit_start = _next_id(Visit)
    start = first_day or date.today() - timedelta(days=visits // 4)  # noqa: DTZ011 (spread)
    visit_rows, guest_rows, item_rows, participation_rows = [], [], [], []
    item_id = _next_id(AgendaItem)
    participation_id = _next_id(Participation)
    for n in range(visits):
        visit_id = visit_start + n
        day = start + timedelta(days=n // 3)
        visit_rows.append(
            {
                "id": visit_id,
                "host_organisation_id": host.id,
                "title": f"Besuch {visit_id}",
                "purpose": "",
                "first_day": day,
                # Twenty items a day: the visit lasts as long as its agenda.
                "last_day": day + timedelta(days=max(1, (items_per_visit - 1) // 20)),
                "timezone": "Europe/Berlin",
                "language": Language.DE,
                "status": STATUSES[n % len(STATUSES)],
                "internal_notes": "",
                "lock_version": 1,
                "created_at": now,
                "updated_at": now,
            }  # fmt: skip
        )
        guest_rows.append({"visit_id": visit_id, "organisation_id": guests[n % 5].id})
        for m in range(items_per_visit):
            begin = datetime.combine(day + timedelta(days=m // 20), datetime.min.time())
            begin += timedelta(hours=8, minutes=30 * (m % 20))
            item_rows.append(
                {
                    "id": item_id,
                    "visit_id": visit_id,
                    "starts_at": begin,
                    "ends_at": begin + timedelta(minutes=25),
                    "setup_minutes": 0,
                    "teardown_minutes": 0,
                    "kind": ItemKind.SESSION,
                    "title_de": f"Programmpunkt {m}",
                    "title_en": f"Programme item {m}",
                    "description_de": "Austausch über Projekte der Stadtverwaltung.",
                    "description_en": "",
                    "internal_notes": "",
                    "room_id": rooms[(n + m) % 10].id,
                    "status": ItemStatus.CONFIRMED,
                    "uid": f"bench-{item_id}@bench.example",
                    "sequence": 0,
                    "lock_version": 1,
                    "created_at": now,
                    "updated_at": now,
                }  # fmt: skip
            )
            item_id += 1
        for k in range(min(participants_per_visit, people)):
            person = person_start + (n * 7 + k) % people  # people attend several visits
            side = (
                Side.HOST
                if person_rows[person - person_start]["organisation_id"] == host.id
                else Side.GUEST
            )
            participation_rows.append(
                {
                    "id": participation_id,
                    "visit_id": visit_id,
                    "person_id": person,
                    "side": side,
                    "rsvp_status": RsvpStatus.ACCEPTED,
                    "attends_all_items": True,
                    "invited_uids": [],
                    "created_at": now,
                }  # fmt: skip
            )
            participation_id += 1
    _bulk(Visit.__table__, visit_rows)
    _bulk(visit_guest_organisation, guest_rows)
    _bulk(AgendaItem.__table__, item_rows)
    _bulk(Participation.__table__, participation_rows)
    if db.engine.dialect.name == "postgresql":
        # Explicit ids leave the sequences behind; move them past the new rows.
        for table in ("person", "visit", "agenda_item", "participation"):
            sequence = f"pg_get_serial_sequence('{table}', 'id')"
            highest = f"(SELECT max(id) FROM {table})"  # noqa: S608 (fixed table names)
            db.session.execute(text(f"SELECT setval({sequence}, {highest})"))
    # Fresh statistics, as autovacuum or a nightly job would leave them: the query
    # planner decides by them.
    db.session.execute(text("ANALYZE"))
    ids = list(range(visit_start, visit_start + visits))
    # Bulk inserts bypass the session: their planning state is computed here, as
    # ``flask --app planner planning refresh`` would.
    refresh_visits(ids)
    return ids
