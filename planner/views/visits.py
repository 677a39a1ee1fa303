"""The dashboard, the month view, the visit page and everything done to a visit as a whole."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select

from planner.converters import MAX_ID
from planner.enums import VisitStatus
from planner.extensions import db
from planner.forms.base import Form
from planner.forms.confirm import ConfirmForm
from planner.forms.conflicts import AcknowledgeForm
from planner.forms.history import HistoryFilterForm
from planner.forms.host_details import GuestViewForm
from planner.forms.month import FIRST_YEAR, LAST_YEAR, MonthJumpForm
from planner.forms.planning import DuplicateForm, IssueForm, StatusForm, VisitForm
from planner.forms.widgets import choices
from planner.i18n import current_language
from planner.models import Organisation, Person, Visit
from planner.services.acknowledgements import (
    acknowledge,
    conflict_reports,
    withdraw_acknowledgement,
)
from planner.services.agenda import modules_of
from planner.services.errors import InvalidInput
from planner.services.feeds import active_feed
from planner.services.guests import guest_states, named_guest_ids, pending_invitations
from planner.services.history import visit_history
from planner.services.host_details import host_participations, update_guest_view
from planner.services.invitations import draft_updates, draft_visit_cancellation
from planner.services.issued_versions import (
    affected_people,
    load_comparison,
    load_version_page,
)
from planner.services.locking import EditConflict
from planner.services.paging import page_number
from planner.services.permissions import can_leave_visit, can_plan
from planner.services.planning import (
    TRANSITIONS,
    CopyValues,
    VisitValues,
    change_status,
    copy_conflict_count,
    create_visit,
    delete_visit,
    deletion_refusal,
    duplicate_visit,
    update_visit,
)
from planner.services.printing import print_documents
from planner.services.requests import open_requests
from planner.services.seating_plans import SEATED_KINDS
from planner.services.signup import name_only_ids
from planner.services.thread import unread_counts
from planner.services.trash import describe, retention_days, visit_counts
from planner.services.versions import (
    Changes,
    issue_version,
    latest_version,
    load_for_snapshot,
    pending_changes,
)
from planner.services.visits import (
    dashboard,
    load_attendee_page,
    load_visit_page,
    month_view,
    neighbouring_visit_months,
    recent_visits,
    search_visits,
    upcoming_visits,
)
from planner.views.access import permission_required
from planner.views.navigation import show_error

bp = Blueprint("visits", __name__)


@bp.get("/")
@permission_required("login")
def index():
    """Show the dashboard: upcoming visits with their counts and conflicts, then recent ones."""
    today = date.today()  # noqa: DTZ011 (the server's calendar day decides "upcoming")
    upcoming = dashboard(current_user, upcoming_visits(current_user, today))
    return render_template(
        "visits/index.html",
        upcoming=upcoming,
        unread=unread_counts(current_user, [row.visit.id for row in upcoming]),
        recent=recent_visits(current_user, today),
        today=today,
        can_create=can_plan(current_user),
        feed=active_feed(current_user, "user"),
        invitations=pending_invitations(current_user),
        visit_requests=open_requests(current_user),
    )


@bp.get("/visits")
@permission_required("login")
def list_visits():
    """Search all visits of the organisation, newest first, page by page."""
    query = request.args.get("q", "")[:200]
    before = None
    after_day, _sep, after_id = request.args.get("before", "").partition("_")
    if after_id.isdigit():
        try:
            before = (date.fromisoformat(after_day), int(after_id))
        except ValueError:
            before = None
    visits = search_visits(current_user, query, before)
    following = f"{visits[-1].first_day.isoformat()}_{visits[-1].id}" if len(visits) == 50 else None
    return render_template("visits/list.html", visits=visits, query=query, following=following)


@bp.get("/month")
@bp.get("/month/<int:year>/<int:month>")
@permission_required("login")
def month(year: int | None = None, month: int | None = None):
    """Show all visits of a month in a calendar grid, with a jump to any other month."""
    today = date.today()  # noqa: DTZ011 (the server's calendar day)
    jump = MonthJumpForm(request.args)
    asked = "year" in request.args or "month" in request.args
    if asked and jump.validate():
        chosen_year, chosen_month = jump.chosen()
        return redirect(url_for("visits.month", year=chosen_year, month=chosen_month))
    year, month = year or today.year, month or today.month
    if not (1 <= month <= 12 and FIRST_YEAR <= year <= LAST_YEAR):
        abort(404)
    if not jump.errors:
        jump.year.data, jump.month.data = str(year), month
    previous = (year - 1, 12) if month == 1 else (year, month - 1)
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    earlier, later = neighbouring_visit_months(current_user, year, month)
    return render_template(
        "visits/month.html",
        weeks=month_view(current_user, year, month),
        first=date(year, month, 1),
        previous=previous,
        following=following,
        earlier=earlier,
        later=later,
        jump=jump,
        today=today,
    )


def _guest_choices(host_id: int) -> list:
    return choices(
        (org.id, org.name)
        for org in db.session.scalars(
            select(Organisation).where(Organisation.id != host_id).order_by(Organisation.name)
        )
    )


def _visit_form_choices(form: VisitForm, host_id: int) -> None:
    form.guest_organisations.choices = _guest_choices(host_id)
    people = db.session.scalars(
        select(Person)
        .where(Person.organisation_id == host_id, Person.anonymised_at.is_(None))
        .order_by(Person.last_name, Person.first_name)
    )
    form.contact_person.choices = choices(
        [(0, _("– nobody –"))] + [(person.id, person.display_name) for person in people]
    )


def _visit_values(form: VisitForm) -> VisitValues:
    return VisitValues(
        title=form.title.data,
        first_day=form.first_day.data,
        last_day=form.last_day.data,
        timezone=form.timezone.data,
        language=form.language.data,
        purpose=form.purpose.data or "",
        internal_notes=form.internal_notes.data or "",
        guest_organisation_ids=list(form.guest_organisations.data or []),
        new_guest_organisation=form.new_guest_organisation.data or "",
        contact_person_id=form.contact_person.data or None,
    )


@bp.route("/visits/new", methods=["GET", "POST"])
@permission_required("visit.create")
def new():
    """Create a visit hosted by the user's organisation."""
    form = VisitForm()
    _visit_form_choices(form, current_user.organisation_id)
    if form.validate_on_submit():
        try:
            visit = create_visit(current_user.organisation, _visit_values(form))
            db.session.commit()
        except InvalidInput as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("The visit has been created."), "success")
            return redirect(url_for("visits.show", visit_id=visit.id))
    return render_template("visits/edit.html", form=form, visit=None, others=None)


