"""Answers per agenda item, and the replies that calendar programs send back."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.enums import RsvpStatus
from planner.extensions import db
from planner.models.agenda import AgendaItem
from planner.models.participation import Participation
from planner.models.types import NEVER_REUSE_IDS, UTCDateTime, enum_column, utcnow


class ItemAnswer(db.Model):
    """A participant's answer for one agenda item: from an answer link or a calendar.

    ``replied_at`` is when the person answered (a calendar reply's DTSTAMP), so that a
    reply which arrives late never overwrites a newer answer.
    """

    __tablename__ = "item_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    participation_id: Mapped[int] = mapped_column(
        ForeignKey("participation.id", ondelete="CASCADE")
    )
    agenda_item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[RsvpStatus] = mapped_column(enum_column(RsvpStatus, "rsvp_status"))
    # "link" (the answer page) or "calendar" (an iMIP REPLY).
    source: Mapped[str] = mapped_column(String(20))
    replied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sequence: Mapped[int | None]
    comment: Mapped[str] = mapped_column(Text, default="")

    participation: Mapped[Participation] = relationship()
    item: Mapped[AgendaItem] = relationship()

    __table_args__ = (UniqueConstraint("participation_id", "agenda_item_id"), NEVER_REUSE_IDS)


class InboundMessage(db.Model):
    """An e-mail read from the organiser's mailbox, and what the planner made of it.

    Every message is kept with its outcome, so that a forged or outdated reply is
    visible in the log and a counter-proposal reaches the planners. ``digest`` makes
    reading the same message twice (after a crash) change nothing.
    """

    __tablename__ = "inbound_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    message_id: Mapped[str] = mapped_column(String(500), default="")
    sender: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(500), default="")
    # REPLY, COUNTER, DECLINECOUNTER, REFRESH, ... or "" for mail without a calendar.
    method: Mapped[str] = mapped_column(String(20), default="")
    uid: Mapped[str] = mapped_column(String(255), default="")
    sequence: Mapped[int | None]
    # applied, outdated, forged, unknown-item, not-invited, counter, declinecounter, ignored
    outcome: Mapped[str] = mapped_column(String(30))
    answer: Mapped[str] = mapped_column(String(20), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    proposed_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    proposed_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id", ondelete="SET NULL"))
    participation_id: Mapped[int | None] = mapped_column(
        ForeignKey("participation.id", ondelete="SET NULL")
    )
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="SET NULL")
    )

    participation: Mapped[Participation | None] = relationship()
    item: Mapped[AgendaItem | None] = relationship()

    __table_args__ = (
        Index("ix_inbound_message_visit_received", "visit_id", "received_at"),
        NEVER_REUSE_IDS,
    )
