"""The form that acknowledges a warning of a visit with a note."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField
from wtforms.validators import InputRequired, Length

from planner.forms.base import Form
from planner.services.acknowledgements import NOTE_LENGTH


class AcknowledgeForm(Form):
    """A clash's fingerprint and the planner's note on why it is fine."""

    fingerprint = HiddenField(validators=[InputRequired(), Length(max=64)])
    note = StringField(
        _l("Why it is fine"),
        validators=[
            InputRequired(message=_l("Please say why the warning is fine.")),
            Length(
                max=NOTE_LENGTH,
                message=_l("Please keep the note under %(count)s characters.", count=NOTE_LENGTH),
            ),
        ],
    )
