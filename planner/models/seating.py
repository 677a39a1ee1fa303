"""Seating plans of agenda items: tables, seats and who sits where."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.enums import HeadsCustom, SeatingLayout
from planner.extensions import db
from planner.models.agenda import AgendaItem
from planner.models.person import Person
from planner.models.types import NEVER_REUSE_IDS, Locked, UTCDateTime, enum_column, utcnow


class SeatingPlan(Locked, db.Model):
    """The seating of one agenda item (a meal, a session, a reception).

    The plan's lock version guards all of its seats: every change of who sits where, or
    of a table's flags, touches ``updated_at`` and so raises the version.
    """

    __tablename__ = "seating_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="CASCADE"), unique=True
    )
    layout: Mapped[SeatingLayout] = mapped_column(enum_column(SeatingLayout, "seating_layout"))
    heads: Mapped[HeadsCustom] = mapped_column(enum_column(HeadsCustom, "heads_custom"))
    table_count: Mapped[int]
    seats_per_table: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    item: Mapped[AgendaItem] = relationship()
    tables: Mapped[list["SeatingTable"]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="SeatingTable.number"
    )

    __table_args__ = (
        CheckConstraint("table_count >= 1", name="has_a_table"),
        CheckConstraint("seats_per_table >= 1", name="has_a_seat"),
        NEVER_REUSE_IDS,
    )


class SeatingTable(db.Model):
    """A table (or a block of rows) of a seating plan, with what it is unsuitable for."""

    __tablename__ = "seating_table"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("seating_plan.id", ondelete="CASCADE"))
    number: Mapped[int]
    # Marked by the planner: a table up steps, or where the caterer cannot serve
    # special meals, is no place for someone who needs it.
    step_free: Mapped[bool] = mapped_column(default=True)
    service_access: Mapped[bool] = mapped_column(default=True)

    plan: Mapped[SeatingPlan] = relationship(back_populates="tables")
    seats: Mapped[list["Seat"]] = relationship(
        back_populates="table", cascade="all, delete-orphan", order_by="Seat.number"
    )

    __table_args__ = (UniqueConstraint("plan_id", "number"), NEVER_REUSE_IDS)


class Seat(db.Model):
    """One seat at a table: its place in the layout (row and column) and who sits there."""

    __tablename__ = "seat"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The plan too, so that the database keeps a person to one seat per plan.
    plan_id: Mapped[int] = mapped_column(ForeignKey("seating_plan.id", ondelete="CASCADE"))
    table_id: Mapped[int] = mapped_column(
        ForeignKey("seating_table.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    row: Mapped[int]
    column: Mapped[int]
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )

    plan: Mapped[SeatingPlan] = relationship()
    table: Mapped[SeatingTable] = relationship(back_populates="seats")
    person: Mapped[Person | None] = relationship()

    __table_args__ = (
        UniqueConstraint("table_id", "number"),
        UniqueConstraint("plan_id", "person_id"),
        NEVER_REUSE_IDS,
    )
