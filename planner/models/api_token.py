"""Personal API tokens: how scripts and other systems act for a staff login."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.extensions import db
from planner.models.types import NEVER_REUSE_IDS, UTCDateTime, utcnow
from planner.models.user import User


class ApiToken(db.Model):
    """A token a user made for one script or system, with what it may do.

    Only the token's SHA-256 is stored; the token itself is shown once, when it is made.
    ``scope`` is "read" or "read write". A token acts as its user, with the user's
    permissions and no more, until it expires, is revoked, or the user is deactivated.
    """

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    scope: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The token's first characters, to tell tokens apart on the account page.
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    __table_args__ = (
        CheckConstraint("scope IN ('read', 'read write')", name="scope_known"),
        NEVER_REUSE_IDS,
    )

    @property
    def writes(self) -> bool:
        """Return whether the token may change data."""
        return self.scope == "read write"
