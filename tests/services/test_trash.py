"""The trash keeps deleted rows as they were and puts them back, whatever happened since."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from planner.enums import AuditAction, GiftDirection, OutboxStatus, RsvpStatus, Side, TrashKind
from planner.extensions import db
from planner.models import (
    AgendaItem,
    AuditEntry,
    Gift,
    GoldenBookEntry,
    ItemAnswer,
    OutboxMessage,
    Participation,
    Person,
    Room,
    TrashEntry,
    Visit,
)
from planner.models.types import utcnow
from planner.services.agenda import delete_item
from planner.services.errors import InvalidInput
from planner.services.golden_book import add_entry
from planner.services.invitations import draft_invitations, draft_updates
from planner.services.people import delete_person, purge
from planner.services.planning import delete_visit
from planner.services.trash import empty_trash, restore
from planner.services.versions import Changes
from tests import factories


def _entry(kind: TrashKind, object_id: int) -> TrashEntry:
    return db.session.scalar(
        select(TrashEntry).where(TrashEntry.kind == kind, TrashEntry.object_id == object_id)
    )


def _restore(kind: TrashKind, object_id: int):
    result = restore(_entry(kind, object_id), None)
    db.session.commit()
    db.session.expire_all()
    return result


@pytest.fixture
def visit(app):
    """A draft visit with two items, a guest who attends the first only, and an answer."""
    result = factories.visit(title="Entwurf", first_day=date(2026, 12, 10))
    first = factories.item(result, "2026-12-10 10:00", "2026-12-10 11:00", "Begrüßung")
    factories.item(result, "2026-12-10 11:00", "2026-12-10 12:00", "Rundgang")
    guest = factories.person(result.guest_organisations[0], "Gast", email="gast@example.org")
    participation = factories.participation(result, guest, attends_all_items=False, items=[first])
    db.session.add(ItemAnswer(participation=participation, item=first,
                              status=RsvpStatus.ACCEPTED, source="link"))  # fmt: skip
    db.session.commit()
    return result


def test_a_visit_with_an_issued_version_is_refused_whatever_its_status(visit):
    factories.issue(visit)
    db.session.commit()

    with pytest.raises(InvalidInput, match="Version 1 dieses Besuchs wurde herausgegeben"):
        delete_visit(visit)


def test_ids_of_deleted_rows_are_never_handed_out_again(visit):
    last = visit.items[-1]
    last_id = last.id
    delete_item(last)
    db.session.commit()

    newer = factories.item(visit, "2026-12-10 14:00", "2026-12-10 15:00", "Neu")
    db.session.commit()
    _restore(TrashKind.ITEM, last_id)

    assert newer.id > last_id
    titles = db.session.scalars(select(AgendaItem.title_de).order_by(AgendaItem.id)).all()
    assert titles == ["Begrüßung", "Rundgang", "Neu"]


def test_delete_and_restore_are_in_the_audit_trail(visit):
    visit_id = visit.id
    delete_visit(visit)
    db.session.commit()
    _restore(TrashKind.VISIT, visit_id)

    trail = db.session.execute(
        select(AuditEntry.action, AuditEntry.object_type).order_by(AuditEntry.id)
    ).all()
    deleted = sorted(kind for action, kind in trail if action == AuditAction.DELETE)
    restored = sorted(kind for action, kind in trail if action == AuditAction.RESTORE)
    assert deleted == restored == ["AgendaItem", "AgendaItem", "Participation", "Visit"]


def test_an_item_whose_room_was_deleted_meanwhile_comes_back_without_it(visit):
    room = factories.room(visit.host_organisation, "Saal 1")
    item = visit.items[0]
    item.room = room
    db.session.commit()
    item_id = item.id
    delete_item(item)
    db.session.delete(db.session.get(Room, room.id))
    db.session.commit()

    result = _restore(TrashKind.ITEM, item_id)

    assert result.notes == [
        "1 Programmpunkt kommt ohne seinen Raum zurück, den es nicht mehr gibt."
    ]
    assert db.session.get(AgendaItem, item_id).room_id is None


def test_a_person_whose_address_was_taken_meanwhile_is_not_restored(visit):
    guest = visit.participations[0].person
    person_id, organisation = guest.id, guest.organisation
    delete_person(guest)
    factories.person(organisation, "Nachfolgerin", email="gast@example.org")
    db.session.commit()

    with pytest.raises(InvalidInput, match="hat jetzt die Adresse gast@example.org"):
        restore(_entry(TrashKind.PERSON, person_id), None)


def test_a_participation_whose_visit_went_to_the_trash_comes_back_with_the_visit(visit):
    participation = visit.participations[0]
    person_id, visit_id = participation.person_id, visit.id
    delete_person(participation.person)
    db.session.commit()
    delete_visit(db.session.get(Visit, visit_id))
    db.session.commit()

    result = _restore(TrashKind.PERSON, person_id)

    assert result.notes == ["Teile davon kommen mit „Entwurf“ aus dem Papierkorb zurück."]
    assert db.session.get(Person, person_id) is not None
    assert db.session.scalar(select(Participation)) is None
    _restore(TrashKind.VISIT, visit_id)
    participation = db.session.scalar(select(Participation))
    assert (participation.person_id, [i.title_de for i in participation.items]) == (
        person_id, ["Begrüßung"]
    )  # fmt: skip
    assert db.session.scalar(select(ItemAnswer.status)) == RsvpStatus.ACCEPTED


def test_a_visit_whose_guest_went_to_the_trash_hands_the_participation_to_the_guest(visit):
    person_id, visit_id = visit.participations[0].person_id, visit.id
    delete_visit(visit)
    db.session.commit()
    delete_person(db.session.get(Person, person_id))
    db.session.commit()

    result = _restore(TrashKind.VISIT, visit_id)
    assert result.notes == ["Teile davon kommen mit „Gast“ aus dem Papierkorb zurück."]
    assert db.session.scalar(select(Participation)) is None

    _restore(TrashKind.PERSON, person_id)
    participation = db.session.scalar(select(Participation))
    assert (participation.visit_id, [i.title_de for i in participation.items]) == (
        visit_id, ["Begrüßung"]
    )  # fmt: skip


def test_an_item_comes_back_only_after_its_visit(visit):
    item_id, visit_id = visit.items[0].id, visit.id
    delete_item(visit.items[0])
    db.session.commit()
    delete_visit(db.session.get(Visit, visit_id))
    db.session.commit()

    with pytest.raises(
        InvalidInput, match="„Entwurf“ liegt im Papierkorb: Stellen Sie es zuerst wieder her."
    ):
        restore(_entry(TrashKind.ITEM, item_id), None)


def test_a_restored_item_that_a_version_cancelled_is_sent_with_a_higher_sequence(visit):
    guest = visit.participations[0]
    guest.attends_all_items = True
    item = visit.items[1]
    item_id, uid = item.id, item.uid
    first = factories.issue(visit)
    draft_invitations(visit, first)
    for message in db.session.scalars(select(OutboxMessage)):
        message.status = OutboxStatus.SENT
    guest.invited_version, guest.invited_uids = 1, [i.uid for i in visit.items]
    db.session.commit()
    delete_item(item)
    second = factories.issue(visit, "Rundgang entfällt")
    draft_updates(visit, second, Changes.from_dict(second.changes))
    db.session.commit()
    cancel = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "cancel"))
    assert cancel.item_uids == [uid]
    assert "SEQUENCE:1" in cancel.ical

    _restore(TrashKind.ITEM, item_id)

    # The cancellation carried SEQUENCE 1; the item's next invitation must carry more.
    assert db.session.get(AgendaItem, item_id).sequence == 2


def test_restoring_a_person_withdraws_the_cancellations_that_did_not_go_out(visit):
    factories.issue(visit)
    guest = visit.participations[0]
    guest.invited_version, guest.invited_uids = 1, [visit.items[0].uid]
    db.session.commit()
    person_id, participation_id = guest.person_id, guest.id

    delete_person(guest.person)
    db.session.commit()
    cancels = db.session.scalars(select(OutboxMessage)).all()
    assert [(m.kind, m.status, m.participation_id) for m in cancels] == [
        ("cancel", OutboxStatus.DRAFT, None)
    ]
    _restore(TrashKind.PERSON, person_id)

    message = db.session.scalar(select(OutboxMessage))
    assert (message.status, message.participation_id) == (OutboxStatus.DISCARDED, participation_id)
    assert db.session.get(Participation, participation_id).invited_uids == [visit.items[0].uid]


def test_a_cancellation_that_went_out_leaves_the_restored_person_uninvited(visit):
    factories.issue(visit)
    guest = visit.participations[0]
    guest.invited_version, guest.invited_uids = 1, [visit.items[0].uid]
    db.session.commit()
    person_id, participation_id = guest.person_id, guest.id
    delete_person(guest.person)
    db.session.scalar(select(OutboxMessage)).status = OutboxStatus.SENT
    db.session.commit()

    _restore(TrashKind.PERSON, person_id)

    assert db.session.scalar(select(OutboxMessage.status)) == OutboxStatus.SENT
    assert db.session.get(Participation, participation_id).invited_uids == []


def test_the_purge_reaches_into_the_trash(app):
    old_visit = factories.visit(first_day=date(2020, 5, 4), title="Alter Besuch")
    recent_visit = factories.visit(first_day=date.today(), title="Neuer Besuch")  # noqa: DTZ011
    guests = old_visit.guest_organisations[0]
    trashed = factories.person(guests, "Papierkorb", first_name="Paula", email="p@example.org")
    in_old = factories.person(guests, "Altgast", first_name="Anton")
    in_recent = factories.person(guests, "Neugast", first_name="Nora")
    factories.participation(old_visit, trashed)
    factories.participation(old_visit, in_old)
    factories.participation(old_visit, in_recent)
    factories.participation(recent_visit, in_recent, side=Side.GUEST)
    db.session.commit()
    trashed_id, old_id, recent_id = trashed.id, in_old.id, in_recent.id
    delete_person(trashed)
    delete_visit(old_visit)
    db.session.commit()

    assert purge(365, date.today()) == 2  # noqa: DTZ011
    db.session.commit()

    entry = _entry(TrashKind.PERSON, trashed_id)
    person_row = entry.payload["rows"]["person"][0]
    assert (entry.title, person_row["first_name"], person_row["email"]) == (
        "Anonymisiert", "", None
    )  # fmt: skip
    assert db.session.get(Person, old_id).last_name == "Anonymisiert"
    assert db.session.get(Person, recent_id).last_name == "Neugast"
    trail = db.session.scalars(
        select(AuditEntry.changes).where(
            AuditEntry.object_type == "Person", AuditEntry.object_id == trashed_id
        )
    ).all()
    assert "Paula" not in str(trail)


def test_emptying_removes_only_what_is_older_than_the_limit(visit):
    items = list(visit.items)
    first_id, second_id = items[0].id, items[1].id
    delete_item(items[0])
    delete_item(items[1])
    db.session.commit()
    _entry(TrashKind.ITEM, first_id).deleted_at = utcnow() - timedelta(days=31)
    _entry(TrashKind.ITEM, second_id).deleted_at = utcnow() - timedelta(days=29)
    db.session.commit()

    assert empty_trash(30) == 1
    db.session.commit()

    assert db.session.scalars(select(TrashEntry.object_id)).all() == [second_id]
    erased = db.session.execute(
        select(AuditEntry.object_type, AuditEntry.object_id).where(
            AuditEntry.action == AuditAction.ERASE
        )
    ).all()
    assert erased == [("AgendaItem", first_id)]


def test_items_of_a_visit_removed_for_good_go_with_it(visit):
    visit_id = visit.id
    delete_item(visit.items[0])
    db.session.commit()
    delete_visit(db.session.get(Visit, visit_id))
    _entry(TrashKind.VISIT, visit_id).deleted_at = utcnow() - timedelta(days=40)
    db.session.commit()

    assert empty_trash(30) == 2
    assert db.session.scalar(select(TrashEntry)) is None


def test_a_visits_gifts_and_golden_book_go_into_the_trash_and_come_back_exactly(visit):
    guest = visit.participations[0].person
    db.session.add(
        Gift(visit=visit, item=visit.items[0], direction=GiftDirection.RECEIVED,
             giver_person=guest, recipient_name="Stadt", description="Bildband",
             value_eur=Decimal("12.50"), photo=b"\x89PNG", photo_mime="image/png")
    )  # fmt: skip
    add_entry(visit, visit.items[0])
    db.session.commit()
    visit_id = visit.id
    delete_visit(visit)
    db.session.commit()
    assert db.session.scalar(select(Gift)) is None

    _restore(TrashKind.VISIT, visit_id)

    gift = db.session.scalars(select(Gift)).one()
    assert (gift.value_eur, gift.photo, gift.giver_person.last_name) == (
        Decimal("12.50"), b"\x89PNG", "Gast",
    )  # fmt: skip
    entry = db.session.scalars(select(GoldenBookEntry)).one()
    assert [signer.person.last_name for signer in entry.signers] == ["Gast"]
