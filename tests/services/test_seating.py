"""Seating by precedence: the seats of each layout and who the proposal puts where."""

import pytest

from planner.enums import HeadsCustom, SeatingLayout, Side
from planner.services.seating import Sitter, Spot, is_interpreter, propose, spots

HOSTS = [("Eiskirch", 1), ("Kopietz", 2), ("Kücük", 3)]
GUESTS = [("Schneidewind", 1), ("Albers", 2), ("Reuter", 3)]


def _sitters(hosts=HOSTS, guests=GUESTS, *extra: Sitter) -> list[Sitter]:
    people = [Sitter(i, Side.HOST, rank, name) for i, (name, rank) in enumerate(hosts, 1)]
    people += [Sitter(10 + i, Side.GUEST, rank, name) for i, (name, rank) in enumerate(guests, 1)]
    return [*people, *extra]


def _names(seats: dict[Spot, int], sitters: list[Sitter]) -> dict[tuple[int, int, int], str]:
    named = {s.person_id: s.name for s in sitters}
    return {(spot.table, spot.row, spot.column): named[p] for spot, p in seats.items()}


@pytest.mark.parametrize(
    ("layout", "tables", "seats", "expected"),
    [
        (SeatingLayout.LONG_TABLE, 5, 7, [(0, 4), (1, 3)]),
        (SeatingLayout.U_SHAPE, 1, 9, [(0, 3), (1, 3), (2, 3)]),
        (SeatingLayout.THEATRE, 3, 4, [(0, 4), (1, 4), (2, 4)]),
        (SeatingLayout.ROUND_TABLES, 2, 6, [(0, 6), (0, 6)]),
    ],
    ids=["long table in two rows", "U with head and wings", "theatre rows", "round tables"],
)
def test_each_layout_has_its_rows_of_seats(layout, tables, seats, expected):
    laid_out = spots(layout, tables, seats)

    if layout == SeatingLayout.ROUND_TABLES:
        shape = [(0, sum(1 for s in laid_out if s.table == t)) for t in range(tables)]
    else:
        shape = [
            (r, sum(1 for s in laid_out if s.row == r)) for r in sorted({s.row for s in laid_out})
        ]
    assert shape == expected
    assert len(laid_out) == (
        seats * tables if layout in (SeatingLayout.THEATRE, SeatingLayout.ROUND_TABLES) else seats
    )


def test_long_table_facing_seats_the_heads_opposite_and_alternates_by_rank():
    sitters = _sitters()
    proposal = propose(
        SeatingLayout.LONG_TABLE, HeadsCustom.FACING, spots(SeatingLayout.LONG_TABLE, 1, 6), sitters
    )

    # Row 0 is the host's side; the guest head's right is across from the host's left.
    assert _names(proposal.seats, sitters) == {
        (0, 0, 0): "Reuter",
        (0, 0, 1): "Eiskirch",
        (0, 0, 2): "Albers",
        (0, 1, 0): "Kopietz",
        (0, 1, 1): "Schneidewind",
        (0, 1, 2): "Kücük",
    }
    assert proposal.unseated == []


def test_long_table_side_by_side_puts_the_guest_head_at_the_hosts_right():
    sitters = _sitters()
    proposal = propose(
        SeatingLayout.LONG_TABLE,
        HeadsCustom.SIDE_BY_SIDE,
        spots(SeatingLayout.LONG_TABLE, 1, 8),
        sitters,
    )

    names = _names(proposal.seats, sitters)
    # Beside the heads first (a guest at the host's left, a host at the guest's right),
    # then across from them.
    assert [names.get((0, 0, c)) for c in range(4)] == [
        "Albers", "Eiskirch", "Schneidewind", "Kopietz"
    ]  # fmt: skip
    assert [names.get((0, 1, c)) for c in range(4)] == [None, "Reuter", "Kücük", None]


def test_round_table_facing_flanks_each_head_with_the_other_side():
    sitters = _sitters()
    proposal = propose(
        SeatingLayout.ROUND_TABLES,
        HeadsCustom.FACING,
        spots(SeatingLayout.ROUND_TABLES, 1, 6),
        sitters,
    )

    names = _names(proposal.seats, sitters)
    around = [names[(0, 0, c)] for c in range(6)]
    assert around == ["Eiskirch", "Albers", "Kücük", "Schneidewind", "Kopietz", "Reuter"]


def test_theatre_seats_the_heads_side_by_side_in_the_front_row_whatever_the_custom():
    sitters = _sitters()
    proposal = propose(
        SeatingLayout.THEATRE, HeadsCustom.FACING, spots(SeatingLayout.THEATRE, 2, 4), sitters
    )

    names = _names(proposal.seats, sitters)
    assert [names[(0, 0, c)] for c in range(4)] == ["Albers", "Eiskirch", "Schneidewind", "Kopietz"]
    # The second row fills from its centre too.
    assert [names.get((0, 1, c)) for c in range(4)] == [None, "Reuter", "Kücük", None]


def test_an_interpreter_sits_beside_the_head_of_their_side():
    interpreter = Sitter(99, Side.GUEST, None, "Dolmetscherin", interpreter=True)
    sitters = _sitters(HOSTS, GUESTS, interpreter)

    proposal = propose(
        SeatingLayout.LONG_TABLE, HeadsCustom.FACING, spots(SeatingLayout.LONG_TABLE, 1, 8), sitters
    )

    names = _names(proposal.seats, sitters)
    assert names[(0, 1, 1)] == "Schneidewind"
    assert "Dolmetscherin" in (names.get((0, 1, 0)), names.get((0, 1, 2)))


def test_people_without_a_rank_come_last_and_those_beyond_the_seats_are_unseated():
    sitters = _sitters(HOSTS + [("Hoffmann", None)], GUESTS)

    proposal = propose(
        SeatingLayout.LONG_TABLE, HeadsCustom.FACING, spots(SeatingLayout.LONG_TABLE, 1, 6), sitters
    )

    hoffmann = next(s.person_id for s in sitters if s.name == "Hoffmann")
    assert proposal.unseated == [hoffmann]
    assert len(proposal.seats) == 6


@pytest.mark.parametrize(
    ("function", "expected"),
    [
        ("Dolmetscherin", True),
        ("Konferenzdolmetscher Englisch", True),
        ("Interpreter", True),
        ("Übersetzer", True),
        ("Büroleitung des Oberbürgermeisters", False),
    ],
)
def test_interpreters_are_known_by_their_function(function, expected):
    assert is_interpreter(function) is expected
