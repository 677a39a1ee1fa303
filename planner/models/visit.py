"""Visits and the organisations that take part as guests."""

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.enums import Language, VisitStatus
from planner.extensions import db
from planner.models.organisation import Organisation
from planner.models.types import NEVER_REUSE_IDS, Locked, UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from planner.models.agenda import AgendaItem
    from planner.models.participation import Participation
    from planner.models.person import Person

visit_guest_organisation = Table(
    "visit_guest_organisation",
    db.metadata,
    Column("visit_id", ForeignKey("visit.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "organisation_id",
        ForeignKey("organisation.id", ondelete="RESTRICT"),
        primary_key=True,
        index=True,
    ),
)


class Visit(Locked, db.Model):
    """A delegation's visit to a host organisation over one or more days."""

    __tablename__ = "visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    host_organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT")
    )
    title: Mapped[str] = mapped_column(String(300))
    purpose: Mapped[str] = mapped_column(Text, default="")
    first_day: Mapped[date]
    last_day: Mapped[date]
    # IANA zone name; agenda times are wall-clock times in this zone.
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Berlin")
    language: Mapped[Language] = mapped_column(
        enum_column(Language, "language"), default=Language.DE
    )
    status: Mapped[VisitStatus] = mapped_column(
        enum_column(VisitStatus, "visit_status"), default=VisitStatus.DRAFT
    )
    contact_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    internal_notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    host_organisation: Mapped[Organisation] = relationship()
    guest_organisations: Mapped[list[Organisation]] = relationship(
        secondary=visit_guest_organisation, order_by=Organisation.name
    )
    contact_person: Mapped["Person | None"] = relationship()
    items: Mapped[list["AgendaItem"]] = relationship(
        back_populates="visit",
        order_by="(AgendaItem.starts_at, AgendaItem.id)",
        passive_deletes=True,
    )
    participations: Mapped[list["Participation"]] = relationship(
        back_populates="visit", passive_deletes=True
    )

    __table_args__ = (
        CheckConstraint("last_day >= first_day", name="last_day_not_before_first"),
        Index("ix_visit_first_day", "first_day", "id"),
        Index("ix_visit_last_day", "last_day", "id"),
        Index("ix_visit_host_first_day", "host_organisation_id", "first_day"),
        # Serves search's ILIKE '%word%' on PostgreSQL (pg_trgm); a plain index where the
        # extension is missing (migration 0019) and on SQLite.
        Index(
            "ix_visit_title_search",
            "title",
            postgresql_using="gin",
            postgresql_ops={"title": "gin_trgm_ops"},
        ),
        NEVER_REUSE_IDS,
    )

    def __repr__(self) -> str:
        return f"<Visit {self.id} {self.title!r} {self.first_day}>"
