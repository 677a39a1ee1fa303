"""The login form."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import InputRequired, Length

from planner.forms.base import Form


class LoginForm(Form):
    """E-mail address and password of a staff login."""

    email = EmailField(
        _l("Email"),
        validators=[
            InputRequired(message=_l("Please enter your e-mail address.")),
            Length(max=254),
        ],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(message=_l("Please enter your password.")), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
