"""The reference visit of the design: Wuppertal's Smart City exchange in Bochum, 2023."""

import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from planner.enums import (
    GiftDirection,
    HeadsCustom,
    ItemKind,
    Language,
    PressAccess,
    Role,
    RsvpStatus,
    SeatingLayout,
    Side,
    VehicleKind,
    VisitStatus,
)
from planner.extensions import db
from planner.models import (
    AgendaItem,
    Gift,
    Organisation,
    Participation,
    Person,
    ProgrammeModule,
    Room,
    User,
    Vehicle,
    Venue,
    Visit,
)
from planner.services.attendance import load_participations
from planner.services.golden_book import add_entry
from planner.services.seating_plans import propose_plan
from planner.services.transport import (
    assign_seats,
    attendees_of,
    propose_seats,
    seating_digest,
)
from planner.services.users import create_user, get_or_create_organisation
from planner.services.versions import issue_version, load_for_snapshot

HOST = "Bochum"
GUEST = "Wuppertal"
VISIT_TITLE = "Smart-City-Austausch: Besuch der Stadt Wuppertal"
VISIT_DAY = date(2023, 2, 23)
INTERNAL_PARKING_NOTE = "Parkplätze für die Delegation im Innenhof reserviert"

# The mayor's car for the heads of delegation, with its driver.
CAR = {
    "kind": VehicleKind.CAR,
    "name": "Dienstwagen des Oberbürgermeisters",
    "plate": "BO-SB 100",
    "seats": 3,
    "driver_name": "Michael Brandt",
    "driver_phone": "+49 234 555 0180",
    "notes": "Fahrbereitschaft der Stadt Bochum",
}

CITY_HALL = "Rathaus Bochum"
ROOMS = [
    # name, capacity, accessibility notes
    ("Amtszimmer des Oberbürgermeisters", 14, "Aufzug im Foyer, 1. Obergeschoss"),
    ("Foyer", 120, "Ebenerdig vom Haupteingang Willy-Brandt-Platz"),
    ("Besprechungsraum 2.14", 20, "Aufzug, 2. Obergeschoss; Induktionsschleife"),
]

# key, kind, German title, English title, German description, English description,
# default minutes, default room
MODULES = [
    (
        "welcome-mayor",
        ItemKind.RECEPTION,
        "Begrüßung durch den Oberbürgermeister",
        "Welcome by the Lord Mayor",
        "Empfang der Delegation und Eintrag ins Goldene Buch.",
        "Reception of the delegation and signing of the Golden Book.",
        30,
        "Amtszimmer des Oberbürgermeisters",
    ),
    (
        "steles-demo",
        ItemKind.DEMO,
        "Vorführung der digitalen Infostelen",
        "Digital information steles demo",
        "Die digitalen Stelen in der Innenstadt: Inhalte, Betrieb, Barrierefreiheit.",
        "The digital steles in the city centre: content, operation, accessibility.",
        45,
        "Foyer",
    ),
    (
        "rathaus-navi",
        ItemKind.WALKTHROUGH,
        "Rundgang mit der App „Rathaus Navi“",
        "Rathaus Navi app walkthrough",
        "Orientierung im Rathaus mit der App, vor Ort ausprobiert.",
        "Finding one's way through the city hall with the app, tried on site.",
        45,
        "Foyer",
    ),
    (
        "innovation-unit",
        ItemKind.SESSION,
        "Smart City Innovation Unit: das „Bochumer Modell“",
        'Smart City Innovation Unit: the "Bochumer Modell"',
        "Wie Bochum Digitalisierungsprojekte mit Verwaltung, Stadtwerken und Hochschulen "
        "gemeinsam steuert.",
        "How Bochum steers digital projects jointly with its administration, utilities and "
        "universities.",
        75,
        "Besprechungsraum 2.14",
    ),
    (
        "closing-exchange",
        ItemKind.SESSION,
        "Abschlussgespräch",
        "Closing exchange",
        "Vereinbarungen und nächste Schritte.",
        "Agreements and next steps.",
        30,
        "Amtszimmer des Oberbürgermeisters",
    ),
    (
        "press-photo",
        ItemKind.PRESS,
        "Pressefoto",
        "Press photo",
        "Gemeinsames Foto für Presse und soziale Medien.",
        "Joint photo for the press and social media.",
        15,
        "Foyer",
    ),
    ("lunch", ItemKind.MEAL, "Mittagessen", "Lunch", "", "", 60, None),
    ("transfer", ItemKind.TRANSFER, "Transfer", "Transfer", "", "", 20, None),
]

