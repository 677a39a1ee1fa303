"""Conflict checks: soft rules that warn before a plan goes wrong.

The checks are plain functions on ``Slot`` objects; ``find_conflicts`` loads the slots
a set of visits needs with a fixed number of queries, whatever their size. A conflict
is a warning the planner may save over; impossible values are form errors instead.

Times are compared as instants in UTC: two visits may run in different zones.
Touching intervals (one ends when the next begins) do not overlap; cancelled items and
items of cancelled visits never conflict.

A visit's days run from midnight of its first day until 06:00 after its last: an evening
reception that ends after midnight, or a night transfer after the last day's programme,
is part of the visit.
"""

import hashlib
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from itertools import combinations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from planner.enums import ConflictKind, ItemStatus, VisitStatus
from planner.extensions import db
from planner.models import AgendaItem, Participation, Person, Room, Visit, participation_item
from planner.services.item_texts import lazy_title
from planner.services.timezones import to_utc

# The widest gap between two zones' wall clocks: the window for cross-visit queries.
ZONE_SPREAD = timedelta(hours=27)
# The night after a visit's last day belongs to the visit until then.
NIGHT_ENDS = time(6, 0)


@dataclass(frozen=True)
class Slot:
    """An agenda item as the checks see it: instants in UTC, room, venue and people."""

    item_id: int | None  # None: an item that is not saved yet
    visit_id: int
    # In the language of whoever reads the warning (``item_texts.lazy_title``).
    title: str | LazyString
    visit_title: str
    start: datetime
    end: datetime
    busy_start: datetime  # set-up included
    busy_end: datetime  # tear-down included
    local_start: datetime
    local_end: datetime
    room_id: int | None = None
    room_name: str = ""
    room_capacity: int | None = None
    venue_id: int | None = None
    person_ids: frozenset[int] = field(default_factory=frozenset)
    # The visit's host and guest organisations: who may read its titles.
    organisation_ids: frozenset[int] = field(default_factory=frozenset)
    uid: str = ""
    # The visit's first and last day: which other visits' checks see the item.
    visit_days: tuple[date, date] | None = None


@dataclass(frozen=True)
class Conflict:
    """One warning: its kind, the item concerned and what it collides with.

    ``slot`` and ``other`` are the two sides as the checks saw them, ``facts`` what makes
    the warning what it is (UIDs, times, room or person): ``clashes`` groups warnings by
    them and fingerprints each clash with them.
    """

    kind: ConflictKind
    item_id: int | None
    message: str
    other_item_id: int | None = None
    room_id: int | None = None
    person_id: int | None = None
    slot: Slot | None = field(default=None, compare=False, repr=False)
    other: Slot | None = field(default=None, compare=False, repr=False)
    person_name: str = field(default="", compare=False)
    minutes: int | None = field(default=None, compare=False)
    facts: tuple[str, ...] = field(default=(), compare=False, repr=False)
    # Capacity: how many take part; transfer: whether ``other`` is the earlier item.
    participants: int | None = field(default=None, compare=False)
    other_first: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class Candidate:
    """An item being edited in a form, checked before it is saved."""

    visit_id: int
    item_id: int | None
    title: str | LazyString
    starts_at: datetime
    ends_at: datetime
    setup_minutes: int = 0
    teardown_minutes: int = 0
    room_id: int | None = None
    cancelled: bool = False
    starts_fold: int = 0
    ends_fold: int = 0


def overlaps(start_a: datetime, end_a: datetime, start_b: datetime, end_b: datetime) -> bool:
    """Return whether two half-open intervals share time; touching ones do not."""
    return start_a < end_b and start_b < end_a


def _clock(moment: datetime) -> str:
    return moment.strftime("%H:%M")


def _when(slot: Slot, busy: bool = False) -> str:
    """Return an item and its instants as a fact of a warning."""
    start, end = (slot.busy_start, slot.busy_end) if busy else (slot.start, slot.end)
    return f"{slot.uid or slot.item_id}:{start.isoformat()}/{end.isoformat()}"


