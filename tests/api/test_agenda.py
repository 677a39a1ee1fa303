"""The working draft's items and the changes between versions, as a script uses them."""

import pytest
from sqlalchemy import select

from planner.enums import ItemKind, Role
from planner.extensions import db
from planner.models import AgendaItem, AuditEntry, TrashEntry
from planner.services.demo import PROGRAMME, load_demo_data
from planner.services.trash import restore
from tests import factories
from tests.api.test_api import _token
from tests.helpers import count_queries

PROBLEM = "application/problem+json"
NEW = {
    "title_de": "Pressegespräch",
    "title_en": "Press talk",
    "kind": "press",
    # After the demo's last item, the transfer to the station (13:45–14:05).
    "starts": "2023-02-23T14:30",
    "ends": "2023-02-23T15:00",
    "internal_notes": "Fotograf bestellt",
}


@pytest.fixture
def demo(app):
    return load_demo_data().visit


@pytest.fixture
def host(demo):
    return _token(factories.user(demo.host_organisation, Role.PLANNER))


@pytest.fixture
def guest(demo):
    return _token(factories.user(demo.guest_organisations[0], Role.PLANNER))


def _items(demo) -> str:
    return f"/api/v1/visits/{demo.id}/items"


def _created(client, demo, host, **fields) -> dict:
    response = client.post(_items(demo), json={**NEW, **fields}, headers=host)
    assert response.status_code == 201, response.json
    return response.json


def _read(client, demo, host, item_id: int):
    return client.get(f"{_items(demo)}/{item_id}", headers=host)


def test_a_host_planner_creates_reads_changes_and_deletes_an_item(client, demo, host):
    created = _created(client, demo, host)

    assert created["title"] == "Pressegespräch"
    assert created["titles"] == {"de": "Pressegespräch", "en": "Press talk"}
    assert created["starts"] == {
        "local": "2023-02-23T14:30:00+01:00",
        "utc": "2023-02-23T13:30:00Z",
    }
    assert created["internal_notes"] == "Fotograf bestellt"
    listed = client.get(_items(demo), headers=host).json["items"]
    assert [item["title"] for item in listed][-1] == "Pressegespräch"
    assert len(listed) == len(PROGRAMME) + 1

    read = _read(client, demo, host, created["id"])
    changed = client.patch(
        f"{_items(demo)}/{created['id']}",
        json={"ends": "2023-02-23T15:15", "title_de": "Pressetermin"},
        headers={**host, "If-Match": read.headers["ETag"]},
    )

    assert changed.status_code == 200, changed.json
    assert changed.json["title"] == "Pressetermin"
    assert changed.json["ends"]["local"] == "2023-02-23T15:15:00+01:00"
    assert changed.json["lock_version"] == created["lock_version"] + 1
    # The answer's ETag is the one the next read, and a HEAD, carry.
    again = _read(client, demo, host, created["id"])
    assert again.headers["ETag"] == changed.headers["ETag"]
    head = client.head(f"{_items(demo)}/{created['id']}", headers=host)
    assert head.headers["ETag"] == again.headers["ETag"]
    entry = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == "AgendaItem", AuditEntry.object_id == created["id"])
        .order_by(AuditEntry.id.desc())
    ).first()
    assert entry.via == "Skript"

    deleted = client.delete(
        f"{_items(demo)}/{created['id']}", headers={**host, "If-Match": again.headers["ETag"]}
    )

    assert deleted.status_code == 200
    assert deleted.json["trash"]["kept_days"] == 30
    assert deleted.json["trash"]["restore_url"] == (
        f"/trash/{deleted.json['trash']['entry_id']}/restore"
    )
    assert _read(client, demo, host, created["id"]).status_code == 404


def test_a_deleted_item_waits_in_the_trash_and_comes_back(client, demo, host):
    created = _created(client, demo, host)
    etag = _read(client, demo, host, created["id"]).headers["ETag"]

    blind = client.delete(f"{_items(demo)}/{created['id']}", headers=host)
    deleted = client.delete(f"{_items(demo)}/{created['id']}", headers={**host, "If-Match": etag})

    assert blind.status_code == 428
    entry = db.session.get(TrashEntry, deleted.json["trash"]["entry_id"])
    assert entry.object_id == created["id"]
    assert entry.title == "Pressegespräch"
    restore(entry, None)
    db.session.commit()
    back = _read(client, demo, host, created["id"])
    assert back.status_code == 200
    assert back.json["uid"] == created["uid"]
    assert back.json["internal_notes"] == "Fotograf bestellt"


