"""Gifts exchanged on a visit, and the entries into the Golden Book."""

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.enums import GiftDirection
from planner.extensions import db
from planner.models.agenda import AgendaItem
from planner.models.person import Person
from planner.models.types import NEVER_REUSE_IDS, Locked, UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from planner.models.visit import Visit


class Gift(Locked, db.Model):
    """A gift the host's side gave or received on a visit, for the register that public
    servants keep.

    Giver and recipient are each a person of the visit or a name typed in (an institution,
    "die Stadt Bochum"); the person wins when both are set. The value is an estimate in
    euros; received gifts above ``GIFT_REPORT_THRESHOLD_EUR`` must be reported
    (``services/gifts.py``). The photo is a PNG or JPEG checked on upload.
    """

    __tablename__ = "gift"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"), index=True)
    direction: Mapped[GiftDirection] = mapped_column(enum_column(GiftDirection, "gift_direction"))
    # The agenda item at which it was handed over, if any.
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="SET NULL"), index=True
    )
    giver_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    giver_name: Mapped[str] = mapped_column(String(200), default="")
    recipient_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    recipient_name: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(String(500))
    value_eur: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    kept_at: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    photo_mime: Mapped[str | None] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    visit: Mapped["Visit"] = relationship()
    item: Mapped[AgendaItem | None] = relationship()
    giver_person: Mapped[Person | None] = relationship(foreign_keys=[giver_person_id])
    recipient_person: Mapped[Person | None] = relationship(foreign_keys=[recipient_person_id])

    __table_args__ = (
        CheckConstraint("description <> ''", name="has_a_description"),
        CheckConstraint("value_eur IS NULL OR value_eur >= 0", name="value_not_negative"),
        NEVER_REUSE_IDS,
    )


class GoldenBookEntry(Locked, db.Model):
    """The entry into the Golden Book (Eintragung ins Goldene Buch) made at an agenda item.

    Any item may carry one, usually the mayor's reception; who signs, in which order, are
    its ``signers``. Every change of the order raises the entry's lock version, so that
    two planners reordering at once do not undo each other.
    """

    __tablename__ = "golden_book_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="CASCADE"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[AgendaItem] = relationship()
    signers: Mapped[list["GoldenBookSigner"]] = relationship(
        back_populates="entry",
        order_by="GoldenBookSigner.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    __table_args__ = (NEVER_REUSE_IDS,)


class GoldenBookSigner(db.Model):
    """A person who signs a Golden Book entry, at a position of the signing order (1 first)."""

    __tablename__ = "golden_book_signer"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("golden_book_entry.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]

    entry: Mapped[GoldenBookEntry] = relationship(back_populates="signers")
    person: Mapped[Person] = relationship()

    __table_args__ = (
        UniqueConstraint("entry_id", "person_id"),
        CheckConstraint("position > 0", name="position_positive"),
        NEVER_REUSE_IDS,
    )
