"""The day plan: rooms as columns, what each reader sees, and moving an item on it."""

import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from planner.enums import ItemKind, Role, Side
from planner.extensions import db
from planner.models import AgendaItem, AuditEntry
from planner.services.demo import load_demo_data
from tests import factories
from tests.helpers import count_queries, page_text


def _columns(response) -> dict[str, list[str]]:
    """Return each column's heading with the titles of its blocks, as the page lists them."""
    html = response.get_data(as_text=True)
    columns = {}
    for section in re.findall(r'<section class="dp-column".*?</section>', html, re.S):
        name = re.search(r'<h3 class="dp-head"[^>]*>(.*?)</h3>', section, re.S).group(1)
        titles = re.findall(r'<a class="dp-title"[^>]*>(.*?)</a>', section, re.S)
        columns[name.strip()] = [title.strip() for title in titles]
    return columns


def _plan(client, visit, day: str | None = None, **query):
    path = f"/visits/{visit.id}/plan" + (f"/{day}" if day else "")
    return client.get(path, query_string=query)


def _move(client, item, start: str, room=None, lock=None, **extra):
    data = {
        "start": start,
        "room": "" if room is None else str(getattr(room, "id", room)),
        "lock_version": str(item.lock_version if lock is None else lock),
        **extra,
    }
    return client.post(f"/visits/{item.visit_id}/items/{item.id}/move", data=data)


def _fresh(item: AgendaItem) -> AgendaItem:
    db.session.expire_all()
    return db.session.get(AgendaItem, item.id)


def test_the_plan_shows_each_room_of_the_day_as_a_column_with_its_items(client, login):
    visit = load_demo_data().visit
    login(factories.user(visit.host_organisation, Role.VIEWER))

    response = _plan(client, visit)

    assert response.status_code == 200
    assert _columns(response) == {
        "Amtszimmer des Oberbürgermeisters, Rathaus Bochum": [
            "Begrüßung durch den Oberbürgermeister",
            "Abschlussgespräch",
        ],
        "Besprechungsraum 2.14, Rathaus Bochum": [
            "Smart City Innovation Unit: das „Bochumer Modell“"
        ],
        "Foyer, Rathaus Bochum": [
            "Vorführung der digitalen Infostelen",
            "Rundgang mit der App „Rathaus Navi“",
        ],
        "Ohne Raum": ["Transfer zum Hauptbahnhof"],
    }
    text = page_text(response)
    assert "Alle Zeiten: Europe/Berlin" in text
    assert "10:00–10:30" in text
    # A viewer reads the plan; only planners get the move buttons and the item forms.
    assert "Verschieben" not in text
    assert "/edit" not in response.get_data(as_text=True)
    assert f'href="/visits/{visit.id}#item-{visit.items[0].id}"' in response.get_data(as_text=True)


def test_items_without_a_room_get_their_own_column_last(client, login):
    visit = load_demo_data().visit
    factories.item(visit, "2023-02-23 09:00", "2023-02-23 09:30", "Anreise", kind=ItemKind.TRANSFER)
    login(factories.user(visit.host_organisation, Role.PLANNER))

    columns = _columns(_plan(client, visit, "2023-02-23"))

    assert list(columns)[-1] == "Ohne Raum"
    assert columns["Ohne Raum"] == ["Anreise", "Transfer zum Hauptbahnhof"]


def test_set_up_tear_down_and_conflicts_show_on_the_blocks(client, login):
    visit = load_demo_data().visit
    welcome = visit.items[0]
    factories.item(visit, "2023-02-23 10:15", "2023-02-23 10:45", "Pressefoto",
                   room=welcome.room, setup_minutes=15, teardown_minutes=10)  # fmt: skip
    login(factories.user(visit.host_organisation, Role.PLANNER))

    response = _plan(client, visit)
    html = response.get_data(as_text=True)
    press = re.search(
        r'<li id="item-\d+" class="([^"]*)"[^>]*>(?:(?!</li>).)*Pressefoto', html, re.S
    )

    assert "dp-conflict" in press.group(1)
    text = page_text(response)
    assert "Aufbau: 15 Min." in text
    assert "Abbau: 10 Min." in text
    assert "Warnungen an diesem Tag" in text
    assert "Pressefoto : Überschneidet sich mit „Begrüßung durch den Oberbürgermeister“" in text
    # Overlapping blocks of one room sit side by side.
    assert re.search(r'data-lanes="2"', html)


