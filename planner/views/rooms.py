"""Venues and rooms of the organisation, and a room's occupancy across all visits."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from planner.extensions import db
from planner.forms.catalogue import RoomForm, VenueForm
from planner.forms.widgets import choices
from planner.models import Room, Venue
from planner.services.catalogue import room_occupancy, save_room, save_venue, venues_of
from planner.services.errors import InvalidInput
from planner.services.locking import EditConflict, save_with_lock
from planner.services.permissions import can_view_visit
from planner.views.access import permission_required
from planner.views.navigation import show_error

bp = Blueprint("rooms", __name__, url_prefix="/rooms")


@bp.get("")
@permission_required("login")
def index():
    """List the organisation's venues and their rooms."""
    return render_template("rooms/index.html", venues=venues_of(current_user.organisation_id))


@bp.route("/venues/new", methods=["GET", "POST"])
@bp.route("/venues/<id:venue_id>/edit", methods=["GET", "POST"])
@permission_required("catalogue.edit")
def edit_venue(venue: Venue | None = None):
    """Create or change a building, refusing to overwrite another's change."""
    form = VenueForm(obj=venue)
    others = None
    if form.validate_on_submit():

        def save():
            return save_venue(
                current_user.organisation,
                form.name.data,
                form.address.data or "",
                form.accessibility_notes.data or "",
                venue,
            )

        try:
            if venue is None:
                save()
            else:
                save_with_lock(venue, form.expected_version(), save)
            db.session.commit()
        except EditConflict as conflict:
            db.session.rollback()
            others = form.refusal(conflict, venue)
        except InvalidInput as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("The building has been saved."), "success")
            return redirect(url_for("rooms.index"))
    return render_template("rooms/edit_venue.html", form=form, venue=venue, others=others)


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<id:room_id>/edit", methods=["GET", "POST"])
@permission_required("catalogue.edit")
def edit_room(room: Room | None = None):
    """Create or change a room, refusing to overwrite another's change."""
    form = RoomForm(obj=room)
    form.venue.choices = choices((v.id, v.name) for v in venues_of(current_user.organisation_id))
    others = None
    if request.method == "GET":
        form.venue.data = room.venue_id if room else request.args.get("venue", type=int)
    if form.validate_on_submit():

        def save():
            return save_room(
                current_user.organisation,
                form.venue.data,
                form.name.data,
                form.capacity.data,
                form.accessibility_notes.data or "",
                room,
            )

        try:
            if room is None:
                save()
            else:
                save_with_lock(room, form.expected_version(), save)
            db.session.commit()
        except EditConflict as conflict:
            db.session.rollback()
            others = form.refusal(conflict, room)
        except InvalidInput as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("The room has been saved."), "success")
            return redirect(url_for("rooms.index"))
    return render_template("rooms/edit_room.html", form=form, room=room, others=others)


@bp.get("/<id:room_id>/occupancy")
@permission_required("room.view")
def occupancy(room: Room):
    """Show what keeps a room busy on a day, across all visits."""
    try:
        day = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        day = date.today()  # noqa: DTZ011 (the server's calendar day)
    if not date(1900, 1, 1) <= day <= date(2999, 12, 31):
        abort(400)
    items = room_occupancy(room, day)
    return render_template(
        "rooms/occupancy.html",
        room=room,
        day=day,
        items=items,
        visible={item.visit_id for item in items if can_view_visit(current_user, item.visit)},
    )
