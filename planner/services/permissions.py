"""Who may see and change what: decided here, on the server, for every object.

- Users of the visit's host organisation read everything of the visit, internal notes
  included; its planners and admins change everything.
- Users of a guest organisation read the agenda and public descriptions, never internal
  notes nor internal contact details; their planners and admins change only their own
  organisation's delegation, and only while the visit is not completed or cancelled.
- A guest organisation counts as one once it accepted (``services/guests.py``); until
  then its users see only the invitation, and after declining or leaving nothing.
- Anyone else learns nothing, not even that the visit exists (the views answer 404).
- A visit request (``services/requests.py``) is seen by the users of the organisation
  that asks and of the one asked; their planners and admins answer it. Anyone else gets
  404, as for a request that does not exist.
- An organisation's logo and print colour are seen by its own users and by those of the
  organisations it shares a visit with (their printouts carry it), by no one else.

Every route names one of the ``RULES`` at the end of this module in one line,
``@permission_required("visit.edit")``; ``views/access.py`` loads the URL's objects and
applies the rule.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from sqlalchemy import exists, or_, select
from sqlalchemy.sql import Select

from planner.enums import GuestState, Role, VisitStatus
from planner.extensions import db
from planner.models import (
    Organisation,
    Participation,
    Person,
    User,
    Visit,
    VisitGuest,
    VisitRequest,
    visit_guest_organisation,
)

EDITING_ROLES = frozenset({Role.ADMIN, Role.PLANNER})
# Print documents with internal details (rooms' setup, phone numbers, the seating
# plans): the host's only.
HOST_DOCUMENTS = ("run-sheet", "door-sheets", "seating", "golden-book", "drivers")
# A guest's list is part of the record once the visit is over; the host may still correct it.
CLOSED_STATUSES = frozenset({VisitStatus.COMPLETED, VisitStatus.CANCELLED})


class Relation(Enum):
    """How a user's organisation stands to a visit."""

    NONE = "none"
    GUEST = "guest"
    HOST = "host"


def relation(user: User | None, visit: Visit) -> Relation:
    """Return how the user's organisation takes part in the visit."""
    if user is None or not user.active:
        return Relation.NONE
    if user.organisation_id == visit.host_organisation_id:
        return Relation.HOST
    if any(org.id == user.organisation_id for org in visit.guest_organisations):
        return Relation.GUEST
    return Relation.NONE


def can_view_visit(user: User | None, visit: Visit) -> bool:
    """Return whether the user may see the visit at all."""
    return relation(user, visit) is not Relation.NONE


def can_see_internal(user: User | None, visit: Visit) -> bool:
    """Return whether the user may see internal notes and internal contact details."""
    return relation(user, visit) is Relation.HOST


def can_edit_visit(user: User | None, visit: Visit) -> bool:
    """Return whether the user may change the visit, its agenda and all its lists."""
    return relation(user, visit) is Relation.HOST and user.role in EDITING_ROLES


def can_view_history(user: User | None, visit: Visit) -> bool:
    """Return whether the user may read the visit's audit trail."""
    return can_edit_visit(user, visit)


def manages_delegation(user: User | None, visit: Visit, organisation: Organisation) -> bool:
    """Return whether ``organisation``'s people on the visit are the user's to look after,
    whatever the visit's status: their contact details and feeds are the user's business.
    """
    kind = relation(user, visit)
    if kind is Relation.HOST:
        return user.role in EDITING_ROLES
    if kind is Relation.GUEST:
        return user.role in EDITING_ROLES and organisation.id == user.organisation_id
    return False


def can_plan(user: User | None) -> bool:
    """Return whether the user plans for their organisation: creates visits and people,
    keeps its catalogue of modules and rooms and its trash."""
    return user is not None and user.role in EDITING_ROLES


def can_edit_some_delegation(user: User | None, visit: Visit) -> bool:
    """Return whether the user may change the list of at least one organisation's people
    on the visit."""
    return any(
        can_edit_delegation(user, visit, organisation)
        for organisation in [visit.host_organisation, *visit.guest_organisations]
    )


def can_edit_delegation(user: User | None, visit: Visit, organisation: Organisation) -> bool:
    """Return whether the user may change the list of ``organisation``'s people on the visit."""
    if not manages_delegation(user, visit, organisation):
        return False
    return relation(user, visit) is Relation.HOST or visit.status not in CLOSED_STATUSES


