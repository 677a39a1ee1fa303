"""The trash: deleted visits, items and people leave their tables and wait here for a while.

Deleting moves the object and every row that belongs to it (found through the foreign
keys: what ``ON DELETE CASCADE`` would remove, plus what a kind names in ``FOLLOWED``)
into one ``TrashEntry`` as JSON, and deletes the rows. Nothing in the app's queries has
to remember a "deleted" flag: a deleted thing cannot appear in a page, calendar, feed,
printout, export or conflict check because its rows are not there.

Restoring inserts the rows again with their ids, in dependency order. Ids are never
handed out twice (AUTOINCREMENT on SQLite, sequences on PostgreSQL), so they are free.
What a row needs may have gone meanwhile:

- a reference that may be empty (a room, a responsible person, a contact person) is
  left empty; if the row it named lies in another trash entry, that entry sets it again
  when it comes back, otherwise the restore says what was left out;
- a row that cannot exist without its parent (a participation without its person) goes
  into the trash entry that holds the parent, and comes back with it; if the parent is
  gone for good, the row is left out and the restore says so;
- the object itself without its parent (an item whose visit lies in the trash) is not
  restored: the planner is told to restore the parent first.
"""

import base64
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import ForeignKey, Table, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer, joinedload, undefer
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.types import TypeDecorator

from planner.enums import AuditAction, OutboxStatus, Role, TrashKind
from planner.extensions import db
from planner.models import (
    AgendaItem,
    AgendaVersion,
    AuditEntry,
    FeedToken,
    ItemAnswer,
    OutboxMessage,
    Participation,
    Person,
    TrashEntry,
    User,
    Visit,
    VisitMessage,
    participation_item,
)
from planner.models.types import utcnow
from planner.services.agenda_view import read_version
from planner.services.errors import InvalidInput
from planner.services.item_texts import title_in

ROOTS = {TrashKind.VISIT: Visit, TrashKind.ITEM: AgendaItem, TrashKind.PERSON: Person}
# Rows that go into the trash with the row they point at, beyond ON DELETE CASCADE: a
# visit's e-mail and the replies read for it would otherwise lose their visit, and a
# person's participations would keep the person from being deleted at all.
FOLLOWED = {
    TrashKind.VISIT: frozenset({("outbox_message", "visit_id"), ("inbound_message", "visit_id")}),
    TrashKind.ITEM: frozenset(),
    TrashKind.PERSON: frozenset({("participation", "person_id")}),
}
# Outbox messages that a person, once back, must not receive, unless they went out already.
UNSENT = (OutboxStatus.DRAFT, OutboxStatus.PENDING, OutboxStatus.FAILED)
# What the outbox drafts for a person who leaves a visit.
CANCELLATIONS = ("cancel", "letter-cancel")
# The trail records these tables' rows by the name of their class.
AUDITED = {"visit": "Visit", "agenda_item": "AgendaItem", "person": "Person",
           "participation": "Participation"}  # fmt: skip


# --- what goes with a thing ---------------------------------------------------------------


def describe(counts: dict[str, int]) -> list[str]:
    """Return what goes (or went) with a deleted thing in words: "2 agenda items", ...."""
    texts = {
        "items": lambda n: ngettext("%(num)d agenda item", "%(num)d agenda items", n),
        "participants": lambda n: ngettext("%(num)d participant", "%(num)d participants", n),
        "participations": lambda n: ngettext(
            "%(num)d participation in a visit", "%(num)d participations in visits", n
        ),
        "attendees": lambda n: ngettext(
            "the attendance of %(num)d participant", "the attendance of %(num)d participants", n
        ),
        "answers": lambda n: ngettext("%(num)d answer", "%(num)d answers", n),
        "drafts": lambda n: ngettext("%(num)d invitation draft", "%(num)d invitation drafts", n),
        "messages": lambda n: ngettext("%(num)d other message", "%(num)d other messages", n),
        "feeds": lambda n: ngettext(
            "%(num)d calendar subscription", "%(num)d calendar subscriptions", n
        ),
        "thread": lambda n: ngettext(
            "%(num)d message of the thread", "%(num)d messages of the thread", n
        ),
    }
    return [text(counts[key]) for key, text in texts.items() if counts.get(key)]


