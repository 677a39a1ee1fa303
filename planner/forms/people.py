"""Forms for people, participants and imports."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from planner.enums import Language
from planner.forms.base import Form
from planner.forms.locking import LockedForm
from planner.forms.widgets import choices
from planner.services.address import FORM_NAMES
from planner.services.errors import InvalidInput
from planner.services.users import normalise_email


class PersonForm(LockedForm, Form):
    """A person's protocol data."""

    salutation = StringField(_l("Salutation"), validators=[Length(max=50)])
    academic_title = StringField(_l("Academic title"), validators=[Length(max=100)])
    first_name = StringField(_l("First name"), validators=[Length(max=100)])
    last_name = StringField(
        _l("Last name"),
        validators=[InputRequired(message=_l("Please enter a last name.")), Length(max=100)],
    )
    office_title = StringField(_l("Office title"), validators=[Length(max=200)])
    function = StringField(_l("Function"), validators=[Length(max=200)])
    company = StringField(_l("Company"), validators=[Length(max=200)])
    email = EmailField(_l("Email"), validators=[Optional(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Length(max=50)])
    phone_internal = BooleanField(_l("Phone number is internal (hosts only)"))
    language = SelectField(
        _l("Language"),
        choices=choices([(Language.DE.value, "Deutsch"), (Language.EN.value, "English")]),
    )
    dietary_needs = TextAreaField(_l("Dietary needs"), validators=[Length(max=2000)])
    accessibility_needs = TextAreaField(_l("Accessibility needs"), validators=[Length(max=2000)])
    needs_escort = BooleanField(_l("Needs escort"))
    needs_parking = BooleanField(_l("Needs parking"))
    precedence_rank = IntegerField(
        _l("Precedence rank"),
        validators=[Optional(), NumberRange(min=0, max=9999, message=_l("Enter 0 to 9999."))],
    )
    # Forms of address set by hand; empty ones follow the rules of services/address.py.
    address_de = StringField(_l("Address line in German"), validators=[Length(max=300)])
    salutation_de = StringField(_l("Letter salutation in German"), validators=[Length(max=300)])
    card_de = StringField(_l("Name on badges and cards in German"), validators=[Length(max=300)])
    spoken_de = StringField(_l("Spoken address in German"), validators=[Length(max=300)])
    address_en = StringField(_l("Address line in English"), validators=[Length(max=300)])
    salutation_en = StringField(_l("Letter salutation in English"), validators=[Length(max=300)])
    card_en = StringField(_l("Name on badges and cards in English"), validators=[Length(max=300)])
    spoken_en = StringField(_l("Spoken address in English"), validators=[Length(max=300)])

    def address_overrides(self) -> dict[str, dict[str, str]]:
        """Return the forms of address typed by hand, by language and form."""
        return {
            language.value: {
                name: getattr(self, f"{name}_{language.value}").data or "" for name in FORM_NAMES
            }
            for language in Language
        }

    def has_overrides(self) -> bool:
        """Return whether any form of address is set by hand."""
        return any(text for own in self.address_overrides().values() for text in own.values())

    def show_overrides(self, overrides: dict[str, dict[str, str]]) -> None:
        """Fill the fields of the forms of address set by hand."""
        for language in Language:
            own = overrides.get(language.value) or {}
            for name in FORM_NAMES:
                getattr(self, f"{name}_{language.value}").data = own.get(name, "")

    def validate_email(self, field) -> None:
        """Accept only addresses that can receive mail."""
        if field.data:
            try:
                field.data = normalise_email(field.data)
            except InvalidInput as error:
                raise ValidationError(error.message) from error


class NewParticipantForm(PersonForm):
    """A new person added to a visit straight away, with the organisation they belong to."""

    organisation = SelectField(_l("Organisation"), coerce=int, choices=[])


class ExistingParticipantForm(Form):
    """A person already stored, added to a visit."""

    person = SelectField(_l("Person"), coerce=int, choices=[])


class UploadForm(Form):
    """An attendee list to import."""

    file = FileField(
        _l("File (.csv or .xlsx)"), validators=[FileRequired(message=_l("Please choose a file."))]
    )
    organisation = SelectField(_l("Delegation of"), coerce=int, choices=[], default=0)
    encoding = SelectField(
        _l("Character set of a CSV file"),
        choices=choices(
            [
                ("", _l("detect")),
                ("utf-8", "UTF-8"),
                ("windows-1252", "Windows-1252 (Excel, Western Europe)"),
            ]
        ),
        default="",
    )
