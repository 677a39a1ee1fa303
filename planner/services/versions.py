"""Agenda versions: frozen snapshots of what guests see, and what changed between them.

Planners edit a working draft (the live items). Issuing a version freezes the agenda,
computes the changes since the previous version and raises the iCalendar SEQUENCE of
each item that changed in a way that matters to an attendee (time, place, title,
status) — once per issued version, however many edits came between.
"""

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import defer, joinedload, selectinload
from sqlalchemy.orm.attributes import flag_modified

from planner.enums import ItemStatus, VisitStatus
from planner.extensions import db
from planner.models import (
    AgendaItem,
    AgendaVersion,
    Participation,
    Room,
    User,
    Visit,
    participation_item,
)
from planner.services.agenda_view import (
    AgendaView,
    ChangedItem,
    ViewItem,
    read_change,
    read_draft,
    read_version,
)
from planner.services.errors import InvalidInput
from planner.services.item_texts import LANGUAGES
from planner.services.text import clean_text


@dataclass
class Changes:
    """What changed between two agendas, item by item, and whom it concerns."""

    new: list[dict[str, Any]] = field(default_factory=list)
    moved: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    cancelled: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    affected_person_ids: list[int] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Return whether nothing changed."""
        return not (self.new or self.moved or self.changed or self.cancelled or self.removed)

    def as_dict(self) -> dict[str, Any]:
        """Return the changes as JSON-ready data."""
        return {
            "new": self.new,
            "moved": self.moved,
            "changed": self.changed,
            "cancelled": self.cancelled,
            "removed": self.removed,
            "affected_person_ids": self.affected_person_ids,
        }

    def read(self, *groups: str) -> list[ChangedItem]:
        """Return the items of these groups ("new", "moved", …), read as typed items."""
        return [read_change(item) for group in groups for item in getattr(self, group)]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Changes":
        """Return the changes stored with a version."""
        return cls(**{key: data.get(key, []) for key in cls.__dataclass_fields__})


def attendee_ids(visit: Visit) -> dict[int, list[int]]:
    """Return the ids of the people attending each item of the visit."""
    everyone = [p.person_id for p in visit.participations if p.attends_all_items]
    chosen: dict[int, list[int]] = {item.id: list(everyone) for item in visit.items}
    rows = db.session.execute(
        select(participation_item.c.agenda_item_id, Participation.person_id)
        .join(Participation, participation_item.c.participation_id == Participation.id)
        .where(Participation.visit_id == visit.id, ~Participation.attends_all_items)
    )
    for item_id, person_id in rows:
        chosen.setdefault(item_id, []).append(person_id)
    return {item_id: sorted(set(people)) for item_id, people in chosen.items()}


def item_snapshot(item: AgendaItem, attendees: list[int]) -> dict[str, Any]:
    """Return what a version keeps of an item."""
    return {
        "id": item.id,
        "uid": item.uid,
        "sequence": item.sequence,
        "title_de": item.title_de,
        "title_en": item.title_en,
        "description_de": item.description_de,
        "description_en": item.description_en,
        "internal_notes": item.internal_notes,
        "kind": item.kind.value,
        "status": item.status.value,
        "press_access": item.press_access.value,
        "starts_at": item.starts_at.isoformat(),
        "starts_fold": item.starts_fold,
        "ends_at": item.ends_at.isoformat(),
        "ends_fold": item.ends_fold,
        "setup_minutes": item.setup_minutes,
        "teardown_minutes": item.teardown_minutes,
        "room_id": item.room_id,
        "room": item.room.label if item.room else "",
        "location": _location(item),
        "created_at": item.created_at.isoformat() if item.created_at else None,
        # The calendar's LAST-MODIFIED; versions issued before it was kept use their issue time.
        "updated_at": item.updated_at.isoformat() if item.updated_at else None,
        "module_id": item.module_id,
        "responsible": item.responsible_person.display_name if item.responsible_person else "",
        "attendees": attendees,
    }


def _location(item: AgendaItem) -> str:
    if item.room is None:
        return ""
    address = " ".join(item.room.venue.address.split())
    return f"{item.room.label}, {address}" if address else item.room.label


def load_for_snapshot(visit_id: int) -> Visit | None:
    """Load a visit with everything a snapshot reads."""
    return db.session.scalar(
        select(Visit)
        .where(Visit.id == visit_id)
        .options(
            selectinload(Visit.items).options(
                joinedload(AgendaItem.room).joinedload(Room.venue),
                joinedload(AgendaItem.responsible_person),
            ),
            selectinload(Visit.participations),
        )
    )


def snapshot(visit: Visit, attendees: dict[int, list[int]] | None = None) -> dict[str, Any]:
    """Return the visit's current agenda as a version would freeze it.

    ``attendees`` are the visit's ``attendee_ids``, where the caller has them already.
    """
    if attendees is None:
        attendees = attendee_ids(visit)
    return {
        "title": visit.title,
        # The language of the items' texts in versions issued before they had two.
        "language": visit.language.value,
        "timezone": visit.timezone,
        "first_day": visit.first_day.isoformat(),
        "last_day": visit.last_day.isoformat(),
        "items": [item_snapshot(item, attendees.get(item.id, [])) for item in visit.items],
    }


def _summary(item: ViewItem) -> dict[str, Any]:
    return {"uid": item.uid, **{f"title_{code}": item.titles.get(code, "") for code in LANGUAGES},
            "starts_at": item.starts_at.isoformat(), "starts_fold": item.starts_fold,
            "ends_at": item.ends_at.isoformat(), "ends_fold": item.ends_fold,
            "room": item.room}  # fmt: skip


def text_changed(before: ViewItem, after: ViewItem, field: str) -> bool:
    """Return whether an item's title or description changed in either language.

    An item of a version issued before items had two languages knows only the text in
    its visit's language: only that one is compared.
    """
    old = before.titles if field == "title" else before.descriptions
    new = after.titles if field == "title" else after.descriptions
    return any(old[code] != new[code] for code in old.keys() & new.keys())


def compare(before: AgendaView | None, after: AgendaView) -> Changes:
    """Return what changed from one agenda to the next (None: nothing issued yet).

    Both are read as host staff see them, or both as guests do.
    """
    old = before.by_uid() if before is not None else {}
    new = after.by_uid()
    # Every time in another zone means another instant: each item has moved.
    moved_zone = before is not None and before.timezone != after.timezone
    changes = Changes()
    affected: set[int] = set()
    for uid, item in new.items():
        previous = old.get(uid)
        if previous is None:
            changes.new.append(_summary(item))
            affected.update(item.attendees)
            continue
        if item.status == ItemStatus.CANCELLED and previous.status != ItemStatus.CANCELLED:
            changes.cancelled.append(_summary(item))
            affected.update(previous.attendees)
            continue
        if moved_zone or item.times() != previous.times():
            changes.moved.append(
                {
                    **_summary(item),
                    "from_starts_at": "" if moved_zone else previous.starts_at.isoformat(),
                    "from_starts_fold": previous.starts_fold,
                    "from_ends_at": "" if moved_zone else previous.ends_at.isoformat(),
                    "from_ends_fold": previous.ends_fold,
                    "from_room": previous.room,
                }  # fmt: skip
            )
            affected.update(item.attendees, previous.attendees)
            continue
        fields = [
            key
            for key in ("title", "room", "status", "description", "press_access")
            if (
                text_changed(previous, item, key)
                if key in ("title", "description")
                else getattr(item, key) != getattr(previous, key)
            )
        ]
        joined = set(item.attendees) ^ set(previous.attendees)
        if fields or joined:
            changes.changed.append({**_summary(item), "fields": fields,
                                    "from_title_de": previous.title_de,
                                    "from_title_en": previous.title_en,
                                    "from_room": previous.room})  # fmt: skip
            affected.update(joined)
            # Whether the press may come is news for the press page, not for attendees.
            if set(fields) - {"press_access"}:
                affected.update(item.attendees)
    for uid, item in old.items():
        if uid not in new:
            changes.removed.append(_summary(item))
            affected.update(item.attendees)
    changes.affected_person_ids = sorted(affected)
    return changes


def _significant_change(before: ViewItem, after: ViewItem) -> bool:
    # Changes of these make an attendee's calendar entry outdated; so does a change of
    # the title in either language.
    return (
        text_changed(before, after, "title")
        or before.times() != after.times()
        or before.room != after.room
        or before.status != after.status
    )


def latest_version(visit_id: int) -> AgendaVersion | None:
    """Return the visit's newest issued version."""
    return db.session.scalar(
        select(AgendaVersion)
        .where(AgendaVersion.visit_id == visit_id)
        .order_by(AgendaVersion.number.desc())
        .limit(1)
    )


