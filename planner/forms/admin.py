"""Forms of the login administration."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import EqualTo, InputRequired, Length, ValidationError

from planner.enums import Role
from planner.forms.base import Form
from planner.forms.locking import LockedForm
from planner.forms.widgets import choices
from planner.services.errors import InvalidInput
from planner.services.users import check_password, normalise_email


def role_choices() -> list[tuple[str, str]]:
    """Return the roles with their translated names."""
    names = {
        Role.ADMIN: _l("Administrator"),
        Role.PLANNER: _l("Planner"),
        Role.HOST: _l("Host"),
        Role.VIEWER: _l("Viewer"),
    }
    return choices((role.value, names[role]) for role in Role)


class _PasswordMixin:
    """A new password typed twice."""

    password = PasswordField(
        _l("New password"),
        validators=[InputRequired(message=_l("Please enter a password."))],
        render_kw={"autocomplete": "new-password"},
    )
    password_again = PasswordField(
        _l("Repeat the password"),
        validators=[EqualTo("password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )

    def validate_password(self, field) -> None:
        """Refuse passwords that are too short."""
        try:
            check_password(field.data)
        except InvalidInput as error:
            raise ValidationError(error.message) from error


class UserForm(LockedForm, Form):
    """Name, role and state of an existing login."""

    name = StringField(
        _l("Name"), validators=[InputRequired(message=_l("Please enter a name.")), Length(max=200)]
    )
    role = SelectField(_l("Role"), choices=role_choices)
    active = BooleanField(_l("Login may be used"))


class NewUserForm(_PasswordMixin, Form):
    """A new login of the admin's organisation."""

    email = EmailField(
        _l("Email"),
        validators=[InputRequired(message=_l("Please enter an e-mail address.")), Length(max=254)],
    )
    name = StringField(
        _l("Name"), validators=[InputRequired(message=_l("Please enter a name.")), Length(max=200)]
    )
    role = SelectField(_l("Role"), choices=role_choices)

    def validate_email(self, field) -> None:
        """Accept only addresses that can receive mail."""
        try:
            field.data = normalise_email(field.data)
        except InvalidInput as error:
            raise ValidationError(error.message) from error


class PasswordForm(_PasswordMixin, Form):
    """A password an admin sets for a login."""
