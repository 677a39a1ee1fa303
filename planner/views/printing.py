"""Printed documents of a visit, as print views and PDF, and the organisation's branding."""

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import force_locale
from flask_login import current_user, login_required
from markupsafe import Markup

from planner.extensions import db
from planner.models import Organisation, Visit
from planner.services.artefacts import Artefact, issued_pdf, issued_version_id
from planner.services.locales import formatting_locale
from planner.services.pdf import render_pdf
from planner.services.permissions import can_see_branding, can_see_internal, can_view_visit
from planner.services.printing import (
    DOCUMENTS,
    HOST_DOCUMENTS,
    VERSION_DOCUMENTS,
    PrintData,
    load_print_data,
    print_file_name,
)
from planner.services.text import content_disposition
from planner.services.versions import version_by_number

bp = Blueprint("printing", __name__)


def _toolbar(visit: Visit, document: str, number: int | None, language: str | None) -> Markup:
    """Render the screen-only toolbar in the reader's language, not the document's."""
    if number is None:
        pdf = url_for("printing.pdf", visit_id=visit.id, document=document, lang=language)
    else:
        pdf = url_for(
            "printing.version_pdf", visit_id=visit.id, number=number, document=document,
            lang=language,
        )  # fmt: skip
    html = render_template("print/_toolbar.html", visit=visit, pdf_url=pdf)
    return Markup(html)  # noqa: S704 (our own autoescaped template, rendered a moment ago)


def _open(visit_id: int, document: str, number: int | None = None):
    """Return the visit, the issued version asked for and the language asked for."""
    if document not in (DOCUMENTS if number is None else VERSION_DOCUMENTS):
        abort(404)
    visit = db.session.get(Visit, visit_id)
    if visit is None or not can_view_visit(current_user, visit):
        abort(404)
    if document in HOST_DOCUMENTS and not can_see_internal(current_user, visit):
        abort(403)
    issued = None
    if number is not None:
        issued = version_by_number(visit.id, number)
        if issued is None:
            abort(404)
    requested = request.args.get("lang")
    if requested not in current_app.config["LANGUAGES"]:
        requested = None
    return visit, issued, requested


def _document(visit_id: int, document: str, number: int | None = None, *, for_pdf: bool = False):
    visit, issued, requested = _open(visit_id, document, number)
    language = requested or visit.language.value
    data = load_print_data(visit, current_user, document, language, issued)
    if data is None:
        abort(404)
    # The PDF is the document alone; the print view carries a toolbar for the screen.
    toolbar = None if for_pdf else _toolbar(visit, document, number, requested)
    with force_locale(formatting_locale(language)):
        html = render_template(f"print/{document}.html", data=data, visit=visit, toolbar=toolbar)
    return visit, data, html


@bp.get("/visits/<id:visit_id>/print/<document>")
@login_required
def view(visit_id: int, document: str):
    """Show a document as a print view (A4 when printed)."""
    _, _, html = _document(visit_id, document)
    return html


def _pdf(data: PrintData, html: str, number: int | None = None) -> Response:
    return Response(
        render_pdf(html),
        mimetype="application/pdf",
        headers={"Content-Disposition": content_disposition(print_file_name(data, number))},
    )


def _stored_pdf(stored: Artefact, file_name: str) -> Response:
    """Send a PDF of an issued version from storage, or 304 when the client has it."""
    response = Response(stored.content, mimetype=stored.content_type)
    response.headers["Content-Disposition"] = content_disposition(file_name)
    response.set_etag(stored.etag)
    return response.make_conditional(request)


@bp.get("/visits/<id:visit_id>/print/<document>.pdf")
@login_required
def pdf(visit_id: int, document: str):
    """Download a document as PDF; one that prints an issued version is kept."""
    visit, data, html = _document(visit_id, document, for_pdf=True)
    if data.is_draft or data.version_number is None or document not in VERSION_DOCUMENTS:
        return _pdf(data, html)
    number = data.version_number
    version = version_by_number(visit.id, number)
    name = print_file_name(data)

    def build() -> tuple[bytes, str]:
        # Printed as that version, read afresh (services/artefacts.py): the same file.
        _, issued_data, issued_html = _document(visit_id, document, number, for_pdf=True)
        return render_pdf(issued_html), print_file_name(issued_data, number)

    host = can_see_internal(current_user, visit)
    stored = issued_pdf(visit.id, version.id, document, host, data.language, build)
    return _stored_pdf(stored, name)


@bp.get("/visits/<id:visit_id>/versions/<id:number>/print/<document>")
@login_required
def version_view(visit_id: int, number: int, document: str):
    """Show a document of an issued version as it was issued."""
    _, _, html = _document(visit_id, document, number)
    return html


@bp.get("/visits/<id:visit_id>/versions/<id:number>/print/<document>.pdf")
@login_required
def version_pdf(visit_id: int, number: int, document: str):
    """Download a document of an issued version as PDF: built once, then kept."""
    if document not in VERSION_DOCUMENTS:
        abort(404)
    # The version's id only: its snapshot is read when the file is built.
    visit, _, requested = _open(visit_id, document)
    version_id = issued_version_id(visit.id, number)
    if version_id is None:
        abort(404)

    def build() -> tuple[bytes, str]:
        _, data, html = _document(visit_id, document, number, for_pdf=True)
        return render_pdf(html), print_file_name(data, number)

    language = requested or visit.language.value
    host = can_see_internal(current_user, visit)
    stored = issued_pdf(visit.id, version_id, document, host, language, build)
    return _stored_pdf(stored, stored.file_name)


def _organisation(organisation_id: int) -> Organisation:
    """Return an organisation whose branding the user may see; others are not found."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not can_see_branding(current_user, organisation):
        abort(404)
    return organisation


@bp.get("/branding/<id:organisation_id>/logo")
@login_required
def logo(organisation_id: int):
    """Serve an organisation's logo; an SVG may not run anything in this origin."""
    organisation = _organisation(organisation_id)
    if not organisation.logo:
        abort(404)
    response = Response(organisation.logo, mimetype=organisation.logo_mime)
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    )
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.get("/branding/<id:organisation_id>/theme.css")
@login_required
def theme(organisation_id: int):
    """Serve the accent colour of an organisation's printouts as CSS."""
    organisation = _organisation(organisation_id)
    css = f":root {{ --accent: {organisation.accent_colour}; }}\n"
    return Response(css, mimetype="text/css", headers={"Cache-Control": "private, max-age=300"})