# module key, start, end
PROGRAMME = [
    ("welcome-mayor", "10:00", "10:30"),
    ("steles-demo", "10:30", "11:15"),
    ("rathaus-navi", "11:15", "12:00"),
    ("innovation-unit", "12:00", "13:15"),
    ("closing-exchange", "13:15", "13:45"),
    ("transfer", "13:45", "14:05"),
]
# The module "transfer" is only "Transfer": the demo's says where it goes, because the
# driver sheet takes a destination after the day's last item from the transfer's texts.
TRANSFER_TEXTS = {
    "title_de": "Transfer zum Hauptbahnhof",
    "title_en": "Transfer to the main station",
    "description_de": "Die Delegationsspitzen im Dienstwagen zum Hauptbahnhof Bochum, "
    "Kurt-Schumacher-Platz 1.",
    "description_en": "The heads of delegation in the official car to Bochum main station, "
    "Kurt-Schumacher-Platz 1.",
}

# The press photo is taken at the welcome, with the entry into the Golden Book.
PRESS_OPEN = {"welcome-mayor": PressAccess.PHOTO_OPPORTUNITY}
# The heads of delegation are named on the press page; their teams are not.
PRESS_PUBLIC = {"Schneidewind", "Eiskirch"}

# organisation, salutation, academic title, first, last, office title, function,
# e-mail, phone, phone is internal, rank, side
PEOPLE = [
    (
        GUEST,
        "Herr",
        "Prof. Dr.",
        "Uwe",
        "Schneidewind",
        "Oberbürgermeister",
        "Oberbürgermeister der Stadt Wuppertal",
        "uwe.schneidewind@wuppertal.example",
        "",
        False,
        1,
        Side.GUEST,
    ),
    (
        GUEST,
        "Frau",
        "",
        "Miriam",
        "Albers",
        "",
        "Büroleitung des Oberbürgermeisters",
        "miriam.albers@wuppertal.example",
        "",
        False,
        2,
        Side.GUEST,
    ),
    (
        GUEST,
        "Herr",
        "",
        "Jonas",
        "Reuter",
        "",
        "Smart-City-Koordination",
        "jonas.reuter@wuppertal.example",
        "",
        False,
        3,
        Side.GUEST,
    ),
    (
        HOST,
        "Herr",
        "",
        "Thomas",
        "Eiskirch",
        "Oberbürgermeister",
        "Oberbürgermeister der Stadt Bochum",
        "thomas.eiskirch@bochum.example",
        "",
        False,
        1,
        Side.HOST,
    ),
    (
        HOST,
        "Herr",
        "",
        "Sebastian",
        "Kopietz",
        "Stadtdirektor",
        "Stadtdirektor der Stadt Bochum",
        "sebastian.kopietz@bochum.example",
        "",
        False,
        2,
        Side.HOST,
    ),
    (
        HOST,
        "Herr",
        "",
        "Denes",
        "Kücük",
        "",
        "Chief Digital Officer",
        "denes.kuecuek@bochum.example",
        "+49 234 555 0142",
        True,
        3,
        Side.HOST,
    ),
]
CONTACT = (
    HOST,
    "Frau",
    "",
    "Lena",
    "Hoffmann",
    "",
    "Protokoll der Stadt Bochum",
    "protokoll@bochum.example",
    "+49 234 555 0100",
    False,
    None,
    Side.HOST,
)


DEMO_ADMIN_EMAIL = "admin@bochum.example"
# The item with the demo's seating plan, and its long table's seats.
CLOSING = "closing-exchange"
DEMO_TABLE_SEATS = 8


