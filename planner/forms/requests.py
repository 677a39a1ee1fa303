"""Forms of visit requests: asking a host for a visit, and the answers of both offices."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms import Form as SubForm
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from planner.forms.base import Form
from planner.forms.locking import LockedForm
from planner.forms.widgets import CheckboxListField, choices
from planner.services.requests import (
    MAX_DELEGATION,
    MAX_OPTIONS,
    MESSAGE_LENGTH,
    NAME_LENGTH,
    OTHER_LANGUAGES_LENGTH,
    TEXT_LENGTH,
    TITLE_LENGTH,
    DayOption,
)


class DayOptionForm(SubForm):
    """One span of days; both days empty means no option."""

    first_day = DateField(_l("First day"), validators=[Optional()])
    last_day = DateField(_l("Last day"), validators=[Optional()])

    def validate_last_day(self, field) -> None:
        """Refuse half an option, a last day before the first, and days out of reach."""
        first, last = self.first_day.data, field.data
        if (first is None) != (last is None):
            raise ValidationError(_l("Please enter the first and the last day."))
        if first and last and last < first:
            raise ValidationError(_l("The last day cannot lie before the first day."))
        for day in (first, last):
            if day and not 1900 <= day.year <= 2999:
                raise ValidationError(_l("Please enter a date between 1900 and 2999."))


class DayOptionsMixin:
    """Up to ``MAX_OPTIONS`` spans of days, of which at least one is filled in."""

    # One more than allowed is read, so that too many is said instead of cut silently.
    options = FieldList(
        FormField(DayOptionForm), min_entries=MAX_OPTIONS, max_entries=MAX_OPTIONS + 1
    )

    def validate_options(self, field) -> None:
        """Refuse no option and too many options."""
        if len(field.entries) > MAX_OPTIONS:
            raise ValidationError(
                _l("Please propose at most %(count)d spans of days.", count=MAX_OPTIONS)
            )
        if not self.day_options() and not any(entry.errors for entry in field.entries):
            raise ValidationError(_l("Please propose at least one span of days."))

    def option_errors(self) -> list:
        """Return the errors of the options as a whole (the days' own stand at the days)."""
        return [error for error in self.options.errors if not isinstance(error, dict)]

    def day_options(self) -> list[DayOption]:
        """Return the spans of days filled in."""
        return [
            DayOption(entry.first_day.data, entry.last_day.data)
            for entry in self.options.entries
            if entry.first_day.data and entry.last_day.data
        ]


class RequestForm(DayOptionsMixin, Form):
    """A visit asked of a host: what, when, who, and what the delegation wishes to see."""

    host = HiddenField()
    title = StringField(
        _l("Title"),
        validators=[InputRequired(message=_l("Please enter a title.")), Length(max=TITLE_LENGTH)],
    )
    purpose = TextAreaField(_l("Purpose"), validators=[Length(max=TEXT_LENGTH)])
    delegation_size = IntegerField(
        _l("Size of the delegation (people)"),
        validators=[
            InputRequired(message=_l("Please enter a number.")),
            NumberRange(
                1,
                MAX_DELEGATION,
                message=_l("Please enter a number from 1 to %(count)d.", count=MAX_DELEGATION),
            ),
        ],
    )
    head_of_delegation = StringField(
        _l("Head of the delegation (name and function)"),
        validators=[Length(max=NAME_LENGTH)],
    )
    modules = CheckboxListField(_l("Programme modules of the host"), coerce=int, choices=[])
    wishes = TextAreaField(_l("Further wishes"), validators=[Length(max=TEXT_LENGTH)])
    languages = CheckboxListField(
        _l("Languages needed"),
        choices=choices([("de", _l("German")), ("en", _l("English"))]),
        validate_choice=True,
    )
    other_languages = StringField(
        _l("Other languages"), validators=[Length(max=OTHER_LANGUAGES_LENGTH)]
    )


class AnswerForm(LockedForm, Form):
    """A step on a request, sent from the page at the version it was opened at."""

    def validate_lock_version(self, field) -> None:
        """Refuse a form that does not say which state of the request it answers."""
        if self.expected_version() is None:
            raise ValidationError(_l("The page is out of date; please open it again."))


class AcceptForm(AnswerForm):
    """Accept one of the proposed spans of days."""

    option = RadioField(
        _l("Days"),
        coerce=int,
        choices=[],
        validators=[InputRequired(message=_l("Choose one of the proposed spans of days."))],
    )


class ProposeForm(DayOptionsMixin, AnswerForm):
    """Propose other days, with a word why."""

    message = TextAreaField(
        _l("Message to the other office (optional)"), validators=[Length(max=MESSAGE_LENGTH)]
    )


class DeclineForm(AnswerForm):
    """Decline, saying why (the service requires the reason)."""

    message = TextAreaField(
        _l("Reason for declining, sent to the guest"), validators=[Length(max=MESSAGE_LENGTH)]
    )


class WithdrawForm(AnswerForm):
    """Withdraw, with an optional word to the host."""

    message = TextAreaField(
        _l("Message to the other office (optional)"), validators=[Length(max=MESSAGE_LENGTH)]
    )
