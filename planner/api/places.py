"""The organisation's catalogue through the API: its venues and rooms, and its programme
modules with their texts in both languages. Another organisation's answer 404."""

from flask_login import current_user
from flask_smorest import Blueprint

from planner.api import people_schemas as schemas
from planner.models import ProgrammeModule, Room, Venue
from planner.services.agenda import modules_of
from planner.services.catalogue import venues_of
from planner.views.access import permission_required

blp = Blueprint(
    "api-places",
    __name__,
    url_prefix="/api/v1",
    description="The token's organisation's venues, rooms and programme modules.",
)


def room_json(room: Room) -> dict:
    """Return a room as the API gives it."""
    return {
        "id": room.id,
        "venue_id": room.venue_id,
        "name": room.name,
        "capacity": room.capacity,
        "accessibility_notes": room.accessibility_notes,
        "lock_version": room.lock_version,
    }


def venue_json(venue: Venue) -> dict:
    """Return a venue with its rooms, by name."""
    return {
        "id": venue.id,
        "name": venue.name,
        "address": venue.address,
        "accessibility_notes": venue.accessibility_notes,
        "lock_version": venue.lock_version,
        "rooms": [room_json(room) for room in sorted(venue.rooms, key=lambda r: r.name)],
    }


def module_json(module: ProgrammeModule) -> dict:
    """Return a programme module with its texts in both languages."""
    return {
        "id": module.id,
        "key": module.key,
        "kind": module.kind,
        "titles": {"de": module.title_de, "en": module.title_en},
        "descriptions": {"de": module.description_de, "en": module.description_en},
        "default_duration_minutes": module.default_duration_minutes,
        "default_room_id": module.default_room_id,
        "lock_version": module.lock_version,
    }


@blp.route("/venues")
@permission_required("login")
@blp.response(200, schemas.VenueList)
def venues():
    """List the organisation's venues with their rooms, by name."""
    return {"venues": [venue_json(venue) for venue in venues_of(current_user.organisation_id)]}


@blp.route("/venues/<id:venue_id>")
@permission_required("catalogue.view")
@blp.response(200, schemas.CatalogueVenue)
def venue(venue: Venue):
    """Read one of the organisation's venues with its rooms."""
    return venue_json(venue)


@blp.route("/rooms/<id:room_id>")
@permission_required("room.view")
@blp.response(200, schemas.CatalogueRoom)
def room(room: Room):
    """Read one of the organisation's rooms."""
    return room_json(room)


@blp.route("/modules")
@permission_required("login")
@blp.response(200, schemas.ModuleList)
def modules():
    """List the organisation's programme modules, by German title."""
    return {"modules": [module_json(module) for module in modules_of(current_user.organisation_id)]}


@blp.route("/modules/<id:module_id>")
@permission_required("catalogue.view")
@blp.response(200, schemas.CatalogueModule)
def module(module: ProgrammeModule):
    """Read one of the organisation's programme modules."""
    return module_json(module)
