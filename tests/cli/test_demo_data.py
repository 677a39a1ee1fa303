"""`flask --app planner demo-data` loads the reference visit, once."""

import re
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash

from planner.enums import GiftDirection, ItemKind, Role, Side
from planner.extensions import db
from planner.models import (
    AgendaItem,
    Gift,
    GoldenBookEntry,
    GoldenBookSigner,
    Organisation,
    Participation,
    Person,
    ProgrammeModule,
    Ride,
    Room,
    User,
    Vehicle,
    Venue,
    Visit,
)
from planner.services.benchdata import generate
from planner.services.conflicts import find_conflicts
from planner.services.demo import INTERNAL_PARKING_NOTE
from planner.services.planning_state import open_clash_counts
from planner.services.transport import transport_warnings
from planner.services.versions import latest_version
from tests import factories

MODELS = [
    Organisation, Venue, Room, ProgrammeModule, Person, Visit, AgendaItem, Participation, Gift,
    GoldenBookEntry, GoldenBookSigner, Vehicle, Ride,
]  # fmt: skip


def _counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in MODELS
    }


def test_demo_data_loads_the_wuppertal_visit_to_bochum(runner):
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    assert "Loaded the demo visit" in result.output

    visit = db.session.scalar(select(Visit))
    assert visit.host_organisation.name == "Bochum"
    assert [org.name for org in visit.guest_organisations] == ["Wuppertal"]
    assert (visit.first_day, visit.last_day) == (date(2023, 2, 23), date(2023, 2, 23))
    assert visit.timezone == "Europe/Berlin"
    assert [(item.starts_at, item.title_de, item.title_en) for item in visit.items] == [
        (datetime(2023, 2, 23, 10, 0), "Begrüßung durch den Oberbürgermeister",
         "Welcome by the Lord Mayor"),
        (datetime(2023, 2, 23, 10, 30), "Vorführung der digitalen Infostelen",
         "Digital information steles demo"),
        (datetime(2023, 2, 23, 11, 15), "Rundgang mit der App „Rathaus Navi“",
         "Rathaus Navi app walkthrough"),
        (datetime(2023, 2, 23, 12, 0), "Smart City Innovation Unit: das „Bochumer Modell“",
         'Smart City Innovation Unit: the "Bochumer Modell"'),
        (datetime(2023, 2, 23, 13, 15), "Abschlussgespräch", "Closing exchange"),
        (datetime(2023, 2, 23, 13, 45), "Transfer zum Hauptbahnhof",
         "Transfer to the main station"),
    ]  # fmt: skip
    assert visit.items[0].description_en == (
        "Reception of the delegation and signing of the Golden Book."
    )
    assert visit.items[0].internal_notes == INTERNAL_PARKING_NOTE
    version = latest_version(visit.id)
    assert version.number == 1
    assert [(item["title_de"], item["title_en"]) for item in version.snapshot["items"]] == [
        (i.title_de, i.title_en) for i in visit.items
    ]
    assert all(item.uid.endswith("@planner.test") for item in visit.items)

    by_side = {
        side: {p.person.last_name for p in visit.participations if p.side == side} for side in Side
    }
    assert {"Schneidewind"} <= by_side[Side.GUEST]
    assert {"Eiskirch", "Kopietz", "Kücük"} <= by_side[Side.HOST]
    internal_phones = db.session.scalars(select(Person).where(Person.phone_internal)).all()
    assert [(p.last_name, p.organisation.name) for p in internal_phones] == [("Kücük", "Bochum")]


def test_demo_catalogue_has_the_standard_modules_in_both_languages(runner):
    runner.invoke(args=["demo-data"])
    modules = {m.key: m for m in db.session.scalars(select(ProgrammeModule))}
    assert set(modules) >= {
        "steles-demo", "rathaus-navi", "innovation-unit", "welcome-mayor",
        "press-photo", "lunch", "transfer", "closing-exchange",
    }  # fmt: skip
    assert modules["steles-demo"].title_en == "Digital information steles demo"
    assert modules["lunch"].title_de == "Mittagessen"
    assert all(
        m.title_de and m.title_en and m.default_duration_minutes > 0 for m in modules.values()
    )


def test_demo_data_has_the_gifts_and_the_golden_book_entry_of_the_welcome(runner):
    runner.invoke(args=["demo-data"])

    gifts = db.session.scalars(select(Gift).order_by(Gift.id)).all()
    assert [
        (g.direction, g.giver_person.last_name, g.recipient_person.last_name, g.value_eur)
        for g in gifts
    ] == [
        (GiftDirection.GIVEN, "Eiskirch", "Schneidewind", Decimal("80.00")),
        (GiftDirection.RECEIVED, "Schneidewind", "Eiskirch", Decimal("40.00")),
    ]
    assert "Grubenlampe" in gifts[0].description
    assert "Schwebebahn" in gifts[1].description
    entry = db.session.scalars(select(GoldenBookEntry)).one()
    assert {g.item_id for g in gifts} == {entry.item_id}
    assert entry.item.title_de == "Begrüßung durch den Oberbürgermeister"
    assert [(s.position, s.person.last_name) for s in entry.signers] == [
        (1, "Schneidewind"), (2, "Eiskirch"),
    ]  # fmt: skip