def version_history(visit_id: int) -> list[AgendaVersion]:
    """Return the visit's issued versions, newest first, with their authors.

    The snapshots stay in the database until read: a list needs numbers and comments.
    """
    return list(
        db.session.scalars(
            select(AgendaVersion)
            .where(AgendaVersion.visit_id == visit_id)
            .options(
                joinedload(AgendaVersion.author),
                defer(AgendaVersion.snapshot),
                defer(AgendaVersion.changes),
            )
            .order_by(AgendaVersion.number.desc())
        )
    )


def pending_changes(
    visit: Visit,
    latest: AgendaVersion | None,
    *,
    draft: AgendaView | None = None,
    issued: AgendaView | None = None,
) -> Changes:
    """Return what the draft changes compared with the latest issued version; ``draft``
    and ``issued`` are both, already read (as host staff see them), where the caller has
    them."""
    if issued is None and latest is not None:
        issued = read_version(latest, visit)
    return compare(issued, draft if draft is not None else read_draft(visit))


def version_by_number(visit_id: int, number: int) -> AgendaVersion | None:
    """Return the visit's version with that number, with its author."""
    return db.session.scalar(
        select(AgendaVersion)
        .where(AgendaVersion.visit_id == visit_id, AgendaVersion.number == number)
        .options(joinedload(AgendaVersion.author))
    )


