"""Planning state kept on write: each visit's warnings and pending changes, stored.

Both are derived data: ``planner.services.planning_state`` recomputes them in the
transaction that changes what they depend on, and ``flask --app planner planning
refresh`` rebuilds them. They carry no foreign keys, so the trash neither keeps nor
restores them; the recomputation that follows a deletion or restore removes or
rebuilds them.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from planner.enums import ConflictKind
from planner.extensions import db
from planner.models.types import NEVER_REUSE_IDS, UTCDateTime, enum_column, utcnow


class VisitPlanning(db.Model):
    """A visit's stored counts and the changes since its latest issued version."""

    __tablename__ = "visit_planning"

    visit_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # Live (not cancelled) items and participants, as the dashboard shows them.
    item_count: Mapped[int] = mapped_column(default=0)
    attendee_count: Mapped[int] = mapped_column(default=0)
    # ``versions.Changes.as_dict()`` of the draft against the latest issued version.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Whether the draft holds something to issue (always, before the first version).
    draft_differs: Mapped[bool] = mapped_column(default=True)
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PlannedConflict(db.Model):
    """One warning about an item of a visit, as ``conflicts.find_conflicts`` found it.

    The row keeps what makes the warning (kind, items, room, person, minutes, the facts
    its fingerprint is made of), never texts: titles and names are read when it is
    shown, in the reader's language and as the reader may see them.
    """

    __tablename__ = "planned_conflict"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int]
    # The order in which the checks found it: clashes group and sort by it.
    position: Mapped[int]
    kind: Mapped[ConflictKind] = mapped_column(enum_column(ConflictKind, "conflict_kind"))
    item_id: Mapped[int]
    other_item_id: Mapped[int | None]
    # The other item's visit, which may be another one (rooms and people across visits).
    other_visit_id: Mapped[int | None] = mapped_column(index=True)
    room_id: Mapped[int | None]
    person_id: Mapped[int | None]
    minutes: Mapped[int | None]
    participants: Mapped[int | None]
    other_first: Mapped[bool] = mapped_column(default=False)
    facts: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The fingerprint of the clash the warning belongs to (acknowledgements name it).
    fingerprint: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_planned_conflict_visit_position", "visit_id", "position"),
        NEVER_REUSE_IDS,
    )
