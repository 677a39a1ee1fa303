"""A guest organisation's side of a visit: the invitation to accept, and leaving."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from planner.enums import GuestState
from planner.extensions import db
from planner.forms.guests import InvitationAnswerForm, LeaveForm
from planner.models import Visit, VisitGuest
from planner.services.errors import InvalidInput
from planner.services.guests import InvitationGone, accept, decline, leave
from planner.services.permissions import can_answer_invitation
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
