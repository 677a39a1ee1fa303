"""The database itself refuses rows that break the domain's rules, on both databases."""

from datetime import date

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError

from planner.enums import ItemStatus, Side
from planner.extensions import db
from planner.models import AgendaItem, Participation, Person, Room, Visit, participation_item
from tests import factories


def _refused(statement_or_flush) -> None:
    with pytest.raises(IntegrityError):
        statement_or_flush()
    db.session.rollback()


def test_item_ending_before_it_starts_is_refused(app):
    visit = factories.visit()
    db.session.commit()
    _refused(lambda: factories.item(visit, "2023-02-23 11:00", "2023-02-23 10:00"))
    assert db.session.scalar(select(func.count()).select_from(AgendaItem)) == 0


def test_item_of_zero_length_is_refused(app):
    visit = factories.visit()
    db.session.commit()
    _refused(lambda: factories.item(visit, "2023-02-23 10:00", "2023-02-23 10:00"))


def test_duplicate_item_uid_is_refused(app):
    visit = factories.visit()
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", uid="same@planner.test")
    db.session.commit()
    _refused(
        lambda: factories.item(
            visit, "2023-02-23 11:00", "2023-02-23 12:00", uid="same@planner.test"
        )
    )
    assert db.session.scalars(select(AgendaItem.uid)).all() == ["same@planner.test"]


def test_visit_ending_before_it_begins_is_refused(app):
    _refused(lambda: factories.visit(first_day=date(2023, 2, 23), last_day=date(2023, 2, 22)))
    assert db.session.scalar(select(func.count()).select_from(Visit)) == 0


def test_participation_for_a_missing_person_is_refused(app):
    visit = factories.visit()
    db.session.commit()
    _refused(
        lambda: db.session.execute(
            insert(Participation).values(
                visit_id=visit.id,
                person_id=999_999,
                side="guest",
                rsvp_status="needs-action",
                attends_all_items=True,
                created_at=func.now(),
            )  # fmt: skip
        )
    )
    assert db.session.scalar(select(func.count()).select_from(Participation)) == 0


def test_same_person_twice_in_one_visit_is_refused(app):
    visit = factories.visit()
    person = factories.person(visit.guest_organisations[0])
    factories.participation(visit, person)
    db.session.commit()
    _refused(lambda: factories.participation(visit, person, side=Side.HOST))


def test_unknown_status_value_is_refused(app):
    visit = factories.visit()
    item = factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00")
    db.session.commit()
    _refused(
        lambda: db.session.execute(
            text("UPDATE agenda_item SET status = 'postponed' WHERE id = :id"), {"id": item.id}
        )
    )
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id).status == ItemStatus.CONFIRMED


def test_negative_room_capacity_is_refused(app):
    host = factories.organisation()
    _refused(lambda: factories.room(host, capacity=-1))


def test_deleting_a_visit_deletes_its_items_and_participations(app):
    visit = factories.visit()
    item = factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00")
    person = factories.person(visit.guest_organisations[0])
    participation = factories.participation(visit, person, attends_all_items=False)
    participation.items.append(item)
    db.session.commit()

    db.session.execute(Visit.__table__.delete().where(Visit.id == visit.id))
    db.session.commit()

    assert db.session.scalar(select(func.count()).select_from(AgendaItem)) == 0
    assert db.session.scalar(select(func.count()).select_from(Participation)) == 0
    assert db.session.scalar(select(func.count()).select_from(participation_item)) == 0
    # The person stays: people are reused across visits.
    assert db.session.scalars(select(Person.id)).all() == [person.id]


def test_person_taking_part_in_a_visit_cannot_be_deleted(app):
    visit = factories.visit()
    person = factories.person(visit.guest_organisations[0])
    factories.participation(visit, person)
    db.session.commit()
    _refused(lambda: db.session.execute(Person.__table__.delete().where(Person.id == person.id)))
    assert db.session.scalars(select(Person.id)).all() == [person.id]


def test_room_booked_by_an_item_cannot_be_deleted(app):
    visit = factories.visit()
    room = factories.room(visit.host_organisation)
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", room=room)
    db.session.commit()
    _refused(lambda: db.session.execute(Room.__table__.delete().where(Room.id == room.id)))
    assert db.session.scalars(select(Room.id)).all() == [room.id]


def test_same_email_twice_in_one_organisation_is_refused(app):
    org = factories.organisation()
    factories.person(org, email="a.b@example.org")
    db.session.commit()
    _refused(lambda: factories.person(org, email="a.b@example.org"))
    # Another organisation may know the same address as its own person.
    factories.person(factories.organisation(), email="a.b@example.org")
    db.session.commit()


def test_item_ending_in_the_second_reading_of_the_fold_may_end_earlier_on_the_clock(app):
    # 02:45 summer time to 02:15 winter time (Berlin, 25 October 2026) lasts half an hour.
    visit = factories.visit(first_day=date(2026, 10, 25))
    db.session.commit()
    factories.item(visit, "2026-10-25 02:45", "2026-10-25 02:15", starts_fold=0, ends_fold=1)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(AgendaItem)) == 1
    _refused(lambda: factories.item(visit, "2026-10-25 02:45", "2026-10-25 02:15"))


@pytest.mark.parametrize("fields", [{"starts_fold": 2}, {"ends_fold": -1}], ids=["start", "end"])
def test_a_fold_other_than_0_or_1_is_refused(app, fields):
    visit = factories.visit()
    db.session.commit()
    _refused(lambda: factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", **fields))