def can_read_person_calendar(user: User | None, visit: Visit, person: Person) -> bool:
    """Return whether the user may download ``person``'s own calendar of the visit.

    The host reads everyone's; a guest organisation only its own delegation's members.
    """
    kind = relation(user, visit)
    if kind is Relation.HOST:
        return True
    return kind is Relation.GUEST and person.organisation_id == user.organisation_id


def can_answer_invitation(user: User | None, invitation: VisitGuest, **_objects) -> bool:
    """Return whether the user may answer the invitation: its organisation's planners and
    admins (the others read it)."""
    return (
        user is not None
        and user.active
        and user.organisation_id == invitation.organisation_id
        and user.role in EDITING_ROLES
    )


def can_leave_visit(user: User | None, visit: Visit) -> bool:
    """Return whether the user may take their organisation off the visit it accepted."""
    return relation(user, visit) is Relation.GUEST and user.role in EDITING_ROLES


def can_read_thread(user: User | None, visit: Visit) -> bool:
    """Return whether the user reads the visit's thread: every user of the host and of an
    accepted guest (what a guest reads of it, ``services/thread.py`` decides)."""
    return relation(user, visit) is not Relation.NONE


def can_write_thread(user: User | None, visit: Visit) -> bool:
    """Return whether the user writes in the visit's thread: the planners and admins of
    the host and of an accepted guest; their viewers and hosts read only."""
    return can_read_thread(user, visit) and user.role in EDITING_ROLES


def can_see_request(user: User | None, visit_request: VisitRequest) -> bool:
    """Return whether the user belongs to the office that asks or to the one asked."""
    offices = (visit_request.requester_organisation_id, visit_request.host_organisation_id)
    return user is not None and user.active and user.organisation_id in offices


def can_act_on_request(user: User | None, visit_request: VisitRequest, **_objects) -> bool:
    """Return whether the user answers the request for their office: its planners and
    admins (the others read it)."""
    return can_see_request(user, visit_request) and user.role in EDITING_ROLES


def can_see_branding(user: User | None, organisation: Organisation) -> bool:
    """Return whether the user may see the organisation's logo and print colour."""
    if user is None or not user.active:
        return False
    if user.organisation_id == organisation.id:
        return True
    guest_of = visit_guest_organisation.c
    # A visit that one of the two organisations hosts and the other attends as a guest.
    shared = (
        select(Visit.id)
        .join(visit_guest_organisation, guest_of.visit_id == Visit.id)
        .where(
            guest_of.state == GuestState.ACCEPTED,
            or_(
                (Visit.host_organisation_id == organisation.id)
                & (guest_of.organisation_id == user.organisation_id),
                (Visit.host_organisation_id == user.organisation_id)
                & (guest_of.organisation_id == organisation.id),
            ),
        )
        .limit(1)
    )
    return db.session.scalar(shared) is not None


def can_administer(user: User | None) -> bool:
    """Return whether the user manages the logins of their organisation."""
    return user is not None and user.active and user.role == Role.ADMIN


def can_manage_user(admin: User | None, user: User) -> bool:
    """Return whether ``admin`` may change the login ``user``."""
    return can_administer(admin) and admin.organisation_id == user.organisation_id


def visible_visits(query: Select, user: User) -> Select:
    """Restrict a query of visits to those the user's organisation hosts or attends."""
    guest_of = exists().where(
        visit_guest_organisation.c.visit_id == Visit.id,
        visit_guest_organisation.c.organisation_id == user.organisation_id,
        visit_guest_organisation.c.state == GuestState.ACCEPTED,
    )
    return query.where(or_(Visit.host_organisation_id == user.organisation_id, guest_of))


def visible_visit_ids(user: User) -> Select:
    """Return a query of the ids of the visits the user may see."""
    return visible_visits(select(Visit.id), user)


def can_print(user: User | None, visit: Visit, document: str, **_objects) -> bool:
    """Return whether the user may print the document of a visit they see."""
    return document not in HOST_DOCUMENTS or can_see_internal(user, visit)


