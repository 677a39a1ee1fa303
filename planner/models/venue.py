"""Venues and the rooms in them."""

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.extensions import db
from planner.models.organisation import Organisation
from planner.models.types import NEVER_REUSE_IDS, Locked


class Venue(Locked, db.Model):
    """A building with an address, owned by the organisation that books it."""

    __tablename__ = "venue"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    accessibility_notes: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[Organisation] = relationship()
    rooms: Mapped[list["Room"]] = relationship(
        back_populates="venue", order_by="Room.name", passive_deletes=True
    )

    __table_args__ = (UniqueConstraint("organisation_id", "name"), NEVER_REUSE_IDS)


class Room(Locked, db.Model):
    """A room of a venue; agenda items of any visit can book it."""

    __tablename__ = "room"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Deleting a venue takes its rooms along, unless an agenda item still books one
    # (agenda_item.room_id restricts), so no agenda silently loses its place.
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int | None]
    accessibility_notes: Mapped[str] = mapped_column(Text, default="")

    venue: Mapped[Venue] = relationship(back_populates="rooms")

    __table_args__ = (
        UniqueConstraint("venue_id", "name"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        NEVER_REUSE_IDS,
    )

    @property
    def label(self) -> str:
        """Return the room's name with its venue, as printed on an agenda."""
        return f"{self.name}, {self.venue.name}"
