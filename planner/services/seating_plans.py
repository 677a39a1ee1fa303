"""Seating plans as stored: made from a proposal by precedence, changed seat by seat.

Every change of a plan is checked against the lock version its page was opened at
(``services/locking.py``): two planners moving people at once do not overwrite each
other unnoticed.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from planner.enums import HeadsCustom, ItemKind, RsvpStatus, SeatingLayout
from planner.extensions import db
from planner.models import AgendaItem, Participation, Seat, SeatingPlan, SeatingTable
from planner.models.types import utcnow
from planner.services.errors import InvalidInput
from planner.services.locking import check_version, flush_or_conflict
from planner.services.seating import (
    MAX_SEATS,
    MAX_SEATS_PER_TABLE,
    MAX_TABLES,
    Sitter,
    is_interpreter,
    propose,
    spots,
)
from planner.services.visits import protocol_order

# Items at which people sit at tables or in rows.
SEATED_KINDS = frozenset({ItemKind.MEAL, ItemKind.SESSION, ItemKind.RECEPTION})


@dataclass(frozen=True)
class SeatingWarning:
    """Something about a plan that protocol should look at; a warning, not an error."""

    kind: str
    message: str


def is_seated(item: AgendaItem) -> bool:
    """Return whether an item may have a seating plan."""
    return item.kind in SEATED_KINDS


def row_label(layout: SeatingLayout, row: int) -> str:
    """Return how a plan names a row of seats at a table, or "" where a table has one."""
    if layout == SeatingLayout.LONG_TABLE:
        return _("Host's side") if row == 0 else _("Opposite side")
    if layout == SeatingLayout.U_SHAPE:
        return [_("Head of the U"), _("Left wing"), _("Right wing")][row]
    if layout == SeatingLayout.THEATRE:
        return _("Row %(number)s", number=row + 1)
    return ""


def load_plan(item: AgendaItem) -> SeatingPlan | None:
    """Return an item's seating plan with its tables, seats and people, or None."""
    return db.session.scalar(
        select(SeatingPlan)
        .where(SeatingPlan.item_id == item.id)
        .options(
            selectinload(SeatingPlan.tables)
            .selectinload(SeatingTable.seats)
            .selectinload(Seat.person)
        )
    )


def seated_participations(item: AgendaItem) -> list[Participation]:
    """Return who takes part in the item and has not declined, in protocol order."""
    participations = db.session.scalars(
        select(Participation)
        .where(Participation.visit_id == item.visit_id)
        .options(selectinload(Participation.person), selectinload(Participation.items))
    )
    return protocol_order(
        [p for p in participations if p.attends(item) and p.rsvp_status != RsvpStatus.DECLINED]
    )


def check_size(layout: SeatingLayout, tables: int, seats_per_table: int) -> None:
    """Refuse a layout too large to print or to choose from."""
    if not 1 <= tables <= MAX_TABLES:
        raise InvalidInput("tables", _("Choose between 1 and %(max)s.", max=MAX_TABLES))
    if not 1 <= seats_per_table <= MAX_SEATS_PER_TABLE:
        raise InvalidInput(
            "seats_per_table", _("Choose between 1 and %(max)s.", max=MAX_SEATS_PER_TABLE)
        )
    if len(spots(layout, tables, seats_per_table)) > MAX_SEATS:
        raise InvalidInput("seats_per_table", _("At most %(max)s seats.", max=MAX_SEATS))


def _sitter(participation: Participation) -> Sitter:
    person = participation.person
    return Sitter(
        person_id=person.id,
        side=participation.side,
        rank=participation.effective_rank,
        name=f"{person.last_name} {person.first_name}",
        interpreter=is_interpreter(person.function, person.office_title),
    )


def propose_plan(
    item: AgendaItem,
    layout: SeatingLayout,
    heads: HeadsCustom,
    tables: int,
    seats_per_table: int,
    expected_version: int | None = None,
) -> SeatingPlan:
    """Lay out an item's tables afresh and seat its people by precedence.

    An existing plan is replaced only while it is at ``expected_version``; its tables keep
    their marks where the same table numbers remain. The caller commits.
    """
    check_size(layout, tables, seats_per_table)
    plan = load_plan(item)
    marks: dict[int, tuple[bool, bool]] = {}
    if plan is None:
        plan = SeatingPlan(item=item)
        db.session.add(plan)
    else:
        check_version(plan, expected_version)
        marks = {t.number: (t.step_free, t.service_access) for t in plan.tables}
        plan.tables.clear()
        # The old seats go before the new ones take the same people.
        flush_or_conflict(plan)
    plan.layout, plan.heads = layout, heads
    plan.table_count, plan.seats_per_table = tables, seats_per_table
    plan.updated_at = utcnow()
    all_spots = spots(layout, tables, seats_per_table)
    proposal = propose(layout, heads, all_spots, [_sitter(p) for p in seated_participations(item)])
    by_table: dict[int, SeatingTable] = {}
    for spot in all_spots:
        table = by_table.get(spot.table)
        if table is None:
            step_free, service_access = marks.get(spot.table + 1, (True, True))
            table = SeatingTable(
                number=spot.table + 1, step_free=step_free, service_access=service_access
            )
            plan.tables.append(table)
            by_table[spot.table] = table
        table.seats.append(
            Seat(
                plan=plan,
                number=len(table.seats) + 1,
                row=spot.row,
                column=spot.column,
                person_id=proposal.seats.get(spot),
            )
        )
    flush_or_conflict(plan)
    return plan


