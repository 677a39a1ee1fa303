"""Forms for programme modules, venues and rooms."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from planner.forms.base import Form
from planner.forms.locking import LockedForm


class ModuleForm(LockedForm, Form):
    """A programme module of the catalogue."""

    stored_as = {"default_room_id": "default_room"}

    title_de = StringField(
        _l("Title (German)"),
        validators=[InputRequired(message=_l("Please enter a title.")), Length(max=300)],
    )
    title_en = StringField(
        _l("Title (English)"),
        validators=[InputRequired(message=_l("Please enter a title.")), Length(max=300)],
    )
    kind = SelectField(_l("Kind"), choices=[])
    default_duration_minutes = IntegerField(
        _l("Duration (minutes)"),
        validators=[
            InputRequired(message=_l("Please enter a duration.")),
            NumberRange(min=5, max=24 * 60, message=_l("Enter between 5 and 1440 minutes.")),
        ],
    )
    default_room = SelectField(_l("Usual room"), coerce=int, choices=[])
    description_de = TextAreaField(_l("Description (German)"), validators=[Length(max=5000)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Length(max=5000)])


class VenueForm(LockedForm, Form):
    """A building."""

    name = StringField(
        _l("Name"), validators=[InputRequired(message=_l("Please enter a name.")), Length(max=200)]
    )
    address = TextAreaField(_l("Address"), validators=[Length(max=1000)])
    accessibility_notes = TextAreaField(_l("Accessibility"), validators=[Length(max=2000)])


class RoomForm(LockedForm, Form):
    """A room of a venue."""

    stored_as = {"venue_id": "venue"}

    venue = SelectField(_l("Building"), coerce=int, choices=[])
    name = StringField(
        _l("Name"), validators=[InputRequired(message=_l("Please enter a name.")), Length(max=200)]
    )
    capacity = IntegerField(
        _l("Capacity (people)"),
        validators=[
            Optional(),
            NumberRange(min=0, max=100000, message=_l("Enter a number of people.")),
        ],
    )
    accessibility_notes = TextAreaField(_l("Accessibility"), validators=[Length(max=2000)])
