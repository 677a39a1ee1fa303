"""Loading objects for a view, with the permission decided on the server."""

from flask import abort
from flask_login import current_user

from planner.extensions import db
from planner.models import AgendaItem, ProgrammeModule, Room, Venue, Visit
from planner.services.permissions import (
    EDITING_ROLES,
    can_edit_visit,
    can_view_visit,
)


def visit_for_editing(visit_id: int) -> Visit:
    """Return a visit the current user may change: 404 if unseen, 403 if only readable."""
    visit = db.session.get(Visit, visit_id)
    if visit is None or not can_view_visit(current_user, visit):
        abort(404)
    if not can_edit_visit(current_user, visit):
        abort(403)
    return visit


def item_for_editing(visit_id: int, item_id: int) -> AgendaItem:
    """Return an item of a visit the current user may change."""
    visit = visit_for_editing(visit_id)
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.visit_id != visit.id:
        abort(404)
    return item


def require_catalogue_editor() -> None:
    """Let only planners and admins change their organisation's catalogue."""
    if current_user.role not in EDITING_ROLES:
        abort(403)


def own_module(module_id: int) -> ProgrammeModule:
    """Return a module of the current user's organisation."""
    module = db.session.get(ProgrammeModule, module_id)
    if module is None or module.organisation_id != current_user.organisation_id:
        abort(404)
    return module


def own_venue(venue_id: int) -> Venue:
    """Return a venue of the current user's organisation."""
    venue = db.session.get(Venue, venue_id)
    if venue is None or venue.organisation_id != current_user.organisation_id:
        abort(404)
    return venue


def own_room(room_id: int) -> Room:
    """Return a room of the current user's organisation."""
    room = db.session.get(Room, room_id)
    if room is None or room.venue.organisation_id != current_user.organisation_id:
        abort(404)
    return room
