"""`flask --app planner planning refresh` rebuilds the stored warnings and pending changes."""

from datetime import date

from sqlalchemy import delete, func, select

from planner.extensions import db
from planner.models import PlannedConflict, VisitPlanning
from tests import factories

DAY = date(2023, 2, 23)


def _two_visits_booking_one_room() -> tuple[int, int]:
    bochum = factories.organisation("Bochum")
    room = factories.room(bochum)
    first = factories.visit(bochum, first_day=DAY)
    second = factories.visit(bochum, first_day=DAY)
    factories.item(first, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang", room=room)
    factories.item(second, "2023-02-23 10:30", "2023-02-23 11:30", "Pressetermin", room=room)
    db.session.commit()
    return first.id, second.id


def _stored() -> list[tuple]:
    db.session.expire_all()
    conflicts = db.session.execute(
        select(
            PlannedConflict.visit_id, PlannedConflict.kind, PlannedConflict.fingerprint
        ).order_by(PlannedConflict.visit_id, PlannedConflict.position)
    ).all()
    states = db.session.execute(
        select(VisitPlanning.visit_id, VisitPlanning.item_count, VisitPlanning.changes).order_by(
            VisitPlanning.visit_id
        )
    ).all()
    return [*conflicts, *states]


def _forget_everything() -> None:
    db.session.execute(delete(PlannedConflict))
    db.session.execute(delete(VisitPlanning))
    db.session.commit()


def test_refresh_rebuilds_the_state_of_every_visit_as_it_was_kept(app, runner):
    _two_visits_booking_one_room()
    kept = _stored()
    _forget_everything()
    assert _stored() == []

    result = runner.invoke(args=["planning", "refresh"])

    assert result.exit_code == 0, result.output
    assert result.output == "Refreshed 2 visits.\n"
    assert _stored() == kept
    assert len([row for row in kept if isinstance(row[1], str)]) == 2  # a warning in each


def test_refresh_of_one_visit_leaves_the_others_alone(app, runner):
    first, second = _two_visits_booking_one_room()
    _forget_everything()

    result = runner.invoke(args=["planning", "refresh", "--visit", str(second)])

    assert result.exit_code == 0, result.output
    assert result.output == "Refreshed 1 visits.\n"
    db.session.expire_all()
    assert db.session.scalars(select(VisitPlanning.visit_id)).all() == [second]
    assert db.session.execute(
        select(PlannedConflict.visit_id, func.count()).group_by(PlannedConflict.visit_id)
    ).all() == [(second, 1)]


def test_refresh_of_an_unknown_visit_says_so(app, runner):
    result = runner.invoke(args=["planning", "refresh", "--visit", "4711"])

    assert result.exit_code == 1
    assert result.output == "Error: There is no visit with the id 4711.\n"


def test_refresh_of_an_empty_database(app, runner):
    result = runner.invoke(args=["planning", "refresh"])

    assert (result.exit_code, result.output) == (0, "Refreshed 0 visits.\n")
