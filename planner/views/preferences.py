"""Interface preferences kept in the session."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, request, session, url_for

bp = Blueprint("preferences", __name__)


@bp.post("/language")
def set_language():
    """Switch the interface language and return to the page the switch was on."""
    language = request.form.get("lang", "")
    if language not in current_app.config["LANGUAGES"]:
        abort(400)
    session["lang"] = language
    target = request.form.get("next", "")
    # Only paths of this site: an absolute URL here would be an open redirect.
    parts = urlsplit(target)
    if not target.startswith("/") or target.startswith("//") or parts.scheme or parts.netloc:
        target = url_for("visits.index")
    return redirect(target)
