"""A guest organisation's side of a visit: the invitation to accept, and leaving; the
first planner of an organisation known only by its name, invited and signing up."""

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from planner.enums import GuestState
from planner.extensions import db
from planner.forms.guests import FirstPlannerForm, InvitationAnswerForm, LeaveForm, SignupForm
from planner.models import Organisation, Visit, VisitGuest
from planner.services.errors import InvalidInput
from planner.services.guests import InvitationGone, accept, decline, leave
from planner.services.permissions import can_answer_invitation
from planner.services.signup import (
    complete_signup,
    invite_first_planner,
    is_name_only,
    read_signup_token,
)
from planner.views.access import permission_required
from planner.views.navigation import show_error

bp = Blueprint("guests", __name__)


def _page(invitation: VisitGuest, form: InvitationAnswerForm, status: int = 200):
    return (
        render_template(
            "guests/invitation.html",
            invitation=invitation,
            visit=invitation.visit,
            form=form,
            can_answer=can_answer_invitation(current_user, invitation),
        ),
        status,
    )


@bp.get("/visits/<id:invitation_visit_id>/invitation")
@permission_required("invitation.view")
def invitation(invitation_visit_id: int, invitation: VisitGuest):
    """Show the invitation to a visit: what, when, who hosts; to answer or to read."""
    if invitation.state is GuestState.ACCEPTED:
        return redirect(url_for("visits.show", visit_id=invitation.visit_id))
    return _page(invitation, InvitationAnswerForm())


@bp.post("/visits/<id:invitation_visit_id>/invitation")
@permission_required("invitation.answer")
def answer(invitation_visit_id: int, invitation: VisitGuest):
    """Accept or decline the invitation for the user's organisation."""
    visit_id = invitation.visit_id
    if invitation.state is GuestState.ACCEPTED:
        # Accepted already, by this planner or another: nothing more to do.
        return redirect(url_for("visits.show", visit_id=visit_id))
    form = InvitationAnswerForm()
    if not form.validate_on_submit():
        return _page(invitation, form, 422)
    try:
        if form.answer.data == "accept":
            accept(invitation, current_user)
        else:
            decline(invitation, current_user, form.message.data or "")
        db.session.commit()
    except InvitationGone:
        db.session.rollback()
        abort(409)
    except InvalidInput as error:
        db.session.rollback()
        show_error(form, error)
        return _page(invitation, form, 422)
    if form.answer.data == "accept":
        flash(_("You accepted the invitation; the host has been told."), "success")
        return redirect(url_for("visits.show", visit_id=visit_id))
    flash(_("You declined the invitation; the host has been told."), "success")
    return redirect(url_for("visits.index"))


@bp.route("/visits/<id:visit_id>/leave", methods=["GET", "POST"])
@permission_required("visit.leave")
def leave_visit(visit_id: int, visit: Visit):
    """Ask before taking the user's organisation off a visit it accepted."""
    form = LeaveForm()
    if request.method == "POST":
        if not form.confirmed():
            if form.is_submitted() and form.confirm.data and form.errors:
                return render_template("guests/leave.html", form=form, visit=visit), 422
            return redirect(url_for("guests.leave_visit", visit_id=visit.id))
        try:
            leave(visit, current_user, form.message.data or "")
            db.session.commit()
        except InvitationGone:
            db.session.rollback()
            abort(409)
        except InvalidInput as error:
            db.session.rollback()
            show_error(form, error)
            return render_template("guests/leave.html", form=form, visit=visit), 422
        flash(_("Your organisation has left the visit; the host has been told."), "success")
        return redirect(url_for("visits.index"))
    return render_template("guests/leave.html", form=form, visit=visit)


@bp.route(
    "/visits/<id:visit_id>/guests/<id:guest_organisation_id>/first-planner",
    methods=["GET", "POST"],
)
@permission_required("visit.edit")
def first_planner(visit_id: int, guest_organisation_id: int, visit: Visit, guest: Organisation):
    """Invite a person to become the first planner of a guest known only by its name."""
    form = FirstPlannerForm()
    name_only = is_name_only(guest)
    status = 200
    if request.method == "POST" and name_only:
        if form.validate_on_submit():
            try:
                invite_first_planner(visit, guest, form.name.data, form.email.data)
                db.session.commit()
            except InvalidInput as error:
                db.session.rollback()
                show_error(form, error)
            else:
                flash(_("The invitation to sign up has been sent to %(email)s.",
                        email=form.email.data), "success")  # fmt: skip
                return redirect(url_for("visits.show", visit_id=visit.id))
        status = 422
    page = render_template("guests/first_planner.html", form=form, visit=visit, guest=guest,
                           name_only=name_only)  # fmt: skip
    return page, status


def _signup_invalid():
    return render_template("guests/signup_invalid.html"), 400


@bp.route("/signup/<token>", methods=["GET", "POST"])
@permission_required("token")
def signup(token: str):
    """Let the invited person set a password and become the organisation's first planner."""
    invite = read_signup_token(token)
    if invite is None:
        return _signup_invalid()
    form = SignupForm()
    if request.method == "GET":
        form.name.data = invite.name
    elif form.validate_on_submit():
        try:
            user = complete_signup(token, form.name.data, form.password.data)
        except InvalidInput as error:
            db.session.rollback()
            show_error(form, error)
        else:
            if user is None:
                db.session.rollback()
                return _signup_invalid()
            # A new session: nothing of an earlier login carries over but the language.
            language = session.get("lang")
            session.clear()
            if language:
                session["lang"] = language
            login_user(user)
            session.permanent = True
            db.session.commit()
            flash(_("Welcome! You are now a planner of %(organisation)s.",
                    organisation=invite.organisation.name), "success")  # fmt: skip
            return redirect(url_for("guests.invitation", invitation_visit_id=invite.visit.id))
    status = 422 if form.errors else 200
    return render_template("guests/signup.html", form=form, invite=invite), status
