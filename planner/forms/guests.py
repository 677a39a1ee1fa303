"""Forms of a guest organisation: answering an invitation, leaving a visit."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import AnyOf, Length

from planner.forms.base import Form
from planner.forms.confirm import ConfirmForm
from planner.services.guests import MESSAGE_LENGTH

ANSWERS = ("accept", "decline")


class InvitationAnswerForm(Form):
    """Accept or decline an invitation; the button pressed names the answer."""

    answer = StringField(validators=[AnyOf(ANSWERS, message=_l("Choose accept or decline."))])
    message = TextAreaField(
        _l("Message to the host (optional, sent when declining)"),
        validators=[Length(max=MESSAGE_LENGTH)],
    )


class LeaveForm(ConfirmForm):
    """Confirm taking the organisation off a visit, with an optional word to the host."""

    message = TextAreaField(
        _l("Message to the host (optional)"), validators=[Length(max=MESSAGE_LENGTH)]
    )
