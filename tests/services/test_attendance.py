"""Which day the attendance matrix shows."""

from datetime import date

import pytest

from planner.services.attendance import choose_day

DAYS = [date(2023, 2, 23), date(2023, 2, 24), date(2023, 2, 26)]


@pytest.mark.parametrize(
    ("wanted", "today", "shown"),
    [
        (date(2023, 2, 24), date(2023, 2, 26), date(2023, 2, 24)),
        (None, date(2023, 2, 26), date(2023, 2, 26)),
        (date(2023, 2, 25), date(2023, 2, 24), date(2023, 2, 24)),
        (None, date(2026, 11, 26), date(2023, 2, 23)),
        (date(2023, 2, 25), date(2023, 2, 25), date(2023, 2, 23)),
    ],
    ids=[
        "the-wanted-day",
        "today-while-the-visit-runs",
        "a-day-without-items-is-not-shown",
        "the-first-day-otherwise",
        "a-free-day-of-a-running-visit",
    ],  # fmt: skip
)
def test_the_matrix_shows_the_wanted_day_else_today_else_the_first(wanted, today, shown):
    assert choose_day(DAYS, wanted, today) == shown


def test_a_visit_without_items_has_no_day_to_show():
    assert choose_day([], date(2023, 2, 23), date(2023, 2, 23)) is None
