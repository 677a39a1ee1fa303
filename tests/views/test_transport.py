"""Transport: vehicles of a visit, seats on transfers, warnings and the driver sheets."""

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from planner.enums import ItemKind, Role, Side, VehicleKind
from planner.extensions import db
from planner.models import Ride, Room, Vehicle, Venue
from planner.services.demo import load_demo_data
from planner.services.trash import restore, trash_item
from tests import factories


@pytest.fixture
def visit(app):
    """A visit of Bochum with a welcome in the city hall and a transfer to the station."""
    bochum = factories.organisation("Bochum")
    wuppertal = factories.organisation("Wuppertal")
    visit = factories.visit(bochum, [wuppertal], title="Besuch aus Wuppertal")
    venue = Venue(organisation=bochum, name="Rathaus Bochum", address="Willy-Brandt-Platz 2–6")
    room = Room(venue=venue, name="Amtszimmer", capacity=10)
    db.session.add_all([venue, room])
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Begrüßung", room=room)
    factories.item(
        visit, "2023-02-23 11:00", "2023-02-23 11:30", "Transfer zum Bahnhof",
        kind=ItemKind.TRANSFER,
    )  # fmt: skip
    people = [
        (wuppertal, "Schneidewind", 1, Side.GUEST, "Oberbürgermeister", "Herr"),
        (wuppertal, "Albers", 2, Side.GUEST, "", "Frau"),
        (bochum, "Eiskirch", 1, Side.HOST, "Oberbürgermeister", "Herr"),
        (bochum, "Kopietz", 2, Side.HOST, "Stadtdirektor", "Herr"),
        (bochum, "Hoffmann", None, Side.HOST, "", "Frau"),
    ]
    for org, name, rank, side, office, salutation in people:
        person = factories.person(
            org, name, first_name="Vorname", precedence_rank=rank, office_title=office,
            salutation=salutation, phone="+49 234 555 0100" if name == "Hoffmann" else "",
            academic_title="Prof. Dr." if name == "Schneidewind" else "",
        )  # fmt: skip
        factories.participation(visit, person, side)
        if name == "Hoffmann":
            visit.contact_person = person
    db.session.flush()
    return visit


def _transfer(visit):
    return next(item for item in visit.items if item.kind == ItemKind.TRANSFER)


def _vehicle(visit, name="Dienstwagen 1", **fields) -> Vehicle:
    values = {"kind": VehicleKind.CAR, "seats": 3, "driver_name": "Karl Fahrer",
              "driver_phone": "+49 234 555 0199", **fields}  # fmt: skip
    vehicle = Vehicle(visit=visit, name=name, **values)
    db.session.add(vehicle)
    db.session.flush()
    return vehicle


def _seat(vehicle, item, *names):
    for participation in vehicle.visit.participations:
        if participation.person.last_name in names:
            db.session.add(
                Ride(
                    visit_id=vehicle.visit_id,
                    vehicle_id=vehicle.id,
                    agenda_item_id=item.id,
                    participation_id=participation.id,
                )
            )
    db.session.flush()


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


@pytest.fixture
def as_host(client, login):
    """Log in a user of the host with a role, reading the pages in English."""

    def log_in(visit, role=Role.PLANNER):
        login(factories.user(visit.host_organisation, role))
        client.post("/language", data={"lang": "en", "next": "/"})

    return log_in


def test_a_planner_adds_changes_and_deletes_a_vehicle_after_confirming(client, as_host, visit):
    as_host(visit)

    added = client.post(
        f"/visits/{visit.id}/vehicles/new",
        data={"kind": "van", "name": "Kleinbus", "plate": "BO-SB 123", "seats": "7",
              "driver_name": "Karl Fahrer", "driver_phone": "+49 234 555 0199"},
    )  # fmt: skip
    vehicle = db.session.scalar(select(Vehicle))
    edited = client.post(
        f"/visits/{visit.id}/vehicles/{vehicle.id}/edit",
        data={"kind": "bus", "name": "Reisebus", "seats": "40", "lock_version": "1"},
    )
    page = _text(client.get(f"/visits/{visit.id}/vehicles"))
    bare = client.post(f"/visits/{visit.id}/vehicles/{vehicle.id}/delete")
    kept = db.session.scalar(select(Vehicle.name))
    deleted = client.post(
        f"/visits/{visit.id}/vehicles/{vehicle.id}/delete", data={"confirm": "yes"}
    )

    assert (added.status_code, edited.status_code) == (302, 302)
    # Fields the form did not send keep their values.
    assert "Reisebus (BO-SB 123) Bus 40 Karl Fahrer +49 234 555 0199 0" in page
    assert (bare.status_code, kept) == (302, "Reisebus")
    assert deleted.status_code == 302
    assert db.session.scalar(select(Vehicle)) is None


