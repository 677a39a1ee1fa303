"""Uploaded attendee lists waiting for review before they are imported."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column

from planner.extensions import db
from planner.models.types import NEVER_REUSE_IDS, Locked, UTCDateTime, utcnow


class PendingImport(Locked, db.Model):
    """A file uploaded for a visit, kept until it is imported or dropped.

    Stored in the database, not on disk, so that every worker of the app finds it. The
    file is read once and its rows kept in ``parsed``, read with the character set in
    ``parsed_encoding`` ("" for detected); it is read again only when the planner picks
    another character set. ``parsed`` also keeps what planners decided in the preview (the
    column mapping, the organisations the file's names stand for, corrected cells, the
    rows imported already); ``lock_version`` keeps two planners from overwriting each
    other's corrections.
    """

    __tablename__ = "pending_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    parsed: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    parsed_encoding: Mapped[str] = mapped_column(String(20), default="", server_default=text("''"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (NEVER_REUSE_IDS,)