def _count(model, *conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0


def visit_counts(visit: Visit) -> dict[str, int]:
    """Return what goes into the trash with a visit, counted."""
    messages = db.session.scalars(
        select(OutboxMessage.status).where(OutboxMessage.visit_id == visit.id)
    ).all()
    participations = select(Participation.id).where(Participation.visit_id == visit.id)
    return {
        "items": _count(AgendaItem, AgendaItem.visit_id == visit.id),
        "participants": _count(Participation, Participation.visit_id == visit.id),
        "answers": _count(ItemAnswer, ItemAnswer.participation_id.in_(participations)),
        "drafts": sum(1 for status in messages if status == OutboxStatus.DRAFT),
        "messages": sum(1 for status in messages if status != OutboxStatus.DRAFT),
        "feeds": _count(FeedToken, FeedToken.visit_id == visit.id),
        "thread": _count(VisitMessage, VisitMessage.visit_id == visit.id),
    }


def item_counts(item: AgendaItem) -> dict[str, int]:
    """Return what goes into the trash with an agenda item, counted."""
    everyone = _count(
        Participation, Participation.visit_id == item.visit_id, Participation.attends_all_items
    )
    chosen = _count(
        participation_item,
        participation_item.c.agenda_item_id == item.id,
        participation_item.c.participation_id.in_(
            select(Participation.id).where(~Participation.attends_all_items)
        ),
    )
    return {
        "attendees": everyone + chosen,
        "answers": _count(ItemAnswer, ItemAnswer.agenda_item_id == item.id),
    }


def person_counts(person: Person) -> dict[str, int]:
    """Return what goes into the trash with a person, counted."""
    participations = select(Participation.id).where(Participation.person_id == person.id)
    return {
        "participations": _count(Participation, Participation.person_id == person.id),
        "answers": _count(ItemAnswer, ItemAnswer.participation_id.in_(participations)),
        "feeds": _count(FeedToken, FeedToken.person_id == person.id),
    }


# --- rows as JSON -----------------------------------------------------------------------


def _python_type(column) -> type | None:
    kind = column.type
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    try:
        return kind.python_type
    except NotImplementedError:
        return None


def _to_json(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, Decimal):
        return str(value)  # an amount keeps its exact digits
    return value


def _from_json(value: Any, column) -> Any:
    if value is None:
        return None
    kind = _python_type(column)
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    if kind is bytes:
        return base64.b64decode(value)
    if kind is Decimal:
        return Decimal(value)
    return value


def _read(table: Table, condition) -> list[dict[str, Any]]:
    return [
        {key: _to_json(value) for key, value in row.items()}
        for row in db.session.execute(select(table).where(condition)).mappings()
    ]


def _has_id(table: Table) -> bool:
    return "id" in table.c and table.c.id.primary_key


def _referencing(table: Table) -> list[ForeignKey]:
    """Return the foreign keys of every table that point at ``table``."""
    return [
        key
        for other in db.metadata.sorted_tables
        for key in other.foreign_keys
        if key.column.table is table
    ]


@dataclass
class _Capture:
    """The rows of a deleted thing, and the references to them from rows that stay."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    ids: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    links: list[list[Any]] = field(default_factory=list)


def _capture(root: Table, root_ids: set[int], followed: frozenset) -> _Capture:
    captured = _Capture()
    seen_links: dict[str, set[tuple]] = defaultdict(set)
    waiting: list[tuple[Table, set[int]]] = [(root, set(root_ids))]
    while waiting:
        table, wanted = waiting.pop()
        wanted = wanted - captured.ids[table.name]
        if not wanted:
            continue
        captured.ids[table.name] |= wanted
        captured.rows.setdefault(table.name, []).extend(_read(table, table.c.id.in_(wanted)))
        for key in _referencing(table):
            child = key.parent.table
            if key.ondelete != "CASCADE" and (child.name, key.parent.name) not in followed:
                continue
            if _has_id(child):
                found = set(db.session.scalars(select(child.c.id).where(key.parent.in_(wanted))))
                waiting.append((child, found))
                continue
            # A link table (participation_item): rows are known by all their columns.
            for row in _read(child, key.parent.in_(wanted)):
                identity = tuple(sorted(row.items()))
                if identity not in seen_links[child.name]:
                    seen_links[child.name].add(identity)
                    captured.rows.setdefault(child.name, []).append(row)
    for table_name, ids in list(captured.ids.items()):
        for key in _referencing(db.metadata.tables[table_name]):
            child = key.parent.table
            if key.ondelete != "SET NULL" or not _has_id(child):
                continue
            query = select(child.c.id, key.parent).where(key.parent.in_(ids))
            if captured.ids.get(child.name):
                query = query.where(child.c.id.not_in(captured.ids[child.name]))
            captured.links.extend(
                [child.name, row_id, key.parent.name, value]
                for row_id, value in db.session.execute(query)
            )
    return captured


def _remove_rows(captured: _Capture) -> None:
    """Delete what the ORM deletion and the database's cascades left of the captured rows."""
    for table in reversed(db.metadata.sorted_tables):
        ids = captured.ids.get(table.name)
        if ids and _has_id(table):
            db.session.execute(delete(table).where(table.c.id.in_(ids)))


# --- deleting -------------------------------------------------------------------------------


def _entry(kind: TrashKind, obj, organisation_id: int, user: User | None, captured: _Capture,
           **fields) -> TrashEntry:  # fmt: skip
    entry = TrashEntry(
        kind=kind,
        object_id=obj.id,
        organisation_id=organisation_id,
        deleted_by_organisation_id=user.organisation_id if user else organisation_id,
        deleted_by_id=user.id if user else None,
        payload={"rows": captured.rows, "links": captured.links, "drafted": []},
        **fields,
    )
    db.session.add(entry)
    return entry


def trash_visit(visit: Visit, user: User | None) -> TrashEntry:
    """Move a visit with its agenda, participants, answers, feeds and e-mail into the trash.

    The caller checks that the visit may be deleted.
    """
    db.session.flush()
    counts = visit_counts(visit)
    captured = _capture(Visit.__table__, {visit.id}, FOLLOWED[TrashKind.VISIT])
    entry = _entry(TrashKind.VISIT, visit, visit.host_organisation_id, user, captured,
                   visit_id=visit.id, title=visit.title, day=visit.first_day,
                   context=", ".join(org.name for org in visit.guest_organisations)[:300],
                   counts=counts)  # fmt: skip
    # One by one through the session, so the audit trail records every item and participant.
    for participation in visit.participations:
        db.session.delete(participation)
    for item in visit.items:
        db.session.delete(item)
    db.session.flush()
    db.session.delete(visit)
    db.session.flush()
    _remove_rows(captured)
    return entry


def trash_item(item: AgendaItem, user: User | None) -> TrashEntry:
    """Move an agenda item with who attends it and their answers into the trash."""
    db.session.flush()
    counts = item_counts(item)
    captured = _capture(AgendaItem.__table__, {item.id}, FOLLOWED[TrashKind.ITEM])
    visit = item.visit
    entry = _entry(TrashKind.ITEM, item, visit.host_organisation_id, user, captured,
                   visit_id=visit.id, title=title_in(item, visit.language.value),
                   context=visit.title[:300],
                   day=item.starts_at.date(), counts=counts)  # fmt: skip
    db.session.delete(item)
    db.session.flush()
    _remove_rows(captured)
    return entry


def trash_person(person: Person, user: User | None, drafted: list[int]) -> TrashEntry:
    """Move a person with their participations, attendance, answers and feeds into the trash.

    ``drafted`` names the cancellations written for the person's visits just before; a
    restore withdraws those that have not gone out. The caller checks the permission.
    """
    db.session.flush()
    counts = person_counts(person)
    participations = list(
        db.session.scalars(select(Participation).where(Participation.person_id == person.id))
    )
    captured = _capture(Person.__table__, {person.id}, FOLLOWED[TrashKind.PERSON])
    entry = _entry(TrashKind.PERSON, person, person.organisation_id, user, captured,
                   title=person.display_name[:300], context=person.organisation.name[:300],
                   counts=counts)  # fmt: skip
    entry.payload["drafted"] = sorted(drafted)
    for participation in participations:
        db.session.delete(participation)
    db.session.flush()
    db.session.delete(person)
    db.session.flush()
    _remove_rows(captured)
    return entry


# --- restoring ------------------------------------------------------------------------------


@dataclass
class Restored:
    """What a restore brought back, and what it had to leave out or hand on."""

    entry: TrashEntry
    notes: list[str] = field(default_factory=list)


class _Holders:
    """Finds the trash entry that holds a row, among all entries but the one restored."""

    def __init__(self, restoring: TrashEntry) -> None:
        self.restoring = restoring
        self._index: dict[tuple[str, int], TrashEntry] | None = None

    def find(self, table: str, row_id: int) -> TrashEntry | None:
        if self._index is None:
            self._index = {}
            for entry in db.session.scalars(
                select(TrashEntry)
                .where(TrashEntry.id != self.restoring.id)
                .options(undefer(TrashEntry.payload))
            ):
                for name, rows in entry.payload["rows"].items():
                    for row in rows:
                        if "id" in row:
                            self._index[(name, row["id"])] = entry
        return self._index.get((table, row_id))


def _live_ids(table: Table, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    return set(db.session.scalars(select(table.c.id).where(table.c.id.in_(ids))))


def _refuse_without_parent(entry: TrashEntry, table: str, value: int, holders: _Holders):
    """Refuse a restore whose object itself needs a parent that is not there."""
    holder = holders.find(table, value)
    if holder is not None:
        raise InvalidInput(
            "trash", _l("“%(title)s” lies in the trash: restore it first.", title=holder.title)
        )
    raise InvalidInput(
        "trash", _l("What “%(title)s” belonged to no longer exists.", title=entry.title)
    )


# Notes for references a restore had to leave empty, by table and column.
EMPTIED = {
    ("agenda_item", "room_id"): lambda n: ngettext(
        "%(num)d agenda item comes back without its room, which no longer exists.",
        "%(num)d agenda items come back without their rooms, which no longer exist.",
        n,
    ),
    ("agenda_item", "responsible_person_id"): lambda n: ngettext(
        "%(num)d agenda item comes back without its responsible person, who was deleted.",
        "%(num)d agenda items come back without their responsible people, who were deleted.",
        n,
    ),
    ("visit", "contact_person_id"): lambda n: ngettext(
        "The visit comes back without its contact person, who was deleted.",
        "%(num)d visits come back without their contact people, who were deleted.",
        n,
    ),
}
# Notes for rows a restore had to leave out, by table.
LEFT_OUT = {
    "participation": lambda n: ngettext(
        "%(num)d participation does not come back: its person or visit was deleted for good.",
        "%(num)d participations do not come back: their people or visits were deleted for good.",
        n,
    ),
}


def _sequence_after_cancellation(visit_id: int, rows: list[dict[str, Any]]) -> None:
    """Raise the SEQUENCE of items a cancellation may have gone out for.

    An item issued in one version and missing from the latest was cancelled in the
    attendees' calendars with a SEQUENCE one above the issued one; a new invitation to it
    must carry more, or calendar programs ignore it as outdated.
    """
    versions = [
        read_version(version, None)
        for version in db.session.scalars(
            select(AgendaVersion)
            .where(AgendaVersion.visit_id == visit_id)
            .order_by(AgendaVersion.number)
        )
    ]
    if not versions:
        return
    latest = versions[-1].uids
    for row in rows:
        issued = [
            item.sequence for agenda in versions for item in agenda.items if item.uid == row["uid"]
        ]
        if issued and row["uid"] not in latest:
            row["sequence"] = max(row["sequence"], max(issued) + 2)


def _welcome_back(entry: TrashEntry, rows: dict[str, list[dict[str, Any]]]) -> None:
    """Withdraw the cancellations the deletion wrote where they have not gone out yet.

    A person who is back keeps the items in their calendar as long as no cancellation
    reached it; a cancellation that went out removed them, so the participation no longer
    counts them as invited.
    """
    drafted = entry.payload.get("drafted") or []
    if not drafted:
        return
    removed: dict[int, set[str]] = defaultdict(set)
    links = {(link[1], link[2]): link[3] for link in entry.payload["links"]
             if link[0] == "outbox_message"}  # fmt: skip
    for message in db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(drafted))):
        if message.status in UNSENT:
            message.status = OutboxStatus.DISCARDED
        elif message.kind == "cancel":
            participation_id = links.get((message.id, "participation_id"))
            if participation_id is not None:
                removed[participation_id].update(message.item_uids or [])
    for row in rows.get("participation", []):
        if row["id"] in removed:
            row["invited_uids"] = sorted(set(row.get("invited_uids") or []) - removed[row["id"]])


