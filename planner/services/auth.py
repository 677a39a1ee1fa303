"""Logging in, and the changes an admin makes to logins."""

import secrets
from functools import lru_cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from planner.enums import Role
from planner.extensions import db
from planner.models import User
from planner.models.types import utcnow
from planner.services.errors import InvalidInput
from planner.services.locking import write_bookkeeping
from planner.services.text import clean_text
from planner.services.users import check_password, hash_password


@lru_cache(maxsize=4)
def _unknown_user_hash(method: str) -> str:
    """Return a hash to check against when the address is unknown.

    A wrong address then costs as much time as a wrong password, by the same scheme, and
    does not reveal which addresses have logins.
    """
    return generate_password_hash(secrets.token_hex(16), method=method)


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, or None."""
    user = db.session.scalar(select(User).where(User.email == clean_text(email).lower()))
    if user is None:
        check_password_hash(
            _unknown_user_hash(current_app.config["PASSWORD_HASH_METHOD"]), password
        )
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    write_bookkeeping(user, last_login_at=utcnow())
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


def end_sessions(user: User) -> None:
    """End every login session of the user, on every device."""
    user.session_version += 1


def set_password(user: User, password: str) -> None:
    """Give the user a new password and end all of the user's sessions."""
    check_password(password)
    user.password_hash = hash_password(password)
    user.session_version += 1


def update_user(admin: User, user: User, *, name: str, role: str, active: bool) -> None:
    """Change a login's name, role and whether it may be used."""
    if user.id == admin.id and (role != Role.ADMIN or not active):
        raise InvalidInput("role", _l("You cannot take away your own administration rights."))
    name = clean_text(name)
    if not name:
        raise InvalidInput("name", _l("Please enter a name."))
    user.name = name
    user.role = Role(role)
    if user.active and not active:
        user.session_version += 1
    user.active = active
