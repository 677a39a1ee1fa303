"""The form that writes a message into a visit's thread."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from planner.forms.base import Form
from planner.models.thread import BODY_LENGTH


def _optional_id(value) -> int:
    """Read a chosen id; none chosen is 0, what is not a number a form error."""
    return 0 if value in (None, "") else int(value)


class MessageForm(Form):
    """A message: to whom, about which item or version if any, and its text.

    The choices are set per reader by the view (``services/thread.py``); a value that
    is not among them is refused here, and again by the service.
    """

    addressee = SelectField(_l("To"))
    item = SelectField(_l("About an agenda item (optional)"), coerce=_optional_id)
    version = SelectField(_l("About an issued version (optional)"), coerce=_optional_id)
    body = TextAreaField(
        _l("Message"),
        validators=[
            DataRequired(message=_l("Please write a message.")),
            Length(max=BODY_LENGTH, message=_l("Please write at most %(max)d characters.")),
        ],
    )
