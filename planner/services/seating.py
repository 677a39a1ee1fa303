"""Seating by precedence: where the seats of a layout are, and who is proposed for which.

Plain functions on plain values, without the database, so that protocol's rules can be
tested one by one:

- The host's head and the guest delegation's head sit at the centre of the first table,
  facing each other across a long table (or across a round one), or side by side with
  the guest on the host's right, as the plan's custom says. Rows (theatre, the head of
  a U) have no opposite side: the heads sit side by side there.
- The others follow by rank (participation rank, else the person's precedence; unranked
  last), guests and hosts alternating from the centre outwards: the guest ranked second
  at the host's right, the host ranked second at the guest head's right, and so on.
- Interpreters (a function naming "Dolmetscher" or "interpreter") sit beside the head of
  their own side, before anyone else is placed.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from itertools import zip_longest

from planner.enums import HeadsCustom, SeatingLayout, Side

MAX_TABLES = 20
MAX_SEATS_PER_TABLE = 60
MAX_SEATS = 240

INTERPRETER_WORDS = ("dolmetsch", "interpret", "übersetz", "translator")


@dataclass(frozen=True, order=True)
class Spot:
    """A seat's place: table (from 0), row within the table (from 0), column in the row.

    Columns run to the right of the host's seat in the first row; at a round table the
    column is the seat's place around it, clockwise.
    """

    table: int
    row: int
    column: int


@dataclass(frozen=True)
class Sitter:
    """Someone to be seated, with what decides where."""

    person_id: int
    side: Side
    rank: int | None
    name: str
    interpreter: bool = False


@dataclass(frozen=True)
class Proposal:
    """Who sits where, and who found no seat."""

    seats: dict[Spot, int]
    unseated: list[int]


def is_interpreter(function: str, office_title: str = "") -> bool:
    """Return whether a person's function or office says they interpret."""
    text = f"{function} {office_title}".casefold()
    return any(word in text for word in INTERPRETER_WORDS)


def spots(layout: SeatingLayout, tables: int, seats_per_table: int) -> list[Spot]:
    """Return the seats of a layout, table by table, in the order they are numbered.

    A long table and a U are one table of ``seats_per_table`` seats (``tables`` is
    ignored); theatre is one block of ``tables`` rows; round tables are ``tables`` tables.
    """
    n = seats_per_table
    if layout == SeatingLayout.LONG_TABLE:
        near = math.ceil(n / 2)
        return [Spot(0, 0, c) for c in range(near)] + [Spot(0, 1, c) for c in range(n - near)]
    if layout == SeatingLayout.U_SHAPE:
        head = min(n, max(2, math.ceil(n / 3)))
        left = math.ceil((n - head) / 2)
        return (
            [Spot(0, 0, c) for c in range(head)]
            + [Spot(0, 1, c) for c in range(left)]
            + [Spot(0, 2, c) for c in range(n - head - left)]
        )
    if layout == SeatingLayout.THEATRE:
        return [Spot(0, r, c) for r in range(tables) for c in range(n)]
    return [Spot(t, 0, c) for t in range(tables) for c in range(n)]


def _row_length(all_spots: list[Spot], table: int, row: int) -> int:
    return sum(1 for s in all_spots if s.table == table and s.row == row)


