"""The Golden Book entries of a visit and their signing order, changed without JavaScript."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from planner.extensions import db
from planner.forms.confirm import ConfirmForm
from planner.forms.gifts import NewEntryForm, SignerForm
from planner.forms.widgets import choices
from planner.i18n import item_title
from planner.models import AgendaItem, GoldenBookEntry, Visit
from planner.services.attendance import load_participations
from planner.services.errors import InvalidInput
from planner.services.golden_book import (
    add_entry,
    add_signer,
    delete_entry,
    entries_of,
    items_without_entry,
    move_signer,
    order_by_precedence,
    remove_signer,
)
from planner.services.locking import EditConflict, save_with_lock
from planner.services.permissions import can_edit_visit
from planner.views.access import permission_required

bp = Blueprint("golden_book", __name__)


def _page(visit: Visit):
    return redirect(url_for("golden_book.index", visit_id=visit.id))


@bp.get("/visits/<id:visit_id>/golden-book")
@permission_required("visit.internal")
def index(visit: Visit):
    """Show the items with a Golden Book entry and who signs them, in order."""
    new_entry = NewEntryForm()
    new_entry.item.choices = choices(
        (item.id, item_title(item)) for item in items_without_entry(visit)
    )
    people = choices((p.person_id, p.person.display_name) for p in load_participations(visit.id))
    entries = entries_of(visit)
    return render_template(
        "golden_book/index.html",
        visit=visit,
        entries=entries,
        titles={entry.id: item_title(entry.item) for entry in entries},
        new_entry=new_entry,
        people=people,
        can_edit=can_edit_visit(current_user, visit),
    )


@bp.post("/visits/<id:visit_id>/golden-book")
@permission_required("visit.edit")
def new(visit: Visit):
    """Give an agenda item a Golden Book entry, the heads of delegation proposed to sign."""
    form = NewEntryForm()
    form.item.choices = choices((item.id, "") for item in items_without_entry(visit))
    if not form.validate_on_submit():
        flash(_("Please choose an agenda item."), "error")
        return _page(visit)
    try:
        add_entry(visit, db.session.get(AgendaItem, form.item.data))
        db.session.commit()
    except InvalidInput as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        flash(_("The Golden Book entry has been added."), "success")
    return _page(visit)


ORDER_CHANGES = {
    "up": lambda entry, form: move_signer(entry, form.signer_id(), up=True),
    "down": lambda entry, form: move_signer(entry, form.signer_id(), up=False),
    "remove": lambda entry, form: remove_signer(entry, form.signer_id()),
    "add": lambda entry, form: add_signer(entry, form.person.data),
    "precedence": lambda entry, form: order_by_precedence(entry),
}


@bp.post("/visits/<id:visit_id>/golden-book/<id:golden_book_id>/order")
@permission_required("visit.edit")
def order(visit: Visit, golden_book: GoldenBookEntry):
    """Change the signing order (move a signer, add, remove, order by precedence),
    refusing a change made on a page someone else has changed since."""
    form = SignerForm()
    change = ORDER_CHANGES.get(request.form.get("action", ""))
    if change is None or not form.validate_on_submit():
        flash(_("Nothing has been changed: the form was incomplete."), "error")
        return _page(visit)
    try:
        save_with_lock(golden_book, form.expected_version(), lambda: change(golden_book, form))
        db.session.commit()
    except EditConflict:
        db.session.rollback()
        flash(
            _("Someone else changed the signing order meanwhile; nothing has been changed. "
              "Here is the order as it is now."),
            "error",
        )  # fmt: skip
    except InvalidInput as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        flash(_("The signing order has been saved."), "success")
    return _page(visit)


@bp.route("/visits/<id:visit_id>/golden-book/<id:golden_book_id>/delete", methods=["GET", "POST"])
@permission_required("visit.edit")
def delete(visit: Visit, golden_book: GoldenBookEntry):
    """Ask before removing an item's Golden Book entry with its signing order, then do."""
    form = ConfirmForm()
    if request.method == "POST":
        if not form.confirmed():
            return redirect(
                url_for("golden_book.delete", visit_id=visit.id, golden_book_id=golden_book.id)
            )
        delete_entry(golden_book)
        db.session.commit()
        flash(_("The Golden Book entry has been removed."), "success")
        return _page(visit)
    return render_template(
        "golden_book/delete.html",
        form=form,
        visit=visit,
        entry=golden_book,
        title=item_title(golden_book.item),
    )