def _seats_by_id(plan: SeatingPlan) -> dict[int, Seat]:
    return {seat.id: seat for table in plan.tables for seat in table.seats}


def _assign(plan: SeatingPlan, people: dict[Seat, int | None]) -> None:
    """Seat people, emptying the seats first: the database keeps a person to one seat,
    also in the middle of a swap."""
    for seat in people:
        seat.person_id = None
    db.session.flush()
    for seat, person_id in people.items():
        seat.person_id = person_id


def save_seats(
    plan: SeatingPlan,
    item: AgendaItem,
    people: dict[int, int | None],
    marks: dict[int, tuple[bool, bool]],
    expected_version: int | None,
) -> None:
    """Seat people as a form says (seat id → person id or None) and mark the tables
    (table id → step-free, service access); the caller commits.

    Seats and tables the form does not name keep what they have.
    """
    check_version(plan, expected_version)
    seats = _seats_by_id(plan)
    allowed = {p.person_id for p in seated_participations(item)}
    chosen = [person for person in people.values() if person is not None]
    if any(seat_id not in seats for seat_id in people) or not set(chosen) <= allowed:
        raise InvalidInput("seats", _("Choose people who take part in this item."))
    changed = {seats[seat_id]: person for seat_id, person in people.items()}
    kept = [s.person_id for s in seats.values() if s not in changed and s.person_id is not None]
    if len(set(chosen)) != len(chosen) or set(chosen) & set(kept):
        raise InvalidInput("seats", _("Give each person one seat only."))
    _assign(plan, {seat: p for seat, p in changed.items() if seat.person_id != p})
    for table in plan.tables:
        if table.id in marks:
            table.step_free, table.service_access = marks[table.id]
    plan.updated_at = utcnow()
    flush_or_conflict(plan)


def swap_seats(plan: SeatingPlan, first: int, second: int, expected_version: int | None) -> None:
    """Exchange who sits on two seats of a plan (one may be empty); the caller commits."""
    check_version(plan, expected_version)
    seats = _seats_by_id(plan)
    if first not in seats or second not in seats or first == second:
        raise InvalidInput("seats", _("Choose two different seats of this plan."))
    a, b = seats[first], seats[second]
    _assign(plan, {a: b.person_id, b: a.person_id})
    plan.updated_at = utcnow()
    flush_or_conflict(plan)


def plan_warnings(plan: SeatingPlan, participations: list[Participation]) -> list[SeatingWarning]:
    """Return what protocol should check: needs at unsuitable tables, missing ranks,
    people without a seat."""
    warnings = []
    ranked = {p.person_id: p.effective_rank for p in participations}
    seated = set()
    for table in plan.tables:
        for seat in table.seats:
            person = seat.person
            if person is None:
                continue
            seated.add(person.id)
            name = person.display_name
            where = {"name": name, "table": table.number, "seat": seat.number}
            if person.accessibility_needs and not table.step_free:
                message = _(
                    "%(name)s has accessibility needs but sits at table %(table)s, seat "
                    "%(seat)s, which is not step-free.",
                    **where,
                )
                warnings.append(SeatingWarning("access", message))
            if person.dietary_needs and not table.service_access:
                message = _(
                    "%(name)s has dietary needs but sits at table %(table)s, seat %(seat)s, "
                    "where special meals cannot be served.",
                    **where,
                )
                warnings.append(SeatingWarning("service", message))
            if ranked.get(person.id) is None:
                message = _("%(name)s has no rank: the proposal seats them last.", name=name)
                warnings.append(SeatingWarning("rank", message))
    missing = [p.person.display_name for p in participations if p.person_id not in seated]
    if missing:
        message = _("Without a seat: %(names)s.", names=", ".join(missing))
        warnings.append(SeatingWarning("unseated", message))
    return warnings
