"""Transport of a visit: its vehicles, who rides in which on each transfer, the warnings
and what the drivers get printed.

Vehicles and their passengers are the host's working plan, not part of the agenda's
versions: every page and printout shows them as they are now.

Warnings are soft rules, shown on the vehicles page and on each transfer's page (not
in the visit's stored conflict list, whose kinds are the agenda's):

- a vehicle booked on two transfers that overlap in time, in this visit or another of
  the host's visits (the same vehicle: the same record, or the same plate);
- a driver booked on two overlapping transfers in different vehicles (the same name);
- more passengers than seats.

Transfers are compared as UTC instants (``timezones.to_utc`` with the items' folds);
touching transfers (one ends when the next begins) do not overlap.

Where a transfer picks its passengers up and where it takes them: the place of the
visit's item that ends last before the transfer begins, and the place of the item that
begins first after it ends. The transfer item's own room stands in for the first of
them that has no item; the sheet prints the transfer's title and description too,
which say where a transfer at the end of the day goes.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from planner.enums import ItemKind, ItemStatus, Side, VehicleKind, VisitStatus
from planner.extensions import db
from planner.models import AgendaItem, Participation, Ride, Room, Vehicle, Visit
from planner.services.address import person_forms
from planner.services.attendance import load_participations
from planner.services.conflicts import overlaps
from planner.services.errors import InvalidInput
from planner.services.item_texts import description_in, title_in
from planner.services.timezones import to_utc

# Other visits' transfers are read within this many days around the visit's days: the
# widest gap between two zones' wall clocks, and a night transfer.
WINDOW = timedelta(days=2)


@dataclass(frozen=True)
class VehicleValues:
    """What a vehicle form hands over, cleaned."""

    kind: VehicleKind
    name: str
    plate: str
    seats: int
    driver_name: str
    driver_phone: str
    notes: str


@dataclass(frozen=True)
class Booking:
    """A vehicle on a transfer item, with the instants the item spans."""

    vehicle: Vehicle
    item: AgendaItem
    visit: Visit
    start: datetime
    end: datetime


@dataclass(frozen=True)
class TransportWarning:
    """One warning: its kind ("vehicle", "driver", "seats"), the vehicle and transfer it
    concerns, what it collides with, and its sentence."""

    kind: str
    vehicle_id: int
    item_id: int
    message: str
    other_item_id: int | None = None
    other_visit_id: int | None = None


# --- vehicles --------------------------------------------------------------------------


def vehicles_of(visit: Visit) -> list[Vehicle]:
    """Return a visit's vehicles in the order they were added: the first is the first car."""
    return list(
        db.session.scalars(select(Vehicle).where(Vehicle.visit_id == visit.id).order_by(Vehicle.id))
    )


def save_vehicle(visit: Visit, values: VehicleValues, vehicle: Vehicle | None = None) -> Vehicle:
    """Add a vehicle to the visit or change one; the caller commits."""
    if vehicle is None:
        vehicle = Vehicle(visit=visit)
        db.session.add(vehicle)
    vehicle.kind = values.kind
    vehicle.name = values.name
    vehicle.plate = values.plate
    vehicle.seats = values.seats
    vehicle.driver_name = values.driver_name
    vehicle.driver_phone = values.driver_phone
    vehicle.notes = values.notes
    db.session.flush()
    return vehicle


def ride_count(vehicle: Vehicle) -> int:
    """Return how many seats on transfers the vehicle's deletion takes along."""
    return len(db.session.scalars(select(Ride.id).where(Ride.vehicle_id == vehicle.id)).all())


# --- transfers and passengers ----------------------------------------------------------


def transfer_items(visit: Visit) -> list[AgendaItem]:
    """Return the visit's transfer items that take place, in agenda order."""
    return [
        item
        for item in visit.items
        if item.kind == ItemKind.TRANSFER and item.status != ItemStatus.CANCELLED
    ]


def attendees_of(item: AgendaItem, participations: list[Participation]) -> list[Participation]:
    """Return who takes part in the item, in the protocol order of ``participations``."""
    return [p for p in participations if p.attends(item)]