def conflict_message(
    kind: ConflictKind,
    slot: Slot,
    other: Slot | None = None,
    person_name: str = "",
    minutes: int | None = None,
    participants: int | None = None,
    other_first: bool = False,
) -> LazyString:
    """Return the warning's sentence, phrased when it is shown (warnings that are only
    stored never are: phrasing thousands of them would cost more than finding them)."""
    return LazyString(_phrase, kind, slot, other, person_name, minutes, participants, other_first)


def _phrase(
    kind: ConflictKind,
    slot: Slot,
    other: Slot | None,
    person_name: str,
    minutes: int | None,
    participants: int | None,
    other_first: bool,
) -> str:
    if kind == ConflictKind.OVERLAP:
        return str(
            _l(
                "Overlaps with “%(other)s” (%(start)s–%(end)s).",
                other=other.title,
                start=_clock(other.local_start),
                end=_clock(other.local_end),
            )
        )
    if kind == ConflictKind.ROOM:
        return str(
            _l(
                "%(room)s is booked at the same time by “%(other)s” (%(visit)s).",
                room=slot.room_name,
                other=other.title,
                visit=other.visit_title,
            )
        )
    if kind == ConflictKind.PERSON:
        return str(
            _l(
                "%(person)s takes part in “%(other)s” (%(visit)s) at the same time.",
                person=person_name,
                other=other.title,
                visit=other.visit_title,
            )
        )
    if kind == ConflictKind.CAPACITY:
        return str(
            _l(
                "%(count)s participants, but %(room)s holds %(capacity)s.",
                count=participants,
                room=slot.room_name,
                capacity=slot.room_capacity,
            )
        )
    if kind == ConflictKind.TRANSFER:
        before, after = (other, slot) if other_first else (slot, other)
        return str(
            _l(
                "%(person)s has only %(minutes)s minutes to get from "
                "“%(before)s” to “%(after)s” in another building.",
                person=person_name,
                minutes=minutes,
                before=before.title,
                after=after.title,
            )
        )
    return str(_l("The item lies outside the days of the visit."))


def visit_overlaps(slots: list[Slot]) -> list[Conflict]:
    """Warn about items of one visit that run at the same time."""
    found = []
    for a, b in combinations(sorted(slots, key=lambda s: s.start), 2):
        if a.visit_id == b.visit_id and overlaps(a.start, a.end, b.start, b.end):
            for this, other in ((a, b), (b, a)):
                found.append(
                    Conflict(
                        ConflictKind.OVERLAP,
                        this.item_id,
                        conflict_message(ConflictKind.OVERLAP, this, other),
                        other_item_id=other.item_id,
                        slot=this,
                        other=other,
                        facts=(_when(this), _when(other)),
                    )
                )
    return found


def room_double_bookings(slots: list[Slot], others: list[Slot]) -> list[Conflict]:
    """Warn about a room booked by two items at once, set-up and tear-down included."""
    by_room: dict[int, list[Slot]] = defaultdict(list)
    for slot in [*slots, *others]:
        if slot.room_id is not None:
            by_room[slot.room_id].append(slot)
    found = []
    for this in slots:
        if this.room_id is None:
            continue
        for other in by_room[this.room_id]:
            if other is this or (this.item_id is not None and other.item_id == this.item_id):
                continue
            if overlaps(this.busy_start, this.busy_end, other.busy_start, other.busy_end):
                found.append(
                    Conflict(
                        ConflictKind.ROOM,
                        this.item_id,
                        conflict_message(ConflictKind.ROOM, this, other),
                        other_item_id=other.item_id,
                        room_id=this.room_id,
                        slot=this,
                        other=other,
                        facts=(
                            f"room:{this.room_id}",
                            _when(this, busy=True),
                            _when(other, busy=True),
                        ),
                    )
                )
    return found


