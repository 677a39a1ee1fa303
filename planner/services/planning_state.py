"""Planning state kept on write: each visit's warnings, pending changes and counts.

Pages read what is stored (``VisitPlanning``, ``PlannedConflict``) instead of checking
conflicts and diffing the draft on every request. The state is recomputed in the
transaction that changes what it depends on, so no write path has to remember it:

- at each flush, the session notes the visits that the flushed rows concern
  (agenda items, participations and the items they chose, visits' days, zone, status
  and language, issued versions, rooms and venues, trash entries deleted or restored);
- before the transaction commits, or before a page reads the state in the same session,
  those visits are recomputed, together with every visit whose warnings may change
  with them: those that clashed with them, and those sharing a room or a person with
  them within their days (a room booked twice across visits).

Warnings are stored as facts (kind, items, room, person, minutes); titles and names
are read when they are shown, so renaming a person or an item of another visit needs
no recomputation, and each reader sees them in their language and as they may.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import delete, distinct, event, exists, func, insert, inspect, select
from sqlalchemy.orm import Session, joinedload, selectinload

from planner.enums import ItemStatus, TrashKind
from planner.extensions import db
from planner.models import (
    AgendaItem,
    AgendaVersion,
    ConflictAcknowledgement,
    Participation,
    Person,
    PlannedConflict,
    Room,
    TrashEntry,
    Venue,
    Visit,
    VisitPlanning,
    participation_item,
)
from planner.models.types import utcnow
from planner.services.acknowledgements import ConflictReport, acknowledgements_of, build_report
from planner.services.agenda_view import read_draft, read_version
from planner.services.conflicts import (
    ZONE_SPREAD,
    Conflict,
    Slot,
    clashes,
    conflict_message,
    find_conflicts_and_neighbours,
    item_slot,
    masked,
)
from planner.services.versions import Changes, compare, draft_differs

PENDING = "planning_state.pending"
BUSY = "planning_state.busy"
TURN = "planning_state.turn"
# Visits recomputed together: a fixed number of queries for each batch.
BATCH = 500
# Changes of these attributes change a visit's warnings or its pending changes.
VISIT_FIELDS = ("first_day", "last_day", "timezone", "status", "language")
PARTICIPATION_FIELDS = ("visit_id", "person_id", "attends_all_items", "items")
ROOM_FIELDS = ("name", "capacity", "venue_id")


@dataclass
class _Pending:
    """What the flushes of a transaction changed, until the state is recomputed."""

    visits: set[int] = field(default_factory=set)
    # Rooms and venues whose name, capacity or building changed: every visit booking them.
    rooms: set[int] = field(default_factory=set)
    venues: set[int] = field(default_factory=set)
    # Rooms an item left and people who left a visit, by visit: the visits that shared
    # them may have lost a warning without having clashed with this visit.
    left_rooms: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    left_people: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    # The days a changed or deleted visit spanned, before and after.
    days: dict[int, tuple[date, date]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.visits or self.rooms or self.venues)


# --- noting what changed --------------------------------------------------------------


def _changed(obj, names: Iterable[str]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _old_values(obj, name: str) -> list:
    return [value for value in inspect(obj).attrs[name].history.deleted if value is not None]


def _note(pending: _Pending, obj, how: str) -> None:
    """Note the visits (rooms, venues) a flushed object concerns."""
    if isinstance(obj, AgendaItem):
        pending.visits.update([obj.visit_id, *_old_values(obj, "visit_id")])
        left = _old_values(obj, "room_id") + ([obj.room_id] if how == "deleted" else [])
        pending.left_rooms[obj.visit_id].update(room for room in left if room is not None)
    elif isinstance(obj, Participation):
        if how == "dirty" and not _changed(obj, PARTICIPATION_FIELDS):
            return
        pending.visits.update([obj.visit_id, *_old_values(obj, "visit_id")])
        left = _old_values(obj, "person_id") + ([obj.person_id] if how == "deleted" else [])
        pending.left_people[obj.visit_id].update(left)
    elif isinstance(obj, Visit):
        if how == "dirty" and not _changed(obj, VISIT_FIELDS):
            return
        pending.visits.add(obj.id)
        firsts = [obj.first_day, *_old_values(obj, "first_day")]
        lasts = [obj.last_day, *_old_values(obj, "last_day")]
        pending.days[obj.id] = (min(firsts), max(lasts))
    elif isinstance(obj, AgendaVersion):
        pending.visits.add(obj.visit_id)
    elif isinstance(obj, Room):
        if how == "deleted" or _changed(obj, ROOM_FIELDS):
            pending.rooms.add(obj.id)
    elif isinstance(obj, Venue):
        if how == "dirty" and _changed(obj, ("name",)):
            pending.venues.add(obj.id)
    elif isinstance(obj, TrashEntry):
        pending.visits.update(_trashed_visits(obj))


def _trashed_visits(entry: TrashEntry) -> set[int]:
    """Return the visits a trash entry's rows belong to (deleted or restored with it)."""
    found = {entry.visit_id} if entry.visit_id is not None else set()
    if entry.kind == TrashKind.VISIT:
        found.add(entry.object_id)
    # The payload is deferred; a restore or deletion has it loaded, emptying the trash not.
    payload = inspect(entry).dict.get("payload") or {}
    rows = payload.get("rows", {})
    found.update(row["id"] for row in rows.get("visit", []))
    for table in ("agenda_item", "participation"):
        found.update(row["visit_id"] for row in rows.get(table, []) if "visit_id" in row)
    return found