@bp.route("/visits/<id:visit_id>/edit", methods=["GET", "POST"])
@permission_required("visit.edit")
def edit(visit_id: int, visit: Visit):
    """Change a visit's details, refusing to overwrite another planner's change."""
    form = VisitForm(obj=visit)
    _visit_form_choices(form, visit.host_organisation_id)
    others = None
    if request.method == "GET":
        form.guest_organisations.data = named_guest_ids(visit)
        form.contact_person.data = visit.contact_person_id or 0
        form.show_version(visit)
    elif form.validate_on_submit():
        try:
            update_visit(visit, _visit_values(form), form.expected_version())
            db.session.commit()
        except EditConflict as conflict:
            db.session.rollback()
            others = form.refusal(conflict, visit)
        except InvalidInput as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("The changes have been saved."), "success")
            return redirect(url_for("visits.show", visit_id=visit.id))
    return render_template("visits/edit.html", form=form, visit=visit, others=others)


@bp.route("/visits/<id:visit_id>/guest-view", methods=["GET", "POST"])
@permission_required("visit.edit")
def guest_view(visit_id: int, visit: Visit):
    """Decide what the guests see of the host's people: their list, functions, phones."""
    participations = host_participations(visit)
    form = GuestViewForm()
    form.offer(participations)
    others = None
    if request.method == "GET":
        form.show(visit, participations)
    elif form.validate_on_submit():
        try:
            update_guest_view(visit, form.values(), form.expected_version())
            db.session.commit()
        except EditConflict as conflict:
            db.session.rollback()
            others = form.refusal(conflict, visit)
        else:
            flash(_("The guests' view has been saved."), "success")
            return redirect(url_for("visits.show", visit_id=visit.id))
    return render_template(
        "visits/guest_view.html",
        form=form,
        visit=visit,
        participations=participations,
        others=others,
    )


@bp.get("/visits/<id:visit_id>")
@permission_required("visit.view", loaded_by_service=True)
def show(visit_id: int):
    """Show a visit: agenda by day (the draft to host staff), attendees and versions."""
    page = load_visit_page(visit_id, current_user, current_language())
    if page is None:
        abort(404)
    guests = guest_states(page.visit) if page.show_internal else []
    return render_template(
        "visits/show.html",
        page=page,
        visit=page.visit,
        feed=active_feed(current_user, "visit", visit=page.visit),
        print_documents=print_documents(page.show_internal),
        modules=modules_of(page.visit.host_organisation_id) if page.can_edit else [],
        transitions=TRANSITIONS[page.visit.status] if page.can_edit else (),
        guests=guests,
        name_only=name_only_ids([guest.organisation_id for guest in guests]),
        can_leave=can_leave_visit(current_user, page.visit),
        unread=unread_counts(current_user, [page.visit.id]).get(page.visit.id, 0),
        seated_kinds=SEATED_KINDS,
    )


