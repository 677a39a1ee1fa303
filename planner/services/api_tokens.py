"""Personal API tokens: made, found and revoked.

A token is 32 random bytes; only its SHA-256 is kept, so a copy of the database
does not open the API. A plain hash suffices where a password needs a slow one: a
token cannot be guessed from a list of likely words.
"""

import hashlib
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from planner.extensions import db
from planner.models import ApiToken, User
from planner.models.types import utcnow
from planner.services.errors import InvalidInput
from planner.services.text import clean_text

SCOPES = ("read", "read write")
# "dvp_" tells a leaked token apart in logs and secret scanners.
TOKEN_PREFIX = "dvp_"  # noqa: S105 (a marker, not a secret)
MAX_DAYS = 3650
MAX_TOKENS_PER_USER = 50


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(
    user: User, name: str, scope: str, days: int | None = None
) -> tuple[ApiToken, str]:
    """Make a token for the user; return it with its text, which is never shown again."""
    name = clean_text(name)
    if not name or len(name) > 100:
        raise InvalidInput("name", _l("Please name the token (at most 100 characters)."))
    if scope not in SCOPES:
        raise InvalidInput("scope", _l("Choose read or read and write."))
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise InvalidInput("days", _l("Enter 1 to 3650 days, or leave empty."))
    if len(tokens_of(user)) >= MAX_TOKENS_PER_USER:
        raise InvalidInput("name", _l("Revoke a token first: at most 50 can be active."))
    text = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        scope=scope,
        token_hash=_digest(text),
        prefix=text[:12],
        expires_at=utcnow() + timedelta(days=days) if days else None,
    )
    db.session.add(token)
    db.session.flush()
    return token, text


def find_token(text: str) -> ApiToken | None:
    """Return the active token with this text, of an active user; else None."""
    if not text.startswith(TOKEN_PREFIX) or len(text) > 100:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(text)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    if token.expires_at is not None and token.expires_at <= utcnow():
        return None
    return token


def tokens_of(user: User) -> list[ApiToken]:
    """Return the user's tokens that still work, newest first."""
    now = utcnow()
    return [
        token
        for token in db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.id.desc())
        )
        if token.expires_at is None or token.expires_at > now
    ]


def revoke(token: ApiToken) -> None:
    """Stop the token from working; it stays for the audit trail."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