def version_numbers(visit_id: int) -> list[int]:
    """Return the numbers of the visit's issued versions, oldest first."""
    return list(
        db.session.scalars(
            select(AgendaVersion.number)
            .where(AgendaVersion.visit_id == visit_id)
            .order_by(AgendaVersion.number)
        )
    )


def _sequence_raised(visit: Visit, old_items: dict[str, ViewItem]) -> bool:
    """Return whether an item's SEQUENCE went up since it was issued (visit cancelled or back)."""
    return any(
        item.sequence > old_items[item.uid].sequence
        for item in visit.items
        if item.uid in old_items
    )


def draft_differs(
    visit: Visit,
    latest: AgendaVersion | None,
    changes: Changes,
    issued: AgendaView | None = None,
) -> bool:
    """Return whether the draft holds something to issue: ``changes`` are those since
    ``latest`` (``issued``, where already read); a first version is always something
    to issue."""
    if latest is None:
        return True
    old_items = (issued or read_version(latest, visit)).by_uid()
    # A visit brought back from cancellation has nothing new but must be published.
    return not changes.empty or _sequence_raised(visit, old_items)


def issue_version(visit: Visit, author: User | None, comment: str) -> AgendaVersion:
    """Freeze the draft as the next version; the caller commits.

    A visit still in preparation becomes planned: its agenda is out. Raises
    ``InvalidInput`` when nothing changed since the last version.
    """
    comment = clean_text(comment, multiline=True)
    previous = latest_version(visit.id)
    issued = read_version(previous, visit) if previous else None
    old_items = issued.by_uid() if issued else {}
    draft = read_draft(visit)
    changes = compare(issued, draft)
    if not draft_differs(visit, previous, changes, issued):
        raise InvalidInput("comment", _l("Nothing has changed since the last version."))
    moved_zone = issued is not None and issued.timezone != draft.timezone
    drafted = draft.by_uid()
    for item in visit.items:
        before = old_items.get(item.uid)
        if before is not None and (moved_zone or _significant_change(before, drafted[item.uid])):
            # Never below the live value: cancelling a visit raised it already.
            sequence = max(item.sequence, before.sequence + 1)
            if sequence != item.sequence:
                item.sequence = sequence
                # Issuing is no edit: updated_at (LAST-MODIFIED) keeps the planner's change.
                flag_modified(item, "updated_at")
    number = (
        db.session.scalar(
            select(func.max(AgendaVersion.number)).where(AgendaVersion.visit_id == visit.id)
        )
        or 0
    ) + 1
    version = AgendaVersion(
        visit=visit,
        number=number,
        comment=comment,
        author=author,
        snapshot=snapshot(visit),
        changes=changes.as_dict(),
    )
    db.session.add(version)
    if visit.status == VisitStatus.DRAFT:
        visit.status = VisitStatus.PLANNED
    db.session.flush()
    return version