def test_a_guest_sees_the_issued_plan_without_internal_holds_or_notes(client, login):
    visit = load_demo_data().visit
    factories.item(visit, "2023-02-23 09:00", "2023-02-23 09:45", "Interne Vorbesprechung",
                   kind=ItemKind.INTERNAL_HOLD, room=visit.items[0].room)  # fmt: skip
    visit.items[0].internal_notes = "Blumen nicht vergessen"
    factories.issue(visit, "Mit Vorbesprechung")
    factories.item(visit, "2023-02-23 15:00", "2023-02-23 15:30", "Noch nicht herausgegeben")
    guest = factories.user(visit.guest_organisations[0], Role.PLANNER)
    login(guest)

    response = _plan(client, visit)

    assert response.status_code == 200
    text = page_text(response)
    assert "Begrüßung durch den Oberbürgermeister" in text
    assert "Interne Vorbesprechung" not in text
    assert "Blumen nicht vergessen" not in text
    assert "Noch nicht herausgegeben" not in text
    assert "Arbeitsentwurf" not in text
    assert "Verschieben" not in text


def test_days_of_the_visit_are_linked_and_each_shows_its_own_items(client, login):
    host = factories.organisation("Bochum")
    visit = factories.visit(host, first_day=date(2023, 2, 23), last_day=date(2023, 2, 24))
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Erster Tag")
    factories.item(visit, "2023-02-24 10:00", "2023-02-24 11:00", "Zweiter Tag")
    login(factories.user(host, Role.PLANNER))

    first = _plan(client, visit)
    second = _plan(client, visit, "2023-02-24")

    html = first.get_data(as_text=True)
    assert f'href="/visits/{visit.id}/plan/2023-02-23" aria-current="page"' in html
    assert f'href="/visits/{visit.id}/plan/2023-02-24"' in html
    assert _columns(first) == {"Ohne Raum": ["Erster Tag"]}
    assert _columns(second) == {"Ohne Raum": ["Zweiter Tag"]}


@pytest.mark.parametrize("day", ["2023-02-22", "2023-02-30", "gestern", "2023-2-23"])
def test_a_day_that_is_not_the_visits_is_not_found(client, login, day):
    visit = load_demo_data().visit
    login(factories.user(visit.host_organisation, Role.PLANNER))

    assert _plan(client, visit, day).status_code == 404


def test_another_organisation_does_not_find_the_plan(client, login):
    visit = load_demo_data().visit
    login(factories.user(factories.organisation("Dortmund"), Role.ADMIN))

    assert _plan(client, visit).status_code == 404
    assert _plan(client, visit, "2023-02-23").status_code == 404


def test_planners_can_show_every_room_as_a_place_to_move_to(client, login):
    visit = load_demo_data().visit
    spare = factories.room(visit.host_organisation, "Leerer Saal")
    login(factories.user(visit.host_organisation, Role.PLANNER))

    columns = _columns(_plan(client, visit, rooms="all"))

    assert columns[spare.label] == []
    assert columns["Ohne Raum"] == ["Transfer zum Hauptbahnhof"]
    assert spare.label not in _columns(_plan(client, visit))


def test_the_plan_costs_the_same_queries_however_many_items_it_shows(app, client, login):
    visit = load_demo_data().visit
    login(factories.user(visit.host_organisation, Role.PLANNER))
    room = factories.room(visit.host_organisation, "Saal")
    roomless = sum(1 for item in visit.items if item.room is None)

    def add_items(hours) -> None:
        for hour in hours:
            factories.item(visit, f"2023-02-23 {hour}:00", f"2023-02-23 {hour}:30", room=room)
            factories.item(visit, f"2023-02-23 {hour}:30", f"2023-02-23 {hour + 1}:00")
        factories.participation(visit, factories.person(visit.host_organisation), Side.HOST)
        db.session.commit()

    add_items([14])
    with count_queries(db.engine) as few:
        assert _plan(client, visit).status_code == 200
    add_items(range(15, 20))
    with count_queries(db.engine) as many:
        assert _plan(client, visit).status_code == 200

    assert len(_columns(_plan(client, visit))["Ohne Raum"]) == roomless + 6
    assert many.count == few.count


# --- moving -------------------------------------------------------------------------


