"""The thread of a visit: the messages between the host's office and its guests' offices."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from planner.extensions import db
from planner.forms.thread import MessageForm
from planner.forms.widgets import choices
from planner.i18n import current_language
from planner.models import Visit
from planner.services.errors import InvalidInput
from planner.services.thread import ThreadPage, load_thread, mark_read, post_message
from planner.views.access import permission_required
from planner.views.navigation import show_error

bp = Blueprint("thread", __name__)


def _form(page: ThreadPage) -> MessageForm:
    form = MessageForm()
    form.addressee.choices = choices(page.addressees)
    form.item.choices = choices([(0, _("– no item –"))] + [(i.id, i.label) for i in page.items])
    form.version.choices = choices(
        [(0, _("– no version –"))] + [(v.id, v.label) for v in page.versions]
    )
    return form


def _render(page: ThreadPage, form: MessageForm, status: int = 200):
    """Show the thread and note that the reader has now seen it (after rendering: the
    commit would have every message read again)."""
    html = render_template("thread/show.html", page=page, visit=page.visit, form=form)
    mark_read(current_user, page.visit.id, page.newest_id)
    db.session.commit()
    return html, status


@bp.get("/visits/<id:visit_id>/thread")
@permission_required("thread.view")
def show(visit_id: int, visit: Visit):
    """Show a visit's thread as the reader's organisation sees it, new messages marked."""
    page = load_thread(visit, current_user, current_language())
    return _render(page, _form(page))


@bp.post("/visits/<id:visit_id>/thread")
@permission_required("thread.write")
def write(visit_id: int, visit: Visit):
    """Write a message into the visit's thread; its readers are told by e-mail."""
    page = load_thread(visit, current_user, current_language())
    form = _form(page)
    if not form.validate_on_submit():
        return _render(page, form, 422)
    try:
        message = post_message(
            visit, current_user, form.body.data, form.addressee.data, current_language(),
            item_id=form.item.data or None, version_id=form.version.data or None,
        )  # fmt: skip
        db.session.commit()
    except InvalidInput as error:
        db.session.rollback()
        show_error(form, error)
        # The rollback expired what the page had loaded: loaded again, in a few queries.
        return _render(load_thread(visit, current_user, current_language()), form, 422)
    flash(_("Your message has been sent."), "success")
    return redirect(url_for("thread.show", visit_id=visit.id, _anchor=f"message-{message.id}"))
