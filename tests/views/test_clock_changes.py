"""Clock changes and midnight through the item form, and on every page, print and calendar."""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from planner.enums import Role
from planner.extensions import db
from planner.models import AgendaItem, Visit
from planner.services.demo import load_demo_data
from tests import factories
from tests.calendars import read_both
from tests.helpers import page_text


@dataclass(frozen=True)
class Zone:
    """A zone's clock changes in 2026, and how the items typed below must come out."""

    name: str
    gap_day: str
    gap: str  # a time the clocks skip
    next_valid: str
    fold_day: str
    early: str  # two times the clocks repeat, earlier and later on the clock
    late: str
    # "late" in summer time to "early" in winter time, as every agenda shows it
    night_shown: str
    night_utc: tuple[str, str]
    # 19:00-00:30 on the evening before the fold day
    evening_utc: tuple[str, str]


ZONES = [
    Zone("Europe/Berlin", "2026-03-29", "02:30", "03:00", "2026-10-25", "02:15", "02:45",
         "02:45 (UTC+02:00)–02:15 (UTC+01:00)",
         ("2026-10-25T00:45", "2026-10-25T01:15"), ("2026-10-24T17:00", "2026-10-24T22:30")),
    Zone("Europe/London", "2026-03-29", "01:30", "02:00", "2026-10-25", "01:15", "01:45",
         "01:45 (UTC+01:00)–01:15 (UTC+00:00)",
         ("2026-10-25T00:45", "2026-10-25T01:15"), ("2026-10-24T18:00", "2026-10-24T23:30")),
    Zone("America/New_York", "2026-03-08", "02:30", "03:00", "2026-11-01", "01:15", "01:45",
         "01:45 (UTC-04:00)–01:15 (UTC-05:00)",
         ("2026-11-01T05:45", "2026-11-01T06:15"), ("2026-10-31T23:00", "2026-11-01T04:30")),
    Zone("Australia/Lord_Howe", "2026-10-04", "02:15", "02:30", "2026-04-05", "01:40", "01:50",
         "01:50 (UTC+11:00)–01:40 (UTC+10:30)",
         ("2026-04-04T14:50", "2026-04-04T15:10"), ("2026-04-04T08:00", "2026-04-04T13:30")),
]  # fmt: skip
IDS = ["berlin", "london", "new-york", "lord-howe"]

ITEM = {"title_de": "Nachtfahrt", "kind": "transfer", "setup_minutes": "0", "teardown_minutes": "0",
        "room": "0", "responsible": "0", "status": "confirmed"}  # fmt: skip


@pytest.fixture
def planner(app, login):
    host = load_demo_data().visit.host_organisation
    user = factories.user(host, Role.PLANNER, name="Lena Hoffmann")
    login(user)
    return user


def _visit(planner, zone: Zone, first: str, last: str | None = None) -> Visit:
    visit = factories.visit(
        planner.organisation,
        first_day=date.fromisoformat(first),
        last_day=date.fromisoformat(last or first),
        timezone=zone.name,
    )
    db.session.commit()
    return visit


def _error(page: str, field: str) -> str:
    found = re.search(rf'id="{field}-error">([^<]*)<', page)
    return found.group(1) if found else ""


def _items(visit: Visit) -> list[tuple]:
    db.session.expire_all()
    return db.session.execute(
        select(AgendaItem.title_de, AgendaItem.starts_at, AgendaItem.starts_fold,
               AgendaItem.ends_at, AgendaItem.ends_fold)
        .where(AgendaItem.visit_id == visit.id)
        .order_by(AgendaItem.id)
    ).all()  # fmt: skip


def _german_day(day: str) -> str:
    return f"{day[8:10]}.{day[5:7]}.{day[:4]}"


@pytest.mark.parametrize("zone", ZONES, ids=IDS)
def test_a_time_the_clocks_skip_is_refused_at_its_field_with_the_next_valid_time(
    client, planner, zone
):
    visit = _visit(planner, zone, zone.gap_day)
    expected = (
        f"Diese Uhrzeit gibt es am {_german_day(zone.gap_day)} in {zone.name} nicht "
        f"(Zeitumstellung). Nächste gültige Zeit: {zone.next_valid}."
    )

    starting = client.post(
        f"/visits/{visit.id}/items/new",
        data={**ITEM, "day": zone.gap_day, "start": zone.gap, "end": "05:00"},
    )
    ending = client.post(
        f"/visits/{visit.id}/items/new",
        data={**ITEM, "day": zone.gap_day, "start": "00:30", "end": zone.gap},
    )

    assert _error(starting.get_data(as_text=True), "start") == expected
    assert _error(ending.get_data(as_text=True), "end") == expected
    assert _items(visit) == []


