"""The forms of an invited person's own page."""

from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional, ValidationError

from planner.enums import TravelMeans
from planner.forms.base import Form
from planner.forms.locking import LockedForm
from planner.forms.widgets import choices
from planner.models import Participation
from planner.services.locking import parse_version
from planner.services.personal import (
    NEEDS_CHARS,
    NOTE_CHARS,
    REFERENCE_CHARS,
    Needs,
    Travel,
    travel_of,
)

MEANS = [
    ("", _l("Not known yet")),
    (TravelMeans.TRAIN.value, _l("Train")),
    (TravelMeans.PLANE.value, _l("Plane")),
    (TravelMeans.CAR.value, _l("Car")),
    (TravelMeans.OTHER.value, _l("Other")),
]


def _travel_fields(leg_label, time_label, note_label):
    return (
        SelectField(leg_label, choices=choices(MEANS), default=""),
        DateTimeLocalField(time_label, format="%Y-%m-%dT%H:%M", validators=[Optional()]),
        StringField(_l("Train or flight number"), validators=[Length(max=REFERENCE_CHARS)]),
        TextAreaField(note_label, validators=[Length(max=NOTE_CHARS)]),
    )


class NeedsForm(LockedForm, Form):
    """The person's needs and journey; ``lock_version`` is the participation's,
    ``person_version`` the person's (the needs are kept on the person)."""

    person_version = HiddenField()
    dietary_needs = TextAreaField(_l("Dietary needs"), validators=[Length(max=NEEDS_CHARS)])
    accessibility_needs = TextAreaField(
        _l("Accessibility needs"), validators=[Length(max=NEEDS_CHARS)]
    )
    health_consent = BooleanField(
        _l(
            "I agree that the host keeps my dietary and accessibility needs to plan my "
            "visit. I can withdraw this at any time on this page; my needs are then deleted."
        )
    )
    needs_escort = BooleanField(_l("I would like an escort"))
    needs_parking = BooleanField(_l("I need a parking space"))
    arrival_means, arrival_at, arrival_reference, arrival_note = _travel_fields(
        _l("Arrival by"), _l("Arrival time"), _l("Note on your arrival")
    )
    departure_means, departure_at, departure_reference, departure_note = _travel_fields(
        _l("Departure by"), _l("Departure time"), _l("Note on your departure")
    )

    def __init__(self, *args, window: tuple[date, date], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.window = window

    def fill(self, participation: Participation) -> None:
        """Show what is stored, with the versions it was read at."""
        person = participation.person
        self.dietary_needs.data = person.dietary_needs
        self.accessibility_needs.data = person.accessibility_needs
        self.health_consent.data = person.health_consent_at is not None
        self.needs_escort.data = person.needs_escort
        self.needs_parking.data = person.needs_parking
        for leg in ("arrival", "departure"):
            travel = travel_of(participation, leg)
            self[f"{leg}_means"].data = travel.means
            self[f"{leg}_at"].data = travel.at
            self[f"{leg}_reference"].data = travel.reference
            self[f"{leg}_note"].data = travel.note
        self.show_versions(participation)

    def show_versions(self, participation: Participation) -> None:
        """Carry the participation's and the person's current versions."""
        self.show_version(participation)
        self.person_version.data = str(participation.person.lock_version)

    def expected_person_version(self) -> int | None:
        """Return the person's version the form was opened at, as the browser sent it."""
        sent = self.person_version.raw_data
        return parse_version(sent[0] if sent else None)

    def _check_time(self, field) -> None:
        first, last = self.window
        if field.data is not None and not first <= field.data.date() <= last:
            raise ValidationError(
                _(
                    "Please give a time between %(first)s and %(last)s.",
                    first=format_date(first, "medium"),
                    last=format_date(last, "medium"),
                )
            )

    def validate_arrival_at(self, field) -> None:
        """Accept times around the visit only."""
        self._check_time(field)

    def validate_departure_at(self, field) -> None:
        """Accept times around the visit only, and not before the arrival."""
        self._check_time(field)
        arrival = self.arrival_at.data
        if field.data is not None and arrival is not None and field.data < arrival:
            raise ValidationError(_l("The departure cannot be before the arrival."))

    def validate_health_consent(self, field) -> None:
        """Keep health data only with the consent to keep it."""
        health = (self.dietary_needs.data or "") + (self.accessibility_needs.data or "")
        if health.strip() and not field.data:
            raise ValidationError(
                _l(
                    "Please agree that we keep your dietary and accessibility needs, "
                    "or leave those two fields empty."
                )
            )

    def needs(self) -> Needs:
        """Return the clean values for ``personal.save_needs``."""
        return Needs(
            dietary_needs=self.dietary_needs.data or "",
            accessibility_needs=self.accessibility_needs.data or "",
            health_consent=bool(self.health_consent.data),
            needs_escort=bool(self.needs_escort.data),
            needs_parking=bool(self.needs_parking.data),
            arrival=self._travel("arrival"),
            departure=self._travel("departure"),
        )

    def _travel(self, leg: str) -> Travel:
        return Travel(
            means=self[f"{leg}_means"].data or "",
            at=self[f"{leg}_at"].data,
            reference=self[f"{leg}_reference"].data or "",
            note=self[f"{leg}_note"].data or "",
        )