def test_a_vehicle_saved_from_an_outdated_form_is_refused(client, as_host, visit):
    vehicle = _vehicle(visit)
    as_host(visit)
    vehicle.seats = 4  # someone else's change since the form was opened
    db.session.commit()

    response = client.post(
        f"/visits/{visit.id}/vehicles/{vehicle.id}/edit",
        data={"kind": "car", "name": "Umbenannt", "seats": "3", "lock_version": "1"},
    )

    assert response.status_code == 200
    assert "Someone else saved changes while you were editing." in _text(response)
    db.session.expire_all()
    assert (vehicle.name, vehicle.seats) == ("Dienstwagen 1", 4)


@pytest.mark.parametrize("seats", ["0", "100", "viele"], ids=["none", "too-many", "text"])
def test_impossible_seat_counts_are_refused_at_the_field(client, as_host, visit, seats):
    as_host(visit)

    response = client.post(
        f"/visits/{visit.id}/vehicles/new", data={"kind": "car", "name": "Auto", "seats": seats}
    )

    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert db.session.scalar(select(Vehicle)) is None


def test_guests_are_refused_and_strangers_learn_nothing(client, login, visit):
    vehicle = _vehicle(visit)
    guest = factories.user(visit.guest_organisations[0], Role.PLANNER)
    login(guest)

    assert client.get(f"/visits/{visit.id}/vehicles").status_code == 403
    assert client.get(f"/visits/{visit.id}/transfers/{_transfer(visit).id}").status_code == 403
    assert client.get(f"/visits/{visit.id}/print/drivers").status_code == 403
    assert client.post(f"/visits/{visit.id}/vehicles/{vehicle.id}/delete").status_code == 403
    client.post("/logout")
    login(factories.user(factories.organisation("Dortmund"), Role.ADMIN))
    assert client.get(f"/visits/{visit.id}/vehicles").status_code == 404
    assert client.get(f"/visits/{visit.id}/vehicles/{vehicle.id}/edit").status_code == 404


def test_a_host_viewer_reads_the_vehicles_but_cannot_change_them(client, as_host, visit):
    _vehicle(visit)
    as_host(visit, Role.VIEWER)

    page = client.get(f"/visits/{visit.id}/vehicles")

    assert page.status_code == 200
    assert "+49 234 555 0199" in _text(page)
    assert "Add vehicle" not in _text(page)
    assert client.get(f"/visits/{visit.id}/vehicles/new").status_code == 403


def test_a_vehicle_of_another_visit_is_not_found_here(client, as_host, visit):
    other = factories.visit(visit.host_organisation, [])
    vehicle = _vehicle(other)
    as_host(visit)

    assert client.get(f"/visits/{visit.id}/vehicles/{vehicle.id}/edit").status_code == 404


def test_only_transfer_items_have_seats(client, as_host, visit):
    as_host(visit)
    welcome = visit.items[0]

    assert client.get(f"/visits/{visit.id}/transfers/{welcome.id}").status_code == 404