def person_double_bookings(
    slots: list[Slot], others: list[Slot], names: dict[int, str]
) -> list[Conflict]:
    """Warn about a person taking part in two items of any visits at the same time."""
    by_person: dict[int, list[Slot]] = defaultdict(list)
    for other in others:
        for person_id in other.person_ids:
            by_person[person_id].append(other)
    found = []
    for this in slots:
        candidates: dict[int, Slot] = {}
        for person_id in this.person_ids:
            for other in by_person.get(person_id, ()):
                # Inside one visit the overlap warning says it already.
                if other.visit_id != this.visit_id:
                    candidates[id(other)] = other
        for other in candidates.values():
            if not overlaps(this.start, this.end, other.start, other.end):
                continue
            for person_id in sorted(this.person_ids & other.person_ids):
                found.append(
                    Conflict(
                        ConflictKind.PERSON,
                        this.item_id,
                        conflict_message(
                            ConflictKind.PERSON, this, other, person_name=names.get(person_id, "?")
                        ),
                        other_item_id=other.item_id,
                        person_id=person_id,
                        slot=this,
                        other=other,
                        person_name=names.get(person_id, "?"),
                        facts=(_when(this), _when(other), f"person:{person_id}"),
                    )
                )
    return found


def outside_visit_days(slot: Slot, first_day: date, last_day: date) -> list[Conflict]:
    """Warn about an item that begins before the visit's first day or ends after the
    night that follows its last day (06:00).
    """
    opens = datetime.combine(first_day, time(0, 0))
    closes = datetime.combine(last_day + timedelta(days=1), NIGHT_ENDS)
    if slot.local_start >= opens and slot.local_end <= closes:
        return []
    return [
        Conflict(
            ConflictKind.OUTSIDE_DAYS,
            slot.item_id,
            conflict_message(ConflictKind.OUTSIDE_DAYS, slot),
            slot=slot,
            facts=(
                f"{slot.uid or slot.item_id}:{slot.local_start.isoformat()}"
                f"/{slot.local_end.isoformat()}",
                f"days:{first_day.isoformat()}/{last_day.isoformat()}",
            ),
        )
    ]


def over_capacity(slot: Slot) -> list[Conflict]:
    """Warn about more participants than the room holds."""
    if slot.room_capacity is None or len(slot.person_ids) <= slot.room_capacity:
        return []
    return [
        Conflict(
            ConflictKind.CAPACITY,
            slot.item_id,
            conflict_message(ConflictKind.CAPACITY, slot, participants=len(slot.person_ids)),
            room_id=slot.room_id,
            slot=slot,
            facts=(
                f"{slot.uid or slot.item_id}",
                f"room:{slot.room_id}",
                f"capacity:{slot.room_capacity}",
                f"count:{len(slot.person_ids)}",
            ),
            participants=len(slot.person_ids),
        )
    ]


def _short_gaps(
    timeline: list[Slot], own: set[int], transfer: timedelta
) -> list[tuple[Slot, Slot, timedelta]]:
    """Return the consecutive items of a timeline, one of them ours, in other buildings
    with less than ``transfer`` between them."""
    timeline = sorted(timeline, key=lambda s: (s.start, s.end))
    gaps = []
    for before, after in zip(timeline, timeline[1:], strict=False):
        if id(before) not in own and id(after) not in own:
            continue
        if None in (before.venue_id, after.venue_id) or before.venue_id == after.venue_id:
            continue
        gap = after.start - before.end
        if timedelta(0) <= gap < transfer:
            gaps.append((before, after, gap))
    return gaps


