"""The thread of a visit: messages between the host's office and its guests' offices."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.extensions import db
from planner.models.agenda import AgendaItem
from planner.models.organisation import Organisation
from planner.models.types import NEVER_REUSE_IDS, UTCDateTime, utcnow
from planner.models.user import User
from planner.models.version import AgendaVersion
from planner.models.visit import Visit

BODY_LENGTH = 4000


class VisitMessage(db.Model):
    """A message in a visit's thread, written once and never changed nor deleted.

    ``guest_organisation_id`` names the pair it is between: the host and that guest
    (whichever of the two wrote it); None addresses the host and every accepted guest.
    The host always reads every message of its visit; a guest reads those of its pair
    and those to all (``services/thread.py``). The author's organisation is kept with
    the message, so it stays right when the author's login moves on or goes.
    """

    __tablename__ = "visit_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    author_organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT")
    )
    guest_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    body: Mapped[str] = mapped_column(Text)
    # What the message is about, if anything; a deleted item leaves the message be.
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="SET NULL")
    )
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_version.id", ondelete="SET NULL")
    )

    visit: Mapped[Visit] = relationship()
    author: Mapped[User | None] = relationship()
    author_organisation: Mapped[Organisation] = relationship(foreign_keys=[author_organisation_id])
    guest_organisation: Mapped[Organisation | None] = relationship(
        foreign_keys=[guest_organisation_id]
    )
    agenda_item: Mapped[AgendaItem | None] = relationship()
    version: Mapped[AgendaVersion | None] = relationship()

    __table_args__ = (
        CheckConstraint(f"length(body) > 0 AND length(body) <= {BODY_LENGTH}", name="body_length"),
        Index("ix_visit_message_visit_id", "visit_id", "id"),
        NEVER_REUSE_IDS,
    )

    def __repr__(self) -> str:
        return f"<VisitMessage {self.id} visit {self.visit_id}>"


class ThreadReading(db.Model):
    """How far a user has read a visit's thread: the newest message id they were shown."""

    __tablename__ = "thread_reading"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"))
    last_read_id: Mapped[int] = mapped_column(default=0)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("user_id", "visit_id"),
        Index("ix_thread_reading_visit_id", "visit_id"),
        NEVER_REUSE_IDS,
    )
