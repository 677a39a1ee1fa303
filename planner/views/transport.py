"""The vehicles of a visit and who rides in which of them on each transfer: the host's."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from planner.enums import ItemKind, VehicleKind
from planner.extensions import db
from planner.forms.confirm import ConfirmForm
from planner.forms.transport import SeatsForm, VehicleForm
from planner.forms.widgets import choices
from planner.i18n import enum_labels
from planner.models import AgendaItem, Vehicle, Visit
from planner.services.attendance import load_participations
from planner.services.errors import InvalidInput
from planner.services.item_texts import reader_language
from planner.services.locking import EditConflict, save_with_lock
from planner.services.permissions import can_edit_visit
from planner.services.transport import (
    SeatingChanged,
    VehicleValues,
    assign_seats,
    attendees_of,
    propose_seats,
    ride_count,
    rides_of,
    save_vehicle,
    seating_digest,
    transfer_items,
    transport_warnings,
    vehicles_of,
)
from planner.views.access import permission_required
from planner.views.navigation import show_error

bp = Blueprint("transport", __name__)

# A vehicle id as a form sends it: digits, and no more of them than an id has.
MAX_ID_DIGITS = 12


@bp.get("/visits/<id:visit_id>/vehicles")
@permission_required("transport.view")
def vehicles(visit: Visit):
    """List the visit's vehicles, its transfers and the warnings about them."""
    fleet = vehicles_of(visit)
    transfers = transfer_items(visit)
    rides = rides_of(visit)
    riders = {
        vehicle.id: sum(1 for seats in rides.values() for v in seats.values() if v == vehicle.id)
        for vehicle in fleet
    }
    return render_template(
        "transport/vehicles.html",
        visit=visit,
        vehicles=fleet,
        transfers=transfers,
        riders=riders,
        seated={item.id: len(rides.get(item.id, {})) for item in transfers},
        warnings=transport_warnings(visit, reader_language()),
        can_edit=can_edit_visit(current_user, visit),
    )


def _vehicle_form(vehicle: Vehicle | None) -> VehicleForm:
    form = VehicleForm(obj=vehicle)
    labels = enum_labels()["vehicle_kind"]
    form.kind.choices = choices((kind.value, labels[kind]) for kind in VehicleKind)
    if vehicle is not None and request.method == "GET":
        form.kind.data = vehicle.kind.value
        form.show_version(vehicle)
    return form


def _values(form: VehicleForm) -> VehicleValues:
    return VehicleValues(
        kind=VehicleKind(form.kind.data),
        name=form.name.data,
        plate=(form.plate.data or "").strip(),
        seats=form.seats.data,
        driver_name=form.driver_name.data or "",
        driver_phone=form.driver_phone.data or "",
        notes=form.notes.data or "",
    )


@bp.route("/visits/<id:visit_id>/vehicles/new", methods=["GET", "POST"])
@bp.route("/visits/<id:visit_id>/vehicles/<id:vehicle_id>/edit", methods=["GET", "POST"])
@permission_required("visit.edit")
def edit_vehicle(visit: Visit, vehicle: Vehicle | None = None):
    """Add a vehicle or change one, refusing to overwrite another's change."""
    form = _vehicle_form(vehicle)
    others = None
    if form.validate_on_submit():
        values = _values(form)
        try:
            if vehicle is None:
                save_vehicle(visit, values)
            else:
                save_with_lock(
                    vehicle, form.expected_version(), lambda: save_vehicle(visit, values, vehicle)
                )
            db.session.commit()
        except EditConflict as conflict:
            db.session.rollback()
            others = form.refusal(conflict, vehicle)
        except InvalidInput as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("The vehicle has been saved."), "success")
            return redirect(url_for("transport.vehicles", visit_id=visit.id))
    return render_template(
        "transport/edit_vehicle.html", form=form, visit=visit, vehicle=vehicle, others=others
    )


