"""Agenda items of a visit."""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.enums import ItemKind, ItemStatus, PressAccess
from planner.extensions import db
from planner.models.module import ProgrammeModule
from planner.models.person import Person
from planner.models.types import NEVER_REUSE_IDS, Locked, UTCDateTime, enum_column, utcnow
from planner.models.venue import Room

if TYPE_CHECKING:
    from planner.models.visit import Visit


class AgendaItem(Locked, db.Model):
    """One entry of a visit's agenda.

    ``starts_at`` and ``ends_at`` are naive wall-clock times in the visit's zone: a
    future change of daylight-saving rules keeps 10:00 at 10:00. They become instants
    only on export and where items of visits in different zones are compared.
    ``starts_fold`` and ``ends_fold`` say which reading of a time that happens twice
    (when the clocks go back) is meant: 0 the first, 1 the second; 0 for every other time.
    An item may end on a later day than it begins.

    Title and public description exist in German and English, as in the programme
    module the item may come from; the one in the visit's language is required, the
    other may be empty (readers then get the one there is, see ``services/item_texts``).
    """

    __tablename__ = "agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"))
    module_id: Mapped[int | None] = mapped_column(
        ForeignKey("programme_module.id", ondelete="SET NULL")
    )
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    starts_fold: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    ends_fold: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    # Set-up and tear-down count as busy time for the room.
    setup_minutes: Mapped[int] = mapped_column(default=0)
    teardown_minutes: Mapped[int] = mapped_column(default=0)
    kind: Mapped[ItemKind] = mapped_column(enum_column(ItemKind, "item_kind"))
    title_de: Mapped[str] = mapped_column(String(300), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")
    description_de: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    internal_notes: Mapped[str] = mapped_column(Text, default="")
    # A room in use cannot be deleted: the agenda would silently lose its place.
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id", ondelete="RESTRICT"))
    responsible_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    status: Mapped[ItemStatus] = mapped_column(
        enum_column(ItemStatus, "item_status"), default=ItemStatus.CONFIRMED
    )
    # Whether the press may come (a photo, a statement, throughout); closed by default.
    press_access: Mapped[PressAccess] = mapped_column(
        enum_column(PressAccess, "press_access"),
        default=PressAccess.CLOSED,
        server_default=PressAccess.CLOSED.value,
    )
    # iCalendar identity: the UID never changes, SEQUENCE rises per issued change.
    uid: Mapped[str] = mapped_column(String(255), unique=True)
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    visit: Mapped["Visit"] = relationship(back_populates="items")
    module: Mapped[ProgrammeModule | None] = relationship()
    room: Mapped[Room | None] = relationship()
    responsible_person: Mapped[Person | None] = relationship()

    __table_args__ = (
        # Only the zone knows the exact order; without it: later on the clock, or the
        # second reading of the fold after the first (02:45 summer -> 02:15 winter time).
        CheckConstraint("ends_at > starts_at OR starts_fold < ends_fold", name="ends_after_start"),
        CheckConstraint("starts_fold IN (0, 1)", name="starts_fold_is_0_or_1"),
        CheckConstraint("ends_fold IN (0, 1)", name="ends_fold_is_0_or_1"),
        CheckConstraint("setup_minutes >= 0", name="setup_not_negative"),
        CheckConstraint("teardown_minutes >= 0", name="teardown_not_negative"),
        CheckConstraint("sequence >= 0", name="sequence_not_negative"),
        CheckConstraint("title_de <> '' OR title_en <> ''", name="has_a_title"),
        Index("ix_agenda_item_visit_start", "visit_id", "starts_at"),
        Index("ix_agenda_item_room_time", "room_id", "starts_at", "ends_at"),
        Index("ix_agenda_item_responsible_person_id", "responsible_person_id"),
        NEVER_REUSE_IDS,
    )

    @property
    def busy_from(self) -> datetime:
        """Return when the room becomes busy, set-up included."""
        return self.starts_at - timedelta(minutes=self.setup_minutes)

    @property
    def busy_until(self) -> datetime:
        """Return when the room is free again, tear-down included."""
        return self.ends_at + timedelta(minutes=self.teardown_minutes)

    def __repr__(self) -> str:
        title = self.title_de or self.title_en
        return f"<AgendaItem {self.id} {self.starts_at:%Y-%m-%d %H:%M} {title!r}>"