@bp.get("/visits/<id:visit_id>/attendees")
@permission_required("visit.view", loaded_by_service=True)
def attendees(visit_id: int):
    """Show one page of a visit's attendee list, guests first, in protocol order."""
    page = load_attendee_page(visit_id, current_user, page_number(request.args.get("page")))
    if page is None:
        abort(404)
    return render_template("visits/attendees.html", page=page, visit=page.visit)


@bp.post("/visits/<id:visit_id>/status")
@permission_required("visit.edit")
def status(visit_id: int, visit: Visit):
    """Move a visit to another status."""
    form = StatusForm()
    if form.validate_on_submit():
        try:
            target = VisitStatus(form.status.data)
            change_status(visit, target)
            if target == VisitStatus.CANCELLED:
                count = draft_visit_cancellation(visit, latest_version(visit.id))
                if count:
                    flash(_("Cancellations drafted: %(count)s.", count=count), "success")
            db.session.commit()
        except InvalidInput as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_("The status has been changed."), "success")
    return redirect(url_for("visits.show", visit_id=visit.id))


@bp.route("/visits/<id:visit_id>/duplicate", methods=["GET", "POST"])
@permission_required("visit.edit")
def duplicate(visit_id: int, visit: Visit):
    """Copy a visit onto new dates with the chosen title, guests and parts."""
    form = DuplicateForm()
    form.original_title = visit.title
    form.guest_organisations.choices = _guest_choices(visit.host_organisation_id)
    if request.method == "GET":
        form.title.data = _("Copy of %(title)s", title=visit.title)[:300]
        form.guest_organisations.data = [org.id for org in visit.guest_organisations]
    elif form.validate_on_submit():
        values = CopyValues(
            first_day=form.first_day.data,
            title=form.title.data,
            guest_organisation_ids=list(form.guest_organisations.data or []),
            items=form.copy_items.data,
            rooms=form.copy_rooms.data,
            internal_notes=form.copy_internal_notes.data,
            hosts=form.copy_hosts.data,
        )
        try:
            copy = duplicate_visit(visit, values)
            db.session.commit()
        except InvalidInput as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_copy_message(copy_conflict_count(copy)), "success")
            return redirect(url_for("visits.show", visit_id=copy.id))
    return render_template("visits/duplicate.html", form=form, visit=visit)


def _copy_message(conflicts: int) -> Markup:
    if not conflicts:
        return escape(_("The copy has been created as a draft. Its dates cause no conflicts."))
    text = ngettext(
        "The copy has been created as a draft. Its dates cause %(num)d conflict.",
        "The copy has been created as a draft. Its dates cause %(num)d conflicts.",
        conflicts,
    )
    return Markup('{} <a href="#conflicts">{}</a>').format(
        text, ngettext("Show the conflict", "Show the conflicts", conflicts)
    )


@bp.route("/visits/<id:visit_id>/delete", methods=["GET", "POST"])
@permission_required("visit.edit")
def delete(visit_id: int, visit: Visit):
    """Ask before moving a draft visit into the trash; refuse one that was ever issued."""
    form = ConfirmForm()
    refusal = deletion_refusal(visit)
    if request.method == "POST":
        if refusal is not None:
            flash(str(refusal), "error")
            return redirect(url_for("visits.show", visit_id=visit.id))
        if not form.confirmed():
            return redirect(url_for("visits.delete", visit_id=visit.id))
        title = visit.title
        delete_visit(visit, current_user)
        db.session.commit()
        flash(
            _("“%(title)s” is in the trash now; it can be restored there for %(days)s days.",
              title=title, days=retention_days()),
            "success",
        )  # fmt: skip
        return redirect(url_for("visits.index"))
    return render_template(
        "visits/delete.html",
        form=form,
        visit=visit,
        refusal=refusal,
        goes_with=describe(visit_counts(visit)) if refusal is None else [],
        can_cancel=VisitStatus.CANCELLED in TRANSITIONS[visit.status],
        days=retention_days(),
    )


