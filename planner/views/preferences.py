"""Interface preferences kept in the session."""

from flask import Blueprint, abort, current_app, redirect, request, session

from planner.views.access import permission_required
from planner.views.navigation import local_target

bp = Blueprint("preferences", __name__)


@bp.post("/language")
@permission_required("public")
def set_language():
    """Switch the interface language and return to the page the switch was on."""
    language = request.form.get("lang", "")
    if language not in current_app.config["LANGUAGES"]:
        abort(400)
    session["lang"] = language
    return redirect(local_target(request.form.get("next")))