def rides_of(visit: Visit) -> dict[int, dict[int, int]]:
    """Return who rides in which vehicle on each transfer: item → participation → vehicle."""
    found: dict[int, dict[int, int]] = defaultdict(dict)
    for item_id, participation_id, vehicle_id in db.session.execute(
        select(Ride.agenda_item_id, Ride.participation_id, Ride.vehicle_id).where(
            Ride.visit_id == visit.id
        )
    ):
        found[item_id][participation_id] = vehicle_id
    return found


def seating_digest(seats: dict[int, int]) -> str:
    """Return a digest of who rides where on a transfer: the version a form was opened at."""
    text = ",".join(f"{p}:{v}" for p, v in sorted(seats.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class SeatingChanged(Exception):
    """Someone else changed who rides where on the transfer since the form was opened."""


def assign_seats(
    visit: Visit, item: AgendaItem, chosen: dict[int, int | None], opened_at: str
) -> None:
    """Store who rides in which vehicle on a transfer, replacing what was there.

    ``chosen`` maps the participations of the form to a vehicle or None (no seat);
    ``opened_at`` is the digest the form was opened at. The caller commits.
    """
    current = rides_of(visit).get(item.id, {})
    if opened_at != seating_digest(current):
        raise SeatingChanged
    vehicles = {vehicle.id for vehicle in vehicles_of(visit)}
    attending = {p.id for p in visit.participations if p.attends(item)}
    if set(chosen) - attending or {v for v in chosen.values() if v} - vehicles:
        raise InvalidInput("", _l("Choose among the vehicles and the participants shown."))
    # One by one through the session, so that the stored printouts notice (artefacts).
    for ride in db.session.scalars(select(Ride).where(Ride.agenda_item_id == item.id)):
        db.session.delete(ride)
    db.session.flush()
    for participation_id, vehicle_id in chosen.items():
        if vehicle_id:
            db.session.add(
                Ride(
                    visit_id=visit.id,
                    vehicle_id=vehicle_id,
                    agenda_item_id=item.id,
                    participation_id=participation_id,
                )
            )
    db.session.flush()


def heads_of_delegation(people: list[Participation]) -> list[Participation]:
    """Return the first in protocol order of each side that has a rank, guests first."""
    heads = []
    for side in (Side.GUEST, Side.HOST):
        ranked = [p for p in people if p.side == side and p.effective_rank is not None]
        if ranked:
            heads.append(ranked[0])
    return heads


def propose_seats(
    visit: Visit, vehicles: list[Vehicle], people: list[Participation]
) -> dict[int, int | None]:
    """Propose who rides where: the heads of delegation in the first car with an escort
    (the visit's contact person, if taking part), everyone else in protocol order in the
    other vehicles, then in the first car's free seats; whoever does not fit stays without.

    ``people`` are the transfer's participants in protocol order.
    """
    proposal: dict[int, int | None] = {p.id: None for p in people}
    if not vehicles:
        return proposal
    cars = [v for v in vehicles if v.kind == VehicleKind.CAR]
    first = cars[0] if cars else vehicles[0]
    heads = heads_of_delegation(people)
    escort = [p for p in people if p.person_id == visit.contact_person_id and p not in heads]
    free = {vehicle.id: vehicle.seats for vehicle in vehicles}
    for person in [*heads, *escort]:
        if free[first.id]:
            proposal[person.id] = first.id
            free[first.id] -= 1
    order = [v for v in vehicles if v is not first] + [first]
    for person in people:
        if proposal[person.id] is not None:
            continue
        vehicle = next((v for v in order if free[v.id]), None)
        if vehicle is None:
            break
        proposal[person.id] = vehicle.id
        free[vehicle.id] -= 1
    return proposal


# --- warnings --------------------------------------------------------------------------


def _plate(vehicle: Vehicle) -> str:
    return "".join(ch for ch in vehicle.plate.upper() if ch.isalnum())


def _driver(vehicle: Vehicle) -> str:
    return " ".join(vehicle.driver_name.casefold().split())


def _instants(item: AgendaItem, visit: Visit) -> tuple[datetime, datetime]:
    return (
        to_utc(item.starts_at, visit.timezone, item.starts_fold),
        to_utc(item.ends_at, visit.timezone, item.ends_fold),
    )


def _bookings(visit: Visit) -> list[Booking]:
    """Return the vehicles on live transfers of the host's live visits around the visit's
    days, this visit's included, with one query."""
    rows = db.session.execute(
        select(Vehicle, AgendaItem, Visit)
        .join(Ride, Ride.vehicle_id == Vehicle.id)
        .join(AgendaItem, Ride.agenda_item_id == AgendaItem.id)
        .join(Visit, Vehicle.visit_id == Visit.id)
        .where(
            Visit.host_organisation_id == visit.host_organisation_id,
            Visit.status != VisitStatus.CANCELLED,
            Visit.first_day <= visit.last_day + WINDOW,
            Visit.last_day >= visit.first_day - WINDOW,
            AgendaItem.kind == ItemKind.TRANSFER,
            AgendaItem.status != ItemStatus.CANCELLED,
        )
        .distinct()
    ).all()
    return [Booking(v, item, in_visit, *_instants(item, in_visit)) for v, item, in_visit in rows]


def _same_vehicle(a: Vehicle, b: Vehicle) -> bool:
    return a.id == b.id or bool(_plate(a)) and _plate(a) == _plate(b)


def _same_driver(a: Vehicle, b: Vehicle) -> bool:
    return bool(_driver(a)) and _driver(a) == _driver(b)


def _double_booking(kind: str, this: Booking, other: Booking, language: str) -> TransportWarning:
    where = (
        ""
        if other.visit.id == this.visit.id
        else str(_l(" (visit “%(visit)s”)", visit=other.visit.title))
    )
    values = {
        "vehicle": this.vehicle.name,
        "driver": this.vehicle.driver_name,
        "other": title_in(other.item, language),
        "where": where,
        "start": f"{other.item.starts_at:%H:%M}",
        "end": f"{other.item.ends_at:%H:%M}",
    }
    if kind == "vehicle":
        message = _l(
            "%(vehicle)s is also booked on “%(other)s”%(where)s, %(start)s–%(end)s.", **values
        )
    else:
        message = _l(
            "The driver %(driver)s also drives on “%(other)s”%(where)s, %(start)s–%(end)s.",
            **values,
        )
    return TransportWarning(
        kind, this.vehicle.id, this.item.id, str(message), other.item.id, other.visit.id
    )


def transport_warnings(visit: Visit, language: str) -> list[TransportWarning]:
    """Return the warnings about the visit's vehicles and transfers (see the module)."""
    bookings = _bookings(visit)
    own = [b for b in bookings if b.visit.id == visit.id]
    found = []
    for this in sorted(own, key=lambda b: (b.start, b.vehicle.id)):
        for other in bookings:
            if other.item.id == this.item.id or not overlaps(
                this.start, this.end, other.start, other.end
            ):
                continue
            if _same_vehicle(this.vehicle, other.vehicle):
                found.append(_double_booking("vehicle", this, other, language))
            elif _same_driver(this.vehicle, other.vehicle):
                found.append(_double_booking("driver", this, other, language))
    found += _seat_warnings(visit, language)
    return found


def _seat_warnings(visit: Visit, language: str) -> list[TransportWarning]:
    vehicles = {vehicle.id: vehicle for vehicle in vehicles_of(visit)}
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for item_id, seats in rides_of(visit).items():
        for vehicle_id in seats.values():
            counts[(vehicle_id, item_id)] += 1
    items = {item.id: item for item in transfer_items(visit)}
    found = []
    for (vehicle_id, item_id), count in sorted(counts.items()):
        vehicle = vehicles[vehicle_id]
        if item_id in items and count > vehicle.seats:
            message = _l(
                "%(count)s passengers in %(vehicle)s on “%(item)s”, but it has %(seats)s seats.",
                count=count,
                vehicle=vehicle.name,
                item=title_in(items[item_id], language),
                seats=vehicle.seats,
            )
            found.append(TransportWarning("seats", vehicle_id, item_id, str(message)))
    return found


# --- what is printed -------------------------------------------------------------------


@dataclass(frozen=True)
class Trip:
    """A vehicle's part in one transfer, as its driver's sheet prints it."""

    item: AgendaItem
    title: str
    description: str
    pickup: str
    destination: str
    passengers: list[str]


@dataclass
class DriverSheet:
    """One vehicle's sheet: the vehicle, its driver and its trips in order."""

    vehicle: Vehicle
    trips: list[Trip] = field(default_factory=list)


def _place(item: AgendaItem | None) -> str:
    """Return an item's room with its building's address, as the agenda's location."""
    if item is None or item.room is None:
        return ""
    address = " ".join(item.room.venue.address.split())
    return f"{item.room.label}, {address}" if address else item.room.label


def route_of(item: AgendaItem, items: list[AgendaItem], zone_name: str) -> tuple[str, str]:
    """Return where a transfer picks its passengers up and where it takes them."""
    live = [i for i in items if i.status != ItemStatus.CANCELLED and i.id != item.id]

    def instant(moment: datetime, fold: int) -> datetime:
        return to_utc(moment, zone_name, fold)

    start = instant(item.starts_at, item.starts_fold)
    end = instant(item.ends_at, item.ends_fold)
    before = [i for i in live if instant(i.ends_at, i.ends_fold) <= start]
    after = [i for i in live if instant(i.starts_at, i.starts_fold) >= end]
    previous = max(before, key=lambda i: instant(i.ends_at, i.ends_fold), default=None)
    following = min(after, key=lambda i: instant(i.starts_at, i.starts_fold), default=None)
    pickup = _place(previous) or _place(item)
    return pickup, _place(following) or ("" if pickup == _place(item) else _place(item))


def _load_items(visit: Visit) -> list[AgendaItem]:
    return list(
        db.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.visit_id == visit.id)
            .options(joinedload(AgendaItem.room).joinedload(Room.venue))
            .order_by(AgendaItem.starts_at, AgendaItem.id)
        )
    )


