"""The jump to another month of the month view."""

from babel.dates import get_month_names
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, ValidationError

from planner.forms.base import Form

FIRST_YEAR, LAST_YEAR = 1900, 2999


def _month_number(value) -> int:
    """Read a month's number; anything else becomes 0, which no month has."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class MonthJumpForm(Form):
    """Sent with GET: a month is a link anyone may bookmark or share."""

    class Meta(Form.Meta):
        csrf = False

    month = SelectField(_l("Month"), coerce=_month_number, validate_choice=False)
    year = StringField(
        _l("Year"),
        validators=[InputRequired(_l("Enter a year."))],
        render_kw={"inputmode": "numeric", "size": 6, "autocomplete": "off"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = get_month_names("wide", locale=get_locale())
        self.month.choices = [(number, names[number]) for number in range(1, 13)]

    def validate_month(self, field: SelectField) -> None:
        """Accept the months of the year only."""
        if not 1 <= (field.data or 0) <= 12:
            raise ValidationError(_l("Choose a month."))

    def validate_year(self, field: StringField) -> None:
        """Accept a year the calendar can show: 1900 to 2999."""
        text = field.data.strip()
        if not (text.isdecimal() and FIRST_YEAR <= int(text) <= LAST_YEAR):
            raise ValidationError(_l("Enter a year from 1900 to 2999."))
        field.data = text

    def chosen(self) -> tuple[int, int]:
        """Return the year and month asked for, once the form is valid."""
        return int(self.year.data), self.month.data
