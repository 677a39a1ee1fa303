"""The form that makes a personal API token."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from planner.forms.base import Form
from planner.forms.widgets import choices


class ApiTokenForm(Form):
    """What a token is for, what it may do and how long it lives."""

    name = StringField(
        _l("What it is for"),
        validators=[InputRequired(message=_l("Please name the token.")), Length(max=100)],
    )
    scope = SelectField(
        _l("It may"),
        choices=choices([("read", _l("read")), ("read write", _l("read and write"))]),
        default="read",
    )
    days = IntegerField(
        _l("Days until it expires (empty: until revoked)"),
        validators=[Optional(), NumberRange(min=1, max=3650, message=_l("Enter 1 to 3650."))],
    )
