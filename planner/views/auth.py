"""Logging in and out."""

from flask import (
    Blueprint,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from planner.extensions import db
from planner.forms.auth import LoginForm
from planner.services.auth import authenticate, end_sessions, login_name
from planner.views.access import permission_required
from planner.views.navigation import local_target

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@permission_required("public")
def login():
    """Show the login form and log a staff member in."""
    if current_user.is_authenticated:
        return redirect(url_for("visits.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        throttle = current_app.extensions["login_throttle"]
        account, address = login_name(form.email.data), get_remote_address()
        wait = throttle.wait_seconds(account, address)
        if wait:
            # The password is not even checked: waiting is the point.
            error = ngettext(
                "This account had too many failed logins. "
                "Please wait %(num)d second before trying again.",
                "This account had too many failed logins. "
                "Please wait %(num)d seconds before trying again.",
                wait,
            )
            response = render_template("auth/login.html", form=form, error=error)
            return response, 429, {"Retry-After": str(wait)}
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            throttle.record_success(account)
            # A new session on login: nothing from before the login carries over
            # but the chosen language.
            language = session.get("lang")
            session.clear()
            if language:
                session["lang"] = language
            login_user(user)
            session.permanent = True
            db.session.commit()
            return redirect(local_target(request.args.get("next")))
        g.login_failed = True
        throttle.record_failure(account, address)
        error = _("The e-mail address or the password is wrong.")
    return render_template("auth/login.html", form=form, error=error)


@bp.route("/logout", methods=["GET", "POST"])
@permission_required("public")
def logout():
    """Ask to confirm (GET) and log out (POST)."""
    if request.method == "POST":
        if current_user.is_authenticated:
            # Sessions live in signed cookies: a copy of this one must stop working too.
            end_sessions(current_user)
            db.session.commit()
        logout_user()
        language = session.get("lang")
        session.clear()
        if language:
            session["lang"] = language
        return redirect(url_for("auth.login"))
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return render_template("auth/logout.html")
