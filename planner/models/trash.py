"""The trash: deleted visits, agenda items and people, kept restorable for a while."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.enums import TrashKind
from planner.extensions import db
from planner.models.types import NEVER_REUSE_IDS, UTCDateTime, enum_column, utcnow
from planner.models.user import User


class TrashEntry(db.Model):
    """A deleted visit, item or person with the rows that belonged to it.

    The rows left their tables when the thing was deleted, so no page, calendar, feed,
    printout, export or conflict check can show it. ``payload`` keeps them as JSON:
    ``rows`` per table (the same ids, to be inserted again), ``links`` the references of
    rows that stayed behind (set to NULL by the deletion, set again by a restore), and
    ``drafted`` the cancellations the deletion wrote into the outbox.

    ``organisation_id`` is the organisation the thing belongs to (the host of a visit or
    item, a person's own organisation); ``deleted_by_organisation_id`` the one whose
    planner deleted it. Planners of both see the entry and may restore it.
    """

    __tablename__ = "trash_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[TrashKind] = mapped_column(enum_column(TrashKind, "trash_kind"))
    # The id of the deleted visit, item or person (it comes back with the same id).
    object_id: Mapped[int]
    # Kept without a foreign key: the visit may itself lie in the trash.
    visit_id: Mapped[int | None] = mapped_column(index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    deleted_by_organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    # What the trash page shows: the name, where it belonged, its first day, what went along.
    title: Mapped[str] = mapped_column(String(300))
    context: Mapped[str] = mapped_column(String(300), default="")
    day: Mapped[date | None]
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    deleted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    deleted_by: Mapped[User | None] = relationship()

    __table_args__ = (
        Index("ix_trash_entry_kind_object", "kind", "object_id"),
        Index("ix_trash_entry_deleted_at", "deleted_at"),
        NEVER_REUSE_IDS,
    )

    def __repr__(self) -> str:
        return f"<TrashEntry {self.id} {self.kind} {self.object_id} {self.title!r}>"