@bp.route("/visits/<id:visit_id>/vehicles/<id:vehicle_id>/delete", methods=["GET", "POST"])
@permission_required("visit.edit")
def delete_vehicle(visit: Visit, vehicle: Vehicle):
    """Ask before removing a vehicle with its passengers' seats, then remove it."""
    form = ConfirmForm()
    if request.method == "POST":
        if not form.confirmed():
            return redirect(
                url_for("transport.delete_vehicle", visit_id=visit.id, vehicle_id=vehicle.id)
            )
        db.session.delete(vehicle)
        db.session.commit()
        flash(_("The vehicle has been deleted."), "success")
        return redirect(url_for("transport.vehicles", visit_id=visit.id))
    return render_template(
        "transport/delete_vehicle.html",
        form=form,
        visit=visit,
        vehicle=vehicle,
        seats=ride_count(vehicle),
    )


def _transfer(item: AgendaItem) -> AgendaItem:
    """Return the item if it is a transfer; other items have no vehicles (404)."""
    if item.kind != ItemKind.TRANSFER:
        abort(404)
    return item


def _chosen(people, fleet) -> dict[int, int | None]:
    """Read the vehicle chosen for each participant from the form; unknown ones refused."""
    known = {vehicle.id for vehicle in fleet}
    chosen: dict[int, int | None] = {}
    for participation in people:
        text = request.form.get(f"seat-{participation.id}", "")
        if text.isdecimal() and len(text) <= MAX_ID_DIGITS and int(text) in known:
            chosen[participation.id] = int(text)
        elif text:
            abort(422)
        else:
            chosen[participation.id] = None
    return chosen


def _render_transfer(visit, item, form, seats, *, proposed=False, refused=False) -> str:
    fleet = vehicles_of(visit)
    people = attendees_of(item, load_participations(visit.id))
    warnings = [w for w in transport_warnings(visit, reader_language()) if w.item_id == item.id]
    counts = {vehicle.id: sum(1 for v in seats.values() if v == vehicle.id) for vehicle in fleet}
    return render_template(
        "transport/transfer.html",
        visit=visit,
        item=item,
        form=form,
        vehicles=fleet,
        people=people,
        seats=seats,
        counts=counts,
        warnings=warnings,
        proposed=proposed,
        refused=refused,
        can_edit=can_edit_visit(current_user, visit),
    )


@bp.get("/visits/<id:visit_id>/transfers/<id:item_id>")
@permission_required("transport.view")
def transfer(visit: Visit, item: AgendaItem):
    """Show who rides in which vehicle on a transfer, as a form for the host's planners."""
    _transfer(item)
    seats = rides_of(visit).get(item.id, {})
    form = SeatsForm()
    form.opened_at.data = seating_digest(seats)
    return _render_transfer(visit, item, form, seats)


@bp.post("/visits/<id:visit_id>/transfers/<id:item_id>")
@permission_required("visit.edit")
def save_transfer(visit: Visit, item: AgendaItem):
    """Save who rides where, or fill the form with a proposal by protocol order."""
    _transfer(item)
    form = SeatsForm()
    if not form.validate_on_submit():
        abort(400)
    fleet = vehicles_of(visit)
    people = attendees_of(item, load_participations(visit.id))
    if "propose" in request.form:
        proposal = propose_seats(visit, fleet, people)
        return _render_transfer(visit, item, form, proposal, proposed=True)
    chosen = _chosen(people, fleet)
    try:
        assign_seats(visit, item, chosen, form.opened_at.data or "")
        db.session.commit()
    except SeatingChanged:
        db.session.rollback()
        current = rides_of(visit).get(item.id, {})
        form.opened_at.data = seating_digest(current)
        return _render_transfer(visit, item, form, chosen, refused=True)
    flash(_("The seats have been saved."), "success")
    return redirect(url_for("transport.transfer", visit_id=visit.id, item_id=item.id))
