"""The start page, the visit page and a visit's history."""

from datetime import date

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from planner.services.visits import (
    load_visit_history,
    load_visit_page,
    recent_visits,
    upcoming_visits,
)

bp = Blueprint("visits", __name__)


@bp.get("/")
@login_required
def index():
    """List the visits the user's organisation hosts or attends: upcoming, then recent."""
    today = date.today()  # noqa: DTZ011 (the server's calendar day decides "upcoming")
    return render_template(
        "visits/index.html",
        upcoming=upcoming_visits(current_user, today),
        recent=recent_visits(current_user, today),
    )


@bp.get("/visits/<int:visit_id>")
@login_required
def show(visit_id: int):
    """Show a visit: its agenda by day and its attendee list."""
    page = load_visit_page(visit_id, current_user)
    if page is None:
        abort(404)
    return render_template("visits/show.html", page=page, visit=page.visit)


@bp.get("/visits/<int:visit_id>/history")
@login_required
def history(visit_id: int):
    """Show who changed what in a visit, newest first."""
    try:
        loaded = load_visit_history(visit_id, current_user)
    except PermissionError:
        abort(403)
    if loaded is None:
        abort(404)
    visit, entries = loaded
    return render_template("visits/history.html", visit=visit, entries=entries)
