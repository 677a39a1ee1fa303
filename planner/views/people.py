"""People, the participants of a visit, who attends what, imports and exports."""

import json
import secrets
from dataclasses import asdict
from datetime import date, datetime, timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import delete as sql_delete
from sqlalchemy import select

from planner.enums import Language, Side
from planner.extensions import db
from planner.forms.confirm import ConfirmForm
from planner.forms.locking import participation_wordings, refusal_of
from planner.forms.people import (
    ExistingParticipantForm,
    NewParticipantForm,
    PersonForm,
    UploadForm,
)
from planner.forms.widgets import choices
from planner.i18n import item_title
from planner.models import FeedToken, Participation, PendingImport, Person, User, Visit
from planner.models.types import utcnow
from planner.services.address import person_forms
from planner.services.answers import answer_lines
from planner.services.attendance import (
    Matrix,
    RefusedRow,
    add_participant,
    choose_day,
    editable_organisations,
    load_matrix,
    load_participations,
    removal,
    remove_participant,
    save_matrix,
    set_ranks,
)
from planner.services.errors import InvalidInput
from planner.services.exports import attendee_rows
from planner.services.host_details import guests_see, shown_function
from planner.services.imports import (
    CELL_FIELD,
    FIELD_LABELS,
    ImportRefused,
    Limits,
    check,
    choice_field,
    default_delegation,
    import_reviewed,
    mapping_for,
    pending_table,
    read_table,
    review_of,
    reviewed_table,
    revise,
    table_data,
)
from planner.services.locking import EditConflict, parse_version, save_with_lock
from planner.services.paging import page_number
from planner.services.people import (
    PersonValues,
    anonymise,
    can_edit_person,
    delete_person,
    person_deletion,
    personal_data,
    save_person,
    search_people,
    visible_people,
)
from planner.services.permissions import can_see_internal, can_view_visit
from planner.services.timezones import zone
from planner.services.trash import describe, retention_days
from planner.views.access import load_named, permission_required
from planner.views.downloads import csv_download, xlsx_download
from planner.views.navigation import show_error

bp = Blueprint("people", __name__)


# The forms of address a person's page shows, in the order a letter uses them.
FORM_LABELS = (
    ("address", _l("Address line")),
    ("salutation", _l("Letter salutation")),
    ("card", _l("Name on badges and cards")),
    ("office", _l("Office under the name")),
    ("spoken", _l("Spoken address")),
)


def _values(form: PersonForm) -> PersonValues:
    typed = {
        key: getattr(form, key).data
        for key in PersonValues.__dataclass_fields__
        if key != "address_overrides"
    }
    return PersonValues(**typed, address_overrides=form.address_overrides())


# --- people -----------------------------------------------------------------------------


@bp.get("/people")
@permission_required("login")
def index():
    """Search the people of the organisation and of the visits it hosts."""
    query = request.args.get("q", "")
    return render_template(
        "people/index.html", people=search_people(current_user, query), query=query
    )


@bp.route("/people/new", methods=["GET", "POST"])
@bp.route("/people/<id:person_id>/edit", methods=["GET", "POST"])
@permission_required("person.edit")
def edit(person: Person | None = None):
    """Create a person of the user's organisation, or change a person, refusing to
    overwrite another's change."""
    form = PersonForm(obj=person)
    others = None
    if request.method == "GET" and person is not None:
        form.language.data = person.language.value
        form.show_overrides(person.address_overrides)
    if form.validate_on_submit():
        organisation = person.organisation if person else current_user.organisation
        try:
            if person is None:
                saved = save_person(organisation, _values(form))
            else:
                saved = save_with_lock(
                    person,
                    form.expected_version(),
                    lambda: save_person(organisation, _values(form), person),
                )
            db.session.commit()
        except EditConflict as conflict:
            db.session.rollback()
            others = form.refusal(conflict, person)
        except InvalidInput as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("The person has been saved."), "success")
            return redirect(url_for("people.show", person_id=saved.id))
    return render_template("people/edit.html", form=form, person=person, others=others)


@bp.get("/people/<id:person_id>")
@permission_required("person.view")
def show(person: Person):
    """Show a person and the visits they take part in."""
    participations = [
        p
        for p in db.session.scalars(
            select(Participation).where(Participation.person_id == person.id)
        )
        if can_view_visit(current_user, p.visit)
    ]
    return render_template(
        "people/show.html",
        person=person,
        participations=participations,
        can_edit=can_edit_person(current_user, person),
        forms={language.value: asdict(person_forms(person, language)) for language in Language},
        form_labels=FORM_LABELS,
    )