@pytest.mark.parametrize("zone", ZONES, ids=IDS)
def test_a_time_the_clocks_repeat_is_asked_about_and_the_answer_stored(client, planner, zone):
    visit = _visit(planner, zone, zone.fold_day)
    form = {**ITEM, "day": zone.fold_day, "start": zone.early, "end": "05:00"}

    asked = client.post(f"/visits/{visit.id}/items/new", data=form)
    page = asked.get_data(as_text=True)

    assert asked.status_code == 200
    assert _items(visit) == []
    assert (
        f"{zone.early} gibt es am {_german_day(zone.fold_day)} in {zone.name} zweimal "
        "(die Uhren werden zurückgestellt). Welche Uhrzeit ist gemeint?"
    ) in page_text(asked)
    assert _error(page, "start_fold") == "Bitte wählen Sie, welche gemeint ist."
    assert re.findall(r'<input[^>]*name="start_fold"[^>]*value="(\d)"', page) == ["0", "1"]
    assert 'name="end_fold"' not in page  # 05:00 happens once

    saved = client.post(f"/visits/{visit.id}/items/new", data={**form, "start_fold": "1"})

    assert saved.status_code == 302
    [(title, starts_at, starts_fold, ends_at, ends_fold)] = _items(visit)
    assert (starts_at.strftime("%H:%M"), starts_fold, ends_fold) == (zone.early, 1, 0)
    item_id = db.session.scalar(select(AgendaItem.id).where(AgendaItem.visit_id == visit.id))
    edit = client.get(f"/visits/{visit.id}/items/{item_id}/edit").get_data(as_text=True)
    checked = re.findall(r'<input([^>]*)name="start_fold"([^>]*)>', edit)
    assert ["checked" in before + after for before, after in checked] == [False, True]


@pytest.mark.parametrize("zone", ZONES, ids=IDS)
def test_end_and_beginning_are_compared_as_instants_across_the_fold(client, planner, zone):
    visit = _visit(planner, zone, zone.fold_day)
    form = {**ITEM, "day": zone.fold_day}

    # Later on the clock, but the end comes first: winter time to summer time.
    backwards = client.post(f"/visits/{visit.id}/items/new", data={
        **form, "start": zone.early, "start_fold": "1", "end": zone.late, "end_fold": "0",
    })  # fmt: skip
    assert _error(backwards.get_data(as_text=True), "end") == (
        "Das Ende muss nach dem Beginn liegen."
    )
    assert _items(visit) == []

    # Earlier on the clock, but the end comes later: summer time to winter time.
    forwards = client.post(f"/visits/{visit.id}/items/new", data={
        **form, "start": zone.late, "start_fold": "0", "end": zone.early, "end_fold": "1",
    })  # fmt: skip
    assert forwards.status_code == 302
    [(_, starts_at, starts_fold, ends_at, ends_fold)] = _items(visit)
    assert (f"{starts_at:%H:%M}", starts_fold, f"{ends_at:%H:%M}", ends_fold) == (
        zone.late, 0, zone.early, 1,
    )  # fmt: skip


@pytest.mark.parametrize("zone", ZONES, ids=IDS)
def test_an_evening_past_midnight_is_one_item_ending_the_next_day(client, planner, zone):
    visit = _visit(planner, zone, "2026-12-10")
    form = {**ITEM, "title_de": "Abendempfang", "day": "2026-12-10", "start": "19:00",
            "end": "00:30"}  # fmt: skip

    forgotten = client.post(f"/visits/{visit.id}/items/new", data=form)
    assert _error(forgotten.get_data(as_text=True), "end") == (
        "Das Ende muss nach dem Beginn liegen. Endet der Programmpunkt nach Mitternacht, "
        "kreuzen Sie „Endet am nächsten Tag“ an."
    )

    saved = client.post(f"/visits/{visit.id}/items/new", data={**form, "ends_next_day": "y"})

    assert saved.status_code == 302
    assert _items(visit) == [
        ("Abendempfang", datetime(2026, 12, 10, 19), 0, datetime(2026, 12, 11, 0, 30), 0)
    ]
    item_id = db.session.scalar(select(AgendaItem.id).where(AgendaItem.visit_id == visit.id))
    edit = client.get(f"/visits/{visit.id}/items/{item_id}/edit").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*name="ends_next_day"', edit)
    assert 'value="00:30"' in edit


