"""Laying out a day plan: the grid's hours, rows, lanes and the days it offers."""

from datetime import date, datetime

import pytest

from planner.enums import Role
from planner.services.agenda import moved_values
from planner.services.dayplan import day_plan, plan_days
from planner.services.errors import InvalidInput
from planner.services.visits import load_visit_page
from tests import factories


@pytest.fixture
def bochum(app):
    return factories.organisation("Bochum")


@pytest.fixture
def visit(bochum):
    return factories.visit(bochum, first_day=date(2023, 2, 23), last_day=date(2023, 2, 24))


def _plan(visit, day: date, rooms=None):
    viewer = factories.user(visit.host_organisation, Role.PLANNER)
    return day_plan(load_visit_page(visit.id, viewer, "de"), day, rooms)


def _blocks(plan) -> dict[str, tuple[int, int, int]]:
    """Return each block's first row, rows and lane by title."""
    return {
        block.entry.title: (block.first_row, block.rows, block.lane)
        for column in plan.columns
        for block in column.blocks
    }


def test_an_empty_day_runs_from_eight_to_six(visit):
    plan = _plan(visit, date(2023, 2, 24))

    assert (plan.starts_at, plan.ends_at) == (datetime(2023, 2, 24, 8), datetime(2023, 2, 24, 18))
    assert plan.rows == 120
    assert plan.columns == []
    assert [moment.hour for _row, moment in plan.hours] == list(range(8, 18))


def test_the_grid_reaches_from_the_first_set_up_to_the_end_after_midnight(visit, bochum):
    hall = factories.room(bochum, "Ratssaal")
    factories.item(visit, "2023-02-23 07:30", "2023-02-23 08:00", "Frühstück", room=hall,
                   setup_minutes=45)  # fmt: skip
    factories.item(visit, "2023-02-23 22:00", "2023-02-24 00:30", "Empfang", room=hall,
                   teardown_minutes=15)  # fmt: skip

    plan = _plan(visit, date(2023, 2, 23))

    assert (plan.starts_at, plan.ends_at) == (datetime(2023, 2, 23, 6), datetime(2023, 2, 24, 1))
    # Five-minute rows from 06:00: set-up from 06:45, the reception until 00:45.
    assert _blocks(plan) == {"Frühstück": (9, 15, 0), "Empfang": (192, 33, 0)}


def test_overlapping_items_of_one_room_sit_in_lanes_side_by_side(visit, bochum):
    hall = factories.room(bochum, "Ratssaal")
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "A", room=hall)
    factories.item(visit, "2023-02-23 10:30", "2023-02-23 11:30", "B", room=hall)
    factories.item(visit, "2023-02-23 11:00", "2023-02-23 12:00", "C", room=hall)

    plan = _plan(visit, date(2023, 2, 23))

    assert [(column.name, column.lanes) for column in plan.columns] == [(hall.label, 2)]
    # C begins when A ends: touching items share a lane.
    assert _blocks(plan) == {"A": (24, 12, 0), "B": (30, 12, 1), "C": (36, 12, 0)}


def test_the_plan_offers_the_visits_days_and_any_day_an_item_begins_on(visit):
    factories.item(visit, "2023-02-26 10:00", "2023-02-26 11:00", "Nachzügler")
    viewer = factories.user(visit.host_organisation, Role.VIEWER)
    page = load_visit_page(visit.id, viewer, "de")

    assert plan_days(page) == [date(2023, 2, 23), date(2023, 2, 24), date(2023, 2, 26)]
    assert day_plan(page, date(2023, 2, 25), None) is None


def test_every_room_adds_empty_columns_and_the_one_without_a_room(visit, bochum):
    hall = factories.room(bochum, "Ratssaal")
    spare = factories.room(bochum, "Anbau")
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "A", room=hall)

    plan = _plan(visit, date(2023, 2, 23), [hall, spare])

    assert [(column.room_id, len(column.blocks)) for column in plan.columns] == [
        (spare.id, 0),
        (hall.id, 1),
        (None, 0),
    ]


def test_a_moved_item_keeps_its_length_and_refuses_a_time_of_the_gap(bochum):
    visit = factories.visit(bochum, first_day=date(2023, 3, 26), timezone="Europe/Berlin")
    item = factories.item(visit, "2023-03-26 00:30", "2023-03-26 01:15", "Nachtfahrt")

    values = moved_values(item, datetime(2023, 3, 26, 1, 45), None)

    assert (values.starts_at, values.ends_at) == (
        datetime(2023, 3, 26, 1, 45),
        datetime(2023, 3, 26, 3, 30),
    )
    with pytest.raises(InvalidInput) as refused:
        moved_values(item, datetime(2023, 3, 26, 2, 15), None)
    assert refused.value.field == "start"
