"""The press: a visit's press list, its public press page and its press release."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from planner.enums import Accreditation
from planner.extensions import db
from planner.forms.confirm import ConfirmForm
from planner.forms.press import PressContactForm, PublicPeopleForm, ReleaseForm
from planner.forms.widgets import choices
from planner.i18n import enum_labels
from planner.models import Participation, PressContact, Visit
from planner.services.errors import InvalidInput
from planner.services.item_texts import title_in
from planner.services.locking import EditConflict
from planner.services.permissions import can_edit_visit
from planner.services.press import (
    ContactValues,
    add_contact,
    contact_values,
    participants_of,
    press_contacts,
    press_items,
    press_page_of,
    public_press_page,
    publish,
    regenerate_release,
    release_docx,
    release_of,
    release_text,
    renew_link,
    save_release,
    set_public_people,
    unpublish,
    update_contact,
)
from planner.views.access import permission_required
from planner.views.navigation import show_error

bp = Blueprint("press", __name__)


def _back(visit: Visit):
    return redirect(url_for("press.index", visit_id=visit.id))


def _contact_form(visit: Visit) -> PressContactForm:
    form = PressContactForm()
    labels = enum_labels()
    form.accreditation.choices = choices(
        (state.value, labels["accreditation"][state]) for state in Accreditation
    )
    language = visit.language.value
    form.items.choices = choices(
        (item.id, f"{item.starts_at:%H:%M} {title_in(item, language)}") for item in visit.items
    )
    return form


def _people_form(visit: Visit) -> tuple[PublicPeopleForm, list[Participation]]:
    """Return the form naming people to the press, and the participants in its order."""
    form = PublicPeopleForm()
    participations = sorted(
        participants_of(visit),
        key=lambda p: (p.side != "guest", p.effective_rank or 10**6, p.person.last_name),
    )
    form.people.choices = choices(
        (p.id, f"{p.person.display_name} ({p.person.organisation.name})") for p in participations
    )
    if not form.is_submitted():
        form.people.data = [p.id for p in participations if p.press_public]
    return form, participations


@bp.get("/visits/<id:visit_id>/press")
@permission_required("press.view")
def index(visit_id: int, visit: Visit):
    """Show the press list, who the press page names, and the page's state and link."""
    page = press_page_of(visit)
    people_form, participations = _people_form(visit)
    return render_template(
        "press/index.html",
        visit=visit,
        contacts=press_contacts(visit),
        page=page,
        items=press_items(visit, visit.language.value),
        people_form=people_form,
        named=[p for p in participations if p.press_public],
        can_edit=can_edit_visit(current_user, visit),
        public_url=url_for("press.public", token=page.token, _external=True)
        if page is not None and page.token
        else None,
    )


def _values(form: PressContactForm) -> ContactValues:
    return ContactValues(
        outlet=form.outlet.data or "",
        journalist=form.journalist.data or "",
        email=form.email.data or "",
        phone=form.phone.data or "",
        accreditation=Accreditation(form.accreditation.data),
        item_ids=tuple(form.items.data or ()),
    )


@bp.route("/visits/<id:visit_id>/press/new", methods=["GET", "POST"])
@bp.route("/visits/<id:visit_id>/press/<id:contact_id>/edit", methods=["GET", "POST"])
@permission_required("visit.edit")
def edit_contact(visit_id: int, visit: Visit, contact: PressContact | None = None):
    """Put a journalist on the press list or change their entry."""
    form = _contact_form(visit)
    others = None
    if request.method == "GET" and contact is not None:
        values = contact_values(contact)
        form.outlet.data, form.journalist.data = values.outlet, values.journalist
        form.email.data, form.phone.data = values.email, values.phone
        form.accreditation.data = values.accreditation.value
        form.items.data = list(values.item_ids)
        form.show_version(contact)
    elif form.validate_on_submit():
        try:
            if contact is None:
                add_contact(visit, _values(form))
            else:
                update_contact(contact, _values(form), form.expected_version())
            db.session.commit()
        except EditConflict as conflict:
            db.session.rollback()
            others = form.refusal(conflict, contact)
        except InvalidInput as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("The press list has been saved."), "success")
            return _back(visit)
    return render_template(
        "press/edit_contact.html", form=form, visit=visit, contact=contact, others=others
    )