class _RestoreState:
    """Inserts a restore's rows table by table and keeps track of what came back."""

    def __init__(self, entry: TrashEntry, holders: _Holders) -> None:
        self.entry = entry
        self.holders = holders
        self.inserted: dict[str, set[int]] = defaultdict(set)
        self.emptied: dict[tuple[str, str], int] = defaultdict(int)
        self.left_out: dict[str, int] = defaultdict(int)
        self.handed: dict[tuple[str, int], TrashEntry] = {}
        self.handed_to: list[TrashEntry] = []
        self.audit_rows: list[dict[str, Any]] = []

    def _present(self, table: Table, rows: list[dict[str, Any]]) -> dict[str, set[int]]:
        """Return, per foreign key column, which of the named rows exist (or came back)."""
        present = {}
        for key in table.foreign_keys:
            target = key.column.table
            wanted = {row.get(key.parent.name) for row in rows} - {None}
            wanted -= self.inserted[target.name]
            present[key.parent.name] = self.inserted[target.name] | _live_ids(target, wanted)
        return present

    def _holder(self, table: str, value: int) -> TrashEntry | None:
        return self.handed.get((table, value)) or self.holders.find(table, value)

    def _hand_over(self, holder: TrashEntry, table: Table, row: dict[str, Any]) -> None:
        """Put a row into the entry that holds its parent: it comes back with it."""
        holder.payload["rows"].setdefault(table.name, []).append(row)
        flag_modified(holder, "payload")
        if "id" in row:
            self.handed[(table.name, row["id"])] = holder
        if holder not in self.handed_to:
            self.handed_to.append(holder)

    def insert(self, table: Table, rows: list[dict[str, Any]], is_root: bool) -> None:
        """Insert the rows that can come back; hand on or leave out the others."""
        present = self._present(table, rows)
        required = [key for key in table.foreign_keys if not key.parent.nullable]
        optional = [key for key in table.foreign_keys if key.parent.nullable]
        keep = []
        for row in rows:
            root = is_root and row.get("id") == self.entry.object_id
            missing = [
                key for key in required if row.get(key.parent.name) not in present[key.parent.name]
            ]
            if missing:
                target = missing[0].column.table.name
                value = row[missing[0].parent.name]
                if root:
                    _refuse_without_parent(self.entry, target, value, self.holders)
                holder = self._holder(target, value)
                if holder is None:
                    self.left_out[table.name] += 1
                else:
                    self._hand_over(holder, table, row)
                continue
            for key in optional:
                column = key.parent.name
                value = row.get(column)
                if value is None or value in present[column]:
                    continue
                row[column] = None
                holder = self._holder(key.column.table.name, value)
                if holder is None:
                    self.emptied[(table.name, column)] += 1
                elif _has_id(table):
                    # The holder sets the reference again when it comes back.
                    holder.payload["links"].append([table.name, row["id"], column, value])
                    flag_modified(holder, "payload")
            keep.append(row)
        if not keep:
            return
        values = [
            {column.name: _from_json(row[column.name], column)
             for column in table.columns if column.name in row}
            for row in keep
        ]  # fmt: skip
        try:
            db.session.execute(insert(table), values)
        except IntegrityError as error:
            raise InvalidInput(
                "trash",
                _l("“%(title)s” clashes with data added since it was deleted.",
                   title=self.entry.title),
            ) from error  # fmt: skip
        if _has_id(table):
            self.inserted[table.name].update(row["id"] for row in keep)
        if table.name in AUDITED:
            self.audit_rows.extend(
                {"object_type": AUDITED[table.name], "object_id": row["id"],
                 "visit_id": row["id"] if table.name == "visit" else row.get("visit_id")}
                for row in keep
            )  # fmt: skip

    def notes(self) -> list[str]:
        """Return what the restore had to leave empty, leave out or hand on, in words."""
        notes = [EMPTIED[key](count) for key, count in self.emptied.items() if key in EMPTIED]
        notes += [
            LEFT_OUT[name](count) for name, count in self.left_out.items() if name in LEFT_OUT
        ]
        notes += [
            str(_l("Parts of it come back with “%(title)s” from the trash.", title=holder.title))
            for holder in self.handed_to
        ]
        return notes


