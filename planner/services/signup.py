"""The first planner of an organisation known only by its name.

A host typing a new guest's name creates an organisation nobody logs in for: it is
"name only" (derived, not stored: an organisation without any login). The host's
planners may invite one person there to become its first planner: an e-mail through
the outbox, in the organisation's language, carries a signed link to ``/signup/<token>``
that expires after ``SIGNUP_LINK_MAX_AGE_DAYS``. Opening it, the person sets a
password and becomes a planner of that organisation, logged in, and finds the visit's
invitation to accept.

The link works once: it stands for an organisation without logins, so the first
sign-up spends every link sent to it. It fails too when the organisation is no longer
named on the visit, when the address has a login meanwhile, or when it was altered.
The e-mail and the new login are kept in the audit trail.
"""

from dataclasses import dataclass
from email.utils import make_msgid

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from planner.enums import OutboxStatus, Role
from planner.extensions import db
from planner.models import Organisation, OutboxMessage, User, Visit
from planner.services.errors import InvalidInput
from planner.services.guests import named_link
from planner.services.letters import text_to_html
from planner.services.locking import lock_rows
from planner.services.text import clean_text
from planner.services.users import create_user, normalise_email

SIGNUP_SALT = "first-planner-signup"
SIGNUP_KIND = "first-planner"
NAME_LENGTH = 200


def name_only_ids(organisation_ids: list[int]) -> set[int]:
    """Return those of the organisations that nobody logs in for (known only by name)."""
    if not organisation_ids:
        return set()
    with_users = set(
        db.session.scalars(
            select(User.organisation_id).where(User.organisation_id.in_(organisation_ids))
        )
    )
    return set(organisation_ids) - with_users


def is_name_only(organisation: Organisation) -> bool:
    """Return whether the organisation has no login at all."""
    return bool(name_only_ids([organisation.id]))


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SIGNUP_SALT)


def _free_address(email: str, field: str = "email") -> None:
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise InvalidInput(
            field, _l("A login with the e-mail address %(email)s exists already.", email=email)
        )


def signup_link(visit: Visit, organisation: Organisation, name: str, email: str) -> str:
    """Return the signed, expiring sign-up address for the invited person."""
    token = _serializer().dumps({"v": visit.id, "o": organisation.id, "e": email, "n": name})
    return f"{current_app.config['BASE_URL'].rstrip('/')}/signup/{token}"


def invite_first_planner(visit: Visit, organisation: Organisation, name: str,
                         email: str) -> OutboxMessage:  # fmt: skip
    """Put the invitation to become the organisation's first planner into the outbox, to
    be sent without review; the caller commits.

    Raises ``InvalidInput`` for a bad name or address, and when the organisation is not a
    named guest of the visit or has logins already.
    """
    name = clean_text(name)
    if not name or len(name) > NAME_LENGTH:
        raise InvalidInput("name", _l("Please enter a name."))
    email = normalise_email(email)
    if named_link(visit.id, organisation.id) is None or not is_name_only(organisation):
        raise InvalidInput(
            "email", _l("%(organisation)s has its own planners already.",
                        organisation=organisation.name)
        )  # fmt: skip
    _free_address(email)
    language = organisation.locale.value
    values = {"host": visit.host_organisation.name, "organisation": organisation.name,
              "title": visit.title, "name": name,
              "days": current_app.config["SIGNUP_LINK_MAX_AGE_DAYS"]}  # fmt: skip
    with force_locale(language):
        subject = _("%(host)s invites you to plan the visit %(title)s", **values)
        body = "\n".join([
            _("Dear %(name)s,", **values),
            "",
            _("%(host)s invites %(organisation)s to the visit %(title)s and asks you to "
              "become the first planner of %(organisation)s in its visit planner.", **values),
            "",
            _("Set your password here (the link works once, for %(days)s days):", **values),
            signup_link(visit, organisation, name, email),
            "",
            _("Then you can accept or decline the invitation for %(organisation)s.", **values),
        ])  # fmt: skip
    message = OutboxMessage(
        visit=visit,
        kind=SIGNUP_KIND,
        status=OutboxStatus.PENDING,
        message_id=make_msgid(domain=current_app.config["ICAL_DOMAIN"]),
        to_address=email,
        subject=subject,
        body_text=body,
        body_html=text_to_html(body, language, subject),
        language=language,
    )
    db.session.add(message)
    return message


@dataclass(frozen=True)
class SignupInvite:
    """What a valid sign-up link stands for."""

    visit: Visit
    organisation: Organisation
    email: str
    name: str


def read_signup_token(token: str) -> SignupInvite | None:
    """Return what a valid, unexpired, unused link stands for, else None."""
    max_age = int(current_app.config["SIGNUP_LINK_MAX_AGE_DAYS"]) * 86400
    try:
        data = _serializer().loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict):
        return None
    visit_id, organisation_id = data.get("v"), data.get("o")
    email, name = data.get("e"), data.get("n")
    if not (isinstance(visit_id, int) and isinstance(organisation_id, int)
            and isinstance(email, str) and isinstance(name, str)):  # fmt: skip
        return None
    link = named_link(visit_id, organisation_id)
    if link is None or not is_name_only(link.organisation):
        return None
    if db.session.scalar(select(User.id).where(User.email == email)):
        return None
    return SignupInvite(link.visit, link.organisation, email, name)


def complete_signup(token: str, name: str, password: str) -> User | None:
    """Create the organisation's first planner from a valid link, or return None when the
    link is no longer valid (used meanwhile, too old, withdrawn); the caller commits.

    Raises ``InvalidInput`` for a bad name or a weak password.
    """
    invite = read_signup_token(token)
    if invite is None:
        return None
    # Two tabs of one link, or two links to one organisation: the first sign-up wins.
    lock_rows(Organisation, [invite.organisation.id])
    if not is_name_only(invite.organisation):
        return None
    return create_user(email=invite.email, name=name, organisation=invite.organisation.name,
                       role=Role.PLANNER.value, password=password)  # fmt: skip