@dataclass(frozen=True)
class DemoResult:
    """What loading the demo did; ``admin_password`` is set only when the admin is new."""

    visit: Visit
    created: bool
    admin_password: str | None = None


def _time(text: str) -> datetime:
    hours, minutes = (int(part) for part in text.split(":"))
    return datetime.combine(VISIT_DAY, datetime.min.time()).replace(hour=hours, minute=minutes)


def _ensure_rooms(organisation: Organisation) -> dict[str, Room]:
    venue = db.session.scalar(
        select(Venue).where(Venue.organisation_id == organisation.id, Venue.name == CITY_HALL)
    )
    if venue is None:
        venue = Venue(
            organisation=organisation,
            name=CITY_HALL,
            address="Willy-Brandt-Platz 2–6, 44777 Bochum",
            accessibility_notes="Barrierefreier Eingang am Willy-Brandt-Platz; Aufzüge.",
        )
        db.session.add(venue)
        db.session.flush()
    rooms = {room.name: room for room in venue.rooms}
    for name, capacity, notes in ROOMS:
        if name not in rooms:
            rooms[name] = Room(venue=venue, name=name, capacity=capacity, accessibility_notes=notes)
            db.session.add(rooms[name])
    return rooms


def _ensure_modules(
    organisation: Organisation, rooms: dict[str, Room]
) -> dict[str, ProgrammeModule]:
    existing = {
        module.key: module
        for module in db.session.scalars(
            select(ProgrammeModule).where(ProgrammeModule.organisation_id == organisation.id)
        )
    }
    for key, kind, title_de, title_en, text_de, text_en, minutes, room in MODULES:
        if key not in existing:
            existing[key] = ProgrammeModule(
                organisation=organisation, key=key, kind=kind,
                title_de=title_de, title_en=title_en,
                description_de=text_de, description_en=text_en,
                default_duration_minutes=minutes,
                default_room=rooms[room] if room else None,
            )  # fmt: skip
            db.session.add(existing[key])
    return existing


def _ensure_person(organisations: dict[str, Organisation], row: tuple) -> Person:
    org, salutation, academic, first, last, office, function, email, phone, internal, rank, _ = row
    organisation = organisations[org]
    person = db.session.scalar(
        select(Person).where(Person.organisation_id == organisation.id, Person.email == email)
    )
    if person is None:
        person = Person(
            organisation=organisation, salutation=salutation, academic_title=academic,
            first_name=first, last_name=last, office_title=office, function=function,
            email=email, phone=phone, phone_internal=internal, precedence_rank=rank,
            language=Language.DE,
        )  # fmt: skip
        db.session.add(person)
    return person


def load_demo_data() -> DemoResult:
    """Load the reference visit and the module catalogue; a second run changes nothing."""
    organisations = {name: get_or_create_organisation(name) for name in (HOST, GUEST)}
    db.session.flush()
    host = organisations[HOST]
    rooms = _ensure_rooms(host)
    modules = _ensure_modules(host, rooms)
    people = [_ensure_person(organisations, row) for row in PEOPLE]
    contact = _ensure_person(organisations, CONTACT)
    db.session.flush()

    visit = db.session.scalar(
        select(Visit).where(
            Visit.host_organisation_id == host.id,
            Visit.title == VISIT_TITLE,
            Visit.first_day == VISIT_DAY,
        )
    )
    admin_password = _ensure_demo_admin()
    if visit is not None:
        return DemoResult(visit=visit, created=False, admin_password=admin_password)

    visit = Visit(
        host_organisation=host,
        guest_organisations=[organisations[GUEST]],
        title=VISIT_TITLE,
        purpose="Erfahrungsaustausch zu Smart-City-Projekten: digitale Infostelen, "
        "„Rathaus Navi“ und die Smart City Innovation Unit (das „Bochumer Modell“).",
        first_day=VISIT_DAY,
        last_day=VISIT_DAY,
        timezone="Europe/Berlin",
        language=Language.DE,
        status=VisitStatus.COMPLETED,
        contact_person=contact,
    )
    db.session.add(visit)
    domain = current_app.config["ICAL_DOMAIN"]
    for key, start, end in PROGRAMME:
        module = modules[key]
        # Both languages from the module: English readers get English texts.
        texts = {
            "title_de": module.title_de,
            "title_en": module.title_en,
            "description_de": module.description_de,
            "description_en": module.description_en,
        }
        if key == "transfer":
            texts = TRANSFER_TEXTS
        db.session.add(
            AgendaItem(
                visit=visit,
                module=module,
                kind=module.kind,
                **texts,
                internal_notes=INTERNAL_PARKING_NOTE if key == "welcome-mayor" else "",
                room=module.default_room,
                responsible_person=contact,
                starts_at=_time(start),
                ends_at=_time(end),
                uid=f"{uuid.uuid4()}@{domain}",
                press_access=PRESS_OPEN.get(key, PressAccess.CLOSED),
            )
        )
    for person, row in zip([*people, contact], [*PEOPLE, CONTACT], strict=True):
        db.session.add(
            Participation(visit=visit, person=person, side=row[-1], rsvp_status=RsvpStatus.ACCEPTED,
                          press_public=person.last_name in PRESS_PUBLIC)
        )  # fmt: skip
    db.session.flush()
    _add_welcome_protocol(visit, people)
    _drive_heads_to_station(visit)
    # Guests see issued versions only: the reference visit comes with its first one.
    issue_version(load_for_snapshot(visit.id), None, "Programm für den Besuch am 23. Februar 2023")
    _seat_closing_exchange(visit)
    return DemoResult(visit=visit, created=True, admin_password=admin_password)


