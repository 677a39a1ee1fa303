"""Subscription feeds, reached through unguessable tokens that can be revoked."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.extensions import db
from planner.models.person import Person
from planner.models.types import NEVER_REUSE_IDS, UTCDateTime, utcnow
from planner.models.user import User
from planner.models.visit import Visit


class FeedToken(db.Model):
    """A calendar subscription: a visit's agenda, one attendee's items, or a user's visits.

    ``kind`` says which: "visit" (visit_id), "person" (visit_id and person_id) or
    "user" (every visit the user's organisation hosts or attends). ``reminders`` says
    whether its events carry a reminder (VALARM); it is chosen when the feed is created.
    """

    __tablename__ = "feed_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    # Who created the feed; a user feed shows what this user's organisation may see.
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    reminders: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The validators of the feed's current answer, and the stored calendar that is it
    # (visit and person feeds), so that a 304 costs one query. planner.services.artefacts
    # clears them whenever the answer may change; ``current_modified`` then holds the
    # time of the clearing.
    current_etag: Mapped[str | None] = mapped_column(String(64))
    current_modified: Mapped[datetime | None] = mapped_column(UTCDateTime)
    current_artefact_id: Mapped[int | None] = mapped_column(
        ForeignKey("issued_artefact.id", ondelete="SET NULL")
    )

    visit: Mapped[Visit | None] = relationship()
    person: Mapped[Person | None] = relationship()
    user: Mapped[User] = relationship()

    __table_args__ = (
        CheckConstraint("kind IN ('visit', 'person', 'user')", name="kind_known"),
        CheckConstraint(
            "(kind = 'user') OR (visit_id IS NOT NULL)", name="visit_feeds_name_their_visit"
        ),
        CheckConstraint(
            "(kind <> 'person') OR (person_id IS NOT NULL)", name="person_feeds_name_their_person"
        ),
        Index("ix_feed_token_visit", "visit_id", "kind"),
        Index("ix_feed_token_user", "user_id", "kind"),
        NEVER_REUSE_IDS,
    )
