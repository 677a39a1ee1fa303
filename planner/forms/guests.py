"""Forms of a guest organisation: answering an invitation, leaving a visit, its first
planner invited and signing up."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length, ValidationError

from planner.forms.admin import PasswordForm
from planner.forms.base import Form
from planner.forms.confirm import ConfirmForm
from planner.services.errors import InvalidInput
from planner.services.guests import MESSAGE_LENGTH
from planner.services.users import normalise_email

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


class FirstPlannerForm(Form):
    """Name and address of the person the host invites to plan for a guest organisation."""

    name = StringField(
        _l("Name"), validators=[InputRequired(message=_l("Please enter a name.")), Length(max=200)]
    )
    email = EmailField(
        _l("Email"),
        validators=[InputRequired(message=_l("Please enter an e-mail address.")), Length(max=254)],
    )

    def validate_email(self, field) -> None:
        """Accept only addresses that can receive mail."""
        try:
            field.data = normalise_email(field.data)
        except InvalidInput as error:
            raise ValidationError(error.message) from error


class SignupForm(PasswordForm):
    """The first planner's own name and password, set through the sign-up link."""

    name = StringField(
        _l("Your name"),
        validators=[InputRequired(message=_l("Please enter a name.")), Length(max=200)],
        render_kw={"autocomplete": "name"},
    )
