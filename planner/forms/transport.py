"""Forms for the vehicles of a visit and the seats on its transfers."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from planner.forms.base import Form
from planner.forms.locking import LockedForm
from planner.models.transport import MAX_SEATS


class VehicleForm(LockedForm, Form):
    """A car, van or bus with its driver."""

    kind = SelectField(_l("Kind of vehicle"), choices=[])
    name = StringField(
        _l("Name"),
        validators=[InputRequired(message=_l("Please enter a name.")), Length(max=200)],
    )
    plate = StringField(_l("Number plate"), validators=[Length(max=20)])
    seats = IntegerField(
        _l("Passenger seats"),
        validators=[
            InputRequired(message=_l("Please enter the number of seats.")),
            NumberRange(
                min=1,
                max=MAX_SEATS,
                message=_l("Enter between 1 and %(max)s seats.", max=MAX_SEATS),
            ),
        ],
    )
    driver_name = StringField(_l("Driver"), validators=[Length(max=200)])
    driver_phone = StringField(_l("Driver's phone"), validators=[Length(max=50)])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=2000)])


class SeatsForm(Form):
    """Who rides in which vehicle on a transfer; the choices are fields of their own
    (``seat-<participation>``), read by the view, since the people differ per transfer."""

    # What the seats were when the form was opened (services/transport.seating_digest).
    opened_at = HiddenField()
