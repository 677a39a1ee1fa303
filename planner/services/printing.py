"""What the printed documents show: the data of the agenda, run-sheet, lists and cards.

Guest documents print the latest issued version and never internal notes or phone
numbers, and the host's people only as the host lets guests see them
(``host_details``); the host's run-sheet and door sheets print the draft when it
differs from the issued version, marked as a draft. The documents made from the agenda
can also be printed from any issued version; one that a later version replaced is
marked so.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date

from flask_babel import force_locale, pgettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from planner.enums import ItemStatus, Side
from planner.extensions import db
from planner.models import (
    AgendaVersion,
    Participation,
    Person,
    Room,
    Seat,
    SeatingPlan,
    SeatingTable,
    User,
    Vehicle,
    Visit,
)
from planner.services.address import person_forms, plain_spoken
from planner.services.agenda_view import (
    AgendaDay,
    AgendaView,
    Audience,
    ViewItem,
    audience_of,
    by_day,
    for_audience,
    read_version,
    texts_by_language,
    visible_agenda,
)
from planner.services.attendance import load_participations
from planner.services.golden_book import SignerLine, entries_of, signer_lines
from planner.services.host_details import guests_see, shown_function
from planner.services.permissions import HOST_DOCUMENTS
from planner.services.seating_plans import row_label
from planner.services.text import ascii_name
from planner.services.transport import DriverSheet, driver_sheets, passengers_by_trip
from planner.services.versions import latest_version

DOCUMENTS = (
    "agenda",
    "run-sheet",
    "attendees",
    "badges",
    "table-cards",
    "door-sheets",
    "seating",
    "golden-book",
    "drivers",
)

# The documents made from the agenda, which an issued version can print as it was.
VERSION_DOCUMENTS = ("agenda", "run-sheet", "door-sheets")


def print_documents(host: bool) -> list[tuple[str, str]]:
    """Return the documents a viewer may print, with their translated names."""
    names = {
        "agenda": _l("Agenda"),
        "run-sheet": _l("Run-sheet"),
        "attendees": _l("Attendees"),
        "badges": _l("Name badges"),
        "table-cards": _l("Table cards"),
        "door-sheets": _l("Door sheets"),
        "seating": _l("Seating plans"),
        "golden-book": _l("Golden Book signing order"),
        "drivers": _l("Driver sheets"),
    }
    return [(doc, names[doc]) for doc in DOCUMENTS if host or doc not in HOST_DOCUMENTS]


@dataclass(frozen=True)
class Badge:
    """A name as it appears on a badge, a table card or a list."""

    salutation: str
    name: str
    office_title: str
    function: str
    organisation: str
    side: Side


@dataclass(frozen=True)
class RunSheetItem:
    """An agenda entry with what the hosts need on the day."""

    entry: ViewItem
    participants: list[str]
    # Accessibility of the room and of its building, printed on lines of their own.
    room_notes: str
    venue_notes: str
    # On a transfer: each vehicle with its passengers' names.
    vehicles: list[tuple[Vehicle, list[str]]] = field(default_factory=list)


@dataclass(frozen=True)
class DoorSheet:
    """The items of one room on one day."""

    room: str
    day: date
    items: list[ViewItem]


@dataclass(frozen=True)
class ChartSeat:
    """A seat as a seating chart prints it."""

    number: int
    person: Badge | None


@dataclass(frozen=True)
class ChartTable:
    """One page of a seating chart: a table with its rows of seats."""

    title: str
    item: ViewItem
    number: int
    rows: list[tuple[str, list[ChartSeat]]]


@dataclass(frozen=True)
class SigningOrder:
    """A Golden Book entry as printed: the item it is made at and who signs, in order."""

    entry: ViewItem
    signers: list[SignerLine]


@dataclass
class PrintData:
    """Everything a printed document of a visit needs."""

    visit: Visit
    document: str
    language: str
    is_draft: bool
    version_number: int | None
    # The newest issued version, when an older one is printed: the print says it is replaced.
    superseded_by: int | None = None
    # Title, days and zone as the printed agenda has them (issued, or the draft's).
    title: str = ""
    first_day: date | None = None
    last_day: date | None = None
    timezone: str = ""
    days: list[AgendaDay] = field(default_factory=list)
    people: list[Badge] = field(default_factory=list)
    run_sheet: list[tuple[date, list[RunSheetItem]]] = field(default_factory=list)
    contacts: list[Person] = field(default_factory=list)
    needs: list[Person] = field(default_factory=list)
    door_sheets: list[DoorSheet] = field(default_factory=list)
    # Seating charts, a table a page, and the place cards of the seated in their order.
    seating: list[ChartTable] = field(default_factory=list)
    place_cards: list[Badge] = field(default_factory=list)
    golden_book: list[SigningOrder] = field(default_factory=list)
    driver_sheets: list[DriverSheet] = field(default_factory=list)


def _file_document_name(document: str) -> str:
    names = {
        "agenda": pgettext("file name", "Agenda"),
        "run-sheet": pgettext("file name", "Run-sheet"),
        "attendees": pgettext("file name", "Attendees"),
        "badges": pgettext("file name", "Badges"),
        "table-cards": pgettext("file name", "Table-cards"),
        "door-sheets": pgettext("file name", "Door-sheets"),
        "seating": pgettext("file name", "Seating-plans"),
        "golden-book": pgettext("file name", "Golden-Book"),
        "drivers": pgettext("file name", "Driver-sheets"),
    }
    return names[document]


def print_file_name(data: PrintData, version_number: int | None = None) -> str:
    """Name a PDF in its own language and in ASCII: document, visit title, first day."""
    with force_locale(data.language):
        parts = [_file_document_name(data.document), data.title]
        if data.first_day is not None:
            parts.append(data.first_day.isoformat())
        if version_number is not None:
            parts.append(pgettext("file name", "Version-%(number)s", number=version_number))
    name = "-".join(filter(None, (ascii_name(part) for part in parts)))
    return f"{name}.pdf"


def _badge(participation: Participation, language: str, internal: bool) -> Badge:
    person = participation.person
    forms = person_forms(person, language)
    return Badge(
        salutation=person.salutation,
        name=forms.card,
        office_title=forms.office,
        function=shown_function(participation, internal),
        organisation=person.affiliation,
        side=participation.side,
    )


def _printed(agenda: AgendaView) -> list[tuple[ViewItem, dict[str, str]]]:
    """Return an agenda's items without ``updated_at``: a time stamp is not a change.

    Items of versions issued before items had two languages compare by their texts by
    language, the unknown one empty.
    """
    return [
        (replace(item, updated_at=None, zone_name="", titles={}, descriptions={}),
         texts_by_language(item))
        for item in agenda.items
    ]  # fmt: skip


def load_print_data(
    visit: Visit,
    viewer: User,
    document: str,
    language: str,
    issued: AgendaVersion | None = None,
) -> PrintData | None:
    """Return the data of a document, or None when there is nothing the viewer may print.

    With ``issued``, the document prints that version as it was issued.
    """
    audience = audience_of(viewer, visit)
    latest = latest_version(visit.id)
    version = issued or latest
    wants_draft = document in HOST_DOCUMENTS and issued is None
    # Item texts in the print's language, else in the other one.
    agenda = visible_agenda(visit, audience, language, version, draft=wants_draft, load=True)
    if agenda is None:
        return None
    if agenda.is_draft and version is not None:
        printed = read_version(version, visit, language)
        if _printed(agenda) == _printed(printed):
            agenda = printed  # the draft holds nothing new: print the issued version
    draft = agenda.is_draft
    # Internal notes only on the run-sheet.
    agenda = for_audience(agenda, audience, notes=document == "run-sheet")
    entries = agenda.ordered()
    data = PrintData(
        visit=visit,
        document=document,
        language=language,
        is_draft=draft,
        version_number=version.number if version else None,
        superseded_by=latest.number
        if issued is not None and latest is not None and latest.number != issued.number
        else None,
        days=by_day(entries),
        title=agenda.title,
        first_day=agenda.first_day,
        last_day=agenda.last_day,
        timezone=agenda.timezone,
    )
    participations = load_participations(visit.id)
    internal = audience is Audience.HOST
    data.people = [
        _badge(p, language, internal) for p in participations if guests_see(visit, p, internal)
    ]
    if document == "run-sheet":
        _fill_run_sheet(data, agenda, participations)
    if document == "door-sheets":
        data.door_sheets = _door_sheets(entries)
    if document == "seating":
        _fill_seating(data, entries, participations)
    if document == "golden-book":
        data.golden_book = _signing_orders(visit, entries, language)
    if document == "drivers":
        data.driver_sheets = driver_sheets(visit, language)
    return data


def _signing_orders(visit: Visit, entries: list[ViewItem], language: str) -> list[SigningOrder]:
    """Return the Golden Book entries of the printed agenda's items that take place."""
    printed = {entry.id: entry for entry in entries if entry.status != ItemStatus.CANCELLED}
    return [
        SigningOrder(entry=printed[book.item_id], signers=signer_lines(book, language))
        for book in entries_of(visit)
        if book.item_id in printed
    ]


