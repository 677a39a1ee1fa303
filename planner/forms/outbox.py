"""The form of a draft message."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from planner.forms.base import Form
from planner.forms.locking import LockedForm


class MessageForm(LockedForm, Form):
    """Subject and text of a message before it is sent."""

    subject = StringField(
        _l("Subject"),
        validators=[InputRequired(message=_l("Please enter a subject.")), Length(max=500)],
    )
    body_text = TextAreaField(
        _l("Text"),
        validators=[InputRequired(message=_l("Please enter a text.")), Length(max=50_000)],
    )