def passengers_by_trip(
    visit: Visit, language: str, participations: list[Participation] | None = None
) -> dict[int, list[tuple[Vehicle, list[str]]]]:
    """Return for each live transfer the vehicles with their passengers' names (in the
    form of address, protocol order), vehicles in their order.

    ``participations`` are the visit's in protocol order, when the caller has them.
    """
    if participations is None:
        participations = load_participations(visit.id)
    names = {p.id: person_forms(p.person, language).card for p in participations}
    order = {p.id: index for index, p in enumerate(participations)}
    rides = rides_of(visit)
    found: dict[int, list[tuple[Vehicle, list[str]]]] = {}
    for item in transfer_items(visit):
        seats = rides.get(item.id, {})
        rows = []
        for vehicle in vehicles_of(visit):
            riders = sorted((p for p, v in seats.items() if v == vehicle.id), key=order.get)
            if riders:
                rows.append((vehicle, [names[p] for p in riders]))
        found[item.id] = rows
    return found


def driver_sheets(visit: Visit, language: str) -> list[DriverSheet]:
    """Return a sheet per vehicle with its transfers, pick-up times and places and its
    passengers in protocol order, addressed as protocol has it."""
    items = _load_items(visit)
    trips = passengers_by_trip(visit, language)
    sheets = {vehicle.id: DriverSheet(vehicle) for vehicle in vehicles_of(visit)}
    for item in items:
        if item.id not in trips:
            continue
        pickup, destination = route_of(item, items, visit.timezone)
        for vehicle, passengers in trips[item.id]:
            sheets[vehicle.id].trips.append(
                Trip(
                    item,
                    title_in(item, language),
                    description_in(item, language),
                    pickup,
                    destination,
                    passengers,
                )
            )
    return list(sheets.values())
