"""The trash: what the organisation deleted, and bringing it back."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from planner.enums import TrashKind
from planner.extensions import db
from planner.models import TrashEntry
from planner.services.errors import InvalidInput
from planner.services.trash import (
    describe,
    removal_day,
    restore,
    retention_days,
    trash_of,
)
from planner.views.access import permission_required

bp = Blueprint("trash", __name__)


@bp.get("/trash")
@permission_required("trash.use")
def index():
    """List what the organisation deleted: what, when, by whom and what went with it."""
    return render_template(
        "trash/index.html",
        entries=trash_of(current_user),
        describe=describe,
        removal_day=removal_day,
        days=retention_days(),
    )


@bp.post("/trash/<id:entry_id>/restore")
@permission_required("trash.use")
def restore_entry(entry: TrashEntry):
    """Bring a deleted visit, item or person back with everything that belonged to it."""
    kind, object_id, visit_id, title = entry.kind, entry.object_id, entry.visit_id, entry.title
    try:
        restored = restore(entry, current_user)
        db.session.commit()
    except InvalidInput as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("trash.index"))
    flash(_("“%(title)s” has been restored.", title=title), "success")
    for note in restored.notes:
        flash(note, "warning")
    if kind is TrashKind.PERSON:
        return redirect(url_for("people.show", person_id=object_id))
    anchor = f"item-{object_id}" if kind is TrashKind.ITEM else None
    return redirect(url_for("visits.show", visit_id=visit_id, _anchor=anchor))
