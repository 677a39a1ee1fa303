"""The start page and the visit page."""

from datetime import date

from flask import Blueprint, abort, render_template

from planner.services.visits import load_visit_page, recent_visits, upcoming_visits

bp = Blueprint("visits", __name__)


@bp.get("/")
def index():
    """List upcoming visits, then recent ones."""
    today = date.today()  # noqa: DTZ011 (the server's calendar day decides "upcoming")
    return render_template(
        "visits/index.html",
        upcoming=upcoming_visits(today),
        recent=recent_visits(today),
    )


@bp.get("/visits/<int:visit_id>")
def show(visit_id: int):
    """Show a visit: its agenda by day and its attendee list."""
    page = load_visit_page(visit_id)
    if page is None:
        abort(404)
    return render_template("visits/show.html", page=page, visit=page.visit)