def test_the_proposal_puts_the_heads_of_delegation_in_the_first_car_with_the_escort(
    client, as_host, visit
):
    first = _vehicle(visit, "Dienstwagen 1", seats=3)
    van = _vehicle(visit, "Kleinbus", kind=VehicleKind.VAN, seats=8)
    item = _transfer(visit)
    as_host(visit)
    page = client.get(f"/visits/{visit.id}/transfers/{item.id}")
    opened_at = re.search(r'name="opened_at"[^>]*value="([^"]+)"', page.get_data(as_text=True))

    proposed = client.post(
        f"/visits/{visit.id}/transfers/{item.id}",
        data={"propose": "1", "opened_at": opened_at[1]},
    )
    html = proposed.get_data(as_text=True)
    chosen = {
        int(participation): int(vehicle)
        for participation, vehicle in re.findall(
            r'name="seat-(\d+)">.*?<option value="(\d+)" selected', html, re.S
        )
    }
    by_name = {p.id: p.person.last_name for p in visit.participations}
    in_car = sorted(by_name[p] for p, v in chosen.items() if v == first.id)
    in_van = sorted(by_name[p] for p, v in chosen.items() if v == van.id)

    assert in_car == ["Eiskirch", "Hoffmann", "Schneidewind"]
    assert in_van == ["Albers", "Kopietz"]
    assert db.session.scalar(select(Ride)) is None  # a proposal saves nothing

    saved = client.post(
        f"/visits/{visit.id}/transfers/{item.id}",
        data={"opened_at": opened_at[1], **{f"seat-{p}": str(v) for p, v in chosen.items()}},
    )
    assert saved.status_code == 302
    assert len(db.session.scalars(select(Ride)).all()) == 5


def test_seats_saved_from_an_outdated_form_are_refused(client, as_host, visit):
    car = _vehicle(visit)
    item = _transfer(visit)
    as_host(visit)
    page = client.get(f"/visits/{visit.id}/transfers/{item.id}")
    opened_at = re.search(r'name="opened_at"[^>]*value="([^"]+)"', page.get_data(as_text=True))
    _seat(car, item, "Albers")  # someone else's save
    db.session.commit()
    albers = next(p for p in visit.participations if p.person.last_name == "Albers")
    kopietz = next(p for p in visit.participations if p.person.last_name == "Kopietz")

    response = client.post(
        f"/visits/{visit.id}/transfers/{item.id}",
        data={"opened_at": opened_at[1], f"seat-{kopietz.id}": str(car.id)},
    )

    assert response.status_code == 200
    assert 'role="alert"' in response.get_data(as_text=True)
    assert db.session.scalars(select(Ride.participation_id)).all() == [albers.id]


def test_a_vehicle_of_another_visit_cannot_be_chosen(client, as_host, visit):
    stranger = _vehicle(factories.visit(visit.host_organisation, []))
    item = _transfer(visit)
    as_host(visit)
    participation = visit.participations[0]

    response = client.post(
        f"/visits/{visit.id}/transfers/{item.id}",
        data={"opened_at": "x", f"seat-{participation.id}": str(stranger.id)},
    )

    assert response.status_code == 422
    assert db.session.scalar(select(Ride)) is None


def test_too_few_seats_are_warned_about_on_the_vehicle_and_transfer_pages(client, as_host, visit):
    car = _vehicle(visit, seats=2)
    item = _transfer(visit)
    _seat(car, item, "Schneidewind", "Eiskirch", "Hoffmann")
    as_host(visit)

    vehicles = _text(client.get(f"/visits/{visit.id}/vehicles"))
    transfer = _text(client.get(f"/visits/{visit.id}/transfers/{item.id}"))

    warning = "3 passengers in Dienstwagen 1 on “Transfer zum Bahnhof”, but it has 2 seats."
    assert warning in vehicles
    assert warning in transfer


