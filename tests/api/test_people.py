"""People, participations and the catalogue through the API, as the pages show them."""

import pytest
from sqlalchemy import select

from planner.enums import ItemKind, Role, Side
from planner.extensions import db
from planner.models import Participation
from planner.services.api_tokens import create_token
from tests import factories
from tests.helpers import count_queries


def _token(user, scope: str = "read write") -> dict:
    _made, text = create_token(user, "Skript", scope)
    db.session.commit()
    return {"Authorization": f"Bearer {text}"}


@pytest.fixture
def visit(app):
    host = factories.organisation("Wuppertal")
    guest = factories.organisation("Košice")
    visit = factories.visit(host, [guest])
    return visit


@pytest.fixture
def people(visit):
    """A host mayor with an internal phone and needs, a host clerk, a guest mayor."""
    host, guest = visit.host_organisation, visit.guest_organisations[0]
    mayor = factories.person(
        host, "Schneidewind", first_name="Uwe", salutation="Herr", office_title="Oberbürgermeister",
        function="Oberbürgermeister", phone="+49 202 563 0", phone_internal=True,
        dietary_needs="vegetarisch", precedence_rank=1,
    )  # fmt: skip
    clerk = factories.person(host, "Kurz", function="Protokoll", phone="+49 202 1")
    guest_mayor = factories.person(
        guest, "Polaček", first_name="Jaroslav", salutation="Herr", function="Primátor",
        phone="+421 55 1", accessibility_needs="Rollstuhl", precedence_rank=1,
    )  # fmt: skip
    rows = {
        "mayor": factories.participation(visit, mayor, Side.HOST, public_phone=True),
        "clerk": factories.participation(visit, clerk, Side.HOST, public_function=False),
        "guest": factories.participation(visit, guest_mayor, Side.GUEST),
    }
    db.session.commit()
    return rows


@pytest.fixture
def host(visit):
    return _token(factories.user(visit.host_organisation, Role.PLANNER))


@pytest.fixture
def guest(visit):
    return _token(factories.user(visit.guest_organisations[0], Role.PLANNER))


def _participants(client, visit, headers, **query):
    response = client.get(f"/api/v1/visits/{visit.id}/participants", headers=headers,
                          query_string=query)  # fmt: skip
    assert response.status_code == 200, response.json
    return response.json


def test_the_host_reads_everyone_in_protocol_order_with_internal_details(
    client, visit, people, host
):
    listed = _participants(client, visit, host, lang="de")["participants"]

    assert [p["person"]["name"] for p in listed] == [
        "Jaroslav Polaček",
        "Uwe Schneidewind",
        "Kurz",
    ]
    mayor = listed[1]
    assert mayor["side"] == "host"
    assert mayor["rank"] == 1
    assert mayor["person"]["phone"] == "+49 202 563 0"
    assert mayor["phone_internal"] is True
    assert mayor["needs"]["dietary"] == "vegetarisch"
    assert mayor["person"]["forms"]["salutation"].startswith("Sehr geehrter Herr")
    assert mayor["person"]["organisation"]["name"] == "Wuppertal"


def test_a_guest_sees_what_the_host_shares_and_never_an_internal_phone_or_host_needs(
    client, visit, people, guest
):
    listed = _participants(client, visit, guest, lang="en")["participants"]
    by_name = {p["person"]["name"]: p for p in listed}

    mayor, clerk = by_name["Uwe Schneidewind"], by_name["Kurz"]
    # Public, but internal: the number stays in the house.
    assert mayor["person"]["phone"] == ""
    assert "phone_internal" not in mayor
    assert "needs" not in mayor
    assert "answers" not in mayor
    assert clerk["person"]["function"] == ""
    assert clerk["person"]["phone"] == ""
    assert mayor["person"]["forms"]["salutation"].startswith("Dear")
    # Their own delegation is theirs to look after.
    own = by_name["Jaroslav Polaček"]
    assert own["needs"]["accessibility"] == "Rollstuhl"
    assert own["person"]["phone"] == "+421 55 1"


def test_a_guest_sees_only_its_own_delegation_when_the_host_keeps_its_list(
    client, visit, people, guest, host
):
    visit.guests_see_host_attendees = False
    db.session.commit()

    seen = _participants(client, visit, guest)
    assert [p["person"]["name"] for p in seen["participants"]] == ["Jaroslav Polaček"]
    assert seen["total"] == 1
    assert _participants(client, visit, host)["total"] == 3


def test_another_city_learns_nothing_of_the_people_or_their_items(client, visit, people):
    stranger = _token(factories.user(factories.organisation("Dortmund"), Role.ADMIN))
    person_id = people["mayor"].person_id

    for url in (
        f"/api/v1/visits/{visit.id}/participants",
        f"/api/v1/visits/{visit.id}/people/{person_id}/items",
    ):
        response = client.get(url, headers=stranger)
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"


def test_pages_of_a_long_list_cost_the_same_few_queries(client, visit, host):
    organisation = visit.guest_organisations[0]
    for number in range(60):
        factories.participation(visit, factories.person(organisation, f"Gast {number:02d}"))
    db.session.commit()
    _participants(client, visit, host)  # the token's first use is noted once

    with count_queries(db.engine) as small:
        first = _participants(client, visit, host, size=5)
    with count_queries(db.engine) as large:
        second = _participants(client, visit, host, size=50, page=2)

    assert first["total"] == 60
    assert first["pages"] == 12
    assert [p["person"]["name"] for p in first["participants"]][0] == "Gast 00"
    assert [p["person"]["name"] for p in second["participants"]][0] == "Gast 50"
    assert len(second["participants"]) == 10
    assert large.count == small.count < 20