@bp.get("/people/<id:person_id>/export.json")
@permission_required("person.edit")
def export_person(person_id: int, person: Person):
    """Download everything stored about a person (a data subject's access request)."""
    body = json.dumps(personal_data(person), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="person-{person.id}.json"'},
    )


@bp.route("/people/<id:person_id>/anonymise", methods=["GET", "POST"])
@permission_required("person.edit")
def anonymise_person(person_id: int, person: Person):
    """Ask, then replace what identifies a person; agendas and lists keep their shape."""
    form = ConfirmForm()
    if request.method == "POST":
        if not form.confirmed():
            return redirect(url_for("people.anonymise_person", person_id=person.id))
        anonymise(person)
        db.session.commit()
        flash(_("The person has been anonymised."), "success")
        return redirect(url_for("people.show", person_id=person.id))
    return render_template("people/anonymise.html", form=form, person=person)


@bp.route("/people/<id:person_id>/delete", methods=["GET", "POST"])
@permission_required("person.edit")
def delete(person_id: int, person: Person):
    """Ask before moving a person with their participations into the trash, then move them."""
    form = ConfirmForm()
    if request.method == "POST":
        if not form.confirmed():
            return redirect(url_for("people.delete", person_id=person.id))
        name = person.display_name
        try:
            delete_person(person, current_user)
            db.session.commit()
        except InvalidInput as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return redirect(url_for("people.show", person_id=person_id))
        flash(
            _("“%(title)s” is in the trash now; it can be restored there for %(days)s days.",
              title=name, days=retention_days()),
            "success",
        )  # fmt: skip
        return redirect(url_for("people.index"))
    return render_template(
        "people/delete.html",
        form=form,
        person=person,
        deletion=person_deletion(current_user, person),
        describe=describe,
        days=retention_days(),
    )


# --- participants of a visit ----------------------------------------------------------


def _participant_forms(visit: Visit):
    organisations = editable_organisations(current_user, visit)
    taking_part = {p.person_id for p in visit.participations}
    candidates = [
        person
        for person in db.session.scalars(
            select(Person)
            .where(
                Person.organisation_id.in_([org.id for org in organisations]),
                Person.anonymised_at.is_(None),
                # Only people the user may see: naming a city as guest opens no lists.
                visible_people(current_user),
            )
            .order_by(Person.last_name, Person.first_name)
        )
        if person.id not in taking_part
    ]
    existing = ExistingParticipantForm(prefix="existing")
    existing.person.choices = choices(
        (person.id, f"{person.display_name} ({person.organisation.name})") for person in candidates
    )
    new = NewParticipantForm(prefix="new")
    new.organisation.choices = choices((org.id, org.name) for org in organisations)
    return existing, new


def _refused_rows(refused: list[RefusedRow], visit: Visit) -> list[dict]:
    """Return the refused rows of a list form as the page shows them."""
    wordings = participation_wordings({item.id: item_title(item) for item in visit.items})
    return [
        {
            "name": row.participation.person.display_name,
            "refusal": refusal_of(row.conflict, wordings),
        }
        for row in refused
    ]


def _sent_versions() -> dict[int, int | None]:
    """Return the lock version each row of a list form was opened at (``lock-<id>``)."""
    return {
        int(key[5:]): parse_version(value)
        for key, value in request.form.items()
        if key.startswith("lock-") and key[5:].isdecimal() and len(key) < 20
    }


def _render_participants(visit: Visit, existing=None, new=None, refused=(), entered=None):
    if existing is None or new is None:
        existing, new = _participant_forms(visit)
    editable = {org.id for org in editable_organisations(current_user, visit)}
    feeds = {
        feed.person_id: feed
        for feed in db.session.scalars(
            select(FeedToken).where(
                FeedToken.visit_id == visit.id,
                FeedToken.kind == "person",
                FeedToken.revoked_at.is_(None),
            )
        )
    }
    # Guests see of the host's people what the host shares (services/host_details.py).
    internal = can_see_internal(current_user, visit)
    participations = [p for p in load_participations(visit.id) if guests_see(visit, p, internal)]
    return render_template(
        "people/participants.html",
        feeds=feeds,
        visit=visit,
        participations=participations,
        functions={p.id: shown_function(p, internal) for p in participations},
        guests=sum(p.side == Side.GUEST for p in participations),
        hosts=sum(p.side == Side.HOST for p in participations),
        answers=answer_lines(visit.id)[1],
        editable=editable,
        existing_form=existing,
        new_form=new,
        refused=refused,
        entered=entered or {},
    )


