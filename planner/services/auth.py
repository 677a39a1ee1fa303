"""Logging in, and the changes an admin makes to logins."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from planner.enums import Role
from planner.extensions import db
from planner.models import User
from planner.models.types import utcnow
from planner.services.errors import InvalidInput
from planner.services.users import check_password, hash_password

# Compared against when the address is unknown, so that a wrong address costs as much
# time as a wrong password and does not reveal which addresses have logins.
_UNKNOWN_USER_HASH = generate_password_hash("no user has this password")


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, or None."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        check_password_hash(_UNKNOWN_USER_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    user.last_login_at = utcnow()
    return user


def load_session_user(session_id: str) -> User | None:
    """Return the user of a login session's identity, if it is still valid."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def set_password(user: User, password: str) -> None:
    """Give the user a new password and end all of the user's sessions."""
    check_password(password)
    user.password_hash = hash_password(password)
    user.session_version += 1


def update_user(admin: User, user: User, *, name: str, role: str, active: bool) -> None:
    """Change a login's name, role and whether it may be used."""
    if user.id == admin.id and (role != Role.ADMIN or not active):
        raise InvalidInput("role", _l("You cannot take away your own administration rights."))
    user.name = name
    user.role = Role(role)
    if user.active and not active:
        user.session_version += 1
    user.active = active