def head_spots(
    layout: SeatingLayout, custom: HeadsCustom, all_spots: list[Spot]
) -> tuple[Spot, Spot | None]:
    """Return the host head's seat and the guest head's (None when the table has no second)."""
    present = set(all_spots)
    if layout == SeatingLayout.ROUND_TABLES:
        size = _row_length(all_spots, 0, 0)
        guest = Spot(0, 0, size // 2 if custom == HeadsCustom.FACING else 1)
        return Spot(0, 0, 0), guest if guest in present and size > 1 else None
    centre = (_row_length(all_spots, 0, 0) - 1) // 2
    host = Spot(0, 0, centre)
    facing = layout == SeatingLayout.LONG_TABLE and custom == HeadsCustom.FACING
    guest = Spot(0, 1, centre) if facing else Spot(0, 0, centre + 1)
    return host, guest if guest in present else None


def _honour_key(
    layout: SeatingLayout,
    custom: HeadsCustom,
    all_spots: list[Spot],
    host: Spot,
    guest: Spot | None,
) -> Callable[[Spot], tuple]:
    """Return the sort key of the remaining seats, most honoured first."""
    centre = host.column
    if layout == SeatingLayout.ROUND_TABLES:
        size = _row_length(all_spots, 0, 0)
        heads = [host.column, *([guest.column] if guest else [])]
        facing = custom == HeadsCustom.FACING

        def around(spot: Spot) -> tuple:
            if spot.table:
                return (spot.table, 0, 0, 0, spot.column)
            # The seats beside the heads, nearest first; facing, the right of both heads
            # before their left, side by side the host's left before the guest head's right.
            distance, right, head = min(
                (min((spot.column - h) % size, (h - spot.column) % size),
                 0 if (spot.column - h) % size <= (h - spot.column) % size else 1, index)
                for index, h in enumerate(heads)
            )  # fmt: skip
            return (0, distance, *((right, head) if facing else (head, right)), spot.column)

        return around
    if layout == SeatingLayout.LONG_TABLE and custom == HeadsCustom.FACING:

        def across(spot: Spot) -> tuple:
            distance = abs(spot.column - centre)
            # Facing, the guest head's right is the host's left.
            right = spot.column > centre if spot.row == 0 else spot.column < centre
            return (distance, 0 if right else 1, spot.row)

        return across

    def along(spot: Spot) -> tuple:
        # The heads sit at ``centre`` and ``centre + 1``: the seat left of the host first
        # (for the guest ranked next), then the one right of the guest head.
        if spot.column <= centre:
            distance, direction = centre - spot.column, 0
        else:
            distance, direction = spot.column - centre - 1, 1
        if layout == SeatingLayout.U_SHAPE and spot.row:
            return (1, spot.column, spot.row)
        if layout == SeatingLayout.THEATRE:
            return (spot.row, distance, direction)
        return (0, distance + spot.row, spot.row, direction)

    return along


def protocol_sorted(sitters: list[Sitter]) -> list[Sitter]:
    """Return people in protocol order: by rank, unranked last, then by name."""
    return sorted(sitters, key=lambda s: (s.rank is None, s.rank or 0, s.name.casefold()))


def _beside(principal: Spot, free: list[Spot], all_spots: list[Spot]) -> Spot | None:
    """Return the free seat nearest to ``principal`` at its table: beside it, else behind."""
    size = _row_length(all_spots, principal.table, principal.row)
    candidates = [s for s in free if s.table == principal.table]
    if not candidates:
        return None

    def nearness(spot: Spot) -> tuple:
        apart = abs(spot.column - principal.column)
        return (abs(spot.row - principal.row), min(apart, size - apart), spot.column)

    return min(candidates, key=nearness)


def propose(
    layout: SeatingLayout, custom: HeadsCustom, all_spots: list[Spot], sitters: list[Sitter]
) -> Proposal:
    """Propose who sits where by precedence; see the module's description for the rules."""
    ordered = protocol_sorted(sitters)
    seats: dict[Spot, int] = {}
    host_spot, guest_spot = head_spots(layout, custom, all_spots)
    principals: dict[Side, Spot] = {}
    for side, spot in ((Side.HOST, host_spot), (Side.GUEST, guest_spot)):
        head = next((s for s in ordered if s.side == side and not s.interpreter), None)
        if head is not None and spot is not None:
            seats[spot] = head.person_id
            principals[side] = spot
    placed = set(seats.values())
    free = [s for s in all_spots if s not in seats]
    for sitter in ordered:
        if sitter.person_id in placed or not sitter.interpreter or sitter.side not in principals:
            continue
        spot = _beside(principals[sitter.side], free, all_spots)
        if spot is not None:
            seats[spot] = sitter.person_id
            placed.add(sitter.person_id)
            free.remove(spot)
    guests = [s for s in ordered if s.side == Side.GUEST and s.person_id not in placed]
    hosts = [s for s in ordered if s.side == Side.HOST and s.person_id not in placed]
    rest = [s for pair in zip_longest(guests, hosts) for s in pair if s is not None]
    free.sort(key=_honour_key(layout, custom, all_spots, host_spot, guest_spot))
    for spot, sitter in zip(free, rest, strict=False):
        seats[spot] = sitter.person_id
    unseated = [s.person_id for s in rest[len(free) :]]
    return Proposal(seats=seats, unseated=unseated)