def test_a_planner_moves_an_item_to_another_time_and_room(client, login):
    visit = load_demo_data().visit
    closing = next(i for i in visit.items if i.title_de == "Abschlussgespräch")
    foyer = next(i.room for i in visit.items if i.room.name == "Foyer")
    planner = factories.user(visit.host_organisation, Role.PLANNER, name="Lena Hoffmann")
    login(planner)

    # After the demo's transfer to the station, which ends at 14:05.
    response = _move(client, closing, "2023-02-23T14:15", foyer)

    assert response.status_code == 200
    assert response.json["saved"] is True
    assert response.json["location"] == f"/visits/{visit.id}/plan/2023-02-23#item-{closing.id}"
    moved = _fresh(closing)
    assert (moved.starts_at, moved.ends_at, moved.room_id) == (
        datetime(2023, 2, 23, 14, 15),
        datetime(2023, 2, 23, 14, 45),
        foyer.id,
    )
    # The audit trail records it as a change by the planner, as the item form would.
    entry = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == "AgendaItem", AuditEntry.object_id == closing.id)
        .order_by(AuditEntry.id.desc())
    ).first()
    assert entry.user_id == planner.id
    assert entry.changes["starts_at"] == ["2023-02-23T13:15:00", "2023-02-23T14:15:00"]
    assert entry.changes["room_id"][1] == foyer.id
    # The plan says so after the reload.
    text = page_text(client.get(response.json["location"]))
    assert "„Abschlussgespräch“ verschoben auf 14:15–14:45, Foyer, Rathaus Bochum." in text


def test_a_move_into_a_conflict_is_warned_and_saved_only_when_confirmed(client, login):
    visit = load_demo_data().visit
    welcome = visit.items[0]
    closing = next(i for i in visit.items if i.title_de == "Abschlussgespräch")
    login(factories.user(visit.host_organisation, Role.PLANNER))

    warned = _move(client, closing, "2023-02-23T10:15", welcome.room)

    assert warned.status_code == 200
    assert warned.json["saved"] is False
    assert warned.json["needs_confirmation"] is True
    assert warned.json["message"] == (
        "Das Verschieben von „Abschlussgespräch“ führt zu Warnungen. Trotzdem speichern?"
    )
    assert any(
        "Überschneidet sich mit „Begrüßung durch den Oberbürgermeister“" in warning
        for warning in warned.json["warnings"]
    )
    assert _fresh(closing).starts_at == datetime(2023, 2, 23, 13, 15)

    confirmed = _move(client, closing, "2023-02-23T10:15", welcome.room, confirm_conflicts="1")

    assert confirmed.json["saved"] is True
    assert _fresh(closing).starts_at == datetime(2023, 2, 23, 10, 15)


def test_a_move_from_a_stale_plan_is_refused(client, login):
    visit = load_demo_data().visit
    closing = next(i for i in visit.items if i.title_de == "Abschlussgespräch")
    opened_at = closing.lock_version
    colleague = factories.user(visit.host_organisation, Role.PLANNER, name="Karl Kollege")
    closing.title_de = "Abschied"
    set_actor_of(colleague)
    db.session.commit()
    login(factories.user(visit.host_organisation, Role.PLANNER))

    response = _move(client, closing, "2023-02-23T15:00", closing.room, lock=opened_at)

    assert response.status_code == 409
    assert response.json == {
        "saved": False,
        "message": "„Abschied“ wurde inzwischen von Karl Kollege geändert. Nichts wurde "
        "gespeichert: Bitte den Plan neu laden und erneut verschieben.",
    }
    assert _fresh(closing).starts_at == datetime(2023, 2, 23, 13, 15)


def set_actor_of(user) -> None:
    """Record the next changes in the audit trail as ``user``'s."""
    from planner.services.audit import set_actor

    set_actor(db.session, user.id)


def test_a_move_without_its_lock_version_is_refused(client, login):
    visit = load_demo_data().visit
    closing = next(i for i in visit.items if i.title_de == "Abschlussgespräch")
    login(factories.user(visit.host_organisation, Role.PLANNER))

    response = client.post(
        f"/visits/{visit.id}/items/{closing.id}/move",
        data={"start": "2023-02-23T15:00", "room": str(closing.room_id)},
    )

    assert response.status_code == 409
    assert _fresh(closing).starts_at == datetime(2023, 2, 23, 13, 15)


def test_a_move_into_the_spring_gap_is_refused_with_the_next_valid_time(client, login):
    host = factories.organisation("Bochum")
    visit = factories.visit(host, first_day=date(2023, 3, 26), timezone="Europe/Berlin")
    night = factories.item(visit, "2023-03-26 00:30", "2023-03-26 01:30", "Nachtfahrt")
    login(factories.user(host, Role.PLANNER))

    response = _move(client, night, "2023-03-26T02:30")

    assert response.status_code == 422
    assert "Nächste gültige Zeit: 03:00" in response.json["message"]
    assert _fresh(night).starts_at == datetime(2023, 3, 26, 0, 30)