@bp.get("/visits/<id:visit_id>/participants")
@permission_required("delegation.edit")
def participants(visit: Visit):
    """Show the delegation and host lists with their order, for changing them."""
    return _render_participants(visit)


@bp.post("/visits/<id:visit_id>/participants/add")
@permission_required("delegation.edit")
def add_existing(visit_id: int, visit: Visit):
    """Add a stored person to the visit."""
    existing, new = _participant_forms(visit)
    if existing.validate_on_submit():
        person = load_named("person_id", existing.person.data)
        try:
            add_participant(current_user, visit, person)
            db.session.commit()
        except PermissionError:
            abort(403)
        except InvalidInput as error:
            db.session.rollback()
            existing.person.errors = [error.message]
        else:
            flash(_("%(name)s takes part now.", name=person.display_name), "success")
            return redirect(url_for("people.participants", visit_id=visit.id))
    return _render_participants(visit, existing, new)


@bp.post("/visits/<id:visit_id>/participants/new")
@permission_required("delegation.edit")
def add_new(visit_id: int, visit: Visit):
    """Create a person and add them to the visit."""
    existing, new = _participant_forms(visit)
    if new.validate_on_submit():
        organisation = next(
            org
            for org in editable_organisations(current_user, visit)
            if org.id == new.organisation.data
        )
        try:
            person = save_person(organisation, _values(new))
            add_participant(current_user, visit, person)
            db.session.commit()
        except InvalidInput as error:
            db.session.rollback()
            show_error(new, error)
        else:
            flash(_("%(name)s takes part now.", name=person.display_name), "success")
            return redirect(url_for("people.participants", visit_id=visit.id))
    return _render_participants(visit, existing, new)


@bp.route(
    "/visits/<id:visit_id>/participants/<id:participation_id>/remove", methods=["GET", "POST"]
)
@permission_required("participation.remove")
def remove(visit_id: int, participation_id: int, visit: Visit, participation: Participation):
    """Ask before removing a participant from the visit, then remove them."""
    form = ConfirmForm()
    if request.method == "POST":
        if not form.confirmed():
            return redirect(
                url_for("people.remove", visit_id=visit.id, participation_id=participation.id)
            )
        remove_participant(current_user, participation)
        db.session.commit()
        flash(_("The participant has been removed."), "success")
        return redirect(url_for("people.participants", visit_id=visit.id))
    return render_template(
        "people/remove.html", form=form, visit=visit, removal=removal(participation)
    )


@bp.post("/visits/<id:visit_id>/participants/ranks")
@permission_required("delegation.edit")
def ranks(visit_id: int, visit: Visit):
    """Save the protocol order of the participants; rows someone else changed meanwhile
    are refused and shown with that change, the others are saved."""
    ranks: dict[int, int | None] = {}
    for key, value in request.form.items():
        if key.startswith("rank-") and key[5:].isdecimal() and len(key) < 20:
            value = value.strip()
            if value and not (value.isdecimal() and len(value) <= 4):
                flash(_("A rank must be a whole number from 0 to 9999."), "error")
                return redirect(url_for("people.participants", visit_id=visit.id))
            ranks[int(key[5:])] = int(value) if value else None
    try:
        _changed, refused = set_ranks(current_user, visit, ranks, _sent_versions())
        db.session.commit()
    except EditConflict:
        db.session.rollback()
        flash(_("Someone else saved at the same moment; nothing has been saved."), "error")
        return redirect(url_for("people.participants", visit_id=visit.id))
    if refused:
        entered = {row.participation.id: ranks[row.participation.id] for row in refused}
        shown = _refused_rows(refused, visit)
        return _render_participants(visit, refused=shown, entered=entered)
    flash(_("The order has been saved."), "success")
    return redirect(url_for("people.participants", visit_id=visit.id))


# --- who attends what -------------------------------------------------------------------


def _day_of(text: str | None) -> date | None:
    """Return the day a ``day`` parameter names, or None for a missing or odd one."""
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


def _ids(values: list[str]) -> set[int]:
    """Return the ids in form values such as "3,5,8" (odd parts are left out)."""
    parts = [part.strip() for value in values for part in value.split(",")][:1000]
    return {int(part) for part in parts if part.isdecimal() and len(part) < 10}


