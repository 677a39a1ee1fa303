"""Forms for visits, agenda items, status changes, copies and issuing versions."""

from datetime import datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from planner.enums import Language, PressAccess, VisitStatus
from planner.forms.base import Form
from planner.forms.locking import LockedForm
from planner.forms.widgets import CheckboxListField, choices
from planner.services.timezones import known_zones, to_utc
from planner.services.wallclock import Reading, classify, fold_choices, fold_question, gap_message


def zone_choices() -> list[tuple[str, str]]:
    """Return the IANA zones, the usual ones first."""
    usual = ["Europe/Berlin", "Europe/Vienna", "Europe/Zurich", "Europe/London", "UTC"]
    rest = sorted(known_zones() - set(usual))
    return choices((name, name) for name in [*usual, *rest])


def _check_year(field) -> None:
    if field.data and not 1900 <= field.data.year <= 2999:
        raise ValidationError(_l("Please enter a date between 1900 and 2999."))


class VisitForm(LockedForm, Form):
    """A visit's details."""

    stored_as = {"contact_person_id": "contact_person"}

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
    """A copy of a visit: its title, first day and guests, and which parts to copy.

    ``original_title`` is the title of the visit copied: the copy may keep it only
    when the planner says so, since two visits of one name are easily confused.
    """

    title = StringField(
        _l("Title of the copy"),
        validators=[InputRequired(message=_l("Please enter a title.")), Length(max=300)],
    )
    same_title = BooleanField(_l("Yes, the copy keeps the title of the original"))
    first_day = DateField(
        _l("First day of the copy"),
        validators=[InputRequired(message=_l("Please enter a date."))],
    )
    guest_organisations = CheckboxListField(_l("Guest organisations"), coerce=int, choices=[])
    copy_items = BooleanField(_l("Agenda items"), default=True)
    copy_rooms = BooleanField(_l("Rooms booked for the items"), default=True)
    copy_internal_notes = BooleanField(_l("Internal notes of the visit and its items"))
    copy_hosts = BooleanField(_l("Participants of the host side"), default=True)

    original_title = ""

    def validate_first_day(self, field) -> None:
        """Accept days of this millennium and the last century."""
        _check_year(field)

    def validate_title(self, field) -> None:
        """Refuse the original's title unless the planner confirms it."""
        if field.data.casefold() == self.original_title.casefold() and not self.same_title.data:
            raise ValidationError(
                _l(
                    "The copy has the same title as the original. Change the title, or "
                    "confirm below that both visits keep it."
                )
            )


class IssueForm(Form):
    """A comment for a new agenda version, and the acknowledgement of open conflicts."""

    comment = TextAreaField(
        _l("What changed and why"),
        validators=[InputRequired(message=_l("Please say what changed.")), Length(max=2000)],
    )
    acknowledge_conflicts = BooleanField(_l("I have seen the open conflicts and issue anyway"))