def _spoken_name(person: Person, language: str) -> str:
    """Return a run sheet's name: "Prof. Dr. Uwe Schneidewind („Herr Oberbürgermeister“)"."""
    forms = person_forms(person, language)
    if forms.spoken in (forms.card, plain_spoken(person, language)):
        # "Herr Reuter" goes without saying.
        return forms.card
    with force_locale(language):
        return _("%(name)s (addressed as “%(spoken)s”)", name=forms.card, spoken=forms.spoken)


def _fill_run_sheet(
    data: PrintData, agenda: AgendaView, participations: list[Participation]
) -> None:
    names = {p.person_id: _spoken_name(p.person, data.language) for p in participations}
    vehicles = passengers_by_trip(data.visit, data.language, participations)
    rooms = {
        room.id: room
        for room in db.session.scalars(
            select(Room)
            .where(Room.id.in_({item.room_id for item in agenda.items if item.room_id}))
            .options(joinedload(Room.venue))
        )
    }
    for day in data.days:
        rows = []
        for entry in day.items:
            room = rooms.get(entry.room_id)
            people = [names[p] for p in entry.attendees if p in names]
            rows.append(
                RunSheetItem(
                    entry=entry,
                    participants=people,
                    room_notes=room.accessibility_notes if room else "",
                    venue_notes=room.venue.accessibility_notes if room else "",
                    vehicles=vehicles.get(entry.id, []),
                )
            )
        data.run_sheet.append((day.day, rows))
    people = [p.person for p in participations]
    contact = data.visit.contact_person
    data.contacts = [person for person in [contact, *people] if person and person.phone]
    data.contacts = list({person.id: person for person in data.contacts}.values())
    data.needs = [
        person
        for person in people
        if person.dietary_needs
        or person.accessibility_needs
        or person.needs_escort
        or person.needs_parking
    ]


