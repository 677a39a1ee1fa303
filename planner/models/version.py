"""Issued, frozen versions of a visit's agenda."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.extensions import db
from planner.models.types import NEVER_REUSE_IDS, UTCDateTime, utcnow
from planner.models.user import User
from planner.models.visit import Visit


class AgendaVersion(db.Model):
    """A numbered snapshot of an agenda as issued, with what changed since the last one.

    Rows are written once and never updated: guests, feeds and printouts read them.
    """

    __tablename__ = "agenda_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"))
    number: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    visit: Mapped[Visit] = relationship()
    author: Mapped[User | None] = relationship()

    __table_args__ = (
        UniqueConstraint("visit_id", "number"),
        CheckConstraint("number > 0", name="number_positive"),
        NEVER_REUSE_IDS,
    )