def restore(entry: TrashEntry, user: User | None) -> Restored:
    """Bring a trash entry back with the same ids; the caller commits.

    Raises ``InvalidInput`` when its object cannot come back (its visit lies in the trash
    or is gone, a person of the organisation took its e-mail address meanwhile).
    """
    result = Restored(entry)
    payload = entry.payload
    rows: dict[str, list[dict[str, Any]]] = {
        name: [dict(row) for row in table_rows] for name, table_rows in payload["rows"].items()
    }
    holders = _Holders(entry)
    root_table = ROOTS[entry.kind].__table__.name
    _check_person_addresses(rows)
    if entry.kind is TrashKind.ITEM:
        _sequence_after_cancellation(entry.visit_id, rows.get("agenda_item", []))
    _welcome_back(entry, rows)

    state = _RestoreState(entry, holders)
    for table in db.metadata.sorted_tables:
        if rows.get(table.name):
            state.insert(table, rows[table.name], is_root=table.name == root_table)
    result.notes.extend(state.notes())
    _relink(payload["links"], state.inserted)
    now = utcnow()
    for values in state.audit_rows:
        db.session.add(
            AuditEntry(
                user_id=user.id if user else None,
                action=AuditAction.RESTORE,
                changes={},
                created_at=now,
                **values,
            )
        )
    db.session.delete(entry)
    db.session.flush()
    return result


