"""Every change of visits, items, people and participations is recorded, with who did it."""

import re

from sqlalchemy import select

from planner.enums import AuditAction, Role
from planner.extensions import db
from planner.models import AuditEntry
from planner.services.audit import REDACTED, set_actor
from tests import factories


def _entries(object_type: str | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    return list(db.session.scalars(query))


def test_creating_an_item_records_who_and_its_fields(app):
    planner = factories.user(factories.organisation("Bochum"), Role.PLANNER)
    set_actor(db.session, planner.id)
    visit = factories.visit(planner.organisation)
    item = factories.item(visit, "2023-02-23 10:00", "2023-02-23 10:30", "Begrüßung")
    db.session.commit()

    [entry] = _entries("AgendaItem")
    assert (entry.action, entry.user_id, entry.visit_id, entry.object_id) == (
        AuditAction.CREATE,
        planner.id,
        visit.id,
        item.id,
    )
    assert entry.changes["title_de"] == [None, "Begrüßung"]
    assert entry.changes["starts_at"] == [None, "2023-02-23T10:00:00"]


def test_changing_an_item_records_old_and_new_values_of_the_changed_fields_only(app):
    visit = factories.visit()
    item = factories.item(visit, "2023-02-23 10:00", "2023-02-23 10:30", "Begrüßung")
    db.session.commit()

    item.title_de = "Begrüßung im Ratssaal"
    db.session.commit()

    entry = _entries("AgendaItem")[-1]
    assert entry.action == AuditAction.UPDATE
    assert entry.changes == {
        "title_de": ["Begrüßung", "Begrüßung im Ratssaal"],
        "lock_version": [1, 2],
    }
    assert entry.user_id is None  # no login: the command line or a test


def test_deleting_an_item_keeps_what_it_was(app):
    visit = factories.visit()
    item = factories.item(visit, "2023-02-23 10:00", "2023-02-23 10:30", "Pressefoto")
    db.session.commit()
    item_id = item.id

    db.session.delete(item)
    db.session.commit()

    entry = _entries("AgendaItem")[-1]
    assert (entry.action, entry.object_id, entry.visit_id) == (
        AuditAction.DELETE,
        item_id,
        visit.id,
    )
    assert entry.changes["title_de"] == ["Pressefoto", None]


def test_health_related_needs_are_recorded_as_changed_but_not_stored(app):
    person = factories.person(factories.organisation(), "Schneidewind")
    db.session.commit()

    person.dietary_needs = "vegetarisch, Nussallergie"
    db.session.commit()

    entry = _entries("Person")[-1]
    assert entry.changes == {"dietary_needs": ["", REDACTED], "lock_version": [1, 2]}
    assert all("Nuss" not in str(e.changes) for e in _entries())


def test_choosing_the_items_a_participant_attends_is_recorded(app):
    visit = factories.visit()
    first = factories.item(visit, "2023-02-23 10:00", "2023-02-23 10:30")
    participation = factories.participation(visit, factories.person(visit.guest_organisations[0]))
    db.session.commit()

    participation.attends_all_items = False
    participation.items.append(first)
    db.session.commit()

    # Loading the item list flushes the first change on its own: two entries.
    created, *updates = _entries("Participation")
    assert created.action == AuditAction.CREATE
    assert [entry.action for entry in updates] == [AuditAction.UPDATE] * len(updates)
    assert {
        key: value
        for entry in updates
        for key, value in entry.changes.items()
        if key != "lock_version"
    } == {
        "attends_all_items": [True, False],
        "items": {"added": [first.id], "removed": []},
    }
    # A change of the item list alone raises the lock version too.
    assert [entry.changes["lock_version"] for entry in updates] == [[1, 2], [2, 3]]


def test_visit_history_page_shows_the_changes_to_the_visits_planners(client, login):
    bochum = factories.organisation("Bochum")
    planner = factories.user(bochum, Role.PLANNER, name="Lena Hoffmann")
    set_actor(db.session, planner.id)
    visit = factories.visit(bochum, title="Besuch aus Wuppertal")
    item = factories.item(visit, "2023-02-23 10:00", "2023-02-23 10:30", "Begrüßung")
    db.session.commit()
    item.title_de = "Begrüßung im Ratssaal"
    db.session.commit()
    login(planner)

    page = client.get(f"/visits/{visit.id}/history")
    text = " ".join(re.sub(r"<[^>]+>", " ", page.get_data(as_text=True)).split())

    assert page.status_code == 200
    assert "Lena Hoffmann hat „Begrüßung“ in „Begrüßung im Ratssaal“ umbenannt." in text
    assert "Lena Hoffmann hat den Besuch „Besuch aus Wuppertal“ angelegt." in text


def test_admin_audit_page_leaves_out_other_cities_visits(client, login):
    bochum, dortmund = factories.organisation("Bochum"), factories.organisation("Dortmund")
    factories.visit(bochum, title="Besuch in Bochum")
    factories.visit(dortmund, title="Besuch in Dortmund")
    db.session.commit()
    login(factories.user(bochum, Role.ADMIN))

    text = client.get("/admin/audit").get_data(as_text=True)

    assert "Besuch in Bochum" in text
    assert "Besuch in Dortmund" not in text


def test_deleting_a_draft_visit_records_its_items_and_participations(app):
    from planner.services.planning import delete_visit

    visit = factories.visit()
    item = factories.item(visit, "2023-02-23 10:00", "2023-02-23 10:30", "Begrüßung")
    participation = factories.participation(visit, factories.person(visit.guest_organisations[0]))
    db.session.commit()
    ids = (visit.id, item.id, participation.id)

    delete_visit(visit)
    db.session.commit()

    deleted = {(e.object_type, e.object_id) for e in _entries() if e.action == AuditAction.DELETE}
    assert deleted == {("Visit", ids[0]), ("AgendaItem", ids[1]), ("Participation", ids[2])}


def test_the_entries_of_one_transaction_share_a_change_set_and_the_next_has_its_own(app):
    visit = factories.visit()
    item = factories.item(visit, "2023-02-23 10:00", "2023-02-23 10:30", "Begrüßung")
    db.session.flush()
    item.title_de = "Begrüßung im Ratssaal"  # a second flush of the same transaction
    db.session.commit()
    item.title_de = "Empfang"
    db.session.commit()

    *first, last = _entries()
    assert len({entry.change_set for entry in first}) == 1
    assert last.change_set not in {entry.change_set for entry in first}
    assert all(len(entry.change_set) == 32 for entry in _entries())


def test_secrets_and_what_people_write_never_reach_the_trail(app):
    import json

    from planner.enums import OutboxStatus, RsvpStatus
    from planner.models import OutboxMessage
    from planner.services.answers import answer_item
    from planner.services.auth import set_password
    from planner.services.feeds import create_feed

    visit = factories.visit()
    item = factories.item(visit, "2023-02-23 10:00", "2023-02-23 10:30", "Begrüßung")
    person = factories.person(visit.guest_organisations[0], "Schneidewind")
    participation = factories.participation(visit, person)
    planner = factories.user(visit.host_organisation, Role.PLANNER)
    feed = create_feed(planner, "visit", visit=visit)
    message = OutboxMessage(visit=visit, person=person, status=OutboxStatus.DRAFT,
                            message_id="<secret-id@planner.test>", to_address="uwe@example.org",
                            subject="Einladung", body_text="Ganz persönlicher Text")  # fmt: skip
    db.session.add(message)
    answer_item(participation, item, RsvpStatus.ACCEPTED, source="link", comment="Komme mit Hund")
    set_password(planner, "ein-ganz-neues-passwort")
    db.session.commit()

    trail = json.dumps([entry.changes for entry in _entries()], ensure_ascii=False)
    secrets = [feed.token, participation.rsvp_nonce, planner.password_hash, "secret-id",
               "Ganz persönlicher Text", "Komme mit Hund", "uwe@example.org"]  # fmt: skip
    for secret in secrets:
        assert secret not in trail
    assert {entry.object_type for entry in _entries()} >= {
        "FeedToken", "OutboxMessage", "ItemAnswer", "User", "Participation",
    }  # fmt: skip