def _collect_deleted(session: Session, _flush_context, _instances) -> None:
    # Before the flush: a deleted row can still be read (its visit, its room).
    pending = session.info.setdefault(PENDING, _Pending())
    for obj in session.deleted:
        _note(pending, obj, "deleted")
    _tidy(session, pending)


def _collect(session: Session, _flush_context) -> None:
    # After the flush: new rows have their ids, changed ones still their history.
    pending = session.info.setdefault(PENDING, _Pending())
    for how, objects in (("new", session.new), ("dirty", session.dirty)):
        for obj in objects:
            if how == "dirty" and not session.is_modified(obj):
                continue
            _note(pending, obj, how)
    _tidy(session, pending)


def _tidy(session: Session, pending: _Pending) -> None:
    pending.visits.discard(None)
    if not pending:
        session.info.pop(PENDING, None)


def _before_commit(session: Session) -> None:
    # A savepoint's commit is not the end: its changes may still be rolled back.
    if session.in_nested_transaction():
        return
    settle(session)


# Any constant: the key of the PostgreSQL advisory lock that writing transactions take.
WRITERS_LOCK = 0x706C616E


def _take_turns(session: Session, _flush_context, _instances) -> None:
    """Let writing transactions on PostgreSQL take turns from their first write on.

    The recomputation at commit reads the visits a change concerns and their neighbours
    and rewrites their stored state; two transactions doing so at once deadlocked on the
    rows each had written before, or stored the same visit's state twice. Taking one
    advisory lock before the first row is written (released when the transaction ends)
    orders them, as SQLite's single writer does.
    """
    if session.info.get(TURN) or not (session.new or session.dirty or session.deleted):
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITERS_LOCK})")
    session.info[TURN] = True