def _sent_attendance() -> dict[int, set[int]]:
    """Return the ticked boxes of the matrix form (``a-<participation>-<item>``)."""
    attending: dict[int, set[int]] = {}
    for key in request.form:
        if key.startswith("a-"):
            participation_id, _sep, item_id = key[2:].partition("-")
            if (
                participation_id.isdecimal()
                and item_id.isdecimal()
                and len(participation_id) < 10
                and len(item_id) < 10
            ):
                attending.setdefault(int(participation_id), set()).add(int(item_id))
    return attending


def _attendance_count(number: int) -> str:
    return ngettext("%(num)d person", "%(num)d people", number)


def _saved_message(changed: int, refused: int) -> str:
    """Return what the matrix says after a save."""
    parts = []
    if changed or not refused:
        parts.append(
            ngettext(
                "Attendance saved for %(num)d participant.",
                "Attendance saved for %(num)d participants.",
                changed,
            )
            if changed
            else _("Nothing has changed.")
        )
    if refused:
        parts.append(
            ngettext(
                "Not saved for %(num)d participant: changed by someone else meanwhile.",
                "Not saved for %(num)d participants: changed by someone else meanwhile.",
                refused,
            )
        )
    return " ".join(parts)


def _sent_people() -> set[int] | None:
    """Return the participations a posted matrix form showed, or None when it names none."""
    if request.method != "POST" or "people" not in request.form:
        return None
    return _ids(request.form.getlist("people"))


def _render_attendance(visit: Visit, matrix: Matrix, day: date | None, refused=(), entered=None):
    items = matrix.items_on(day) if day else []
    days = [{"day": shown, "count": len(matrix.items_on(shown))} for shown in matrix.days()]
    return render_template(
        "people/attendance.html",
        visit=visit,
        matrix=matrix,
        day=day,
        days=days,
        items=items,
        # Each cell's label names its item: the titles are looked up once per page.
        titles={item.id: item_title(item) for item in items},
        counts={key: _attendance_count(n) for key, n in matrix.counts(items).items()},
        refused=refused,
        entered=entered or {},
    )


def _attendance_answer(
    visit: Visit, page: int, day: date | None, message: str, refused=(), status=200
):
    """Answer a script's save with what the day's columns show now."""
    matrix = load_matrix(current_user, visit.id, page, _sent_people())
    items = matrix.items_on(day) if day else []
    ids = {item.id for item in items}
    body = {
        "message": message,
        "rows": [
            {
                "id": row.participation.id,
                "lock": row.participation.lock_version,
                "attending": sorted(row.attending & ids),
            }
            for row in matrix.rows
        ],
        "counts": {str(key): _attendance_count(n) for key, n in matrix.counts(items).items()},
        "refused": render_template("people/_matrix_refusals.html", refused=refused),
    }
    return jsonify(body), status


@bp.route("/visits/<id:visit_id>/attendance", methods=["GET", "POST"])
@permission_required("delegation.edit")
def attendance(visit_id: int, visit: Visit):
    """Show and change which participant attends which item, one day of the visit at a
    time; a script's save (``Accept: application/json``) is answered with JSON."""
    sent = request.form if request.method == "POST" else request.args
    page = page_number(sent.get("page") or request.args.get("page"))
    # A save changes the rows its form showed, even where people were added or removed
    # since and the page now begins elsewhere.
    matrix = load_matrix(current_user, visit.id, page, _sent_people())
    today = datetime.now(zone(visit.timezone)).date()
    day = choose_day(matrix.days(), _day_of(sent.get("day")), today)
    if request.method == "GET":
        return _render_attendance(visit, matrix, day)
    # CSRF is checked by CSRFProtect before the view runs.
    wants_json = (
        request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"
    )
    shown = _ids(request.form.getlist("items")) if "items" in request.form else None
    rows = _ids(request.form.getlist("rows")) if "rows" in request.form else None
    attending = _sent_attendance()
    in_scope = {item.id for item in matrix.items if shown is None or item.id in shown}
    kind, _sep, target = request.form.get("toggle", "").partition(":")
    target_id = int(target) if target.isdecimal() and len(target) < 10 else None
    for row in matrix.rows:
        chosen = attending.setdefault(row.participation.id, set())
        if kind == "item-all" and target_id is not None:
            chosen.add(target_id)
        elif kind == "item-none" and target_id is not None:
            chosen.discard(target_id)
        elif kind == "person-all" and target_id == row.participation.id:
            chosen.update(in_scope)
        elif kind == "person-none" and target_id == row.participation.id:
            chosen.clear()
    # Back near the column or row of the button used, else at the top of the matrix.
    anchor = "matrix"
    if target_id is not None:
        anchor = {"item": f"item-{target_id}", "person": f"row-{target_id}"}.get(
            kind.partition("-")[0], anchor
        )
    back = url_for(
        "people.attendance",
        visit_id=visit.id,
        day=day.isoformat() if day else None,
        page=matrix.pager.number if matrix.pager.number > 1 else None,
        _anchor=anchor,
    )
    try:
        changed, refused = save_matrix(
            current_user, matrix, attending, _sent_versions(), shown=shown, rows=rows
        )
        db.session.commit()
    except PermissionError:
        db.session.rollback()
        if wants_json:
            return jsonify(message=_("You may not change these participants.")), 403
        abort(403)
    except EditConflict:
        db.session.rollback()
        message = _("Someone else saved at the same moment; nothing has been saved.")
        if wants_json:
            return _attendance_answer(visit, page, day, message, status=409)
        flash(message, "error")
        return redirect(back)
    message = _saved_message(changed, len(refused))
    shown_refused = _refused_rows(refused, visit)
    if wants_json:
        return _attendance_answer(
            visit, page, day, message, shown_refused, status=409 if refused else 200
        )
    flash(message, "error" if refused else "success")
    if refused:
        entered = {row.participation.id: attending[row.participation.id] for row in refused}
        matrix = load_matrix(current_user, visit.id, page, _sent_people())
        return _render_attendance(visit, matrix, day, shown_refused, entered)
    return redirect(back)


