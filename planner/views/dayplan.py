"""The day plan: rooms as columns, time downwards; planners move items on it."""

from datetime import date, datetime

from flask import Blueprint, abort, flash, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from planner.extensions import db
from planner.i18n import current_language, format_span
from planner.models import AgendaItem, Visit
from planner.services.agenda import item_warnings, moved_values, rooms_of, update_item
from planner.services.dayplan import ROW_MINUTES, day_plan, plan_days
from planner.services.errors import InvalidInput
from planner.services.item_texts import title_in
from planner.services.locking import EditConflict, check_version, parse_version
from planner.services.visits import load_visit_page
from planner.views.access import permission_required

bp = Blueprint("dayplan", __name__)


@bp.get("/visits/<id:visit_id>/plan")
@bp.get("/visits/<id:visit_id>/plan/<day>")
@permission_required("visit.view", loaded_by_service=True)
def plan(visit_id: int, day: str | None = None):
    """Show one day of a visit with its rooms as columns; planners may move items."""
    page = load_visit_page(visit_id, current_user, current_language())
    if page is None:
        abort(404)
    if day is None:
        chosen = plan_days(page)[0]
    else:
        try:
            chosen = date.fromisoformat(day)
        except ValueError:
            abort(404)
    all_rooms = page.can_edit and request.args.get("rooms") == "all"
    rooms = rooms_of(page.visit.host_organisation_id) if all_rooms else None
    laid_out = day_plan(page, chosen, rooms)
    if laid_out is None:
        abort(404)
    return render_template(
        "dayplan/plan.html",
        plan=laid_out,
        page=page,
        visit=page.visit,
        all_rooms=all_rooms,
        row_minutes=ROW_MINUTES,
    )


def _refused(message: str, status: int):
    return jsonify({"saved": False, "message": message}), status


def _start(text: str | None) -> datetime | None:
    """Return the wall-clock beginning the script sent ("2023-02-23T10:15"), or None."""
    try:
        moment = datetime.fromisoformat((text or "").strip()[:16])
    except ValueError:
        return None
    return moment if moment.tzinfo is None else None


def _room(text: str | None) -> int | None | bool:
    """Return the room id sent, None for "no room", False for garbage."""
    text = (text or "").strip()
    if text in ("", "0"):
        return None
    return int(text) if text.isdecimal() and len(text) < 10 else False


def _stale_message(conflict: EditConflict, title: str) -> str:
    who = sorted({change.who or _("someone without a login") for change in conflict.changes})
    if who:
        return _(
            "“%(title)s” was changed by %(who)s in the meantime. Nothing was saved: reload "
            "the plan and move it again.",
            title=title,
            who=", ".join(who),
        )
    return _(
        "“%(title)s” was changed in the meantime. Nothing was saved: reload the plan and "
        "move it again.",
        title=title,
    )


@bp.post("/visits/<id:visit_id>/items/<id:item_id>/move")
@permission_required("visit.edit")
def move_item(visit_id: int, item_id: int, visit: Visit, item: AgendaItem):
    """Move an item to another beginning or room: warn first, refuse a stale plan."""
    starts_at, room_id = _start(request.form.get("start")), _room(request.form.get("room"))
    if starts_at is None or room_id is False:
        return _refused(_("Choose a valid time and room."), 422)
    fold = request.form.get("start_fold")
    expected = parse_version(request.form.get("lock_version"))
    title = title_in(item, current_language())
    try:
        # A stale plan is refused before anyone is asked about warnings it may not have.
        check_version(item, expected)
        values = moved_values(item, starts_at, room_id, int(fold) if fold in ("0", "1") else None)
        warnings = item_warnings(visit, item, values, current_user.organisation_id)
        if warnings and request.form.get("confirm_conflicts") != "1":
            return jsonify(
                {
                    "saved": False,
                    "needs_confirmation": True,
                    "message": _("Moving “%(title)s” causes warnings. Save anyway?", title=title),
                    "warnings": [str(warning.message) for warning in warnings],
                }
            )
        update_item(item, values, expected)
        db.session.commit()
    except EditConflict as conflict:
        db.session.rollback()
        return _refused(_stale_message(conflict, title), 409)
    except InvalidInput as error:
        db.session.rollback()
        message = str(error.message)
        if error.field == "start_fold":
            message = " ".join((message, _("Choose the reading in the item’s form.")))
        return _refused(message, 422)
    room = item.room.label if item.room else _("no room")
    message = _(
        "“%(title)s” moved to %(time)s, %(room)s.",
        title=title,
        time=format_span(item, visit.timezone),
        room=room,
    )
    if warnings:
        despite = _("Saved despite warnings (%(count)s).", count=len(warnings))
        message = f"{message} {despite}"
    flash(message, "warning" if warnings else "success")
    day = item.starts_at.date().isoformat()
    return jsonify(
        {
            "saved": True,
            "message": message,
            "location": url_for(
                "dayplan.plan",
                visit_id=visit.id,
                day=day,
                rooms="all" if request.form.get("rooms") == "all" else None,
                _anchor=f"item-{item.id}",
            ),
        }
    )