def test_a_move_across_the_clock_change_keeps_the_real_length(client, login):
    host = factories.organisation("Bochum")
    visit = factories.visit(host, first_day=date(2023, 3, 26), timezone="Europe/Berlin")
    night = factories.item(visit, "2023-03-26 00:30", "2023-03-26 01:30", "Nachtfahrt")
    login(factories.user(host, Role.PLANNER))

    assert _move(client, night, "2023-03-26T01:30").json["saved"] is True

    # One hour of real time from 01:30 ends at 03:30: 02:00 to 03:00 does not exist.
    assert _fresh(night).ends_at == datetime(2023, 3, 26, 3, 30)


@pytest.mark.parametrize(
    ("start", "room"),
    [("", ""), ("morgen", ""), ("2023-02-23T25:00", ""), ("2023-02-23T10:00", "zwei")],
    ids=["no-time", "words", "impossible-hour", "room-not-a-number"],
)
def test_a_move_with_bad_input_is_refused_and_saves_nothing(client, login, start, room):
    visit = load_demo_data().visit
    closing = next(i for i in visit.items if i.title_de == "Abschlussgespräch")
    login(factories.user(visit.host_organisation, Role.PLANNER))

    response = client.post(
        f"/visits/{visit.id}/items/{closing.id}/move",
        data={"start": start, "room": room, "lock_version": str(closing.lock_version)},
    )

    assert response.status_code == 422
    assert response.json["message"] == "Bitte eine gültige Zeit und einen gültigen Raum wählen."
    assert _fresh(closing).starts_at == datetime(2023, 2, 23, 13, 15)


def test_a_move_into_another_citys_room_is_refused(client, login):
    visit = load_demo_data().visit
    closing = next(i for i in visit.items if i.title_de == "Abschlussgespräch")
    foreign = factories.room(factories.organisation("Dortmund"), "Fremder Saal")
    login(factories.user(visit.host_organisation, Role.PLANNER))

    response = _move(client, closing, "2023-02-23T15:00", foreign)

    assert response.status_code == 422
    assert response.json["message"] == "Diesen Raum gibt es nicht."
    assert _fresh(closing).room_id != foreign.id


@pytest.mark.parametrize(
    ("relation", "role", "status"),
    [("host", Role.VIEWER, 403), ("host", Role.HOST, 403), ("guest", Role.PLANNER, 403),
     ("other", Role.ADMIN, 404)],
    ids=["host-viewer", "host-host", "guest-planner", "other-admin"],
)  # fmt: skip
def test_only_the_hosts_planners_move_items(client, login, relation, role, status):
    visit = load_demo_data().visit
    closing = next(i for i in visit.items if i.title_de == "Abschlussgespräch")
    organisation = {
        "host": visit.host_organisation,
        "guest": visit.guest_organisations[0],
        "other": factories.organisation("Dortmund"),
    }[relation]
    login(factories.user(organisation, role))

    response = _move(client, closing, "2023-02-23T15:00", closing.room)

    assert response.status_code == status
    assert _fresh(closing).starts_at == datetime(2023, 2, 23, 13, 15)


def test_a_move_to_a_repeated_time_asks_which_reading_is_meant(client, login):
    host = factories.organisation("Bochum")
    visit = factories.visit(host, first_day=date(2023, 10, 29), timezone="Europe/Berlin")
    night = factories.item(visit, "2023-10-29 00:30", "2023-10-29 01:00", "Nachtfahrt")
    login(factories.user(host, Role.PLANNER))

    asked = _move(client, night, "2023-10-29T02:30")

    assert asked.status_code == 422
    assert asked.json["message"].startswith("02:30 gibt es am 29.10.2023 in Europe/Berlin zweimal")
    assert asked.json["message"].endswith("Bitte im Formular des Programmpunkts wählen.")

    assert _move(client, night, "2023-10-29T02:30", start_fold="1").json["saved"] is True
    moved = _fresh(night)
    assert (moved.starts_at, moved.starts_fold) == (datetime(2023, 10, 29, 2, 30), 1)
    assert (moved.ends_at, moved.ends_fold) == (datetime(2023, 10, 29, 3, 0), 0)