def test_a_vehicle_or_driver_on_two_overlapping_transfers_is_warned_about(client, as_host, visit):
    item = _transfer(visit)
    car = _vehicle(visit, plate="BO-SB 1")
    _seat(car, item, "Schneidewind")
    # Another visit of the host: the same car (by plate), and the same driver in a van.
    other = factories.visit(visit.host_organisation, [], title="Besuch aus Essen")
    late = factories.item(
        other, "2023-02-23 11:15", "2023-02-23 11:45", "Shuttle", kind=ItemKind.TRANSFER
    )
    guest = factories.participation(other, factories.person(other.host_organisation, "Gast"))
    for vehicle in (
        _vehicle(other, "Gleicher Wagen", plate="bo sb 1", driver_name="Erna Anders"),
        _vehicle(other, "Bus", plate="BO-X 9", kind=VehicleKind.BUS, driver_name="karl  fahrer"),
    ):
        db.session.add(
            Ride(visit_id=other.id, vehicle_id=vehicle.id, agenda_item_id=late.id,
                 participation_id=guest.id)
        )  # fmt: skip
        guest = factories.participation(other, factories.person(other.host_organisation))
    # Touching, not overlapping: the welcome's end is the transfer's start.
    as_host(visit)

    page = _text(client.get(f"/visits/{visit.id}/vehicles"))

    assert (
        "Dienstwagen 1 is also booked on “Shuttle” (visit “Besuch aus Essen”), 11:15–11:45." in page
    )
    assert (
        "The driver Karl Fahrer also drives on “Shuttle” (visit “Besuch aus Essen”), 11:15–11:45."
        in page
    )


def test_transfers_that_only_touch_are_no_double_booking(client, as_host, visit):
    item = _transfer(visit)
    car = _vehicle(visit)
    _seat(car, item, "Schneidewind")
    later = factories.item(
        visit, "2023-02-23 11:30", "2023-02-23 12:00", "Rückfahrt", kind=ItemKind.TRANSFER
    )
    _seat(car, later, "Schneidewind")
    as_host(visit)

    assert "also booked" not in _text(client.get(f"/visits/{visit.id}/vehicles"))


def _pdf_text(response) -> str:
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_driver_sheet_pdf_lists_trips_passengers_and_the_contact(client, as_host, visit):
    car = _vehicle(visit)
    item = _transfer(visit)
    _seat(car, item, "Eiskirch", "Schneidewind", "Hoffmann")
    as_host(visit, Role.VIEWER)

    text = _pdf_text(client.get(f"/visits/{visit.id}/print/drivers.pdf?lang=en"))

    assert "Driver sheet: Dienstwagen 1" in text
    assert "Driver Karl Fahrer" in text
    assert "Driver's phone +49 234 555 0199" in text
    assert "Pick-up 11:00" in text
    assert "Pick-up: Amtszimmer, Rathaus Bochum, Willy-Brandt-Platz 2–6" in text
    assert "Destination: – (arrival 11:30)" in text
    # Guests first, each side in protocol order, in their forms of address.
    assert (
        "Passengers (3): Prof. Dr. Vorname Schneidewind Vorname Eiskirch Vorname Hoffmann" in text
    )
    assert "Contact of the visit Vorname Hoffmann, +49 234 555 0100" in text


def test_the_run_sheet_shows_which_vehicle_carries_whom(client, as_host, visit):
    car = _vehicle(visit)
    item = _transfer(visit)
    _seat(car, item, "Schneidewind")
    as_host(visit, Role.VIEWER)

    page = _text(client.get(f"/visits/{visit.id}/print/run-sheet?lang=en"))

    assert (
        "Vehicle Dienstwagen 1 (driver: Karl Fahrer, +49 234 555 0199): "
        "Prof. Dr. Vorname Schneidewind" in page
    )