@bp.route("/visits/<id:visit_id>/issue", methods=["GET", "POST"])
@permission_required("visit.edit")
def issue(visit_id: int):
    """Issue the draft as the next agenda version, after showing changes and conflicts."""
    visit = load_for_snapshot(visit_id)
    # Acknowledged warnings need no second confirmation.
    report = conflict_reports([visit.id], viewer_organisation_id=current_user.organisation_id)[
        visit.id
    ]
    conflicts = report.open
    latest = latest_version(visit.id)
    changes = pending_changes(visit, latest)
    form = IssueForm()
    if form.validate_on_submit():
        if conflicts and not form.acknowledge_conflicts.data:
            form.acknowledge_conflicts.errors = [
                _("Please confirm that you have seen the open conflicts.")
            ]
        else:
            try:
                version = issue_version(visit, current_user, form.comment.data)
                # Updates for those invited already, in the same transaction as the version.
                drafted = draft_updates(visit, version, Changes.from_dict(version.changes))
                db.session.commit()
            except InvalidInput as error:
                db.session.rollback()
                show_error(form, error)
            else:
                flash(_("Version %(number)s has been issued.", number=version.number), "success")
                if drafted:
                    flash(_("Updates drafted for review: %(count)s.", count=drafted), "success")
                return redirect(url_for("visits.show", visit_id=visit.id))
    return render_template(
        "visits/issue.html",
        form=form,
        visit=visit,
        conflicts=conflicts,
        report=report,
        changes=changes,
        affected=affected_people(visit, changes.affected_person_ids, show_internal=True),
        latest=latest,
    )


@bp.post("/visits/<id:visit_id>/conflicts/acknowledge")
@permission_required("visit.edit")
def acknowledge_conflict(visit_id: int, visit: Visit):
    """Acknowledge a warning with a note on why it is fine, so that it stops showing."""
    form = AcknowledgeForm()
    if form.validate_on_submit():
        try:
            acknowledge(visit, form.fingerprint.data, form.note.data, current_user)
            db.session.commit()
        except InvalidInput as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            flash(_("The warning has been acknowledged."), "success")
    elif form.note.errors:
        flash(str(form.note.errors[0]), "error")
    else:
        flash(_("The warning could not be acknowledged. Please try again."), "error")
    return redirect(url_for("visits.show", visit_id=visit.id, _anchor="conflicts"))


@bp.post("/visits/<id:visit_id>/conflicts/<id:acknowledgement_id>/withdraw")
@permission_required("visit.edit")
def withdraw_conflict_acknowledgement(visit_id: int, acknowledgement_id: int, visit: Visit):
    """Withdraw the acknowledgement of a warning, so that it shows again."""
    if Form().validate_on_submit():
        if withdraw_acknowledgement(visit, acknowledgement_id):
            db.session.commit()
            flash(_("The warning shows again."), "success")
        else:
            flash(_("This acknowledgement has been withdrawn already."), "warning")
    return redirect(url_for("visits.show", visit_id=visit.id, _anchor="conflicts"))


@bp.get("/visits/<id:visit_id>/history")
@permission_required("visit.history")
def history(visit_id: int):
    """Tell who changed what in a visit, as sentences, newest first, page by page."""
    form = HistoryFilterForm(request.args)
    try:
        loaded = visit_history(visit_id, current_user, form.query(request.args.get("before")))
    except PermissionError:
        abort(403)
    if loaded is None:
        abort(404)
    visit, page = loaded
    form.offer(page)
    return render_template("visits/history.html", visit=visit, page=page, form=form)


@bp.get("/visits/<id:visit_id>/versions/<id:number>")
@permission_required("visit.view", loaded_by_service=True)
def version(visit_id: int, number: int):
    """Show an issued version as it was issued, with what it changed."""
    page = load_version_page(visit_id, number, current_user)
    if page is None:
        abort(404)
    return render_template("visits/version.html", page=page, visit=page.visit)


def _version_number(name: str) -> int | None:
    """Return a version number from the query string; None when not given."""
    value = request.args.get(name, "").strip()
    if not value:
        return None
    if not value.isdecimal() or len(value) > 10 or not 1 <= int(value) <= MAX_ID:
        abort(404)
    return int(value)


@bp.get("/visits/<id:visit_id>/versions/compare")
@permission_required("visit.view", loaded_by_service=True)
def compare_versions(visit_id: int):
    """Show what changed between two issued versions (``?from=1&to=3``)."""
    comparison = load_comparison(
        visit_id, current_user, _version_number("from"), _version_number("to")
    )
    if comparison is None:
        abort(404)
    return render_template("visits/compare.html", comparison=comparison, visit=comparison.visit)
