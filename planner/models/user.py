"""Staff logins."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.enums import Role
from planner.extensions import db
from planner.models.organisation import Organisation
from planner.models.types import NEVER_REUSE_IDS, Locked, UTCDateTime, enum_column, utcnow


class User(Locked, db.Model):
    """A staff login that belongs to one organisation, with one role there."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    # Stored lower-cased by the services, so the unique constraint is case-insensitive.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the login session's identity: raising it (password reset, deactivation)
    # ends every session of the user at once.
    session_version: Mapped[int] = mapped_column(default=1, server_default=text("1"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (NEVER_REUSE_IDS,)

    # Flask-Login's user interface.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        """Return whether the login may be used."""
        return self.active

    def get_id(self) -> str:
        """Return the session identity: the id and the session version."""
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email!r} {self.role}>"