def _check_person_addresses(rows: dict[str, list[dict[str, Any]]]) -> None:
    for row in rows.get("person", []):
        if not row.get("email"):
            continue
        taken = db.session.scalar(
            select(Person.id).where(
                Person.organisation_id == row["organisation_id"], Person.email == row["email"]
            )
        )
        if taken is not None:
            raise InvalidInput(
                "trash",
                _l("Another person of the organisation has the address %(email)s now; "
                   "change it there first.", email=row["email"]),
            )  # fmt: skip


def _relink(links: list[list[Any]], inserted: dict[str, set[int]]) -> None:
    """Set the references that the deletion emptied again, where nobody set them since."""
    for table_name, row_id, column, value in links:
        table = db.metadata.tables.get(table_name)
        if table is None or column not in table.c:
            continue
        key = next(iter(table.c[column].foreign_keys))
        target = key.column.table
        if value not in inserted[target.name] and not _live_ids(target, {value}):
            continue
        db.session.execute(
            update(table)
            .where(table.c.id == row_id, table.c[column].is_(None))
            .values({column: value})
        )


# --- reading and emptying the trash ---------------------------------------------------------


def can_use_trash(user: User | None) -> bool:
    """Return whether the user may see the trash of their organisation."""
    return user is not None and user.active and user.role in (Role.ADMIN, Role.PLANNER)


