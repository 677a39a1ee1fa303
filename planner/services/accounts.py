"""Reading logins for the administration pages."""

from sqlalchemy import select

from planner.extensions import db
from planner.models import User


def organisation_users(organisation_id: int) -> list[User]:
    """Return the logins of one organisation, by name."""
    query = select(User).where(User.organisation_id == organisation_id).order_by(User.name, User.id)
    return list(db.session.scalars(query))
