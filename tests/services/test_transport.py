"""The seat proposal by protocol order, on plain objects."""

from types import SimpleNamespace

import pytest

from planner.enums import Side, VehicleKind
from planner.models import Participation, Person, Vehicle
from planner.services.transport import propose_seats

# last name, side, rank; in protocol order, guests first.
PEOPLE = [
    ("Schneidewind", Side.GUEST, 1),
    ("Albers", Side.GUEST, 2),
    ("Reuter", Side.GUEST, 3),
    ("Eiskirch", Side.HOST, 1),
    ("Kopietz", Side.HOST, 2),
    ("Hoffmann", Side.HOST, None),
]


def _people() -> list[Participation]:
    return [
        Participation(id=number, person_id=number, side=side, rank=rank,
                      person=Person(id=number, last_name=name))
        for number, (name, side, rank) in enumerate(PEOPLE, start=1)
    ]  # fmt: skip


def _fleet(*vehicles: tuple[str, VehicleKind, int]) -> list[Vehicle]:
    return [
        Vehicle(id=number, name=name, kind=kind, seats=seats)
        for number, (name, kind, seats) in enumerate(vehicles, start=1)
    ]


def _proposed(vehicles, contact="Hoffmann") -> dict[str, str | None]:
    people = _people()
    contact_id = next((p.person_id for p in people if p.person.last_name == contact), None)
    visit = SimpleNamespace(contact_person_id=contact_id)
    names = {vehicle.id: vehicle.name for vehicle in vehicles}
    proposal = propose_seats(visit, vehicles, people)
    return {p.person.last_name: names.get(proposal[p.id]) for p in people}


@pytest.mark.parametrize(
    ("vehicles", "contact", "expected"),
    [
        (
            [("Bus", VehicleKind.BUS, 20), ("Dienstwagen", VehicleKind.CAR, 3)],
            "Hoffmann",
            {"Schneidewind": "Dienstwagen", "Eiskirch": "Dienstwagen", "Hoffmann": "Dienstwagen",
             "Albers": "Bus", "Reuter": "Bus", "Kopietz": "Bus"},
        ),
        (
            [("Dienstwagen", VehicleKind.CAR, 4), ("Kleinbus", VehicleKind.VAN, 1)],
            None,
            {"Schneidewind": "Dienstwagen", "Eiskirch": "Dienstwagen", "Albers": "Kleinbus",
             "Reuter": "Dienstwagen", "Kopietz": "Dienstwagen", "Hoffmann": None},
        ),
        (
            [("Kleinbus", VehicleKind.VAN, 2)],
            "Hoffmann",
            {"Schneidewind": "Kleinbus", "Eiskirch": "Kleinbus", "Albers": None, "Reuter": None,
             "Kopietz": None, "Hoffmann": None},
        ),
        ([], "Hoffmann", {name: None for name, _side, _rank in PEOPLE}),
    ],
    ids=["car-first-among-others", "others-full-then-first-car", "no-car-first-vehicle", "none"],
)  # fmt: skip
def test_the_heads_of_delegation_ride_first_with_the_escort(vehicles, contact, expected):
    assert _proposed(_fleet(*vehicles), contact) == expected