def short_transfers(
    slots: list[Slot], others: list[Slot], names: dict[int, str], transfer: timedelta
) -> list[Conflict]:
    """Warn when a person has too little time between items in different venues."""
    by_person: dict[int, list[Slot]] = defaultdict(list)
    for slot in [*slots, *others]:
        for person_id in slot.person_ids:
            by_person[person_id].append(slot)
    own = {id(slot) for slot in slots}
    # People with the same items (a delegation attending everything) share one timeline:
    # its short transfers are found once.
    short: dict[tuple[int, ...], list[tuple[Slot, Slot, timedelta]]] = {}
    found = []
    for person_id, timeline in by_person.items():
        key = tuple(map(id, timeline))
        if key not in short:
            short[key] = _short_gaps(timeline, own, transfer)
        for before, after, gap in short[key]:
            concerned = after if id(after) in own else before
            other = before if concerned is after else after
            found.append(
                Conflict(
                    ConflictKind.TRANSFER,
                    concerned.item_id,
                    conflict_message(
                        ConflictKind.TRANSFER,
                        concerned,
                        other,
                        person_name=names.get(person_id, "?"),
                        minutes=int(gap.total_seconds() // 60),
                        other_first=other is before,
                    ),
                    other_item_id=other.item_id,
                    person_id=person_id,
                    slot=concerned,
                    other=other,
                    person_name=names.get(person_id, "?"),
                    minutes=int(gap.total_seconds() // 60),
                    facts=(
                        f"{_when(before)}@{before.venue_id}",
                        f"{_when(after)}@{after.venue_id}",
                        f"person:{person_id}",
                    ),
                    other_first=other is before,
                )
            )
    return found


# --- loading -------------------------------------------------------------------------


def item_slot(item: AgendaItem, visit: Visit, person_ids: Iterable[int]) -> Slot:
    """Return an item as the checks see it."""
    zone = visit.timezone
    room = item.room
    start = to_utc(item.starts_at, zone, item.starts_fold)
    end = to_utc(item.ends_at, zone, item.ends_fold)
    return Slot(
        item_id=item.id,
        visit_id=visit.id,
        title=lazy_title(item),
        visit_title=visit.title,
        start=start,
        end=end,
        # Set-up and tear-down are real minutes, also over a change of the clocks.
        busy_start=start - timedelta(minutes=item.setup_minutes),
        busy_end=end + timedelta(minutes=item.teardown_minutes),
        local_start=item.starts_at,
        local_end=item.ends_at,
        room_id=item.room_id,
        room_name=room.label if room else "",
        room_capacity=room.capacity if room else None,
        venue_id=room.venue_id if room else None,
        person_ids=frozenset(person_ids),
        organisation_ids=frozenset(
            [visit.host_organisation_id, *(org.id for org in visit.guest_organisations)]
        ),
        uid=item.uid,
        visit_days=(visit.first_day, visit.last_day),
    )


def masked(slot: Slot, organisation_id: int | None) -> Slot:
    """Hide the titles of a visit the viewer's organisation has no part in."""
    if organisation_id is None or organisation_id in slot.organisation_ids:
        return slot
    return replace(slot, title=str(_l("another appointment")), visit_title=str(_l("another visit")))


def _attendees(visits: list[Visit]) -> dict[int, set[int]]:
    """Return the person ids attending each item of the visits, with two queries."""
    visit_ids = [visit.id for visit in visits]
    everyone: dict[int, set[int]] = defaultdict(set)
    chosen: dict[int, set[int]] = defaultdict(set)
    for visit_id, person_id in db.session.execute(
        select(Participation.visit_id, Participation.person_id).where(
            Participation.visit_id.in_(visit_ids), Participation.attends_all_items
        )
    ):
        everyone[visit_id].add(person_id)
    for item_id, person_id in db.session.execute(
        select(participation_item.c.agenda_item_id, Participation.person_id)
        .join(Participation, participation_item.c.participation_id == Participation.id)
        .where(Participation.visit_id.in_(visit_ids), ~Participation.attends_all_items)
    ):
        chosen[item_id].add(person_id)
    return {
        item.id: everyone[visit.id] | chosen[item.id] for visit in visits for item in visit.items
    }


def _window(visits: list[Visit]) -> tuple[datetime, datetime]:
    start = min(datetime.combine(v.first_day, datetime.min.time()) for v in visits)
    end = max(datetime.combine(v.last_day, datetime.min.time()) for v in visits)
    return start - ZONE_SPREAD, end + timedelta(days=1) + ZONE_SPREAD


def _other_items(visits: list[Visit], room_ids: set[int], person_ids: set[int]) -> list[Slot]:
    """Return live items of other visits in the same rooms or with the same people."""
    if not room_ids and not person_ids:
        return []
    visit_ids = [visit.id for visit in visits]
    window_start, window_end = _window(visits)
    # First the other visits whose days touch the window (ix_visit_first_day), then
    # their items and people: a person's thousand visits of other years stay unread.
    neighbours = list(
        db.session.scalars(
            select(Visit.id).where(
                Visit.first_day <= window_end.date(),
                Visit.last_day >= window_start.date(),
                Visit.status != VisitStatus.CANCELLED,
                Visit.id.not_in(visit_ids),
            )
        )
    )
    if not neighbours:
        return []
    in_window = (
        AgendaItem.visit_id.in_(neighbours)
        & (AgendaItem.starts_at < window_end)
        & (AgendaItem.ends_at > window_start)
        & (AgendaItem.status != ItemStatus.CANCELLED)
    )
    options = (
        joinedload(AgendaItem.room),
        joinedload(AgendaItem.visit).selectinload(Visit.guest_organisations),
    )
    slots: dict[int, tuple[AgendaItem, set[int]]] = {}
    if room_ids:
        query = (
            select(AgendaItem).where(in_window, AgendaItem.room_id.in_(room_ids)).options(*options)
        )
        for item in db.session.scalars(query):
            slots[item.id] = (item, set())
    if person_ids:
        attends = or_(
            Participation.attends_all_items,
            select(participation_item.c.agenda_item_id)
            .where(
                participation_item.c.participation_id == Participation.id,
                participation_item.c.agenda_item_id == AgendaItem.id,
            )
            .exists(),
        )
        query = (
            select(AgendaItem, Participation.person_id)
            .join(Participation, Participation.visit_id == AgendaItem.visit_id)
            .where(
                in_window,
                Participation.visit_id.in_(neighbours),
                Participation.person_id.in_(person_ids),
                attends,
            )
            .options(*options)
        )
        for item, person_id in db.session.execute(query):
            slots.setdefault(item.id, (item, set()))[1].add(person_id)
    return [item_slot(item, item.visit, people) for item, people in slots.values()]


def _load_visits(visit_ids: list[int]) -> list[Visit]:
    query = (
        select(Visit)
        .where(Visit.id.in_(visit_ids))
        .options(
            selectinload(Visit.items).joinedload(AgendaItem.room).joinedload(Room.venue),
            selectinload(Visit.guest_organisations),
        )
    )
    return list(db.session.scalars(query))


def find_conflicts(
    visit_ids: list[int],
    candidate: Candidate | None = None,
    viewer_organisation_id: int | None = None,
) -> dict[int, list[Conflict]]:
    """Return the warnings of each visit; with a candidate, only those that concern it.

    With ``viewer_organisation_id``, other visits' items appear without their titles
    unless that organisation hosts or attends them. Each visit's warnings are the same
    whether it is checked alone or together with others.
    """
    return _find(visit_ids, candidate, viewer_organisation_id)[0]


def find_conflicts_and_neighbours(
    visit_ids: list[int],
) -> tuple[dict[int, list[Conflict]], set[int]]:
    """Return the warnings of each visit and the other visits whose items the checks read.

    Those are the visits that share a room or a person with these within their days:
    their own warnings may change when these visits change. The warnings are for
    storing: their sentences name no people (names are read when they are shown).
    """
    return _find(visit_ids, None, None, with_names=False)


def _sees(slot: Slot, window: tuple[datetime, datetime]) -> bool:
    """Return whether a visit checked over ``window`` reads another visit's item."""
    start, end = window
    if slot.visit_days is not None and (
        slot.visit_days[0] > end.date() or slot.visit_days[1] < start.date()
    ):
        return False
    return slot.local_start < end and slot.local_end > start


def _find(
    visit_ids: list[int],
    candidate: Candidate | None,
    viewer_organisation_id: int | None,
    with_names: bool = True,
) -> tuple[dict[int, list[Conflict]], set[int]]:
    visits = _load_visits(visit_ids)
    if not visits:
        return {}, set()
    attendees = _attendees(visits)
    own: dict[int, list[Slot]] = {}
    for visit in visits:
        live = visit.status != VisitStatus.CANCELLED
        own[visit.id] = [
            item_slot(item, visit, attendees[item.id])
            for item in visit.items
            if live and item.status != ItemStatus.CANCELLED
        ]

    candidate_slot = None
    if candidate is not None:
        candidate_slot = _candidate_slot(candidate, visits, attendees)
        slots = [s for s in own[candidate.visit_id] if s.item_id != candidate.item_id]
        own[candidate.visit_id] = [*slots, candidate_slot] if candidate_slot else slots

    all_own = [slot for slots in own.values() for slot in slots]
    others = [
        masked(slot, viewer_organisation_id)
        for slot in _other_items(
            visits,
            {s.room_id for s in all_own if s.room_id is not None},
            {p for s in all_own for p in s.person_ids},
        )
    ]
    names = (
        person_names({p for s in [*all_own, *others] for p in s.person_ids}) if with_names else {}
    )
    transfer = timedelta(minutes=int(current_app.config["TRANSFER_MINUTES"]))

    # Every item by its start, to find what each visit's window holds without a scan.
    readable = sorted(
        [*others, *all_own], key=lambda s: (s.local_start, s.visit_id, s.item_id or 0)
    )
    starts = [s.local_start for s in readable]
    longest = max((s.local_end - s.local_start for s in readable), default=timedelta(0))
    result: dict[int, list[Conflict]] = {}
    for visit in visits:
        slots = own[visit.id]
        window = _window([visit])
        # Only what the visit would read when checked alone: the same warnings either way.
        other_slots = [
            s
            for s in readable[
                bisect_left(starts, window[0] - longest) : bisect_left(starts, window[1])
            ]
            if s.visit_id != visit.id and _sees(s, window)
        ]
        found = [
            *visit_overlaps(slots),
            *room_double_bookings(slots, other_slots),
            *person_double_bookings(slots, other_slots, names),
            *(c for s in slots for c in outside_visit_days(s, visit.first_day, visit.last_day)),
            *(c for s in slots for c in over_capacity(s)),
            *short_transfers(slots, other_slots, names, transfer),
        ]
        if candidate_slot is not None:
            found = [c for c in found if c.item_id == candidate.item_id]
        result[visit.id] = found
    return result, {slot.visit_id for slot in others}


def _candidate_slot(
    candidate: Candidate, visits: list[Visit], attendees: dict[int, set[int]]
) -> Slot | None:
    visit = next(v for v in visits if v.id == candidate.visit_id)
    if candidate.cancelled or visit.status == VisitStatus.CANCELLED:
        return None
    room = db.session.get(Room, candidate.room_id) if candidate.room_id else None
    if candidate.item_id is not None:
        people = attendees.get(candidate.item_id, set())
    else:
        people = _everyone(candidate.visit_id)
    start = to_utc(candidate.starts_at, visit.timezone, candidate.starts_fold)
    end = to_utc(candidate.ends_at, visit.timezone, candidate.ends_fold)
    return Slot(
        item_id=candidate.item_id,
        visit_id=visit.id,
        title=candidate.title,
        visit_title=visit.title,
        start=start,
        end=end,
        busy_start=start - timedelta(minutes=candidate.setup_minutes),
        busy_end=end + timedelta(minutes=candidate.teardown_minutes),
        local_start=candidate.starts_at,
        local_end=candidate.ends_at,
        room_id=room.id if room else None,
        room_name=room.label if room else "",
        room_capacity=room.capacity if room else None,
        venue_id=room.venue_id if room else None,
        person_ids=frozenset(people),
    )


def _everyone(visit_id: int) -> set[int]:
    query = select(Participation.person_id).where(
        Participation.visit_id == visit_id, Participation.attends_all_items
    )
    return set(db.session.scalars(query))


def person_names(person_ids: set[int]) -> dict[int, str]:
    """Return the display names of the people, with one query."""
    if not person_ids:
        return {}
    people = db.session.scalars(select(Person).where(Person.id.in_(person_ids)))
    return {person.id: person.display_name for person in people}


# --- clashes -------------------------------------------------------------------------

# How a visit's page lists the kinds: what blocks the day first.
KIND_ORDER = (
    ConflictKind.ROOM,
    ConflictKind.PERSON,
    ConflictKind.CAPACITY,
    ConflictKind.OVERLAP,
    ConflictKind.TRANSFER,
    ConflictKind.OUTSIDE_DAYS,
)


@dataclass(frozen=True)
class Clash:
    """One clash, however many warnings tell it: the items and everyone involved.

    ``first`` and ``second`` are the items that clash, of this visit or another: the
    earlier first where both belong to the visit or for a transfer, else the visit's own
    first. ``second`` is None when the warning concerns one item (capacity, the visit's
    days). ``fingerprint`` changes
    whenever anything relevant to the clash changes: items, times, room, people.
    """

    kind: ConflictKind
    fingerprint: str
    first: Slot
    second: Slot | None
    people: tuple[str, ...] = ()
    minutes: int | None = None
    conflicts: tuple[Conflict, ...] = field(default=(), repr=False)

    def item_ids(self, visit_id: int) -> list[int]:
        """Return the ids of the clash's items that belong to the visit."""
        return [
            slot.item_id
            for slot in (self.first, self.second)
            if slot is not None and slot.visit_id == visit_id and slot.item_id is not None
        ]

    def other_side(self, item_id: int) -> Slot | None:
        """Return the item the given one clashes with."""
        return self.second if self.first.item_id == item_id else self.first


def fingerprint(kind: ConflictKind, facts: Iterable[str]) -> str:
    """Return the fingerprint of a clash: its kind and facts, hashed."""
    text = "\n".join([kind.value, *sorted(set(facts))])
    return hashlib.sha256(text.encode()).hexdigest()


def clashes(conflicts: Iterable[Conflict]) -> list[Clash]:
    """Return each clash once: warnings about the same items and kind become one.

    A person clash of three people between two items is one clash naming all three;
    an overlap warned about on both items is one clash.
    """
    groups: dict[tuple, list[Conflict]] = defaultdict(list)
    for conflict in conflicts:
        if conflict.slot is None:
            continue
        sides = frozenset({conflict.item_id, conflict.other_item_id})
        groups[(conflict.kind, sides)].append(conflict)
    found = []
    for (kind, _sides), members in groups.items():
        lead = members[0]
        first, second = lead.slot, lead.other
        if second is not None and (
            second.visit_id == first.visit_id or kind == ConflictKind.TRANSFER
        ):
            first, second = sorted((first, second), key=lambda s: (s.start, s.end))
        people = sorted({c.person_name for c in members if c.person_name}, key=str.casefold)
        found.append(
            Clash(
                kind=kind,
                fingerprint=fingerprint(kind, (fact for c in members for fact in c.facts)),
                first=first,
                second=second,
                people=tuple(people),
                minutes=lead.minutes,
                conflicts=tuple(members),
            )
        )
    return sorted(
        found,
        key=lambda c: (
            KIND_ORDER.index(c.kind),
            c.first.start,
            c.second.start if c.second else c.first.start,
        ),
    )
