"""The agenda builder: adding, changing, cancelling and deleting items; the module catalogue."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from planner.enums import ItemKind, ItemStatus, PressAccess, Side
from planner.extensions import db
from planner.forms.catalogue import ModuleForm
from planner.forms.confirm import ConfirmForm
from planner.forms.planning import ItemForm
from planner.forms.widgets import choices
from planner.i18n import current_language, enum_labels
from planner.models import AgendaItem, ProgrammeModule, Visit
from planner.services.agenda import (
    ItemValues,
    add_item,
    cancel_item,
    current_values,
    delete_item,
    item_warnings,
    items_made_from,
    modules_of,
    next_free_start,
    rooms_of,
    update_item,
    values_from_module,
)
from planner.services.agenda_view import read_version
from planner.services.catalogue import ModuleValues, save_module
from planner.services.errors import InvalidInput
from planner.services.item_texts import title_in
from planner.services.locking import EditConflict, save_with_lock
from planner.services.trash import describe, item_counts, retention_days
from planner.services.versions import latest_version
from planner.views.access import load_named, permission_required
from planner.views.navigation import show_error

bp = Blueprint("agenda", __name__)

NO_CHOICE = 0


def _choices(form: ItemForm, visit: Visit) -> None:
    labels = enum_labels()
    form.kind.choices = choices((kind.value, labels["item_kind"][kind]) for kind in ItemKind)
    form.status.choices = choices(
        (status.value, labels["item_status"][status])
        for status in (ItemStatus.CONFIRMED, ItemStatus.TENTATIVE)
    )
    form.press_access.choices = choices(
        (access.value, labels["press_access"][access]) for access in PressAccess
    )
    form.room.choices = choices(
        [(NO_CHOICE, _("– no room –"))]
        + [(room.id, room.label) for room in rooms_of(visit.host_organisation_id)]
    )
    hosts = sorted(
        (p.person for p in visit.participations if p.side == Side.HOST),
        key=lambda person: (person.last_name, person.first_name),
    )
    form.responsible.choices = choices(
        [(NO_CHOICE, _("– nobody –"))] + [(person.id, person.display_name) for person in hosts]
    )


def _fill(form: ItemForm, values: ItemValues) -> None:
    form.title_de.data = values.title_de
    form.title_en.data = values.title_en
    form.kind.data = values.kind.value
    form.day.data = values.starts_at.date()
    form.start.data = values.starts_at.strftime("%H:%M")
    form.end.data = values.ends_at.strftime("%H:%M")
    form.ends_next_day.data = values.ends_at.date() > values.starts_at.date()
    form.start_fold.data = str(values.starts_fold or 0)
    form.end_fold.data = str(values.ends_fold or 0)
    form.offer_fold_choices()
    form.setup_minutes.data = values.setup_minutes
    form.teardown_minutes.data = values.teardown_minutes
    form.room.data = values.room_id or NO_CHOICE
    form.responsible.data = values.responsible_person_id or NO_CHOICE
    form.status.data = values.status.value
    form.press_access.data = values.press_access.value
    form.description_de.data = values.description_de
    form.description_en.data = values.description_en
    form.internal_notes.data = values.internal_notes
    form.module.data = str(values.module_id or "")


def _values(form: ItemForm) -> ItemValues:
    return ItemValues(
        title_de=form.title_de.data or "",
        title_en=form.title_en.data or "",
        kind=ItemKind(form.kind.data),
        starts_at=form.starts_at(),
        ends_at=form.ends_at(),
        starts_fold=form.fold(form.start_fold),
        ends_fold=form.fold(form.end_fold),
        setup_minutes=form.setup_minutes.data or 0,
        teardown_minutes=form.teardown_minutes.data or 0,
        room_id=form.room.data or None,
        responsible_person_id=form.responsible.data or None,
        description_de=form.description_de.data or "",
        description_en=form.description_en.data or "",
        internal_notes=form.internal_notes.data or "",
        status=ItemStatus(form.status.data),
        press_access=PressAccess(form.press_access.data),
        module_id=_number(form.module.data),
    )


def _number(text: str | None) -> int | None:
    """Return a whole number sent back by a hidden field, or None if it is not one."""
    text = (text or "").strip()
    return int(text) if text.isdecimal() and len(text) < 10 else None


def _warnings(
    visit: Visit, item: AgendaItem | None, values: ItemValues, shift_following: bool = False
):
    return item_warnings(visit, item, values, current_user.organisation_id, shift_following)


@bp.route("/visits/<id:visit_id>/items/new", methods=["GET", "POST"])
@permission_required("visit.edit")
def new_item(visit_id: int, visit: Visit):
    """Add an item, blank or from a programme module, warning about conflicts first."""
    form = ItemForm(zone=visit.timezone, language=visit.language)
    _choices(form, visit)
    warnings = []
    if request.method == "GET":
        module_id = request.args.get("module", type=int)
        module = load_named("module_id", module_id) if module_id else None
        start = next_free_start(visit)
        if module is not None:
            _fill(form, values_from_module(module, start))
        else:
            form.day.data = start.date()
            form.start.data = start.strftime("%H:%M")
            form.offer_fold_choices()
    elif form.validate_on_submit():
        values = _values(form)
        warnings = _warnings(visit, None, values)
        if not warnings or form.confirm_conflicts.data == "1":
            try:
                item = add_item(visit, values)
                db.session.commit()
            except InvalidInput as error:
                db.session.rollback()
                show_error(form, error)
            else:
                _saved_message(warnings)
                return redirect(
                    url_for("visits.show", visit_id=visit.id, _anchor=f"item-{item.id}")
                )
        form.confirm_conflicts.data = "1"
    return render_template(
        "agenda/edit_item.html", form=form, visit=visit, item=None, warnings=warnings
    )


def _saved_message(warnings) -> None:
    if warnings:
        flash(_("Saved despite warnings (%(count)s).", count=len(warnings)), "warning")
    else:
        flash(_("The item has been saved."), "success")


@bp.route("/visits/<id:visit_id>/items/<id:item_id>/edit", methods=["GET", "POST"])
@permission_required("visit.edit")
def edit_item(visit_id: int, item_id: int, visit: Visit, item: AgendaItem):
    """Change an item, warning about conflicts and refusing to overwrite another's change."""
    form = ItemForm(zone=visit.timezone, language=visit.language)
    _choices(form, visit)
    warnings, others = [], None
    if request.method == "GET":
        _fill(form, current_values(item))
        form.show_version(item)
    elif form.validate_on_submit():
        values = _values(form)
        warnings = _warnings(visit, item, values, form.shift_following.data)
        if not warnings or form.confirm_conflicts.data == "1":
            try:
                shifted = update_item(
                    item, values, form.expected_version(), form.shift_following.data
                )
                db.session.commit()
            except EditConflict as conflict:
                db.session.rollback()
                others = form.refusal(conflict, item)
            except InvalidInput as error:
                db.session.rollback()
                show_error(form, error)
            else:
                _saved_message(warnings)
                if shifted:
                    flash(
                        _("%(count)s following items moved with it.", count=len(shifted)), "success"
                    )
                return redirect(
                    url_for("visits.show", visit_id=visit.id, _anchor=f"item-{item.id}")
                )
        form.confirm_conflicts.data = "1" if warnings else ""
    return render_template(
        "agenda/edit_item.html", form=form, visit=visit, item=item, warnings=warnings, others=others
    )


