"""Calendars and PDFs of issued versions, built once and kept with their validator."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from planner.extensions import db
from planner.models.types import NEVER_REUSE_IDS, UTCDateTime, utcnow


class IssuedArtefact(db.Model):
    """One file made from an issued version for one audience, person and language.

    ``identity_key`` digests everything that names the file (version, kind, audience,
    person, language, document, variant and the build recipe): a lookup is one query on
    its unique index, and two requests building the same file store it once. Rows are
    never updated; ``planner.services.artefacts`` deletes them when something they
    print changes.
    """

    __tablename__ = "issued_artefact"

    id: Mapped[int] = mapped_column(primary_key=True)
    identity_key: Mapped[str] = mapped_column(String(64), unique=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(ForeignKey("agenda_version.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    # "host" (internal details), "guest" (public) or "feed" (subscriptions).
    audience: Mapped[str] = mapped_column(String(10))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(5))
    # "agenda", "item:<uid>", "run-sheet", "door-sheets" ...
    document: Mapped[str] = mapped_column(String(300))
    # The name a download is saved under (PDFs of a chosen version); empty for calendars.
    file_name: Mapped[str] = mapped_column(String(300), default="")
    etag: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    content_type: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("kind IN ('calendar', 'pdf')", name="kind_known"),
        Index("ix_issued_artefact_visit", "visit_id"),
        Index("ix_issued_artefact_person", "person_id"),
        NEVER_REUSE_IDS,
    )


class ArtefactEpoch(db.Model):
    """How often a visit's stored files were forgotten.

    A build reads it before it reads what it prints and stores its file only if it is
    still the same: a change committed in between makes the build serve its file once
    without keeping it.
    """

    __tablename__ = "artefact_epoch"

    visit_id: Mapped[int] = mapped_column(
        ForeignKey("visit.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    epoch: Mapped[int] = mapped_column(default=0)
