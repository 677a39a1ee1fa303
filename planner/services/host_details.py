"""What the guest city sees of the host's people, as the host decides per visit.

A protocol office shares whom the delegation meets, but not every number in the house:

- ``Visit.guests_see_host_attendees`` (on by default) decides whether the guests' users
  see the host's attendee list at all: on the visit page, the attendee list, printouts
  and exports. Off, they see their own delegation only.
- Per host participant, ``public_function`` (on by default) shows the function, and
  ``public_phone`` (off by default) the phone number; an internal phone number
  (``Person.phone_internal``) never leaves the house, whatever the flag says.

Host staff always see everything; the guests' own people are the guests' business and
are not touched here.
"""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from planner.enums import Side
from planner.extensions import db
from planner.models import Participation, Person, Visit
from planner.models.types import utcnow
from planner.services.locking import save_with_lock

# Host participants one settings form shows; a visit with more is shown the first ones.
MAX_HOST_CONTACTS = 500


def guests_see(visit: Visit, participation: Participation, internal: bool) -> bool:
    """Return whether a viewer (host staff when ``internal``) sees the participant."""
    return internal or participation.side != Side.HOST or visit.guests_see_host_attendees


def shown_function(participation: Participation, internal: bool) -> str:
    """Return the participant's function as the viewer may see it ("" when not public)."""
    public = internal or participation.side != Side.HOST or participation.public_function
    return participation.person.function if public else ""


def shown_phone(participation: Participation, internal: bool) -> str:
    """Return the participant's phone number as the viewer may see it ("" when not public).

    Guests see a guest's number unless it is internal, a host's only when made public.
    """
    person = participation.person
    if internal:
        return person.phone
    if person.phone_internal:
        return ""
    return person.phone if participation.side != Side.HOST or participation.public_phone else ""


def host_participations(visit: Visit) -> list[Participation]:
    """Return the visit's host participants in protocol order (unranked last, then by
    name), at most a form's worth."""
    rank = func.coalesce(Participation.rank, Person.precedence_rank)
    return list(
        db.session.scalars(
            select(Participation)
            .join(Person, Participation.person_id == Person.id)
            .where(Participation.visit_id == visit.id, Participation.side == Side.HOST)
            .options(joinedload(Participation.person))
            .order_by(rank.is_(None), rank, Person.last_name, Person.first_name, Participation.id)
            .limit(MAX_HOST_CONTACTS)
        )
    )


@dataclass(frozen=True)
class GuestViewValues:
    """The settings form's values: the list switch and the participants made public."""

    guests_see_host_attendees: bool
    public_function: frozenset[int]
    public_phone: frozenset[int]


def update_guest_view(visit: Visit, values: GuestViewValues, expected_version: int | None) -> None:
    """Store what guests see of the host's people, unless someone changed the visit since
    the form was opened (``EditConflict``); the caller commits."""
    participations = host_participations(visit)

    def change() -> None:
        visit.guests_see_host_attendees = values.guests_see_host_attendees
        for participation in participations:
            participation.public_function = participation.id in values.public_function
            participation.public_phone = participation.id in values.public_phone
        # Any save of the settings is a change of the visit: a second open form is stale.
        visit.updated_at = utcnow()

    save_with_lock(visit, expected_version, change)