def _of_organisation(organisation_id: int):
    return or_(
        TrashEntry.organisation_id == organisation_id,
        TrashEntry.deleted_by_organisation_id == organisation_id,
    )


def trash_of(user: User) -> list[TrashEntry]:
    """Return the entries the user's organisation may restore, most recently deleted first."""
    return list(
        db.session.scalars(
            select(TrashEntry)
            .where(_of_organisation(user.organisation_id))
            .options(defer(TrashEntry.payload), joinedload(TrashEntry.deleted_by))
            .order_by(TrashEntry.deleted_at.desc(), TrashEntry.id.desc())
        )
    )


def entry_for(user: User, entry_id: int) -> TrashEntry | None:
    """Return an entry the user may restore, or None."""
    if not can_use_trash(user):
        return None
    return db.session.scalar(
        select(TrashEntry).where(TrashEntry.id == entry_id, _of_organisation(user.organisation_id))
    )


def retention_days() -> int:
    """Return for how many days deleted things stay restorable (``PLANNER_TRASH_DAYS``)."""
    return current_app.config["TRASH_DAYS"]


def removal_day(entry: TrashEntry) -> datetime:
    """Return when ``trash empty`` removes the entry for good, at the earliest."""
    return entry.deleted_at + timedelta(days=retention_days())


