"""Sending invitations and reviewing the outbox."""

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from planner.enums import OutboxStatus, VisitStatus
from planner.extensions import db
from planner.forms.confirm import ConfirmForm
from planner.forms.outbox import LetterTextForm, MessageForm
from planner.models import OutboxMessage, Visit
from planner.services.invitations import draft_invitations, outbox_groups, unreachable
from planner.services.letters import (
    calendar_entries,
    earlier_letter_text,
    letter_text,
    reach,
    save_letter_text,
    set_text,
    text_to_html,
)
from planner.services.locking import EditConflict, save_with_lock
from planner.services.replies import replies_of
from planner.services.versions import latest_version
from planner.views.access import permission_required

bp = Blueprint("outbox", __name__)


@bp.get("/visits/<id:visit_id>/outbox")
@permission_required("visit.edit")
def index(visit_id: int, visit: Visit):
    """List the visit's messages: drafts to review, waiting, sent and failed."""
    version = latest_version(visit.id)
    return render_template(
        "outbox/index.html",
        visit=visit,
        groups=outbox_groups(visit.id),
        replies=replies_of(visit.id),
        unreachable=unreachable(visit.id),
        version=version,
        shared=letter_text(visit.id, version.number) if version else None,
        reach=reach(visit.id, version.number) if version else None,
    )


def _invitation_doubt(visit: Visit) -> str | None:
    """Say why inviting to the visit may be a mistake (it is over), or None."""
    if visit.status == VisitStatus.COMPLETED:
        return _("The visit is marked as completed.")
    today = datetime.now(ZoneInfo(visit.timezone)).date()
    if visit.last_day < today:
        return _("The visit ended on %(day)s.", day=format_date(visit.last_day, "long"))
    return None


@bp.route("/visits/<id:visit_id>/invitations", methods=["GET", "POST"])
@permission_required("visit.edit")
def invite(visit_id: int, visit: Visit):
    """Draft invitations for every participant with an address who has none yet; for a
    visit that is over, only after a confirmation page."""
    version = latest_version(visit.id)
    if version is None:
        flash(_("Issue a version of the agenda first."), "error")
        return redirect(url_for("visits.show", visit_id=visit.id))
    doubt = _invitation_doubt(visit)
    form = ConfirmForm()
    if request.method == "GET":
        if doubt is None:
            return redirect(url_for("visits.show", visit_id=visit.id))
        return render_template("outbox/invite.html", visit=visit, form=form, doubt=doubt)
    if doubt is not None and not form.confirmed():
        return redirect(url_for("outbox.invite", visit_id=visit.id))
    count = draft_invitations(visit, version)
    db.session.commit()
    flash(
        ngettext(
            "Invitations drafted for %(num)d person. Review and send them here.",
            "Invitations drafted for %(num)d people. Review and send them here.",
            count,
        ),
        "success",
    )
    missed = unreachable(visit.id)
    if missed:
        flash(
            ngettext(
                "%(num)d participant has no e-mail address and gets nothing: %(names)s.",
                "%(num)d participants have no e-mail address and get nothing: %(names)s.",
                len(missed),
                names=", ".join(person.display_name for person in missed),
            ),
            "warning",
        )
    return redirect(url_for("outbox.index", visit_id=visit.id))


@bp.post("/visits/<id:visit_id>/outbox/send")
@permission_required("visit.edit")
def send_drafts(visit_id: int, visit: Visit):
    """Release every draft of the visit to the outbox worker."""
    drafts = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.visit_id == visit.id, OutboxMessage.status == OutboxStatus.DRAFT
        )
    ).all()
    for message in drafts:
        message.status = OutboxStatus.PENDING
        message.next_attempt_at = None
    db.session.commit()
    flash(_("Messages released for sending: %(count)s.", count=len(drafts)), "success")
    return redirect(url_for("outbox.index", visit_id=visit.id))