class ItemForm(LockedForm, Form):
    """An agenda item: its times are wall-clock times in the visit's zone ``zone``.

    A time the clocks skip is refused with the next valid one; for a time they repeat,
    the form asks which reading is meant (``start_fold``, ``end_fold``: "0" the first,
    "1" the second) and offers the question only then.

    Title and public description come in German and English; the title in the visit's
    language ``language`` is required, the other one is optional.
    """

    stored_as = {
        "starts_at": "start",
        "ends_at": "end",
        "room_id": "room",
        "responsible_person_id": "responsible",
    }

    title_de = StringField(_l("Title (German)"), validators=[Length(max=300)])
    title_en = StringField(_l("Title (English)"), validators=[Length(max=300)])
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
    ends_next_day = BooleanField(_l("Ends on the next day (after midnight)"))
    start_fold = RadioField(_l("Which beginning do you mean?"), choices=[], validate_choice=False)
    end_fold = RadioField(_l("Which end do you mean?"), choices=[], validate_choice=False)
    setup_minutes = IntegerField(_l("Set-up (minutes before)"), default=0, validators=[Optional()])
    teardown_minutes = IntegerField(
        _l("Tear-down (minutes after)"), default=0, validators=[Optional()]
    )
    room = SelectField(_l("Room"), coerce=int, choices=[])
    responsible = SelectField(_l("Responsible host"), coerce=int, choices=[])
    status = SelectField(_l("Status"), choices=[])
    # A form sent without the field (an older page) leaves the item closed to the press.
    press_access = SelectField(_l("Press"), choices=[], default=PressAccess.CLOSED.value)
    description_de = TextAreaField(_l("Public description (German)"), validators=[Length(max=5000)])
    description_en = TextAreaField(
        _l("Public description (English)"), validators=[Length(max=5000)]
    )
    internal_notes = TextAreaField(_l("Internal notes (hosts only)"), validators=[Length(max=5000)])
    shift_following = BooleanField(_l("Move the day's following items by as much as the end moves"))
    module = HiddenField()
    confirm_conflicts = HiddenField()

    def __init__(self, *args, zone: str = "UTC", language: str = "de", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.language = Language(language).value
        self.required_title.flags.required = True
        self.offer_fold_choices()

    @property
    def required_title(self):
        """Return the title field of the visit's language, the one that must be filled."""
        return self.title_en if self.language == Language.EN else self.title_de

    def _title_given(self, field) -> None:
        if field is self.required_title and not (field.data or "").strip():
            raise ValidationError(_l("Please enter a title."))

    def validate_title_de(self, field) -> None:
        """Require the German title when the visit is in German."""
        self._title_given(field)

    def validate_title_en(self, field) -> None:
        """Require the English title when the visit is in English."""
        self._title_given(field)

    @staticmethod
    def _time(field) -> time | None:
        try:
            return time.fromisoformat(field.data.strip())
        except (AttributeError, ValueError):
            return None

    def _day_ok(self) -> bool:
        day = self.day.data
        return day is not None and 1900 <= day.year <= 2999

    def starts_at(self) -> datetime | None:
        """Return the wall-clock time the item begins, if day and time are valid."""
        start = self._time(self.start)
        if not self._day_ok() or start is None:
            return None
        return datetime.combine(self.day.data, start)

    def ends_at(self) -> datetime | None:
        """Return the wall-clock time the item ends, on the next day if ticked."""
        end = self._time(self.end)
        if not self._day_ok() or end is None:
            return None
        days = 1 if self.ends_next_day.data else 0
        return datetime.combine(self.day.data, end) + timedelta(days=days)

    def fold(self, field) -> int | None:
        """Return the reading chosen for a repeated time (0 or 1), None when none was."""
        return {"0": 0, "1": 1}.get(field.data or "")

    def offer_fold_choices(self) -> None:
        """Ask which reading is meant for a time the clocks repeat, and only for such one."""
        for field, local in ((self.start_fold, self.starts_at()), (self.end_fold, self.ends_at())):
            if local is not None and classify(local, self.zone) == Reading.FOLD:
                field.choices = fold_choices(local, self.zone)
                field.label.text = str(fold_question(local, self.zone))
            else:
                field.choices = []

    def _exists(self, local: datetime | None) -> None:
        if local is not None and classify(local, self.zone) == Reading.GAP:
            raise ValidationError(str(gap_message(local, self.zone)))

    def validate_day(self, field) -> None:
        """Accept days of this millennium and the last century."""
        _check_year(field)

    def validate_start(self, field) -> None:
        """Accept times such as 10:30 that exist on that day in the zone."""
        if self._time(field) is None:
            raise ValidationError(_l("Please enter a time such as 10:30."))
        self._exists(self.starts_at())

    def validate_end(self, field) -> None:
        """Accept times such as 10:30 that exist and lie after the beginning as instants."""
        if self._time(field) is None:
            raise ValidationError(_l("Please enter a time such as 10:30."))
        end = self.ends_at()
        self._exists(end)
        start = self.starts_at()
        if start is None or end is None or classify(start, self.zone) == Reading.GAP:
            return
        starts_fold, ends_fold = self.fold(self.start_fold), self.fold(self.end_fold)
        if (starts_fold is None and self.start_fold.choices) or (
            ends_fold is None and self.end_fold.choices
        ):
            return  # the question which reading is meant comes first
        if to_utc(end, self.zone, ends_fold or 0) > to_utc(start, self.zone, starts_fold or 0):
            return
        message = _("The end must lie after the beginning.")
        if not self.ends_next_day.data and end.time() <= start.time():
            hint = _("If the item ends after midnight, tick “Ends on the next day”.")
            message = f"{message} {hint}"
        raise ValidationError(message)

    def validate_start_fold(self, field) -> None:
        """Require an answer when the time happens twice."""
        if field.choices and self.fold(field) is None:
            raise ValidationError(_l("Please choose which one you mean."))

    validate_end_fold = validate_start_fold

    def validate_setup_minutes(self, field) -> None:
        """Accept 0 to 600 minutes."""
        if field.data is not None and not 0 <= field.data <= 600:
            raise ValidationError(_l("Enter between 0 and 600 minutes."))

    validate_teardown_minutes = validate_setup_minutes
