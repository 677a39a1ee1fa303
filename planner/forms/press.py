"""Forms for the press list, the people named to the press and the press release."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from planner.forms.base import Form
from planner.forms.locking import LockedForm
from planner.forms.widgets import CheckboxListField
from planner.services.errors import InvalidInput
from planner.services.press import MAX_RELEASE_CHARS
from planner.services.users import normalise_email


class PressContactForm(LockedForm, Form):
    """A journalist on the press list: outlet, name, contact, accreditation, items."""

    outlet = StringField(
        _l("Media outlet"),
        validators=[InputRequired(message=_l("Please enter the media outlet.")), Length(max=200)],
    )
    journalist = StringField(_l("Journalist"), validators=[Length(max=200)])
    email = EmailField(_l("Email"), validators=[Optional(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Length(max=50)], render_kw={"type": "tel"})
    accreditation = SelectField(_l("Accreditation"), choices=[])
    items = CheckboxListField(_l("Items attended"), coerce=int, choices=[])

    def validate_email(self, field) -> None:
        """Accept only addresses that can receive mail."""
        if field.data:
            try:
                field.data = normalise_email(field.data)
            except InvalidInput as error:
                raise ValidationError(error.message) from error


class PublicPeopleForm(Form):
    """Which participants the published press page names."""

    people = CheckboxListField(_l("Named on the press page"), coerce=int, choices=[])


class ReleaseForm(LockedForm, Form):
    """The press release as the host edits it."""

    stored_as = {"release_text": "text"}

    text = TextAreaField(
        _l("Press release"),
        validators=[
            InputRequired(message=_l("Please enter the text of the press release.")),
            Length(max=MAX_RELEASE_CHARS),
        ],
        render_kw={"rows": 24},
    )