def _turn_ends(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(TURN, None)


def register_planning_state() -> None:
    """Recompute the planning state of what each transaction changed; safe to call again."""
    from flask_sqlalchemy.session import Session as FlaskSession

    if event.contains(FlaskSession, "after_flush", _collect):
        return
    event.listen(FlaskSession, "before_flush", _take_turns)
    event.listen(FlaskSession, "after_transaction_end", _turn_ends)
    event.listen(FlaskSession, "before_flush", _collect_deleted)
    event.listen(FlaskSession, "after_flush", _collect)
    event.listen(FlaskSession, "before_commit", _before_commit)


def settle(session: Session | None = None) -> None:
    """Recompute the state of what this session changed and has not recomputed yet."""
    session = session if session is not None else db.session()
    if session.info.get(BUSY):
        return
    session.info[BUSY] = True
    try:
        # Two rounds at most: recomputing writes only derived rows, which note nothing.
        for _round in range(2):
            session.flush()
            pending = session.info.pop(PENDING, None)
            if not pending:
                break
            # Read what was flushed, not what the session holds: a room given another
            # building by its id still names the old one, a moved item sits in its
            # visit's list where it was.
            session.expire_all()
            _recompute(pending)
    finally:
        session.info.pop(BUSY, None)


# --- recomputing ----------------------------------------------------------------------


def _window(first: date, last: date) -> tuple[date, date]:
    # Whole days around the visit: wide enough for ZONE_SPREAD and the night after.
    margin = timedelta(days=ZONE_SPREAD.days + 2)
    return first - margin, last + margin


def _visits_sharing(pending: _Pending) -> set[int]:
    """Return the visits, within the days concerned, that booked a room an item left or
    had a person who left a visit."""
    concerned = set(pending.left_rooms) | set(pending.left_people)
    concerned = {v for v in concerned if pending.left_rooms.get(v) or pending.left_people.get(v)}
    if not concerned:
        return set()
    days = dict(
        ((row.id, (row.first_day, row.last_day)))
        for row in db.session.execute(
            select(Visit.id, Visit.first_day, Visit.last_day).where(Visit.id.in_(concerned))
        )
    )
    found: set[int] = set()
    for visit_id in concerned:
        spans = [span for span in (days.get(visit_id), pending.days.get(visit_id)) if span]
        if not spans:
            continue
        start, end = _window(min(s[0] for s in spans), max(s[1] for s in spans))
        near = (Visit.first_day <= end) & (Visit.last_day >= start)
        if pending.left_rooms.get(visit_id):
            found.update(
                db.session.scalars(
                    select(AgendaItem.visit_id)
                    .distinct()
                    .join(Visit, Visit.id == AgendaItem.visit_id)
                    .where(near, AgendaItem.room_id.in_(pending.left_rooms[visit_id]))
                )
            )
        if pending.left_people.get(visit_id):
            found.update(
                db.session.scalars(
                    select(Participation.visit_id)
                    .distinct()
                    .join(Visit, Visit.id == Participation.visit_id)
                    .where(near, Participation.person_id.in_(pending.left_people[visit_id]))
                )
            )
    return found


def _recompute(pending: _Pending) -> None:
    changed = set(pending.visits)
    rooms = set(pending.rooms)
    if pending.venues:
        rooms.update(db.session.scalars(select(Room.id).where(Room.venue_id.in_(pending.venues))))
    if rooms:
        changed.update(
            db.session.scalars(
                select(AgendaItem.visit_id).distinct().where(AgendaItem.room_id.in_(rooms))
            )
        )
    # Visits that clashed with the changed ones, and those that shared what they left.
    targets = set(changed)
    for chunk in _chunks(sorted(changed)):
        targets.update(
            db.session.scalars(
                select(PlannedConflict.visit_id)
                .distinct()
                .where(PlannedConflict.other_visit_id.in_(chunk))
            )
        )
    targets.update(_visits_sharing(pending))
    found: dict[int, list[Conflict]] = {}
    neighbours: set[int] = set()
    for chunk in _chunks(sorted(targets)):
        result, near = find_conflicts_and_neighbours(chunk)
        found.update(result)
        neighbours |= near
    # Visits sharing a room or a person with them now: a new clash, or a transfer that
    # an item in between no longer interrupts.
    for chunk in _chunks(sorted(neighbours - targets)):
        found.update(find_conflicts_and_neighbours(chunk)[0])
    _store_conflicts(targets | neighbours, found)
    store_pending(sorted(changed))


def _chunks(ids: list[int], size: int = BATCH) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _store_conflicts(visit_ids: set[int], found: dict[int, list[Conflict]]) -> None:
    """Replace the stored warnings of the visits (those gone keep none)."""
    for chunk in _chunks(sorted(visit_ids)):
        db.session.execute(delete(PlannedConflict).where(PlannedConflict.visit_id.in_(chunk)))
    rows = []
    for visit_id, conflicts in found.items():
        fingerprints = {
            id(conflict): clash.fingerprint
            for clash in clashes(conflicts)
            for conflict in clash.conflicts
        }
        for position, conflict in enumerate(conflicts):
            rows.append(
                {
                    "visit_id": visit_id,
                    "position": position,
                    "kind": conflict.kind,
                    "item_id": conflict.item_id,
                    "other_item_id": conflict.other_item_id,
                    "other_visit_id": conflict.other.visit_id if conflict.other else None,
                    "room_id": conflict.room_id,
                    "person_id": conflict.person_id,
                    "minutes": conflict.minutes,
                    "participants": conflict.participants,
                    "other_first": conflict.other_first,
                    "facts": list(conflict.facts),
                    "fingerprint": fingerprints[id(conflict)],
                }
            )
    for start in range(0, len(rows), 5000):
        # The table, not the class: the ORM's bulk path costs more than the rows here.
        db.session.execute(insert(PlannedConflict.__table__), rows[start : start + 5000])


def _attendees_of(visits: list[Visit]) -> tuple[dict[int, dict[int, list[int]]], Counter[int]]:
    """Return ``versions.attendee_ids`` of each visit and its number of participants,
    with two queries (rows, not objects: a visit may have hundreds of participants).
    """
    visit_ids = [visit.id for visit in visits]
    everyone: dict[int, set[int]] = defaultdict(set)
    participants: Counter[int] = Counter()
    for visit_id, person_id, attends_all in db.session.execute(
        select(
            Participation.visit_id, Participation.person_id, Participation.attends_all_items
        ).where(Participation.visit_id.in_(visit_ids))
    ):
        participants[visit_id] += 1
        if attends_all:
            everyone[visit_id].add(person_id)
    chosen: dict[int, set[int]] = defaultdict(set)
    rows = db.session.execute(
        select(participation_item.c.agenda_item_id, Participation.person_id)
        .join(Participation, participation_item.c.participation_id == Participation.id)
        .where(Participation.visit_id.in_(visit_ids), ~Participation.attends_all_items)
    )
    for item_id, person_id in rows:
        chosen[item_id].add(person_id)
    attendees = {
        visit.id: {item.id: sorted(everyone[visit.id] | chosen[item.id]) for item in visit.items}
        for visit in visits
    }
    return attendees, participants


def _latest_versions(visit_ids: list[int]) -> dict[int, AgendaVersion]:
    newest = (
        select(AgendaVersion.visit_id, func.max(AgendaVersion.number).label("number"))
        .where(AgendaVersion.visit_id.in_(visit_ids))
        .group_by(AgendaVersion.visit_id)
        .subquery()
    )
    query = select(AgendaVersion).join(
        newest,
        (AgendaVersion.visit_id == newest.c.visit_id) & (AgendaVersion.number == newest.c.number),
    )
    return {version.visit_id: version for version in db.session.scalars(query)}


def store_pending(visit_ids: list[int]) -> None:
    """Recompute and store the counts and pending changes of the visits."""
    now = utcnow()
    for chunk in _chunks(visit_ids):
        visits = list(
            db.session.scalars(
                select(Visit)
                .where(Visit.id.in_(chunk))
                .options(
                    selectinload(Visit.items).options(
                        joinedload(AgendaItem.room).joinedload(Room.venue),
                        joinedload(AgendaItem.responsible_person),
                    ),
                )
            )
        )
        attendees, participants = _attendees_of(visits) if visits else ({}, Counter())
        latest = _latest_versions(chunk)
        db.session.execute(delete(VisitPlanning).where(VisitPlanning.visit_id.in_(chunk)))
        rows = []
        for visit in visits:
            version = latest.get(visit.id)
            issued = read_version(version, visit) if version else None
            changes = compare(issued, read_draft(visit, attendees=attendees[visit.id]))
            rows.append(
                {
                    "visit_id": visit.id,
                    "item_count": sum(1 for i in visit.items if i.status != ItemStatus.CANCELLED),
                    "attendee_count": participants[visit.id],
                    "changes": changes.as_dict(),
                    "draft_differs": draft_differs(visit, version, changes, issued),
                    "refreshed_at": now,
                }
            )
        if rows:
            db.session.execute(insert(VisitPlanning.__table__), rows)


def refresh_visits(visit_ids: list[int]) -> None:
    """Recompute and store the whole state of exactly these visits; the caller commits."""
    for chunk in _chunks(sorted(set(visit_ids))):
        found, _neighbours = find_conflicts_and_neighbours(chunk)
        _store_conflicts(set(chunk), found)
        store_pending(chunk)


def all_visit_ids() -> list[int]:
    """Return the ids of every visit, oldest first."""
    return list(db.session.scalars(select(Visit.id).order_by(Visit.id)))


# --- reading --------------------------------------------------------------------------


def stored_planning(visit_ids: list[int]) -> dict[int, VisitPlanning]:
    """Return the stored state of the visits that have one."""
    settle()
    if not visit_ids:
        return {}
    query = (
        select(VisitPlanning)
        .where(VisitPlanning.visit_id.in_(visit_ids))
        .execution_options(populate_existing=True)
    )
    return {row.visit_id: row for row in db.session.scalars(query)}


def stored_pending(planning: VisitPlanning) -> Changes:
    """Return the stored changes since the latest issued version."""
    return Changes.from_dict(planning.changes)


def open_clash_counts(visit_ids: list[int]) -> dict[int, int]:
    """Return how many unacknowledged clashes each visit has, with one query."""
    if not visit_ids:
        return {}
    acknowledged = exists().where(
        ConflictAcknowledgement.visit_id == PlannedConflict.visit_id,
        ConflictAcknowledgement.fingerprint == PlannedConflict.fingerprint,
    )
    query = (
        select(PlannedConflict.visit_id, func.count(distinct(PlannedConflict.fingerprint)))
        .where(PlannedConflict.visit_id.in_(visit_ids), ~acknowledged)
        .group_by(PlannedConflict.visit_id)
    )
    counts = dict.fromkeys(visit_ids, 0)
    counts.update(dict(db.session.execute(query).all()))
    return counts


def stored_conflicts(visit: Visit, viewer_organisation_id: int | None = None) -> list[Conflict]:
    """Return the visit's stored warnings as ``find_conflicts`` returns them.

    Titles, names and rooms are today's; other visits' items appear without their titles
    unless the viewer's organisation hosts or attends them.
    """
    rows = list(
        db.session.scalars(
            select(PlannedConflict)
            .where(PlannedConflict.visit_id == visit.id)
            .order_by(PlannedConflict.position)
            .execution_options(populate_existing=True)
        )
    )
    # Always the same queries, with warnings or without: a page's cost does not vary.
    slots: dict[int, Slot] = {
        item.id: item_slot(item, visit, ()) for item in visit.items if item.id is not None
    }
    wanted = {r.item_id for r in rows} | {r.other_item_id for r in rows if r.other_item_id}
    query = (
        select(AgendaItem)
        .where(AgendaItem.id.in_(wanted - set(slots)))
        .options(
            joinedload(AgendaItem.room).joinedload(Room.venue),
            joinedload(AgendaItem.visit).joinedload(Visit.guest_organisations),
        )
    )
    for item in db.session.scalars(query).unique():
        slots[item.id] = masked(item_slot(item, item.visit, ()), viewer_organisation_id)
    people = {r.person_id for r in rows if r.person_id is not None}
    names = {
        person.id: person.display_name
        for person in db.session.scalars(select(Person).where(Person.id.in_(people)))
    }
    found = []
    for row in rows:
        slot = slots.get(row.item_id)
        other = slots.get(row.other_item_id) if row.other_item_id else None
        if slot is None or (row.other_item_id and other is None):
            continue  # an item gone since: the next recomputation drops the warning
        person_name = names.get(row.person_id, "?") if row.person_id is not None else ""
        found.append(
            Conflict(
                row.kind,
                row.item_id,
                conflict_message(
                    row.kind,
                    slot,
                    other,
                    person_name=person_name,
                    minutes=row.minutes,
                    participants=row.participants,
                    other_first=row.other_first,
                ),
                other_item_id=row.other_item_id,
                room_id=row.room_id,
                person_id=row.person_id,
                slot=slot,
                other=other,
                person_name=person_name,
                minutes=row.minutes,
                facts=tuple(row.facts),
                participants=row.participants,
                other_first=row.other_first,
            )
        )
    return found


def stored_report(visit: Visit, viewer_organisation_id: int | None = None) -> ConflictReport:
    """Return the report of the visit's stored warnings, its acknowledged clashes apart."""
    conflicts = stored_conflicts(visit, viewer_organisation_id)
    acknowledgements = acknowledgements_of([visit.id])
    return build_report(visit.id, conflicts, acknowledgements.get(visit.id, []))