# --- import and export -----------------------------------------------------------------


def _upload_form(visit: Visit) -> UploadForm:
    form = UploadForm()
    form.organisation.choices = choices(
        [
            (0, _("Automatic: the guest delegation the file names")),
            *((org.id, org.name) for org in editable_organisations(current_user, visit)),
        ]
    )
    return form


@bp.route("/visits/<id:visit_id>/import", methods=["GET", "POST"])
@permission_required("delegation.edit")
def upload(visit_id: int, visit: Visit):
    """Upload an attendee list, checked for size and type before anything else."""
    form = _upload_form(visit)
    if form.validate_on_submit():
        limits = Limits.from_config(current_app.config)
        upload = form.file.data
        try:
            # One byte more than allowed tells a file that is too large.
            content = upload.read(limits.max_bytes + 1)
            filename = upload.filename or "upload"
        finally:
            upload.close()  # large uploads are spooled to a temporary file
        encoding = form.encoding.data or None
        try:
            table = read_table(content, filename, encoding, limits)
        except ImportRefused as error:
            form.file.errors = [str(error.message)]
        else:
            # Uploads that were never imported are dropped after a day.
            db.session.execute(
                sql_delete(PendingImport).where(
                    PendingImport.created_at < utcnow() - timedelta(days=1)
                )
            )
            pending = PendingImport(
                token=secrets.token_urlsafe(24),
                visit_id=visit.id,
                user_id=current_user.id,
                filename=filename[:255],
                content=content,
                parsed=table_data(table),
                parsed_encoding=encoding or "",
            )
            if form.organisation.data:
                pending.parsed["review"] = {"delegation": form.organisation.data}
            db.session.add(pending)
            db.session.commit()
            return redirect(url_for("people.review_import", visit_id=visit.id, token=pending.token))
    return render_template("people/upload.html", form=form, visit=visit)


def _pending_import(visit: Visit, token: str) -> PendingImport:
    """Return an upload of the visit by its token, for the uploader and their colleagues."""
    pending = db.session.scalar(
        select(PendingImport)
        .join(User, User.id == PendingImport.user_id)
        .where(
            PendingImport.token == token,
            PendingImport.visit_id == visit.id,
            # Colleagues of the same office may finish an import; other offices may not.
            User.organisation_id == current_user.organisation_id,
        )
    )
    if pending is None:
        abort(404)
    return pending


def _render_review(visit, pending, organisations, encoding, **context):
    values = {"error": None, "preview": None, "table": None, "mapping": [], "unsaved": []}
    return render_template(
        "people/review_import.html",
        visit=visit,
        pending=pending,
        organisations=organisations,
        labels=FIELD_LABELS,
        encoding=encoding,
        choice_field=choice_field,
        **{**values, **context},
    )