def test_guests_and_viewers_are_refused_and_others_learn_nothing(client, demo, host, guest):
    item_id = demo.items[0].id
    viewer = _token(factories.user(demo.host_organisation, Role.VIEWER))
    other = _token(factories.user(factories.organisation("Dortmund"), Role.ADMIN))
    one = f"{_items(demo)}/{item_id}"

    assert client.get(_items(demo), headers=guest).status_code == 403
    assert client.get(one, headers=guest).status_code == 403
    assert client.post(_items(demo), json=NEW, headers=guest).status_code == 403
    assert client.post(_items(demo), json=NEW, headers=viewer).status_code == 403
    assert client.patch(one, json={}, headers={**viewer, "If-Match": "*"}).status_code == 403
    assert client.delete(one, headers={**guest, "If-Match": "*"}).status_code == 403
    move = {"starts": "2023-02-23T16:00", "room_id": None}
    assert client.post(f"{one}/move", json=move, headers=viewer).status_code == 403
    # The host's viewers read the draft; others do not learn the visit exists.
    assert client.get(_items(demo), headers=viewer).status_code == 200
    refused = client.get(_items(demo), headers=other)
    assert refused.status_code == 404
    assert refused.mimetype == PROBLEM
    assert client.get(one, headers=other).status_code == 404
    assert db.session.scalar(select(AgendaItem.title_de).where(AgendaItem.id == item_id))


def test_a_change_with_an_old_etag_is_refused_and_saves_nothing(client, demo, host):
    created = _created(client, demo, host)
    etag = _read(client, demo, host, created["id"]).headers["ETag"]
    url = f"{_items(demo)}/{created['id']}"
    client.patch(url, json={"title_de": "Erst"}, headers={**host, "If-Match": etag})

    stale = client.patch(url, json={"title_de": "Später"}, headers={**host, "If-Match": etag})
    missing = client.patch(url, json={"title_de": "Später"}, headers=host)

    assert stale.status_code == 412
    assert stale.mimetype == PROBLEM
    assert missing.status_code == 428
    assert _read(client, demo, host, created["id"]).json["title"] == "Erst"


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"starts": "2023-02-23T15:00", "ends": "2023-02-23T14:00"},
            {"ends": ["Das Ende muss nach dem Beginn liegen."]},
        ),
        ({"room_id": 99999}, {"room_id": ["Diesen Raum gibt es nicht."]}),
        ({"title_de": "   "}, {"title_de": ["Bitte geben Sie einen Titel ein."]}),
        ({"kind": "party", "setup_minutes": 601}, None),
        ({"starts": "2023-02-23T14:00+01:00"}, None),
    ],
    ids=["end-before-start", "unknown-room", "no-title", "bad-kind-and-minutes", "offset"],
)
def test_bad_input_is_refused_with_errors_by_field(client, demo, host, fields, errors):
    response = client.post(_items(demo), json={**NEW, **fields}, headers=host)

    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    if errors is not None:
        assert response.json["errors"] == errors
    else:
        assert set(response.json["errors"]) == set(fields)
    assert len(demo.items) == len(PROGRAMME)


def test_a_time_the_clocks_skip_or_repeat_is_refused_until_the_reading_is_chosen(
    client, demo, host
):
    gap = client.post(
        _items(demo),
        json={**NEW, "starts": "2023-03-26T02:30", "ends": "2023-03-26T03:30"},
        headers=host,
    )
    repeated = {**NEW, "starts": "2023-10-29T02:30", "ends": "2023-10-29T03:30"}
    fold = client.post(_items(demo), json=repeated, headers=host)
    chosen = client.post(
        _items(demo), json={**repeated, "starts_fold": 1, "confirm_conflicts": True}, headers=host
    )

    assert gap.status_code == 422
    assert list(gap.json["errors"]) == ["starts"]
    assert "03:00" in gap.json["errors"]["starts"][0]
    assert fold.status_code == 422
    assert list(fold.json["errors"]) == ["starts_fold"]
    assert chosen.status_code == 201, chosen.json
    assert chosen.json["starts"] == {
        "local": "2023-10-29T02:30:00+01:00",
        "utc": "2023-10-29T01:30:00Z",
    }


