"""Organisations: the cities and institutions that host and visit."""

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from planner.enums import Language
from planner.extensions import db
from planner.models.types import NEVER_REUSE_IDS, Locked, UTCDateTime, enum_column, utcnow


class Organisation(Locked, db.Model):
    """A city or institution (Bochum, Wuppertal) with its default zone and locale."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Berlin")
    locale: Mapped[Language] = mapped_column(enum_column(Language, "language"), default=Language.DE)
    # Branding of printouts: a logo (PNG or SVG, validated on upload) and an accent colour.
    accent_colour: Mapped[str] = mapped_column(String(7), default="#0b4f8a")
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    logo_mime: Mapped[str | None] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (NEVER_REUSE_IDS,)

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r}>"
