"""Who takes part in a visit, on which side, with which answer, in which items."""

import secrets
from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.enums import RsvpStatus, Side
from planner.extensions import db
from planner.models.agenda import AgendaItem
from planner.models.person import Person
from planner.models.types import NEVER_REUSE_IDS, Locked, UTCDateTime, enum_column, utcnow
from planner.models.visit import Visit

participation_item = Table(
    "participation_item",
    db.metadata,
    Column(
        "participation_id",
        ForeignKey("participation.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "agenda_item_id",
        ForeignKey("agenda_item.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


def new_nonce() -> str:
    """Return a fresh random value for a participant's answer links."""
    return secrets.token_urlsafe(16)


class Participation(Locked, db.Model):
    """A person's part in one visit.

    A participant attends every item of the visit (items added later included) while
    ``attends_all_items`` is true; otherwise exactly the items in ``items``.
    """

    __tablename__ = "participation"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"))
    # A person with participations cannot be deleted, only anonymised: the agenda's
    # history keeps its shape.
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"))
    side: Mapped[Side] = mapped_column(enum_column(Side, "side"))
    rsvp_status: Mapped[RsvpStatus] = mapped_column(
        enum_column(RsvpStatus, "rsvp_status"), default=RsvpStatus.NEEDS_ACTION
    )
    rsvp_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Protocol order within this visit; falls back to the person's precedence rank.
    rank: Mapped[int | None]
    attends_all_items: Mapped[bool] = mapped_column(default=True)
    # Named on the visit's published press page; nobody is, unless marked.
    press_public: Mapped[bool] = mapped_column(default=False, server_default=false())
    # What the participant's own calendar holds from our invitations: the version it
    # shows and the UIDs it contains (set when a message is delivered).
    invited_version: Mapped[int | None]
    invited_uids: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Signed into the answer links: a link names this random value, never the row id,
    # and dies with the participation.
    rsvp_nonce: Mapped[str] = mapped_column(String(32), unique=True, default=new_nonce)
    # What the guests' users see of a host participant (services/host_details.py): the
    # function by default, the phone number only when the host makes it public.
    public_function: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
    public_phone: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # How and when the person arrives and leaves, as they wrote it on their own page:
    # the means (``TravelMeans``, "" while unknown), a wall-clock time in the visit's
    # zone, the train or flight number and a free note.
    arrival_means: Mapped[str] = mapped_column(String(10), default="", server_default=text("''"))
    arrival_at: Mapped[datetime | None]
    arrival_reference: Mapped[str] = mapped_column(
        String(20), default="", server_default=text("''")
    )
    arrival_note: Mapped[str] = mapped_column(String(500), default="", server_default=text("''"))
    departure_means: Mapped[str] = mapped_column(String(10), default="", server_default=text("''"))
    departure_at: Mapped[datetime | None]
    departure_reference: Mapped[str] = mapped_column(
        String(20), default="", server_default=text("''")
    )
    departure_note: Mapped[str] = mapped_column(String(500), default="", server_default=text("''"))

    visit: Mapped[Visit] = relationship(back_populates="participations")
    person: Mapped[Person] = relationship()
    items: Mapped[list[AgendaItem]] = relationship(secondary=participation_item)

    __table_args__ = (
        UniqueConstraint("visit_id", "person_id"),
        Index("ix_participation_person_id", "person_id"),
        NEVER_REUSE_IDS,
    )

    @property
    def effective_rank(self) -> int | None:
        """Return the rank that orders this participant in protocol order."""
        return self.rank if self.rank is not None else self.person.precedence_rank

    def attends(self, item: AgendaItem) -> bool:
        """Return whether this participant takes part in the item."""
        return self.attends_all_items or item in self.items
