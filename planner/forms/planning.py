"""Forms for visits, agenda items, status changes, copies and issuing versions."""

from datetime import time

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from planner.enums import Language, VisitStatus
from planner.forms.base import Form
from planner.forms.widgets import CheckboxListField, choices
from planner.services.timezones import known_zones


def zone_choices() -> list[tuple[str, str]]:
    """Return the IANA zones, the usual ones first."""
    usual = ["Europe/Berlin", "Europe/Vienna", "Europe/Zurich", "Europe/London", "UTC"]
    rest = sorted(known_zones() - set(usual))
    return choices((name, name) for name in [*usual, *rest])


def _check_year(field) -> None:
    if field.data and not 1900 <= field.data.year <= 2999:
        raise ValidationError(_l("Please enter a date between 1900 and 2999."))


class VisitForm(Form):
    """A visit's details."""

    title = StringField(
        _l("Title"),
        validators=[InputRequired(message=_l("Please enter a title.")), Length(max=300)],
    )
    first_day = DateField(
        _l("First day"), validators=[InputRequired(message=_l("Please enter a date."))]
    )
    last_day = DateField(
        _l("Last day"), validators=[InputRequired(message=_l("Please enter a date."))]
    )
    timezone = SelectField(_l("Time zone"), choices=zone_choices, default="Europe/Berlin")
    language = SelectField(
        _l("Language of documents and invitations"),
        choices=choices([(Language.DE.value, "Deutsch"), (Language.EN.value, "English")]),
        default=Language.DE.value,
    )
    guest_organisations = CheckboxListField(_l("Guest organisations"), coerce=int, choices=[])
    new_guest_organisation = StringField(
        _l("Another guest organisation (new)"), validators=[Optional(), Length(max=200)]
    )
    contact_person = SelectField(_l("Contact person"), coerce=int, choices=[])
    purpose = TextAreaField(_l("Purpose"), validators=[Length(max=5000)])
    internal_notes = TextAreaField(_l("Internal notes"), validators=[Length(max=5000)])
    lock_version = HiddenField()

    def validate_first_day(self, field) -> None:
        """Accept days of this millennium and the last century."""
        _check_year(field)

    def validate_last_day(self, field) -> None:
        """Refuse a last day before the first."""
        _check_year(field)
        if self.first_day.data and field.data and field.data < self.first_day.data:
            raise ValidationError(_l("The last day cannot lie before the first day."))


class StatusForm(Form):
    """The status a visit moves to."""

    status = SelectField(_l("Status"), choices=choices((s.value, s.value) for s in VisitStatus))


class DuplicateForm(Form):
    """The first day of a copy of a visit."""

    first_day = DateField(
        _l("First day of the copy"),
        validators=[InputRequired(message=_l("Please enter a date."))],
    )

    def validate_first_day(self, field) -> None:
        """Accept days of this millennium and the last century."""
        _check_year(field)


class IssueForm(Form):
    """A comment for a new agenda version, and the acknowledgement of open conflicts."""

    comment = TextAreaField(
        _l("What changed and why"),
        validators=[InputRequired(message=_l("Please say what changed.")), Length(max=2000)],
    )
    acknowledge_conflicts = BooleanField(_l("I have seen the open conflicts and issue anyway"))


class ItemForm(Form):
    """An agenda item."""

    title = StringField(
        _l("Title"),
        validators=[InputRequired(message=_l("Please enter a title.")), Length(max=300)],
    )
    kind = SelectField(_l("Kind"), choices=[])
    day = DateField(_l("Day"), validators=[InputRequired(message=_l("Please enter a date."))])
    start = StringField(
        _l("Begins at"),
        validators=[InputRequired(message=_l("Please enter a time."))],
        render_kw={"type": "time"},
    )
    end = StringField(
        _l("Ends at"),
        validators=[InputRequired(message=_l("Please enter a time."))],
        render_kw={"type": "time"},
    )
    setup_minutes = IntegerField(_l("Set-up (minutes before)"), default=0, validators=[Optional()])
    teardown_minutes = IntegerField(
        _l("Tear-down (minutes after)"), default=0, validators=[Optional()]
    )
    room = SelectField(_l("Room"), coerce=int, choices=[])
    responsible = SelectField(_l("Responsible host"), coerce=int, choices=[])
    status = SelectField(_l("Status"), choices=[])
    description = TextAreaField(_l("Description (public)"), validators=[Length(max=5000)])
    internal_notes = TextAreaField(_l("Internal notes (hosts only)"), validators=[Length(max=5000)])
    shift_following = BooleanField(_l("Move the day's following items by as much as the end moves"))
    module = HiddenField()
    lock_version = HiddenField()
    confirm_conflicts = HiddenField()

    @staticmethod
    def _time(field) -> time | None:
        try:
            return time.fromisoformat(field.data.strip())
        except (AttributeError, ValueError):
            return None

    def validate_day(self, field) -> None:
        """Accept days of this millennium and the last century."""
        _check_year(field)

    def validate_start(self, field) -> None:
        """Accept times such as 10:30."""
        if self._time(field) is None:
            raise ValidationError(_l("Please enter a time such as 10:30."))

    def validate_end(self, field) -> None:
        """Accept times such as 10:30 that lie after the beginning."""
        end = self._time(field)
        if end is None:
            raise ValidationError(_l("Please enter a time such as 10:30."))
        start = self._time(self.start)
        if start is not None and end <= start:
            raise ValidationError(_l("The end must lie after the beginning."))

    def validate_setup_minutes(self, field) -> None:
        """Accept 0 to 600 minutes."""
        if field.data is not None and not 0 <= field.data <= 600:
            raise ValidationError(_l("Enter between 0 and 600 minutes."))

    validate_teardown_minutes = validate_setup_minutes
