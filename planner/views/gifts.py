"""The gift register of a visit: the list, a gift's form, its photo and the exports."""

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from planner.enums import GiftDirection
from planner.extensions import db
from planner.forms.confirm import ConfirmForm
from planner.forms.gifts import NOBODY, GiftForm
from planner.forms.widgets import choices
from planner.i18n import item_title
from planner.models import Gift, Visit
from planner.services.attendance import load_participations
from planner.services.errors import InvalidInput
from planner.services.gifts import (
    MAX_PHOTO_BYTES,
    GiftValues,
    delete_gift,
    export_rows,
    format_value,
    gifts_of,
    organisation_export_rows,
    remove_photo,
    report_threshold,
    save_gift,
    set_photo,
)
from planner.services.locking import EditConflict, save_with_lock
from planner.services.permissions import can_edit_visit
from planner.views.access import permission_required
from planner.views.downloads import csv_download, xlsx_download
from planner.views.navigation import show_error

bp = Blueprint("gifts", __name__)

SHEET_TITLE = _l("Gifts")


@bp.get("/visits/<id:visit_id>/gifts")
@permission_required("visit.internal")
def index(visit: Visit):
    """List the gifts given and received on the visit, those to be reported flagged."""
    return render_template(
        "gifts/index.html",
        visit=visit,
        rows=gifts_of(visit),
        threshold=format_value(report_threshold()),
        format_amount=format_value,
        can_edit=can_edit_visit(current_user, visit),
    )


def _offer_choices(form: GiftForm, visit: Visit) -> None:
    people = [(p.person_id, p.person.display_name) for p in load_participations(visit.id)]
    nobody = (NOBODY, _("someone else (name below)"))
    form.giver_person.choices = choices([nobody, *people])
    form.recipient_person.choices = choices([nobody, *people])
    items = [(item.id, item_title(item)) for item in sorted(visit.items, key=lambda i: i.starts_at)]
    form.item.choices = choices([(NOBODY, _("not at a particular item")), *items])


def _show_stored(form: GiftForm, gift: Gift) -> None:
    """Fill the form from the stored gift (the selects name ids, the value is written as
    the reader writes amounts); the photo stays where it is unless a new one comes."""
    form.show_version(gift)
    form.direction.data = gift.direction.value
    form.description.data = gift.description
    form.giver_name.data = gift.giver_name
    form.recipient_name.data = gift.recipient_name
    form.kept_at.data = gift.kept_at
    form.notes.data = gift.notes
    form.item.data = gift.item_id or NOBODY
    form.giver_person.data = gift.giver_person_id or NOBODY
    form.recipient_person.data = gift.recipient_person_id or NOBODY
    form.value_eur.data = format_value(gift.value_eur)


def _values(form: GiftForm) -> GiftValues:
    return GiftValues(
        direction=GiftDirection(form.direction.data),
        description=form.description.data or "",
        giver_person_id=form.chosen(form.giver_person),
        giver_name=form.giver_name.data or "",
        recipient_person_id=form.chosen(form.recipient_person),
        recipient_name=form.recipient_name.data or "",
        item_id=form.chosen(form.item),
        value_eur=form.amount(),
        kept_at=form.kept_at.data or "",
        notes=form.notes.data or "",
    )


def _save(form: GiftForm, visit: Visit, gift: Gift | None) -> Gift:
    saved = save_gift(visit, _values(form), gift)
    if form.remove_photo.data:
        remove_photo(saved)
    elif form.photo.data:
        upload = form.photo.data
        try:
            set_photo(saved, upload.filename or "", upload.read(MAX_PHOTO_BYTES + 1))
        finally:
            upload.close()  # large uploads are spooled to a temporary file
    return saved


@bp.route("/visits/<id:visit_id>/gifts/new", methods=["GET", "POST"])
@bp.route("/visits/<id:visit_id>/gifts/<id:gift_id>/edit", methods=["GET", "POST"])
@permission_required("visit.edit")
def edit(visit: Visit, gift: Gift | None = None):
    """Record a gift or change one, refusing to overwrite another planner's change."""
    form = GiftForm()
    _offer_choices(form, visit)
    if gift is not None and request.method == "GET":
        _show_stored(form, gift)
    others = None
    if form.validate_on_submit():
        try:
            if gift is None:
                _save(form, visit, None)
                db.session.flush()
            else:
                save_with_lock(gift, form.expected_version(), lambda: _save(form, visit, gift))
            db.session.commit()
        except EditConflict as conflict:
            db.session.rollback()
            others = form.refusal(conflict, gift)
        except InvalidInput as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("The gift has been saved."), "success")
            return redirect(url_for("gifts.index", visit_id=visit.id))
    return render_template("gifts/edit.html", form=form, visit=visit, gift=gift, others=others)


@bp.route("/visits/<id:visit_id>/gifts/<id:gift_id>/delete", methods=["GET", "POST"])
@permission_required("visit.edit")
def delete(visit: Visit, gift: Gift):
    """Ask before removing a gift from the register, then remove it."""
    form = ConfirmForm()
    if request.method == "POST":
        if not form.confirmed():
            return redirect(url_for("gifts.delete", visit_id=visit.id, gift_id=gift.id))
        delete_gift(gift)
        db.session.commit()
        flash(_("The gift has been removed from the register."), "success")
        return redirect(url_for("gifts.index", visit_id=visit.id))
    return render_template("gifts/delete.html", form=form, visit=visit, gift=gift)


@bp.get("/visits/<id:visit_id>/gifts/<id:gift_id>/photo")
@permission_required("visit.internal")
def photo(visit: Visit, gift: Gift):
    """Serve a gift's photo, checked on upload as a PNG or JPEG."""
    if not gift.photo_mime:
        abort(404)
    response = Response(gift.photo, mimetype=gift.photo_mime)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


def _export_name(visit: Visit, extension: str) -> str:
    return f"geschenke-besuch-{visit.id}.{extension}"


@bp.get("/visits/<id:visit_id>/gifts.csv")
@permission_required("visit.internal")
def export_csv(visit: Visit):
    """Download the gift register as CSV for German Excel, for the compliance office."""
    header, rows = export_rows(visit)
    return csv_download(header, rows, _export_name(visit, "csv"))


@bp.get("/visits/<id:visit_id>/gifts.xlsx")
@permission_required("visit.internal")
def export_xlsx(visit: Visit):
    """Download the gift register as an Excel workbook, for the compliance office."""
    header, rows = export_rows(visit)
    return xlsx_download(str(SHEET_TITLE), header, rows, _export_name(visit, "xlsx"))


def _year() -> int:
    """Return the year a register across visits is asked for, this year by default."""
    text = request.args.get("year", "").strip()
    if not text:
        return date.today().year  # noqa: DTZ011 (the server's calendar year)
    if not (text.isdecimal() and len(text) == 4 and 1900 <= int(text) <= 2999):
        abort(400)
    return int(text)


@bp.get("/gifts.csv")
@permission_required("login")
def organisation_csv():
    """Download the gifts of a year's visits that the user's organisation hosted, as CSV."""
    year = _year()
    header, rows = organisation_export_rows(current_user.organisation_id, year)
    return csv_download(header, rows, f"geschenke-{year}.csv")


@bp.get("/gifts.xlsx")
@permission_required("login")
def organisation_xlsx():
    """Download the gifts of a year's visits that the user's organisation hosted, as .xlsx."""
    year = _year()
    header, rows = organisation_export_rows(current_user.organisation_id, year)
    return xlsx_download(f"{SHEET_TITLE} {year}", header, rows, f"geschenke-{year}.xlsx")
