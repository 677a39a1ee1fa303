"""The form in which the host decides what guests see of its people on one visit."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField

from planner.forms.base import Form
from planner.forms.locking import LockedForm
from planner.forms.widgets import CheckboxListField
from planner.models import Participation, Visit
from planner.services.host_details import GuestViewValues


class GuestViewForm(LockedForm, Form):
    """The list switch, and per host participant whether function and phone are public.

    It carries the visit's lock version: the settings are a change of the visit.
    """

    guests_see_host_attendees = BooleanField(_l("Guests see the host's attendee list"))
    public_function = CheckboxListField(_l("Function shown to guests"), coerce=int, choices=[])
    public_phone = CheckboxListField(_l("Phone number shown to guests"), coerce=int, choices=[])

    def offer(self, participations: list[Participation]) -> None:
        """Offer the host participants as the choices of both lists."""
        pairs = [(p.id, p.person.display_name) for p in participations]
        self.public_function.choices = pairs
        self.public_phone.choices = pairs

    def show(self, visit: Visit, participations: list[Participation]) -> None:
        """Fill the form with the stored settings."""
        self.guests_see_host_attendees.data = visit.guests_see_host_attendees
        self.public_function.data = [p.id for p in participations if p.public_function]
        self.public_phone.data = [p.id for p in participations if p.public_phone]
        self.show_version(visit)

    def values(self) -> GuestViewValues:
        """Return the settings as the service takes them."""
        return GuestViewValues(
            guests_see_host_attendees=bool(self.guests_see_host_attendees.data),
            public_function=frozenset(self.public_function.data or ()),
            public_phone=frozenset(self.public_phone.data or ()),
        )
