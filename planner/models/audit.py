"""The audit trail: who changed what, when."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.enums import AuditAction
from planner.extensions import db
from planner.models.types import NEVER_REUSE_IDS, UTCDateTime, enum_column, utcnow
from planner.models.user import User


class AuditEntry(db.Model):
    """One change of one object, with the changed fields' old and new values."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # Kept without a foreign key: the trail outlives the visit it describes.
    visit_id: Mapped[int | None]
    object_type: Mapped[str] = mapped_column(String(50))
    object_id: Mapped[int]
    action: Mapped[AuditAction] = mapped_column(enum_column(AuditAction, "audit_action"))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Shared by the entries of one database transaction: what one person did in one go
    # (an item moved and given another room, a version issued with its e-mails).
    change_set: Mapped[str | None] = mapped_column(String(32))
    # The name of the API token the change came through; None: through the pages.
    via: Mapped[str | None] = mapped_column(String(150))

    user: Mapped[User | None] = relationship()

    __table_args__ = (
        Index("ix_audit_entry_visit_created", "visit_id", "created_at"),
        Index("ix_audit_entry_object", "object_type", "object_id"),
        Index("ix_audit_entry_change_set", "change_set"),
        NEVER_REUSE_IDS,
    )