def test_a_move_into_a_conflict_asks_first_and_saves_when_confirmed(client, demo, host):
    created = _created(client, demo, host)
    url = f"{_items(demo)}/{created['id']}/move"
    etag = _read(client, demo, host, created["id"]).headers["ETag"]
    # Onto the welcome, in its room.
    welcome = demo.items[0]
    move = {"starts": "2023-02-23T10:00", "room_id": welcome.room_id}

    nowhere = client.post(url, json={**move, "room_id": 99999}, headers={**host, "If-Match": etag})
    asked = client.post(url, json=move, headers={**host, "If-Match": etag})

    # An impossible value is an error before any warning is asked about.
    assert nowhere.status_code == 422
    assert nowhere.json["errors"] == {"room_id": ["Diesen Raum gibt es nicht."]}

    assert asked.status_code == 409
    assert asked.mimetype == PROBLEM
    kinds = {warning["kind"] for warning in asked.json["warnings"]}
    assert "overlap" in kinds
    assert all(warning["message"] for warning in asked.json["warnings"])
    assert (
        _read(client, demo, host, created["id"])
        .json["starts"]["local"]
        .startswith("2023-02-23T14:30")
    )

    moved = client.post(
        url, json={**move, "confirm_conflicts": True}, headers={**host, "If-Match": etag}
    )

    assert moved.status_code == 200, moved.json
    assert moved.json["starts"]["local"] == "2023-02-23T10:00:00+01:00"
    # Its length in real time is kept.
    assert moved.json["ends"]["local"] == "2023-02-23T10:30:00+01:00"
    assert moved.json["room_id"] == welcome.room_id


def test_the_changes_between_two_versions_for_host_and_guest(client, demo, host, guest):
    welcome = demo.items[0]
    welcome.starts_at = welcome.starts_at.replace(hour=9, minute=45)
    factories.item(demo, "2023-02-23 15:00", "2023-02-23 15:30", "Saal prüfen",
                   kind=ItemKind.INTERNAL_HOLD)  # fmt: skip
    factories.issue(demo, "Zweite Fassung")
    db.session.commit()
    url = f"/api/v1/visits/{demo.id}/versions/2/changes"

    as_host = client.get(url, headers=host).json
    as_guest = client.get(url, headers=guest).json
    against_itself = client.get(f"{url}?against=2", headers=guest).json

    assert (as_host["from"], as_host["to"]) == (1, 2)
    assert [change["titles"]["de"] for change in as_host["moved"]] == [welcome.title_de]
    moved = as_host["moved"][0]
    assert moved["starts"]["local"] == "2023-02-23T09:45:00+01:00"
    assert moved["from_starts"]["local"] == "2023-02-23T10:00:00+01:00"
    assert [change["titles"]["de"] for change in as_host["new"]] == ["Saal prüfen"]
    # Guests never see the host's internal holds.
    assert as_guest["new"] == []
    assert as_guest["moved"] == as_host["moved"]
    assert against_itself["moved"] == []
    assert client.get(f"{url}?against=9", headers=guest).status_code == 404
    assert client.get(f"/api/v1/visits/{demo.id}/versions/7/changes", headers=host).status_code == (
        404
    )


def test_the_item_list_costs_the_same_queries_however_many_items(client, demo, host):
    url = _items(demo)

    def queries() -> int:
        with count_queries(db.engine) as seen:
            assert client.get(url, headers=host).status_code == 200
        return len(seen.statements)

    queries()  # The first request marks the token as used.
    few = queries()
    for hour in range(14, 20):
        factories.item(demo, f"2023-02-23 {hour}:00", f"2023-02-23 {hour}:30")
    db.session.commit()

    assert queries() == few


def test_if_match_star_names_no_read_and_deletes_or_changes_nothing(client, demo, host):
    created = _created(client, demo, host)
    url = f"{_items(demo)}/{created['id']}"
    star = {**host, "If-Match": "*"}

    deleted = client.delete(url, headers=star)
    changed = client.patch(url, json={"title_de": "Blind"}, headers=star)

    assert deleted.status_code == 428
    assert changed.status_code == 428
    assert _read(client, demo, host, created["id"]).json["title"] == "Pressegespräch"
