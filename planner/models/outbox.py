"""E-mail waiting to be delivered, written in the transaction of the change behind it."""

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.enums import OutboxStatus
from planner.extensions import db
from planner.models.person import Person
from planner.models.types import NEVER_REUSE_IDS, Locked, UTCDateTime, enum_column, utcnow
from planner.models.visit import Visit


class OutboxMessage(Locked, db.Model):
    """An e-mail rendered when it is created, then drafted, waiting, sent or failed."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int | None] = mapped_column(
        ForeignKey("visit.id", ondelete="SET NULL"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    participation_id: Mapped[int | None] = mapped_column(
        ForeignKey("participation.id", ondelete="SET NULL"), index=True
    )
    # invite, update or cancel; the agenda version and the UIDs the calendar carries.
    kind: Mapped[str] = mapped_column(String(20), default="invite")
    version_number: Mapped[int | None]
    item_uids: Mapped[list[str]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(2), default="de")
    reply_to: Mapped[str] = mapped_column(String(254), default="")
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus, "outbox_status"), default=OutboxStatus.DRAFT
    )
    # Fixed when the message is created, so a retry after a crash is recognisable.
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(500))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    # The text with the place of the shared text marked (``planner.services.letters``):
    # set on the one message per recipient that carries it, None on the others.
    body_frame: Mapped[str | None] = mapped_column(Text)
    # Written by hand: the shared text no longer changes this message.
    edited: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    ical_method: Mapped[str | None] = mapped_column(String(20))
    ical: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    visit: Mapped[Visit | None] = relationship()
    person: Mapped[Person | None] = relationship()

    __table_args__ = (
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        Index("ix_outbox_message_status_next_attempt", "status", "next_attempt_at"),
        NEVER_REUSE_IDS,
    )


class LetterText(Locked, db.Model):
    """The text a planner writes once for every letter of an agenda version, per language.

    It goes into each recipient's first message of the version (the cover letter, or
    the single update that travels alone), except into messages edited by hand.
    """

    __tablename__ = "letter_text"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"))
    version_number: Mapped[int]
    text_de: Mapped[str] = mapped_column(Text, default="")
    text_en: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        UniqueConstraint("visit_id", "version_number"),
        NEVER_REUSE_IDS,
    )

    def text_in(self, language: str) -> str:
        """Return the text for letters in this language."""
        return self.text_en if language == "en" else self.text_de