@bp.route("/visits/<id:visit_id>/outbox/<id:message_id>", methods=["GET", "POST"])
@permission_required("visit.edit")
def edit(visit_id: int, message_id: int, message: OutboxMessage):
    """Change the subject and text of a draft before it goes out, refusing to overwrite
    another planner's change."""
    form = MessageForm(obj=message)
    editable = message.status == OutboxStatus.DRAFT
    others = None
    if request.method == "POST" and not editable:
        abort(409)
    if form.validate_on_submit():

        def change() -> None:
            if form.body_text.data != message.body_text:
                # Written by hand now: the shared text no longer changes it.
                message.edited = True
            message.subject = form.subject.data
            set_text(message, form.body_text.data)

        try:
            save_with_lock(message, form.expected_version(), change)
            db.session.commit()
        except EditConflict as conflict:
            db.session.rollback()
            others = form.refusal(conflict, message)
        else:
            flash(_("The message has been saved."), "success")
            return redirect(url_for("outbox.index", visit_id=visit_id))
    form.fit_text()
    visit = message.visit
    return render_template(
        "outbox/edit.html",
        message=message,
        form=form,
        visit=visit,
        editable=editable,
        others=others,
        entries=calendar_entries(message, visit.timezone),
    )


# Only the mail's own inline styles: no scripts, no requests, no navigation of the page.
PREVIEW_POLICY = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
)


@bp.get("/visits/<id:visit_id>/outbox/<id:message_id>/preview")
@permission_required("visit.edit")
def preview(visit_id: int, message_id: int, message: OutboxMessage):
    """Show the HTML part of a message as the recipient's mail program would."""
    html = message.body_html or text_to_html(message.body_text, message.language, message.subject)
    return Response(
        html,
        mimetype="text/html",
        headers={"Content-Security-Policy": PREVIEW_POLICY, "X-Frame-Options": "SAMEORIGIN"},
    )


@bp.route("/visits/<id:visit_id>/outbox/letter-text", methods=["GET", "POST"])
@permission_required("visit.edit")
def shared_text(visit_id: int, visit: Visit):
    """Write the text that goes into every letter of the latest version, refusing to
    overwrite another planner's change."""
    version = latest_version(visit.id)
    if version is None:
        flash(_("Issue a version of the agenda first."), "error")
        return redirect(url_for("outbox.index", visit_id=visit.id))
    record = letter_text(visit.id, version.number)
    earlier = earlier_letter_text(visit.id, version.number) if record is None else None
    # A new version starts from the text of the one before: offered, not yet put in.
    form = LetterTextForm(obj=record or earlier)
    if request.method == "GET":
        form.lock_version.data = str(record.lock_version if record else 0)
    others = None
    if form.validate_on_submit():
        try:
            changed = save_letter_text(visit, version.number, form.texts(),
                                       form.expected_version())  # fmt: skip
            db.session.commit()
        except EditConflict as conflict:
            db.session.rollback()
            record = letter_text(visit.id, version.number)
            if record is not None:
                others = form.refusal(conflict, record)
            else:
                others = form.refusal(conflict, SimpleNamespace(lock_version=0))
        else:
            flash(
                ngettext(
                    "The shared text has been saved and put into %(num)d draft.",
                    "The shared text has been saved and put into %(num)d drafts.",
                    changed,
                ),
                "success",
            )
            return redirect(url_for("outbox.index", visit_id=visit.id))
    return render_template(
        "outbox/shared_text.html",
        visit=visit,
        version=version,
        form=form,
        others=others,
        saved=record,
        earlier=earlier,
        reach=reach(visit.id, version.number),
    )


@bp.post("/visits/<id:visit_id>/outbox/<id:message_id>/discard")
@permission_required("visit.edit")
def discard(visit_id: int, message_id: int, message: OutboxMessage):
    """Drop a draft or a message that failed."""
    if message.status not in (OutboxStatus.DRAFT, OutboxStatus.FAILED, OutboxStatus.PENDING):
        abort(409)
    message.status = OutboxStatus.DISCARDED
    db.session.commit()
    flash(_("The message has been discarded."), "success")
    return redirect(url_for("outbox.index", visit_id=visit_id))


@bp.post("/visits/<id:visit_id>/outbox/<id:message_id>/retry")
@permission_required("visit.edit")
def retry(visit_id: int, message_id: int, message: OutboxMessage):
    """Send a failed message again."""
    if message.status != OutboxStatus.FAILED:
        abort(409)
    message.status = OutboxStatus.PENDING
    message.next_attempt_at = None
    message.attempts = 0
    db.session.commit()
    flash(_("The message will be sent again."), "success")
    return redirect(url_for("outbox.index", visit_id=visit_id))