def test_the_demo_has_a_car_for_the_heads_of_delegation_with_its_driver(client, as_host):
    demo = load_demo_data().visit
    transfer = next(item for item in demo.items if item.kind == ItemKind.TRANSFER)
    as_host(demo)

    vehicles = _text(client.get(f"/visits/{demo.id}/vehicles"))
    seats = client.get(f"/visits/{demo.id}/transfers/{transfer.id}").get_data(as_text=True)
    sheet = _text(client.get(f"/visits/{demo.id}/print/drivers?lang=en"))
    run_sheet = _text(client.get(f"/visits/{demo.id}/print/run-sheet?lang=en"))

    assert (
        "Dienstwagen des Oberbürgermeisters (BO-SB 100) Fahrbereitschaft der Stadt Bochum "
        "Car 3 Michael Brandt +49 234 555 0180" in vehicles
    )
    car = db.session.scalar(select(Vehicle.id))
    seated = re.findall(
        rf'<label for="seat-(\d+)">([^<]+)</label>(?:(?!</tr>).)*value="{car}" selected',
        seats,
        re.S,
    )
    assert sorted(name for _, name in seated) == [
        "Lena Hoffmann", "Prof. Dr. Uwe Schneidewind", "Thomas Eiskirch"
    ]  # fmt: skip
    # The driver picks them up after the closing exchange and takes them to the station.
    assert "Driver sheet: Dienstwagen des Oberbürgermeisters" in sheet
    assert "Pick-up 13:45 Transfer to the main station" in sheet
    assert "to Bochum main station, Kurt-Schumacher-Platz 1." in sheet
    assert (
        "Pick-up: Amtszimmer des Oberbürgermeisters, Rathaus Bochum, Willy-Brandt-Platz 2–6"
    ) in sheet
    # Guests first, then the hosts, the escort last.
    assert ("Passengers (3): Prof. Dr. Uwe Schneidewind Thomas Eiskirch Lena Hoffmann") in sheet
    assert "13:45–14:05 Transfer to the main station Responsible: Lena Hoffmann" in run_sheet
    assert (
        "Vehicle Dienstwagen des Oberbürgermeisters (driver: Michael Brandt, +49 234 555 0180): "
        "Prof. Dr. Uwe Schneidewind, Thomas Eiskirch, Lena Hoffmann" in run_sheet
    )


def test_the_history_tells_a_vehicle_added_and_deleted(client, as_host, visit):
    as_host(visit)
    client.post(
        f"/visits/{visit.id}/vehicles/new", data={"kind": "car", "name": "Auto 7", "seats": "4"}
    )
    vehicle = db.session.scalar(select(Vehicle))
    client.post(f"/visits/{visit.id}/vehicles/{vehicle.id}/delete", data={"confirm": "yes"})

    page = _text(client.get(f"/visits/{visit.id}/history"))

    assert "added the vehicle “Auto 7”" in page
    assert "deleted the vehicle “Auto 7”" in page


def test_the_history_tells_it_in_german_too(client, login, visit):
    login(factories.user(visit.host_organisation, Role.PLANNER, name="Petra Protokoll"))
    client.post(
        f"/visits/{visit.id}/vehicles/new", data={"kind": "car", "name": "Auto 7", "seats": "4"}
    )

    page = _text(client.get(f"/visits/{visit.id}/history"))

    assert "Petra Protokoll hat das Fahrzeug „Auto 7“ hinzugefügt." in page


def test_a_stored_run_sheet_of_the_issued_version_follows_the_seats(client, as_host, visit):
    car = _vehicle(visit)
    item = _transfer(visit)
    factories.issue(visit)
    as_host(visit)
    before = _pdf_text(client.get(f"/visits/{visit.id}/print/run-sheet.pdf?lang=en"))
    page = client.get(f"/visits/{visit.id}/transfers/{item.id}")
    opened_at = re.search(r'name="opened_at"[^>]*value="([^"]+)"', page.get_data(as_text=True))
    eiskirch = next(p for p in visit.participations if p.person.last_name == "Eiskirch")
    client.post(
        f"/visits/{visit.id}/transfers/{item.id}",
        data={"opened_at": opened_at[1], f"seat-{eiskirch.id}": str(car.id)},
    )

    after = _pdf_text(client.get(f"/visits/{visit.id}/print/run-sheet.pdf?lang=en"))

    assert "Vehicle Dienstwagen 1" not in before
    assert "Vehicle Dienstwagen 1 (driver: Karl Fahrer, +49 234 555 0199): " in after


def test_trashing_a_transfer_takes_its_seats_along_and_restoring_brings_them_back(app, visit):
    car = _vehicle(visit)
    item = _transfer(visit)
    _seat(car, item, "Schneidewind", "Eiskirch")
    db.session.commit()

    entry = trash_item(item, None)
    db.session.commit()
    gone = db.session.scalars(select(Ride)).all()
    restore(entry, None)
    db.session.commit()

    assert gone == []
    assert len(db.session.scalars(select(Ride)).all()) == 2