def empty_trash(older_than_days: int, now: datetime | None = None) -> int:
    """Remove for good what was deleted more than the given days ago; return how many.

    Items of a visit removed for good go with it: they could never come back.
    """
    cutoff = (now or utcnow()) - timedelta(days=older_than_days)
    old = list(db.session.scalars(select(TrashEntry).where(TrashEntry.deleted_at < cutoff)))
    gone_visits = {entry.object_id for entry in old if entry.kind is TrashKind.VISIT}
    if gone_visits:
        orphans = db.session.scalars(
            select(TrashEntry).where(
                TrashEntry.kind == TrashKind.ITEM,
                TrashEntry.visit_id.in_(gone_visits),
                TrashEntry.deleted_at >= cutoff,
            )
        )
        old.extend(orphans)
    for entry in old:
        db.session.add(
            AuditEntry(
                user_id=None,
                visit_id=entry.visit_id,
                object_type=ROOTS[entry.kind].__name__,
                object_id=entry.object_id,
                action=AuditAction.ERASE,
                changes={},
            )
        )
        db.session.delete(entry)
    db.session.flush()
    return len(old)


def trashed_rows(table_name: str) -> list[tuple[TrashEntry, dict[str, Any]]]:
    """Return every row of a table that lies in the trash, with its entry."""
    return [
        (entry, row)
        for entry in db.session.scalars(select(TrashEntry).options(undefer(TrashEntry.payload)))
        for row in entry.payload["rows"].get(table_name, [])
    ]


def visit_last_days(visit_ids: set[int]) -> dict[int, date]:
    """Return the last day of each of these visits, live or in the trash, by id."""
    days = dict(
        db.session.execute(select(Visit.id, Visit.last_day).where(Visit.id.in_(visit_ids))).all()
    )
    for _holder, row in trashed_rows("visit"):
        if row["id"] in visit_ids:
            days.setdefault(row["id"], date.fromisoformat(row["last_day"]))
    return days