def test_demo_data_drives_the_heads_of_delegation_to_the_station_with_an_escort(runner):
    runner.invoke(args=["demo-data"])

    transfer = db.session.scalars(
        select(AgendaItem).where(AgendaItem.kind == ItemKind.TRANSFER)
    ).one()
    assert (transfer.starts_at, transfer.ends_at) == (
        datetime(2023, 2, 23, 13, 45),
        datetime(2023, 2, 23, 14, 5),
    )
    assert transfer.module.key == "transfer"
    issued = latest_version(transfer.visit_id).snapshot["items"]
    assert issued[-1]["title_de"] == "Transfer zum Hauptbahnhof"
    rides = db.session.scalars(select(Ride).order_by(Ride.id)).all()
    assert {ride.vehicle.name for ride in rides} == {"Dienstwagen des Oberbürgermeisters"}
    assert {ride.agenda_item_id for ride in rides} == {transfer.id}
    assert sorted(ride.participation.person.last_name for ride in rides) == [
        "Eiskirch", "Hoffmann", "Schneidewind",
    ]  # fmt: skip
    assert find_conflicts([transfer.visit_id]) == {transfer.visit_id: []}
    assert transport_warnings(transfer.visit, "de") == []


def test_running_demo_data_twice_changes_nothing(runner):
    runner.invoke(args=["demo-data"])
    before = _counts()
    uids = db.session.scalars(select(AgendaItem.uid).order_by(AgendaItem.id)).all()

    result = runner.invoke(args=["demo-data"])

    assert result.exit_code == 0
    assert "exists already" in result.output
    assert _counts() == before
    assert db.session.scalars(select(AgendaItem.uid).order_by(AgendaItem.id)).all() == uids


def test_demo_data_if_empty_leaves_a_used_database_alone(runner):
    factories.visit(title="Besuch aus Dortmund")
    db.session.commit()

    result = runner.invoke(args=["demo-data", "--if-empty"])

    assert result.exit_code == 0
    assert db.session.scalars(select(Visit.title)).all() == ["Besuch aus Dortmund"]


def test_demo_data_creates_an_admin_with_a_random_password_shown_once(app, runner):
    first = runner.invoke(args=["demo-data"])
    password = re.search(r"Demo admin: admin@bochum.example with the password (\S+)", first.output)[
        1
    ]

    second = runner.invoke(args=["demo-data"])

    assert len(password) >= 16
    assert "password" not in second.output
    admin = db.session.scalar(select(User).where(User.email == "admin@bochum.example"))
    assert (admin.role, admin.organisation.name) == (Role.ADMIN, "Bochum")
    assert check_password_hash(admin.password_hash, password)
    client = app.test_client()
    client.post("/login", data={"email": "admin@bochum.example", "password": password})
    assert client.get("/admin/users").status_code == 200


def test_each_installation_gets_its_own_demo_admin_password(app, runner):
    passwords = set()
    for _ in range(2):
        output = runner.invoke(args=["demo-data"]).output
        passwords.add(re.search(r"with the password (\S+)", output)[1])
        db.session.execute(delete(User))
        db.session.commit()
    assert len(passwords) == 2


def test_bench_data_inserts_visits_items_and_people_in_bulk(runner):
    result = runner.invoke(
        args=["bench-data", "--visits", "30", "--items-per-visit", "4", "--people", "25",
              "--participants-per-visit", "6"]
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "Inserted 30 visits, 120 items and 25 people" in result.output
    assert _counts()["Visit"] == 30
    assert _counts()["AgendaItem"] == 120
    assert _counts()["Participation"] == 180
    rooms = db.session.scalars(select(AgendaItem.room_id).distinct()).all()
    assert len(rooms) == 10  # rooms shared across visits
    visits_per_person = db.session.execute(
        select(Participation.person_id, func.count()).group_by(Participation.person_id)
    ).all()
    assert max(count for _, count in visits_per_person) > 1  # people attend several visits
    # New rows after the bulk insert get fresh ids (PostgreSQL's sequences moved on).
    fresh = factories.visit()
    assert fresh.id == 31


def test_bench_data_plans_a_big_visit_without_warnings(app):
    # The figures measure a well-planned visit: every item within the visit's days, rooms
    # big enough for everyone, no room booked twice, nobody in two places.
    visit_id = generate(1, 45, 60, participants_per_visit=60)[0]
    db.session.commit()

    visit = db.session.get(Visit, visit_id)
    assert (visit.last_day - visit.first_day).days == 2
    assert open_clash_counts([visit_id]) == {visit_id: 0}
