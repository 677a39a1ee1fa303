"""People who take part in visits, on either side."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.enums import Language
from planner.extensions import db
from planner.models.organisation import Organisation
from planner.models.types import NEVER_REUSE_IDS, Locked, UTCDateTime, enum_column, utcnow


class Person(Locked, db.Model):
    """A guest or host, reused across visits; one row per person and organisation."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    salutation: Mapped[str] = mapped_column(String(50), default="")
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100))
    academic_title: Mapped[str] = mapped_column(String(100), default="")
    office_title: Mapped[str] = mapped_column(String(200), default="")
    function: Mapped[str] = mapped_column(String(200), default="")
    # The firm of external service staff (a driver, an interpreter, the press) who join
    # the delegation of ``organisation`` without belonging to it.
    company: Mapped[str] = mapped_column(
        String(200), default="", server_default=text("''"), nullable=False
    )
    # Lower-cased by the services; the same address within one organisation is one person.
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(50), default="")
    phone_internal: Mapped[bool] = mapped_column(default=False)
    language: Mapped[Language] = mapped_column(
        enum_column(Language, "language"), default=Language.DE
    )
    dietary_needs: Mapped[str] = mapped_column(Text, default="")
    accessibility_needs: Mapped[str] = mapped_column(Text, default="")
    needs_escort: Mapped[bool] = mapped_column(default=False)
    needs_parking: Mapped[bool] = mapped_column(default=False)
    # Forms of address set by hand, by language and form: {"de": {"salutation": …}};
    # services/address.py makes every other form from the fields above.
    address_overrides: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)
    # When the person agreed, on their own page, that we keep their dietary and
    # accessibility needs (health data); None: not agreed, or withdrawn. Kept here, with
    # the needs it covers, since a person's needs serve every visit they take part in.
    health_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Protocol order: lower ranks come first; people without a rank come last.
    precedence_rank: Mapped[int | None]
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (
        UniqueConstraint("organisation_id", "email"),
        NEVER_REUSE_IDS,
    )

    @property
    def display_name(self) -> str:
        """Return the name as addressed in protocol: academic title, first and last name."""
        return " ".join(p for p in (self.academic_title, self.first_name, self.last_name) if p)

    @property
    def affiliation(self) -> str:
        """Return the organisation as lists show it, with the company of service staff."""
        if self.company:
            return f"{self.company} ({self.organisation.name})"
        return self.organisation.name

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.display_name!r}>"
