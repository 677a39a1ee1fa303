"""Acknowledged warnings: a planner's word that a clash in the agenda is fine as it is."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.enums import ConflictKind
from planner.extensions import db
from planner.models.types import NEVER_REUSE_IDS, UTCDateTime, enum_column, utcnow
from planner.models.user import User
from planner.models.visit import Visit


class ConflictAcknowledgement(db.Model):
    """A warning of a visit that a planner has seen and accepted, with the reason why.

    ``fingerprint`` names the clash by everything that makes it what it is: its kind, the
    items' UIDs, the people or the room, and the times. When one of them changes, the
    clash has another fingerprint and the warning shows again. ``agenda_item_id`` and
    ``other_item_id`` name the items of this visit concerned, for the history; an item of
    another visit is never named here.
    """

    __tablename__ = "conflict_acknowledgement"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"))
    fingerprint: Mapped[str] = mapped_column(String(64))
    kind: Mapped[ConflictKind] = mapped_column(enum_column(ConflictKind, "conflict_kind"))
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True
    )
    other_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True
    )
    note: Mapped[str] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    visit: Mapped[Visit] = relationship()
    created_by: Mapped[User | None] = relationship()

    __table_args__ = (UniqueConstraint("visit_id", "fingerprint"), NEVER_REUSE_IDS)
