"""The permission of every route, declared on its view in one line.

``@permission_required("visit.edit")`` names a rule of ``services/permissions.py:RULES``.
Before the view runs it sends anonymous users to the login page (unless the rule is
public), loads the objects the URL names (``visit_id`` → ``visit``, ``item_id`` →
``item`` ...) and applies the rule's checks: an object that is missing, belongs to
another visit or may not be seen answers 404; one that is seen but not allowed, 403.
The view receives the loaded objects as keyword arguments, if it names them among its
parameters, besides the URL's own values.
"""

import inspect
from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import select

from planner.extensions import db
from planner.models import (
    AgendaItem,
    ApiToken,
    FeedToken,
    Gift,
    GoldenBookEntry,
    Organisation,
    OutboxMessage,
    Participation,
    Person,
    PressContact,
    ProgrammeModule,
    Room,
    User,
    Vehicle,
    Venue,
    Visit,
    VisitRequest,
)
from planner.services.feeds import can_manage_feed
from planner.services.guests import invitation_of, named_link
from planner.services.people import can_see_person
from planner.services.permissions import (
    RULES,
    can_manage_user,
    can_see_branding,
    can_see_request,
    can_view_visit,
    visible_visits,
)
from planner.services.printing import DOCUMENTS, VERSION_DOCUMENTS
from planner.services.trash import entry_for
from planner.services.versions import version_by_number


def _visit(user: User, visit_id: int, loaded: dict, values: dict) -> Visit | None:
    # The permission is part of the query: a hidden visit costs what a missing one does.
    visit = db.session.scalar(visible_visits(select(Visit).where(Visit.id == visit_id), user))
    return visit if visit is not None and can_view_visit(user, visit) else None


def _of_visit(model) -> Callable:
    def load(user: User, object_id: int, loaded: dict, values: dict):
        found = db.session.get(model, object_id)
        return found if found is not None and found.visit_id == loaded["visit"].id else None

    return load


def _version(user: User, number: int, loaded: dict, values: dict):
    return version_by_number(loaded["visit"].id, number)


def _named_guest(user: User, organisation_id: int, loaded: dict, values: dict):
    link = named_link(loaded["visit"].id, organisation_id)
    return link.organisation if link is not None else None


def _document(user: User, document: str, loaded: dict, values: dict) -> str | None:
    known = VERSION_DOCUMENTS if "number" in values else DOCUMENTS
    return document if document in known else None


def _person(user: User, person_id: int, loaded: dict, values: dict) -> Person | None:
    person = db.session.get(Person, person_id)
    if person is None:
        return None
    if "visit" not in loaded:
        return person if can_see_person(user, person) else None
    # Within a visit, only its participants.
    taking_part = db.session.scalar(
        select(Participation.id).where(
            Participation.visit_id == loaded["visit"].id, Participation.person_id == person.id
        )
    )
    return person if taking_part else None


def _of_organisation(model, organisation_of: Callable) -> Callable:
    def load(user: User, object_id: int, loaded: dict, values: dict):
        found = db.session.get(model, object_id)
        owned = found is not None and organisation_of(found) == user.organisation_id
        return found if owned else None

    return load


def _seen(model, may_see: Callable) -> Callable:
    def load(user: User, object_id: int, loaded: dict, values: dict):
        found = db.session.get(model, object_id)
        return found if found is not None and may_see(user, found) else None

    return load


# URL value → (name the view receives, loader returning the object or None for 404), in
# the order they load: the visit before what belongs to it.
LOADERS: dict[str, tuple[str, Callable]] = {
    "visit_id": ("visit", _visit),
    # The user's organisation's link to a visit it is invited to (or accepted).
    "invitation_visit_id": (
        "invitation",
        lambda user, visit_id, loaded, values: invitation_of(user, visit_id),
    ),
    # An organisation the host names as a guest of the visit (invited or accepted).
    "guest_organisation_id": ("guest", _named_guest),
    "number": ("version", _version),
    "document": ("document", _document),
    "item_id": ("item", _of_visit(AgendaItem)),
    "message_id": ("message", _of_visit(OutboxMessage)),
    "gift_id": ("gift", _of_visit(Gift)),
    "golden_book_id": ("golden_book", _of_visit(GoldenBookEntry)),
    "vehicle_id": ("vehicle", _of_visit(Vehicle)),
    "participation_id": ("participation", _of_visit(Participation)),
    "contact_id": ("contact", _of_visit(PressContact)),
    "person_id": ("person", _person),
    "module_id": ("module", _of_organisation(ProgrammeModule, lambda m: m.organisation_id)),
    "venue_id": ("venue", _of_organisation(Venue, lambda venue: venue.organisation_id)),
    "room_id": ("room", _of_organisation(Room, lambda room: room.venue.organisation_id)),
    "organisation_id": ("organisation", _seen(Organisation, can_see_branding)),
    "user_id": ("user", _seen(User, can_manage_user)),
    "feed_id": ("feed", _seen(FeedToken, can_manage_feed)),
    "api_token_id": ("api_token", _seen(ApiToken, lambda user, token: token.user_id == user.id)),
    "request_id": ("visit_request", _seen(VisitRequest, can_see_request)),
    "entry_id": ("entry", lambda user, entry_id, loaded, values: entry_for(user, entry_id)),
}


def permission_required(name: str, *, loaded_by_service: bool = False):
    """Let through only whom the rule ``name`` of ``services/permissions.py`` allows.

    ``loaded_by_service``: the view's service loads the visit with the permission in its
    one query (the visit page, the day plan, an issued version, a comparison), so the
    decorator loads nothing but sends anonymous users to the login page, and the view
    answers 404 when the service finds nothing; only for rules without further checks.
    """
    rule = RULES[name]
    if loaded_by_service and (rule.user or rule.visit or rule.target):
        raise ValueError(f"the rule {name!r} needs its objects loaded")

    def decorate(view):
        accepted = set(inspect.signature(view).parameters)

        @wraps(view)
        def wrapper(**values):
            # Public and token routes load nothing: their services read what they need.
            loaded = _check(rule, values) if rule.login and not loaded_by_service else {}
            arguments = {**values, **loaded}
            return view(**{key: value for key, value in arguments.items() if key in accepted})

        checked = login_required(wrapper) if rule.login else wrapper
        checked.permission = name
        return checked

    return decorate


def _check(rule, values: dict) -> dict:
    """Load the URL's objects and apply the rule, aborting with 404 or 403."""
    user = current_user._get_current_object()
    if rule.user is not None and not rule.user(user):
        abort(403)
    loaded = {}
    for key, (name, load) in LOADERS.items():
        if key not in values:
            continue
        found = load(user, values[key], loaded, values)
        if found is None:
            abort(404)
        loaded[name] = found
        if name == "visit" and rule.visit is not None and not rule.visit(user, found):
            abort(403)
    if rule.target is not None and not rule.target(user, **loaded):
        abort(404 if rule.hide else 403)
    return loaded


def load_named(key: str, value: int):
    """Load an object a query string or form names (``module_id``), as the decorator loads
    those of the URL: 404 when missing or not seen."""
    _name, load = LOADERS[key]
    found = load(current_user._get_current_object(), value, {}, {})
    if found is None:
        abort(404)
    return found


def declare_static(app) -> None:
    """Declare the static files public, as every other route declares its rule."""
    app.view_functions["static"] = permission_required("public")(app.send_static_file)