def test_moving_an_evening_keeps_its_end_on_the_next_day(client, planner):
    visit = _visit(planner, ZONES[0], "2026-12-10", "2026-12-11")
    item = factories.item(visit, "2026-12-10 19:00", "2026-12-11 00:30", "Abendempfang")
    db.session.commit()

    moved = client.post(f"/visits/{visit.id}/items/{item.id}/edit", data={
        **ITEM, "title_de": "Abendempfang", "day": "2026-12-11", "start": "20:00", "end": "01:00",
        "ends_next_day": "y", "lock_version": str(item.lock_version),
    })  # fmt: skip

    assert moved.status_code == 302
    assert _items(visit) == [
        ("Abendempfang", datetime(2026, 12, 11, 20), 0, datetime(2026, 12, 12, 1), 0)
    ]


def _type_items(client, visit: Visit, zone: Zone, room_id: int) -> None:
    evening = date.fromisoformat(zone.fold_day) - timedelta(days=1)
    for form in (
        {**ITEM, "title_de": "Abendempfang", "day": evening.isoformat(), "start": "19:00",
         "end": "00:30", "ends_next_day": "y", "room": str(room_id)},
        {**ITEM, "title_de": "Nachtfahrt", "day": zone.fold_day, "start": zone.late,
         "start_fold": "0", "end": zone.early, "end_fold": "1", "room": str(room_id)},
    ):  # fmt: skip
        response = client.post(f"/visits/{visit.id}/items/new", data=form)
        assert response.status_code == 302, page_text(response)


@pytest.mark.parametrize("zone", ZONES, ids=IDS)
def test_pages_prints_and_calendars_agree_with_what_was_typed(app, client, planner, zone):
    evening = (date.fromisoformat(zone.fold_day) - timedelta(days=1)).isoformat()
    visit = _visit(planner, zone, evening, zone.fold_day)
    room = factories.room(planner.organisation, "Ratssaal")
    guest = factories.user(visit.guest_organisations[0], Role.VIEWER)
    db.session.commit()
    _type_items(client, visit, zone, room.id)
    factories.issue(db.session.get(Visit, visit.id))
    db.session.commit()
    guest_client = app.test_client()
    guest_client.post("/login", data={"email": guest.email, "password": factories.PASSWORD})

    shown = {
        "visit page (draft)": page_text(client.get(f"/visits/{visit.id}")),
        "visit page (issued)": page_text(guest_client.get(f"/visits/{visit.id}")),
        "agenda": page_text(client.get(f"/visits/{visit.id}/print/agenda")),
        "run-sheet": page_text(client.get(f"/visits/{visit.id}/print/run-sheet")),
        "door sheets": page_text(client.get(f"/visits/{visit.id}/print/door-sheets")),
    }
    for name, text in shown.items():
        # The evening first, under the day it begins on; then the night of the fold.
        assert "19:00–00:30 (+1 Tag)" in text, name
        assert zone.night_shown in text, name
        assert text.index("19:00–00:30 (+1 Tag)") < text.index(zone.night_shown), name

    events = read_both(client.get(f"/visits/{visit.id}/agenda.ics").data)
    uids = dict(
        db.session.execute(select(AgendaItem.title_de, AgendaItem.uid).where(
            AgendaItem.visit_id == visit.id)).all()
    )  # fmt: skip
    instants = {
        title: (events[uid]["start"][:16], events[uid]["end"][:16]) for title, uid in uids.items()
    }
    assert instants == {"Abendempfang": zone.evening_utc, "Nachtfahrt": zone.night_utc}
    assert db.session.scalar(select(func.count()).select_from(AgendaItem)) == 2 + len(
        load_demo_data().visit.items
    )


@pytest.mark.parametrize("zone", ZONES[:1], ids=IDS[:1])
def test_moving_an_item_to_the_second_reading_of_a_repeated_time_shows_both_offsets(
    client, planner, zone
):
    visit = _visit(planner, zone, zone.fold_day)
    night = factories.item(visit, f"{zone.fold_day} {zone.early}", f"{zone.fold_day} 05:00")
    db.session.commit()
    factories.issue(db.session.get(Visit, visit.id))
    db.session.commit()

    night = db.session.get(AgendaItem, night.id)
    night.starts_fold = 1
    db.session.commit()

    pending = page_text(client.get(f"/visits/{visit.id}"))
    assert f"von {zone.early} (UTC+02:00) auf {zone.early} (UTC+01:00)" in pending
