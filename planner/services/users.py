"""Staff logins: creation and password rules."""

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from planner.enums import Role
from planner.extensions import db
from planner.models import Organisation, User
from planner.services.errors import InvalidInput
from planner.services.text import clean_text

MIN_PASSWORD_LENGTH = 12


def normalise_email(value: str, field: str = "email") -> str:
    """Return the address in its canonical, lower-cased form, or raise ``InvalidInput``."""
    try:
        result = validate_email(clean_text(value), check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidInput(field, str(error)) from error
    return result.normalized.lower()


def check_password(password: str) -> None:
    """Raise ``InvalidInput`` when a password is too short to be used."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            "password", f"The password must have at least {MIN_PASSWORD_LENGTH} characters."
        )


def get_or_create_organisation(name: str) -> Organisation:
    """Return the organisation of that name, adding it to the session if it is new."""
    name = clean_text(name)
    if not name:
        raise InvalidInput("org", "The organisation needs a name.")
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
        raise InvalidInput("name", "The user needs a name.")
    try:
        role_value = Role(role)
    except ValueError as error:
        choices = ", ".join(r.value for r in Role)
        raise InvalidInput("role", f"The role must be one of {choices}.") from error
    check_password(password)
    taken = db.session.scalar(select(User.id).where(User.email == email))
    if taken:
        raise InvalidInput("email", f"A user with the e-mail address {email} exists already.")
    user = User(
        email=email,
        name=name,
        organisation=get_or_create_organisation(organisation),
        role=role_value,
        password_hash=generate_password_hash(password),
    )
    db.session.add(user)
    return user
