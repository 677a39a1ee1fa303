"""Forms of the gift register and the Golden Book's signing order."""

import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from planner.enums import GiftDirection
from planner.forms.base import Form
from planner.forms.locking import LockedForm
from planner.forms.widgets import choices

AMOUNT = re.compile(r"^\d{1,3}(?:[.,\s]?\d{3})*(?:[.,]\d{1,2})?$|^\d+(?:[.,]\d{1,2})?$")
# Select value for "nobody chosen": the name typed beside it counts.
NOBODY = 0


def parse_amount(text: str | None) -> Decimal | None:
    """Return an amount in euros typed as "80", "80,00", "1.234,50" or "1,234.50"; None
    when empty. Raise ValueError when it is no amount with at most two decimals."""
    text = (text or "").replace("€", "").replace("EUR", "").strip()
    if not text:
        return None
    if len(text) > 20 or not AMOUNT.match(text):
        raise ValueError(text)
    # The last separator followed by one or two digits is the decimal one; others group.
    match = re.search(r"[.,](\d{1,2})$", text)
    whole = text[: match.start()] if match else text
    cents = match.group(1) if match else "0"
    try:
        return Decimal(re.sub(r"[.,\s]", "", whole) + "." + cents)
    except InvalidOperation as error:
        raise ValueError(text) from error


class GiftForm(LockedForm, Form):
    """A gift of the register."""

    stored_as = {
        "giver_person_id": "giver_person",
        "recipient_person_id": "recipient_person",
        "item_id": "item",
    }

    direction = RadioField(
        _l("Direction"),
        choices=choices(
            [
                (GiftDirection.GIVEN.value, _l("Given by our side")),
                (GiftDirection.RECEIVED.value, _l("Received by our side")),
            ]
        ),
        validators=[InputRequired(message=_l("Please choose whether it was given or received."))],
    )
    description = StringField(
        _l("Gift"),
        validators=[InputRequired(message=_l("Please describe the gift.")), Length(max=500)],
    )
    item = SelectField(_l("Handed over at"), coerce=int, choices=[])
    giver_person = SelectField(_l("From (participant)"), coerce=int, choices=[])
    giver_name = StringField(_l("From (other giver)"), validators=[Length(max=200)])
    recipient_person = SelectField(_l("To (participant)"), coerce=int, choices=[])
    recipient_name = StringField(_l("To (other recipient)"), validators=[Length(max=200)])
    value_eur = StringField(_l("Estimated value in euros"), validators=[Length(max=20)])
    kept_at = StringField(_l("Kept at"), validators=[Length(max=300)])
    photo = FileField(_l("Photo (JPEG or PNG, at most 2 MB)"))
    remove_photo = BooleanField(_l("Remove the photo"))
    notes = TextAreaField(_l("Notes"), validators=[Length(max=5000)])

    def validate_value_eur(self, field) -> None:
        """Accept an amount with at most two decimals, as people write it."""
        try:
            parse_amount(field.data)
        except ValueError as error:
            raise ValidationError(_l("Enter an amount in euros, e.g. 80 or 39,90.")) from error

    def amount(self) -> Decimal | None:
        """Return the value entered, in euros."""
        return parse_amount(self.value_eur.data)

    @staticmethod
    def chosen(field: SelectField) -> int | None:
        """Return the id a select chose, None for nobody."""
        return field.data or None


class SignerForm(LockedForm, Form):
    """One change of a Golden Book entry's signing order: the entry's version comes along."""

    signer = HiddenField()
    person = SelectField(_l("Person"), coerce=int, choices=[], validate_choice=False)
    direction = HiddenField()

    def signer_id(self) -> int | None:
        """Return the signer the change is about, None when the form names none."""
        text = (self.signer.data or "").strip()
        return int(text) if text.isdecimal() and len(text) < 12 else None


class NewEntryForm(Form):
    """The item that gets a Golden Book entry."""

    item = SelectField(_l("Agenda item"), coerce=int, choices=[])
