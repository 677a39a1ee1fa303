"""Visits and the organisations that take part as guests."""

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, and_, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.enums import GuestState, Language, VisitStatus
from planner.extensions import db
from planner.models.organisation import Organisation
from planner.models.types import NEVER_REUSE_IDS, Locked, UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from planner.models.agenda import AgendaItem
    from planner.models.participation import Participation
    from planner.models.person import Person


class VisitGuest(db.Model):
    """An organisation named as a guest of a visit, and its answer to that.

    A host naming a guest (``services/guests.py``) invites it; only an accepted guest
    sees the visit. A link made otherwise (demo data, tests, bulk loads) is accepted.
    Declined and left links stay, so the host sees the answer; naming the organisation
    again invites it anew.
    """

    __tablename__ = "visit_guest_organisation"

    visit_id: Mapped[int] = mapped_column(
        ForeignKey("visit.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    state: Mapped[GuestState] = mapped_column(
        enum_column(GuestState, "guest_state"),
        default=GuestState.ACCEPTED,
        server_default=GuestState.ACCEPTED.value,
    )
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # What the guest wrote when it declined or left.
    message: Mapped[str] = mapped_column(Text, default="", server_default=text("''"))

    organisation: Mapped[Organisation] = relationship()
    visit: Mapped["Visit"] = relationship(back_populates="guest_links")

    @property
    def id(self) -> int:
        """Name the link in the audit trail by its organisation (unique within its visit)."""
        return self.organisation_id

    def __repr__(self) -> str:
        return f"<VisitGuest {self.visit_id} {self.organisation_id} {self.state}>"


visit_guest_organisation = VisitGuest.__table__


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
    # Whether the guests' users see the host's attendee list (its side of the visit).
    # On by default: a delegation usually knows whom it meets; the host may turn it off.
    guests_see_host_attendees: Mapped[bool] = mapped_column(
        default=True, server_default=text("true")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    host_organisation: Mapped[Organisation] = relationship()
    # The guests that accepted: the only ones that see the visit. Appending here makes an
    # accepted link; a host names guests through ``services/guests.py`` (``guest_links``).
    guest_organisations: Mapped[list[Organisation]] = relationship(
        secondary=visit_guest_organisation,
        primaryjoin=lambda: and_(
            Visit.id == VisitGuest.visit_id, VisitGuest.state == GuestState.ACCEPTED
        ),
        secondaryjoin=lambda: Organisation.id == VisitGuest.organisation_id,
        order_by=Organisation.name,
        overlaps="guest_links,visit,organisation",
    )
    # Every organisation ever named as a guest, with its answer.
    # The database removes them with their visit, whatever of them the session holds.
    guest_links: Mapped[list[VisitGuest]] = relationship(
        back_populates="visit",
        cascade="save-update, merge",
        passive_deletes="all",
        order_by=VisitGuest.organisation_id,
        overlaps="guest_organisations",
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