def _door_sheets(entries: list[ViewItem]) -> list[DoorSheet]:
    """Group the items that take place by room and day; a door shows no cancelled item."""
    grouped: dict[tuple[str, date], list[ViewItem]] = defaultdict(list)
    for entry in entries:
        if entry.room and entry.status != ItemStatus.CANCELLED:
            grouped[(entry.room, entry.starts_at.date())].append(entry)
    return [
        DoorSheet(room=room, day=day, items=items)
        for (room, day), items in sorted(grouped.items(), key=lambda pair: (pair[0][1], pair[0][0]))
    ]


def _fill_seating(
    data: PrintData, entries: list[ViewItem], participations: list[Participation]
) -> None:
    """Print the seating plans of the items that take place, in agenda order."""
    plans = {
        plan.item_id: plan
        for plan in db.session.scalars(
            select(SeatingPlan)
            .where(SeatingPlan.item_id.in_([entry.id for entry in entries if entry.id]))
            .options(joinedload(SeatingPlan.tables).joinedload(SeatingTable.seats))
        ).unique()
    }
    sides = {p.person_id: p for p in participations}
    for entry in entries:
        plan = plans.get(entry.id)
        if plan is None or entry.status == ItemStatus.CANCELLED:
            continue
        for table in plan.tables:
            rows: dict[int, list[ChartSeat]] = defaultdict(list)
            for seat in table.seats:
                badge = _seated_badge(seat, sides, data.language)
                rows[seat.row].append(ChartSeat(number=seat.number, person=badge))
                if badge is not None:
                    data.place_cards.append(badge)
            with force_locale(data.language):
                named = [(row_label(plan.layout, row), seats) for row, seats in rows.items()]
            data.seating.append(
                ChartTable(title=entry.title, item=entry, number=table.number, rows=named)
            )


def _seated_badge(
    seat: Seat, participations: dict[int, Participation], language: str
) -> Badge | None:
    """Return the name a seat prints: only of people who still take part in the visit."""
    participation = participations.get(seat.person_id) if seat.person_id else None
    # A host document: the function shows whatever guests are shown.
    return _badge(participation, language, internal=True) if participation else None
