"""The day plan: one day of a visit with its rooms as columns and time running downwards.

What a reader sees is decided by ``load_visit_page``: host staff get the working draft
with its conflicts, guests the latest issued version without internal holds and notes.
The plan only lays that out: a grid of five-minute rows from the day's first busy minute
(set-up included) to its last, at least 08:00 to 18:00, each block in its room's column
and, where blocks of one room overlap, side by side in lanes.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from planner.models import AgendaItem, Room
from planner.services.agenda_view import ViewItem
from planner.services.conflicts import Conflict
from planner.services.visits import VisitPage

ROW_MINUTES = 5
ROW = timedelta(minutes=ROW_MINUTES)
DAY_STARTS = time(8, 0)
DAY_ENDS = time(18, 0)
# A visit's night belongs to it until 06:00 (as the conflict checks count it).
LATEST_END = timedelta(hours=30)


@dataclass(frozen=True)
class PlanBlock:
    """An agenda entry placed on the grid; rows count from 0 at the grid's beginning."""

    entry: ViewItem
    first_row: int
    rows: int
    lane: int
    setup_minutes: int
    teardown_minutes: int
    conflicts: list[Conflict]
    # Only for those who may move it: the version the move is checked against.
    lock_version: int | None = None

    @property
    def minutes(self) -> int:
        """Return the item's own length on the wall clock, set-up and tear-down excluded."""
        return max(0, int((self.entry.ends_at - self.entry.starts_at).total_seconds() // 60))


@dataclass(frozen=True)
class PlanColumn:
    """A room of the day, or the items without a room (``room_id`` None, ``name`` empty)."""

    room_id: int | None
    name: str
    lanes: int
    blocks: list[PlanBlock]


@dataclass(frozen=True)
class DayPlan:
    """One day of a visit laid out by room and time."""

    page: VisitPage
    day: date
    days: list[date]
    starts_at: datetime
    rows: int
    columns: list[PlanColumn]
    hours: list[tuple[int, datetime]]
    conflicts: list[tuple[ViewItem, Conflict]]

    @property
    def ends_at(self) -> datetime:
        """Return the end of the grid."""
        return self.starts_at + self.rows * ROW


def plan_days(page: VisitPage) -> list[date]:
    """Return the days a plan can show: the visit's days and any day an item begins on."""
    visit = page.visit
    days = {
        visit.first_day + timedelta(days=n)
        for n in range((visit.last_day - visit.first_day).days + 1)
    }
    days.update(agenda_day.day for agenda_day in page.days)
    return sorted(days)


def _lock_versions(page: VisitPage) -> dict[int, int]:
    """Return the lock version of each draft item by id (issued entries move nowhere)."""
    if not page.is_draft:
        return {}
    items: list[AgendaItem] = page.visit.items
    return {item.id: item.lock_version for item in items}


def conflicts_by_item(page: VisitPage) -> dict[int | None, list[Conflict]]:
    """Return the open warnings of each shown item, as the visit page has them."""
    if page.warnings is None:
        return {}
    return {
        item_id: [c for clash in clashes for c in clash.conflicts if c.item_id == item_id]
        for item_id, clashes in page.warnings.by_item.items()
    }


def _floor_hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _ceil_hour(moment: datetime) -> datetime:
    floor = _floor_hour(moment)
    return floor if floor == moment else floor + timedelta(hours=1)


def _lanes(spans: list[tuple[int, int]]) -> list[int]:
    """Return a lane per span (first row, rows) so that overlapping spans sit side by side."""
    ends: list[int] = []  # the row where each lane is free again
    lanes = []
    for first, rows in spans:
        for lane, free_from in enumerate(ends):
            if free_from <= first:
                ends[lane] = first + rows
                lanes.append(lane)
                break
        else:
            ends.append(first + rows)
            lanes.append(len(ends) - 1)
    return lanes


def day_plan(page: VisitPage, day: date, rooms: list[Room] | None = None) -> DayPlan | None:
    """Lay out one day of the visit page's agenda; None when the day is not the visit's.

    ``rooms`` adds columns for rooms nobody uses on the day (and the column without a
    room), as places to move an item to.
    """
    days = plan_days(page)
    if day not in days:
        return None
    entries = next((d.items for d in page.days if d.day == day), [])
    locks = _lock_versions(page)
    warnings = conflicts_by_item(page)
    midnight = datetime.combine(day, time(0, 0))

    def busy(entry: ViewItem) -> tuple[datetime, datetime]:
        return (
            entry.starts_at - timedelta(minutes=entry.setup_minutes),
            max(entry.ends_at, entry.starts_at) + timedelta(minutes=entry.teardown_minutes),
        )

    spans = [busy(entry) for entry in entries]
    starts_at = min([datetime.combine(day, DAY_STARTS), *(_floor_hour(s) for s, _ in spans)])
    ends_at = max([datetime.combine(day, DAY_ENDS), *(_ceil_hour(e) for _, e in spans)])
    starts_at, ends_at = max(starts_at, midnight), min(ends_at, midnight + LATEST_END)
    rows = int((ends_at - starts_at) / ROW)

    columns: dict[Any, dict[str, Any]] = {}
    if rooms is not None:
        for room in rooms:
            columns[room.id] = {"room_id": room.id, "name": room.label, "entries": []}
    for entry, span in zip(entries, spans, strict=True):
        key = entry.room_id or entry.room or None
        column = columns.setdefault(
            key,
            {"room_id": entry.room_id, "name": entry.room, "entries": []},
        )
        column["entries"].append((entry, span))
    if rooms is not None:
        columns.setdefault(None, {"room_id": None, "name": "", "entries": []})

    plan_columns = []
    for column in columns.values():
        placed = []
        for entry, (busy_from, busy_until) in column["entries"]:
            first = max(0, int((busy_from - starts_at) / ROW))
            last = min(rows, -int(-(busy_until - starts_at) // ROW))
            placed.append((entry, first, max(1, last - first)))
        lanes = _lanes([(first, count) for _, first, count in placed])
        blocks = [
            PlanBlock(
                entry=entry,
                first_row=first,
                rows=count,
                lane=lane,
                setup_minutes=entry.setup_minutes,
                teardown_minutes=entry.teardown_minutes,
                conflicts=warnings.get(entry.id, []),
                lock_version=locks.get(entry.id) if page.can_edit else None,
            )
            for (entry, first, count), lane in zip(placed, lanes, strict=True)
        ]
        plan_columns.append(
            PlanColumn(
                room_id=column["room_id"],
                name=column["name"],
                lanes=max(lanes, default=0) + 1,
                blocks=blocks,
            )
        )
    # Rooms by name, the items without a room last.
    plan_columns.sort(key=lambda c: (c.room_id is None and not c.name, c.name.casefold()))
    hours = [
        (int((moment - starts_at) / ROW), moment)
        for moment in (starts_at + timedelta(hours=n) for n in range(rows * ROW_MINUTES // 60 + 1))
        if moment < ends_at
    ]
    conflicts = [(entry, conflict) for entry in entries for conflict in warnings.get(entry.id, [])]
    return DayPlan(
        page=page,
        day=day,
        days=days,
        starts_at=starts_at,
        rows=rows,
        columns=plan_columns,
        hours=hours,
        conflicts=conflicts,
    )
