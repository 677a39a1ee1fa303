"""Pages of long lists: which page a parameter names and which numbers the links show."""

import pytest

from planner.services.paging import page_number, pager


@pytest.mark.parametrize(
    ("text", "number"),
    [("3", 3), ("", 1), (None, 1), ("0", 1), ("-2", 1), ("zwei", 1), ("٣", 1), ("9999999", 1)],
    ids=["three", "empty", "missing", "zero", "negative", "word", "arabic-digit", "too-long"],
)
def test_a_page_parameter_names_a_page_or_the_first(text, number):
    assert page_number(text) == number


@pytest.mark.parametrize(
    ("total", "wanted", "shown", "rows"),
    [(0, 1, 1, (0, 0)), (120, 3, 3, (100, 120)), (120, 9, 3, (100, 120)), (50, 2, 1, (0, 50))],
    ids=["empty", "last", "beyond", "exactly-one-page"],
)
def test_a_page_beyond_the_end_is_the_last(total, wanted, shown, rows):
    page = pager(total, wanted, 50)
    assert (page.number, (page.start, page.stop)) == (shown, rows)


@pytest.mark.parametrize(
    ("number", "links"),
    [
        (1, [1, 2, 3, None, 10]),
        (5, [1, 2, 3, 4, 5, 6, 7, None, 10]),
        (6, [1, None, 4, 5, 6, 7, 8, 9, 10]),
        (10, [1, None, 8, 9, 10]),
    ],
    ids=["first", "gap-of-one", "gap-of-two", "last"],
)
def test_the_links_show_the_ends_and_two_pages_either_side(number, links):
    assert pager(500, number, 50).links() == links