@bp.post("/visits/<id:visit_id>/items/<id:item_id>/cancel")
@permission_required("visit.edit")
def cancel(visit_id: int, item_id: int, item: AgendaItem):
    """Mark an item as cancelled; it stays on the agenda."""
    cancel_item(item)
    db.session.commit()
    flash(_("“%(title)s” is cancelled.", title=title_in(item, current_language())), "success")
    return redirect(url_for("visits.show", visit_id=visit_id, _anchor=f"item-{item.id}"))


@bp.route("/visits/<id:visit_id>/items/<id:item_id>/delete", methods=["GET", "POST"])
@permission_required("visit.edit")
def delete(visit_id: int, item_id: int, item: AgendaItem):
    """Ask before moving an item of the draft agenda into the trash, then move it."""
    form = ConfirmForm()
    if request.method == "POST":
        if not form.confirmed():
            return redirect(url_for("agenda.delete", visit_id=visit_id, item_id=item.id))
        title = title_in(item, current_language())
        delete_item(item, current_user)
        db.session.commit()
        flash(
            _("“%(title)s” is in the trash now; it can be restored there for %(days)s days.",
              title=title, days=retention_days()),
            "success",
        )  # fmt: skip
        return redirect(url_for("visits.show", visit_id=visit_id))
    version = latest_version(visit_id)
    issued = version is not None and item.uid in read_version(version, None).uids
    return render_template(
        "agenda/delete_item.html",
        form=form,
        visit=item.visit,
        item=item,
        goes_with=describe(item_counts(item)),
        issued_in=version.number if issued else None,
        days=retention_days(),
    )