def test_a_persons_items_are_their_issued_items_without_holds_or_notes(
    client, visit, people, host, guest
):
    guest_person = people["guest"]
    welcome = factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang",
                             internal_notes="Blumen bestellen")  # fmt: skip
    lunch = factories.item(visit, "2023-02-23 12:00", "2023-02-23 13:00", "Mittagessen")
    factories.item(visit, "2023-02-23 13:00", "2023-02-23 14:00", "Puffer",
                   kind=ItemKind.INTERNAL_HOLD)  # fmt: skip
    guest_person.attends_all_items = False
    guest_person.items = [welcome]
    db.session.commit()
    url = f"/api/v1/visits/{visit.id}/people/{guest_person.person_id}/items"
    assert client.get(url, headers=host).json["version"] is None
    factories.issue(visit)
    # A change of the draft after issuing is not the person's yet.
    factories.item(visit, "2023-02-23 15:00", "2023-02-23 16:00", "Neu im Entwurf")
    db.session.commit()

    answer = client.get(url, headers=guest)

    assert answer.status_code == 200
    assert answer.json["version"] == 1
    [item] = answer.json["items"]
    assert item["title"] == "Empfang"
    assert item["id"] == welcome.id
    assert item["starts"] == {"local": "2023-02-23T10:00:00+01:00", "utc": "2023-02-23T09:00:00Z"}
    assert item["answer"] == "needs-action"
    assert "Blumen" not in answer.get_data(as_text=True)
    assert lunch.id not in [i["id"] for i in answer.json["items"]]
    # The host reads the mayor's: every issued item but the hold.
    mayor = f"/api/v1/visits/{visit.id}/people/{people['mayor'].person_id}/items"
    titles = [i["title"] for i in client.get(mayor, headers=host).json["items"]]
    assert titles == ["Empfang", "Mittagessen"]
    # A guest reads its own delegation's calendars, not the host's people's.
    assert client.get(mayor, headers=guest).status_code == 404


def test_a_planner_adds_and_removes_a_participant_with_the_lock_version(
    client, visit, people, host, guest
):
    newcomer = factories.person(visit.host_organisation, "Neumann")
    db.session.commit()
    url = f"/api/v1/visits/{visit.id}/participants"

    added = client.post(url, json={"person_id": newcomer.id, "rank": 5}, headers=host)
    again = client.post(url, json={"person_id": newcomer.id}, headers=host)
    theirs = client.post(url, json={"person_id": newcomer.id}, headers=guest)

    assert added.status_code == 201, added.json
    assert added.json["side"] == "host"
    assert added.json["rank"] == 5
    assert again.status_code == 422
    assert "person_id" in again.json["errors"]
    assert theirs.status_code == 404  # a host person the guest does not see
    participation_id = added.json["id"]
    gone = f"{url}/{participation_id}"
    assert client.delete(gone, headers=host).status_code == 428
    assert client.delete(gone, headers={**host, "If-Match": '"999"'}).status_code == 412
    assert client.delete(gone, headers=guest).status_code == 403
    version = db.session.get(Participation, participation_id).lock_version
    removed = client.delete(gone, headers={**host, "If-Match": f'"{version}"'})
    assert removed.status_code == 204
    db.session.expire_all()
    remaining = db.session.scalars(select(Participation.person_id)).all()
    assert newcomer.id not in remaining


def test_venues_rooms_and_modules_are_the_organisations_own(client, visit, host):
    room = factories.room(visit.host_organisation, "Ratssaal", capacity=80)
    module = factories.module(visit.host_organisation, title_de="Empfang", title_en="Reception",
                              description_de="Im Rathaus", default_room=room)  # fmt: skip
    other_room = factories.room(factories.organisation("Dortmund"), "Saal")
    other_module = factories.module(other_room.venue.organisation)
    db.session.commit()

    venues = client.get("/api/v1/venues", headers=host).json["venues"]
    assert [(v["id"], [r["name"] for r in v["rooms"]]) for v in venues] == [
        (room.venue_id, ["Ratssaal"])
    ]
    assert (
        client.get(f"/api/v1/venues/{room.venue_id}", headers=host).json["rooms"][0]["capacity"]
        == 80
    )
    assert client.get(f"/api/v1/rooms/{room.id}", headers=host).json["name"] == "Ratssaal"
    modules = client.get("/api/v1/modules", headers=host).json["modules"]
    assert [m["titles"] for m in modules] == [{"de": "Empfang", "en": "Reception"}]
    read = client.get(f"/api/v1/modules/{module.id}", headers=host).json
    assert read["descriptions"]["de"] == "Im Rathaus"
    assert read["default_room_id"] == room.id
    for url in (
        f"/api/v1/venues/{other_room.venue_id}",
        f"/api/v1/rooms/{other_room.id}",
        f"/api/v1/modules/{other_module.id}",
    ):
        assert client.get(url, headers=host).status_code == 404
