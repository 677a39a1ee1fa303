"""The seating editor of an agenda item: propose by precedence, then move people."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from planner.enums import HeadsCustom, SeatingLayout
from planner.extensions import db
from planner.forms.seating import LayoutForm, SeatsForm, SwapForm, sent_marks, sent_seats
from planner.forms.widgets import choices
from planner.i18n import current_language
from planner.models import AgendaItem, SeatingPlan, Visit
from planner.services.errors import InvalidInput
from planner.services.item_texts import title_in
from planner.services.locking import EditConflict
from planner.services.permissions import can_edit_visit
from planner.services.seating_plans import (
    is_seated,
    load_plan,
    plan_warnings,
    propose_plan,
    row_label,
    save_seats,
    seated_participations,
    swap_seats,
)
from planner.views.access import permission_required
from planner.views.navigation import show_error

bp = Blueprint("seating", __name__)

STALE = 409


def _seated_item(item: AgendaItem) -> None:
    if not is_seated(item):
        abort(404)


def _seat_name(table_number: int, seat_number: int) -> str:
    return _("Table %(table)s, seat %(seat)s", table=table_number, seat=seat_number)


def _editor(
    visit: Visit,
    item: AgendaItem,
    *,
    layout_form: LayoutForm | None = None,
    error: str | None = None,
    status: int = 200,
):
    """Render the editor with the plan as stored now."""
    plan = load_plan(item)
    participations = seated_participations(item)
    seats_form, swap_form = SeatsForm(formdata=None), SwapForm(formdata=None)
    if layout_form is None:
        # A form refused with what was typed keeps it; otherwise the plan's own values.
        layout_form = LayoutForm(formdata=None)
        if plan is not None:
            layout_form.layout.data = plan.layout.value
            layout_form.heads.data = plan.heads.value
            layout_form.tables.data = plan.table_count
            layout_form.seats_per_table.data = plan.seats_per_table
            layout_form.show_version(plan)
    if plan is not None:
        seats_form.show_version(plan)
        swap_form.show_version(plan)
        swap_form.first.choices = swap_form.second.choices = choices(
            (seat.id, _seat_name(table.number, seat.number))
            for table in plan.tables
            for seat in table.seats
        )
    html = render_template(
        "seating/edit.html",
        visit=visit,
        item=item,
        title=title_in(item, current_language()),
        plan=plan,
        people=[p.person for p in participations],
        warnings=plan_warnings(plan, participations) if plan else [],
        layout_form=layout_form,
        seats_form=seats_form,
        swap_form=swap_form,
        can_edit=can_edit_visit(current_user, visit),
        error=error,
        row_label=row_label,
    )
    return html, status


def _stale() -> str:
    return _(
        "The seating plan was changed by someone else in the meantime. Nothing was saved: "
        "this is the plan as it is now."
    )


def _back(visit: Visit, item: AgendaItem, anchor: str | None = None):
    return redirect(url_for("seating.edit", visit_id=visit.id, item_id=item.id, _anchor=anchor))


@bp.get("/visits/<id:visit_id>/items/<id:item_id>/seating")
@permission_required("seating.view")
def edit(visit: Visit, item: AgendaItem):
    """Show an item's seating plan; planners propose one and move people."""
    _seated_item(item)
    return _editor(visit, item)


@bp.post("/visits/<id:visit_id>/items/<id:item_id>/seating/propose")
@permission_required("visit.edit")
def propose(visit: Visit, item: AgendaItem):
    """Lay out the tables and seat the item's people by precedence."""
    _seated_item(item)
    form = LayoutForm()
    existing = db.session.scalar(select(SeatingPlan.id).where(SeatingPlan.item_id == item.id))
    if not form.validate_on_submit():
        return _editor(visit, item, layout_form=form, status=422)
    if existing is not None and not form.replace.data:
        form.replace.errors = [_("Confirm that the current seating is replaced.")]
        return _editor(visit, item, layout_form=form, status=422)
    try:
        propose_plan(
            item,
            SeatingLayout(form.layout.data),
            HeadsCustom(form.heads.data),
            form.tables.data,
            form.seats_per_table.data,
            form.expected_version(),
        )
        db.session.commit()
    except EditConflict:
        db.session.rollback()
        return _editor(visit, item, error=_stale(), status=STALE)
    except InvalidInput as error:
        db.session.rollback()
        show_error(form, error)
        return _editor(visit, item, layout_form=form, status=422)
    flash(_("The seating has been proposed by precedence."), "success")
    return _back(visit, item)


def _plan_or_404(item: AgendaItem) -> SeatingPlan:
    plan = load_plan(item)
    if plan is None:
        abort(404)
    return plan


@bp.post("/visits/<id:visit_id>/items/<id:item_id>/seating/seats")
@permission_required("visit.edit")
def save(visit: Visit, item: AgendaItem):
    """Seat people as the form with a choice per seat says."""
    _seated_item(item)
    plan = _plan_or_404(item)
    form = SeatsForm()
    seat_ids = [seat.id for table in plan.tables for seat in table.seats]
    people = sent_seats(request.form, seat_ids)
    if not form.validate_on_submit() or people is None:
        return _editor(visit, item, error=_("Choose a person or nobody for each seat."), status=422)
    marks = sent_marks(request.form, [table.id for table in plan.tables])
    try:
        save_seats(plan, item, people, marks, form.expected_version())
        db.session.commit()
    except EditConflict:
        db.session.rollback()
        return _editor(visit, item, error=_stale(), status=STALE)
    except InvalidInput as error:
        db.session.rollback()
        return _editor(visit, item, error=str(error.message), status=422)
    flash(_("The seating has been saved."), "success")
    return _back(visit, item)


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.post("/visits/<id:visit_id>/items/<id:item_id>/seating/swap")
@permission_required("visit.edit")
def swap(visit: Visit, item: AgendaItem):
    """Exchange the people of two seats (the form's, or a drag and drop's, or the keys')."""
    _seated_item(item)
    plan = _plan_or_404(item)
    form = SwapForm()
    form.first.choices = form.second.choices = choices(
        (seat.id, str(seat.id)) for table in plan.tables for seat in table.seats
    )
    error, status = None, 422
    if not form.validate_on_submit():
        error = _("Choose two different seats of this plan.")
    else:
        try:
            swap_seats(plan, form.first.data, form.second.data, form.expected_version())
            db.session.commit()
        except EditConflict:
            db.session.rollback()
            error, status = _stale(), STALE
        except InvalidInput as failure:
            db.session.rollback()
            error = str(failure.message)
    if error is not None:
        if _wants_json():
            return jsonify({"saved": False, "message": error}), status
        return _editor(visit, item, error=error, status=status)
    message = _("The seats have been swapped.")
    anchor = f"seat-{form.second.data}"
    if _wants_json():
        flash(message, "success")
        location = url_for("seating.edit", visit_id=visit.id, item_id=item.id, _anchor=anchor)
        return jsonify({"saved": True, "message": message, "location": location})
    flash(message, "success")
    return _back(visit, item, anchor)
