"""Vehicles of a visit and who rides in which of them on each transfer."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.enums import VehicleKind
from planner.extensions import db
from planner.models.agenda import AgendaItem
from planner.models.participation import Participation
from planner.models.types import NEVER_REUSE_IDS, Locked, UTCDateTime, enum_column, utcnow
from planner.models.visit import Visit

MAX_SEATS = 99


class Vehicle(Locked, db.Model):
    """A car, van or bus with its driver, at the disposal of one visit.

    The same physical vehicle or driver may serve several visits of the host; the
    transport checks recognise them by plate and by the driver's name.
    ``seats`` counts the passengers' seats, the driver's not included.
    """

    __tablename__ = "vehicle"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"), index=True)
    kind: Mapped[VehicleKind] = mapped_column(enum_column(VehicleKind, "vehicle_kind"))
    name: Mapped[str] = mapped_column(String(200))
    plate: Mapped[str] = mapped_column(String(20), default="")
    seats: Mapped[int]
    driver_name: Mapped[str] = mapped_column(String(200), default="")
    # Host only: guests never see it (the vehicle pages and the driver sheet are the host's).
    driver_phone: Mapped[str] = mapped_column(String(50), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    visit: Mapped[Visit] = relationship()

    __table_args__ = (
        CheckConstraint(f"seats >= 1 AND seats <= {MAX_SEATS}", name="seats_in_range"),
        NEVER_REUSE_IDS,
    )

    def __repr__(self) -> str:
        return f"<Vehicle {self.id} {self.name!r}>"


class Ride(db.Model):
    """A participant's seat in a vehicle on one transfer item: one seat per transfer.

    ``visit_id`` repeats the vehicle's visit, so that the stored printouts of a visit
    are forgotten when who rides where changes (``services/artefacts.py``).
    """

    __tablename__ = "vehicle_ride"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"), index=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicle.id", ondelete="CASCADE"))
    agenda_item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True
    )
    participation_id: Mapped[int] = mapped_column(
        ForeignKey("participation.id", ondelete="CASCADE"), index=True
    )

    vehicle: Mapped[Vehicle] = relationship()
    item: Mapped[AgendaItem] = relationship()
    participation: Mapped[Participation] = relationship()

    __table_args__ = (
        UniqueConstraint("agenda_item_id", "participation_id"),
        Index("ix_vehicle_ride_vehicle_item", "vehicle_id", "agenda_item_id"),
        NEVER_REUSE_IDS,
    )