@bp.route("/visits/<id:visit_id>/import/<token>", methods=["GET", "POST"])
@permission_required("delegation.edit")
def review_import(visit_id: int, token: str, visit: Visit):
    """Preview an upload row by row, correct mapping, organisations and cells, then import."""
    pending = _pending_import(visit, token)
    organisations = {org.id: org for org in editable_organisations(current_user, visit)}
    posted = request.method == "POST"
    source = request.form if posted else request.args
    encoding = source.get("encoding", pending.parsed_encoding) or None
    if encoding not in (None, "utf-8", "windows-1252"):
        encoding = None
    limits = Limits.from_config(current_app.config)
    expected = parse_version(request.form.get("version")) if posted else None
    error, unsaved = None, []
    try:
        before = pending.lock_version
        table = pending_table(pending, encoding, limits)
        if db.session.is_modified(pending):
            db.session.commit()  # read once, kept for the next requests
            expected = pending.lock_version if expected == before else expected
    except ImportRefused as refused:
        return _render_review(visit, pending, organisations.values(), encoding,
                              error=refused.message, organisation=None)  # fmt: skip
    if posted:
        try:
            before = pending.lock_version
            revise(pending, table, request.form.to_dict(), expected, current_user, visit, limits)
            db.session.commit()
            expected = pending.lock_version if expected == before else expected
        except EditConflict:
            db.session.rollback()
            error = _(
                "Someone else changed this import meanwhile. Your changes were not saved; "
                "the page shows the import as it is now."
            )
            unsaved = _unsaved_cells(request.form)
        except InvalidInput as invalid:
            db.session.rollback()
            error = invalid.message
    review = review_of(pending)
    current = reviewed_table(table, review)
    mapping = mapping_for(table, review)
    organisation = organisations.get(review.delegation) or default_delegation(
        current, mapping, current_user, visit
    )
    context = {"table": current, "mapping": mapping, "organisation": organisation,
               "unsaved": unsaved, "done": len(review.imported)}  # fmt: skip
    try:
        preview = check(current, mapping, current_user, visit, organisation, review.organisations)
    except ImportRefused as refused:
        return _render_review(visit, pending, organisations.values(), encoding,
                              error=error or refused.message, **context)  # fmt: skip
    action = request.form.get("action") if posted and error is None else None
    if action in ("import", "import-clean"):
        try:
            created, added, left = import_reviewed(
                pending, preview, current_user, visit, expected, only_clean=action != "import"
            )
            db.session.commit()
        except InvalidInput as invalid:
            db.session.rollback()
            error = invalid.message
        except EditConflict:
            db.session.rollback()
            error = _("Someone else changed this import meanwhile. Nothing was imported.")
        else:
            message = ngettext(
                "Imported: %(num)s participant added, %(created)s of them new.",
                "Imported: %(num)s participants added, %(created)s of them new.",
                added,
                created=created,
            )
            if left:
                flash(message + " " + ngettext(
                    "%(num)s row with problems is kept below for correction.",
                    "%(num)s rows with problems are kept below for correction.",
                    len(left),
                ), "success")  # fmt: skip
                return redirect(url_for("people.review_import", visit_id=visit.id, token=token))
            flash(message, "success")
            return redirect(url_for("people.participants", visit_id=visit.id))
    return _render_review(visit, pending, organisations.values(), encoding,
                          error=error, preview=preview, **context)  # fmt: skip


def _unsaved_cells(form) -> list[tuple[str, str]]:
    """Return the corrections a refused form sent, so that they can be entered again."""
    found = []
    for key, value in form.items():
        match = CELL_FIELD.fullmatch(key)
        if match and value.strip() and len(found) < 50:
            found.append((match[1], value[:200]))
    return found


def _export_name(visit: Visit, extension: str) -> str:
    return f"teilnehmende-besuch-{visit.id}.{extension}"


@bp.get("/visits/<id:visit_id>/attendees.csv")
@permission_required("visit.view")
def attendees_csv(visit_id: int, visit: Visit):
    """Download the attendee list as CSV for German Excel."""
    header, rows = attendee_rows(current_user, visit)
    return csv_download(header, rows, _export_name(visit, "csv"))


@bp.get("/visits/<id:visit_id>/attendees.xlsx")
@permission_required("visit.view")
def attendees_xlsx(visit_id: int, visit: Visit):
    """Download the attendee list as an Excel workbook."""
    header, rows = attendee_rows(current_user, visit)
    return xlsx_download(_("Attendees"), header, rows, _export_name(visit, "xlsx"))
