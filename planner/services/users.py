"""Staff logins: creation and password rules."""

import email_validator
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import generate_password_hash

from planner.enums import Role
from planner.extensions import db
from planner.models import Organisation, User
from planner.services.errors import InvalidInput
from planner.services.text import clean_text

MIN_PASSWORD_LENGTH = 12


def special_use_domain(address: str) -> str | None:
    """Return the address's domain if it is a special-use name no mail can reach (RFC 6761)."""
    domain = address.rpartition("@")[2].strip().rstrip(".").lower()
    for name in email_validator.SPECIAL_USE_DOMAIN_NAMES:
        if domain == name or domain.endswith("." + name):
            return domain
    return None


def normalise_email(value: str, field: str = "email") -> str:
    """Return the address in its canonical, lower-cased form, or raise ``InvalidInput``.

    Addresses at special-use domains (``.test``, ``.invalid``, ``.local``, ``.localhost``,
    ``.onion``, ``.arpa``) are refused: invitations sent there never arrive.
    """
    address = clean_text(value)
    try:
        result = validate_email(address, check_deliverability=False)
    except EmailNotValidError as error:
        domain = special_use_domain(address)
        if domain is not None:
            raise InvalidInput(
                field,
                _l(
                    "No e-mail can reach an address at “%(domain)s”: it is a special-use "
                    "domain such as .test, .invalid or .local. Please enter an address at "
                    "a real domain, for example name@bochum.de.",
                    domain=domain,
                ),
            ) from error
        raise InvalidInput(field, _l("This is not a valid e-mail address.")) from error
    return result.normalized.lower()


def hash_password(password: str) -> str:
    """Return the password's hash, by the configured scheme (scrypt unless set otherwise)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def check_password(password: str) -> None:
    """Raise ``InvalidInput`` when a password is too short to be used."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            "password",
            _l("The password must have at least %(count)s characters.", count=MIN_PASSWORD_LENGTH),
        )


def get_or_create_organisation(name: str) -> Organisation:
    """Return the organisation of that name, adding it to the session if it is new."""
    name = clean_text(name)
    if not name:
        raise InvalidInput("org", _l("The organisation needs a name."))
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == name))
    if organisation is None:
        organisation = Organisation(name=name)
        db.session.add(organisation)
    return organisation


def create_user(*, email: str, name: str, organisation: str, role: str, password: str) -> User:
    """Create a staff login; the caller commits."""
    email = normalise_email(email)
    name = clean_text(name)
    if not name:
        raise InvalidInput("name", _l("Please enter a name."))
    try:
        role_value = Role(role)
    except ValueError as error:
        choices = ", ".join(r.value for r in Role)
        raise InvalidInput(
            "role", _l("The role must be one of %(choices)s.", choices=choices)
        ) from error
    check_password(password)
    taken = db.session.scalar(select(User.id).where(User.email == email))
    if taken:
        raise InvalidInput(
            "email", _l("A login with the e-mail address %(email)s exists already.", email=email)
        )
    user = User(
        email=email,
        name=name,
        organisation=get_or_create_organisation(organisation),
        role=role_value,
        password_hash=hash_password(password),
    )
    db.session.add(user)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:
        # Another request created the same address between the check and this insert.
        raise InvalidInput(
            "email", _l("A login with the e-mail address %(email)s exists already.", email=email)
        ) from error
    return user