def _seat_closing_exchange(visit: Visit) -> None:
    """Seat the closing exchange by precedence at a long table, the heads facing each other."""
    closing = next(item for item in visit.items if item.module and item.module.key == CLOSING)
    propose_plan(closing, SeatingLayout.LONG_TABLE, HeadsCustom.FACING, 1, DEMO_TABLE_SEATS)


def _drive_heads_to_station(visit: Visit) -> None:
    """Add the mayor's car and seat the heads of delegation in it for the transfer, with
    the contact person as their escort, as the transport page proposes it."""
    car = Vehicle(visit=visit, **CAR)
    db.session.add(car)
    db.session.flush()
    transfer = next(item for item in visit.items if item.kind == ItemKind.TRANSFER)
    riders = attendees_of(transfer, load_participations(visit.id))
    proposal = propose_seats(visit, [car], riders)
    assign_seats(visit, transfer, proposal, seating_digest({}))


def _add_welcome_protocol(visit: Visit, people: list[Person]) -> None:
    """Record the gifts exchanged at the welcome and its Golden Book entry."""
    welcome = next(item for item in visit.items if item.module.key == "welcome-mayor")
    by_name = {person.last_name: person for person in people}
    guest_head, host_head = by_name["Schneidewind"], by_name["Eiskirch"]
    db.session.add_all(
        [
            Gift(
                visit=visit, item=welcome, direction=GiftDirection.GIVEN,
                giver_person=host_head, recipient_person=guest_head,
                description="Grubenlampe (Geleucht) mit Gravur des Bochumer Stadtwappens",
                value_eur=Decimal("80.00"),
            ),
            Gift(
                visit=visit, item=welcome, direction=GiftDirection.RECEIVED,
                giver_person=guest_head, recipient_person=host_head,
                description="Modell der Wuppertaler Schwebebahn",
                value_eur=Decimal("40.00"),
                kept_at="Amtszimmer des Oberbürgermeisters, Vitrine",
            ),
        ]
    )  # fmt: skip
    # Proposed by precedence: Schneidewind as the honoured guest, Eiskirch countersigning.
    add_entry(visit, welcome)


def _ensure_demo_admin() -> str | None:
    """Create Bochum's demo admin with a random password; return it only when new."""
    if db.session.scalar(select(User.id).where(User.email == DEMO_ADMIN_EMAIL)) is not None:
        return None
    password = secrets.token_urlsafe(12)
    create_user(
        email=DEMO_ADMIN_EMAIL,
        name="Demo-Administration",
        organisation=HOST,
        role=Role.ADMIN,
        password=password,
    )
    return password