@bp.route("/visits/<id:visit_id>/press/<id:contact_id>/delete", methods=["GET", "POST"])
@permission_required("visit.edit")
def delete_contact(visit_id: int, visit: Visit, contact: PressContact):
    """Ask before taking a journalist off the press list, then take them off."""
    form = ConfirmForm()
    if request.method == "POST":
        if not form.confirmed():
            return redirect(
                url_for("press.delete_contact", visit_id=visit.id, contact_id=contact.id)
            )
        db.session.delete(contact)
        db.session.commit()
        flash(_("The entry has been removed from the press list."), "success")
        return _back(visit)
    return render_template("press/delete_contact.html", form=form, visit=visit, contact=contact)


@bp.post("/visits/<id:visit_id>/press/people")
@permission_required("visit.edit")
def public_people(visit_id: int, visit: Visit):
    """Name exactly the chosen participants on the press page."""
    form, _participations = _people_form(visit)
    if form.validate_on_submit():
        set_public_people(visit, set(form.people.data or ()))
        db.session.commit()
        flash(_("The people named on the press page have been saved."), "success")
    return _back(visit)


@bp.post("/visits/<id:visit_id>/press/publish")
@permission_required("visit.edit")
def publish_page(visit_id: int, visit: Visit):
    """Publish the press page at its link."""
    publish(visit)
    db.session.commit()
    flash(_("The press page is published."), "success")
    return _back(visit)


@bp.post("/visits/<id:visit_id>/press/unpublish")
@permission_required("visit.edit")
def unpublish_page(visit_id: int, visit: Visit):
    """Take the press page offline; its link answers "not found"."""
    unpublish(visit)
    db.session.commit()
    flash(_("The press page is offline."), "success")
    return _back(visit)


@bp.route("/visits/<id:visit_id>/press/new-link", methods=["GET", "POST"])
@permission_required("visit.edit")
def new_link(visit_id: int, visit: Visit):
    """Ask before giving the press page a new link, then do: the old link stops working."""
    form = ConfirmForm()
    if request.method == "POST":
        if not form.confirmed():
            return redirect(url_for("press.new_link", visit_id=visit.id))
        renew_link(visit)
        db.session.commit()
        flash(_("The press page has a new link; the old one no longer works."), "success")
        return _back(visit)
    return render_template("press/new_link.html", form=form, visit=visit)


@bp.route("/visits/<id:visit_id>/press/release", methods=["GET", "POST"])
@permission_required("visit.edit")
def release(visit_id: int, visit: Visit):
    """Edit the press release, drafted from the issued agenda the first time."""
    form = ReleaseForm()
    others = None
    page = release_of(visit)
    if request.method == "GET":
        db.session.commit()  # the first draft is kept
        form.text.data = page.release_text
        form.show_version(page)
    elif form.validate_on_submit():
        try:
            save_release(visit, form.text.data, form.expected_version())
            db.session.commit()
        except EditConflict as conflict:
            db.session.rollback()
            others = form.refusal(conflict, release_of(visit))
        except InvalidInput as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("The press release has been saved."), "success")
            return redirect(url_for("press.release", visit_id=visit.id))
    return render_template("press/release.html", form=form, visit=visit, others=others)


@bp.route("/visits/<id:visit_id>/press/release/regenerate", methods=["GET", "POST"])
@permission_required("visit.edit")
def regenerate(visit_id: int, visit: Visit):
    """Ask before replacing the release with a fresh draft, then replace it."""
    form = ConfirmForm()
    if request.method == "POST":
        if not form.confirmed():
            return redirect(url_for("press.regenerate", visit_id=visit.id))
        regenerate_release(visit)
        db.session.commit()
        flash(_("The press release has been drafted again."), "success")
        return redirect(url_for("press.release", visit_id=visit.id))
    return render_template("press/regenerate.html", form=form, visit=visit)


def _download(body: bytes | str, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/visits/<id:visit_id>/press/release.txt")
@permission_required("press.view")
def release_txt(visit_id: int, visit: Visit):
    """Download the press release as plain text."""
    return _download(
        release_text(visit) + "\n", "text/plain; charset=utf-8", _("press-release") + ".txt"
    )


@bp.get("/visits/<id:visit_id>/press/release.docx")
@permission_required("press.view")
def release_word(visit_id: int, visit: Visit):
    """Download the press release as a Word document."""
    return _download(
        release_docx(release_text(visit)),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _("press-release") + ".docx",
    )


@bp.get("/press/<token>")
@permission_required("token")
def public(token: str):
    """Show a visit's published press page to anyone holding its link."""
    view = public_press_page(token)
    if view is None:
        abort(404)
    return render_template("press/public.html", view=view)