# --- the rule of every route ------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """What a route asks of its caller; ``views/access.py:permission_required`` applies it.

    The objects the route's URL names are loaded first, each only if the user may see it
    (else the answer is 404, as for one that does not exist). The checks then refuse with
    403, in this order: ``user`` before anything is loaded, ``visit`` once the visit is
    (before the objects within it), ``target`` with every object of the URL as keyword
    arguments. ``hide`` answers a refusal of ``target`` with 404: the user may not even
    learn that the object exists.
    """

    login: bool = True
    user: Callable[[User], bool] | None = None
    visit: Callable[[User, Visit], bool] | None = None
    target: Callable[..., bool] | None = None
    hide: bool = False


def _may_plan(user: User, **_objects) -> bool:
    return can_plan(user)


def _may_edit_participation(
    user: User, visit: Visit, participation: Participation, **_objects
) -> bool:
    return can_edit_delegation(user, visit, participation.person.organisation)


def _may_edit_attendee(user: User, visit: Visit, person: Person, **_objects) -> bool:
    return can_edit_delegation(user, visit, person.organisation)


def _may_read_calendar(user: User, visit: Visit, person: Person, **_objects) -> bool:
    return can_read_person_calendar(user, visit, person)


RULES: dict[str, Rule] = {
    # Anyone, logged in or not.
    "public": Rule(login=False),
    # Anyone holding the signed token in the URL; the route's service checks the token.
    "token": Rule(login=False),
    # Any logged-in user; what the page shows is their organisation's.
    "login": Rule(),
    # The host's and the guests' users (the visit loads only for them).
    "visit.view": Rule(),
    "visit.print": Rule(target=can_print),
    "visit.create": Rule(user=can_plan),
    # The host's planners and admins, for the visit and everything in it.
    "visit.edit": Rule(visit=can_edit_visit),
    "visit.history": Rule(visit=can_view_history),
    # The host's staff: the press list (journalists' contacts) and the release.
    "press.view": Rule(visit=can_see_internal),
    # The host's users read the seating plans of its items; planners change them.
    "seating.view": Rule(visit=can_see_internal),
    # The host's users only, whatever their role: the gift register and the Golden Book.
    "visit.internal": Rule(visit=can_see_internal),
    # The host's users: vehicles, drivers' phones and who rides where.
    "transport.view": Rule(visit=can_see_internal),
    # A guest organisation's users, for the invitation to its visit (open or accepted).
    "invitation.view": Rule(),
    "invitation.answer": Rule(target=can_answer_invitation),
    # An accepted guest organisation's planners and admins take it off the visit.
    "visit.leave": Rule(visit=can_leave_visit),
    # The thread between the offices: read by the host's and the accepted guests' users,
    # written by their planners and admins.
    "thread.view": Rule(visit=can_read_thread),
    "thread.write": Rule(visit=can_write_thread),
    # Planners and admins who may change at least one delegation list of the visit.
    "delegation.edit": Rule(visit=can_edit_some_delegation),
    "participation.remove": Rule(visit=can_edit_some_delegation, target=_may_edit_participation),
    # Who sees the person: their organisation, and the hosts of visits they take part in.
    "person.view": Rule(),
    # Planners and admins: a new person of their organisation, or one they see.
    "person.edit": Rule(target=_may_plan),
    "person.calendar": Rule(target=_may_read_calendar, hide=True),
    "person.feed": Rule(target=_may_edit_attendee),
    # The feed's creator, or who looks after the attendee of a personal feed.
    "feed.revoke": Rule(),
    # Planners and admins, for their organisation's modules, buildings and rooms.
    "catalogue.edit": Rule(user=can_plan),
    # Anyone of the room's organisation.
    "room.view": Rule(),
    # Anyone of the organisation, for its venues and modules (others' load for no one).
    "catalogue.view": Rule(),
    "trash.use": Rule(user=can_plan),
    # Planners and admins ask another organisation for a visit.
    "request.create": Rule(user=can_plan),
    # The users of the asking and the asked organisation read a request (404 for others).
    "request.view": Rule(),
    # Their planners and admins answer it; which step is theirs the service decides.
    "request.answer": Rule(target=can_act_on_request),
    # Users of organisations that share a visit with the branding's organisation.
    "branding.view": Rule(),
    # The token's own user (the token loads for no one else).
    "api_token.revoke": Rule(),
    # Admins, for their organisation's logins, branding and audit trail.
    "organisation.admin": Rule(user=can_administer),
    "user.manage": Rule(user=can_administer),
}