# --- the module catalogue --------------------------------------------------------------


def _module_form(module: ProgrammeModule | None = None) -> ModuleForm:
    form = ModuleForm(obj=module)
    labels = enum_labels()
    form.kind.choices = choices((kind.value, labels["item_kind"][kind]) for kind in ItemKind)
    form.default_room.choices = choices(
        [(NO_CHOICE, _("– no room –"))]
        + [(room.id, room.label) for room in rooms_of(current_user.organisation_id)]
    )
    if module is not None and request.method == "GET":
        form.default_room.data = module.default_room_id or NO_CHOICE
        form.kind.data = module.kind.value
        form.show_version(module)
    return form


@bp.get("/modules")
@permission_required("login")
def modules():
    """List the organisation's programme modules."""
    return render_template("agenda/modules.html", modules=modules_of(current_user.organisation_id))


@bp.route("/modules/new", methods=["GET", "POST"])
@bp.route("/modules/<id:module_id>/edit", methods=["GET", "POST"])
@permission_required("catalogue.edit")
def edit_module(module: ProgrammeModule | None = None):
    """Create or change a programme module, refusing to overwrite another's change."""
    form = _module_form(module)
    others = None
    if form.validate_on_submit():
        values = ModuleValues(
            title_de=form.title_de.data,
            title_en=form.title_en.data,
            kind=ItemKind(form.kind.data),
            default_duration_minutes=form.default_duration_minutes.data,
            default_room_id=form.default_room.data or None,
            description_de=form.description_de.data or "",
            description_en=form.description_en.data or "",
        )
        try:
            if module is None:
                save_module(current_user.organisation, values)
            else:
                save_with_lock(
                    module,
                    form.expected_version(),
                    lambda: save_module(current_user.organisation, values, module),
                )
            db.session.commit()
        except EditConflict as conflict:
            db.session.rollback()
            others = form.refusal(conflict, module)
        except InvalidInput as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("The programme module has been saved."), "success")
            return redirect(url_for("agenda.modules"))
    return render_template("agenda/edit_module.html", form=form, module=module, others=others)


@bp.route("/modules/<id:module_id>/delete", methods=["GET", "POST"])
@permission_required("catalogue.edit")
def delete_module(module: ProgrammeModule):
    """Ask before removing a module from the catalogue, then remove it; its items stay."""
    form = ConfirmForm()
    if request.method == "POST":
        if not form.confirmed():
            return redirect(url_for("agenda.delete_module", module_id=module.id))
        db.session.delete(module)
        db.session.commit()
        flash(_("The programme module has been deleted."), "success")
        return redirect(url_for("agenda.modules"))
    return render_template(
        "agenda/delete_module.html", form=form, module=module, items=items_made_from(module)
    )
