"""Printed documents of a visit, as print views and PDF, and the organisation's branding."""

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import force_locale
from flask_login import current_user
from markupsafe import Markup

from planner.models import AgendaVersion, Organisation, Visit
from planner.services.artefacts import Artefact, issued_pdf, issued_version_id
from planner.services.locales import formatting_locale
from planner.services.pdf import render_pdf
from planner.services.permissions import can_see_internal
from planner.services.printing import (
    VERSION_DOCUMENTS,
    PrintData,
    load_print_data,
    print_file_name,
)
from planner.services.text import content_disposition
from planner.services.versions import version_by_number
from planner.views.access import permission_required

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


def _document(
    visit: Visit, document: str, issued: AgendaVersion | None = None, *, for_pdf: bool = False
):
    number = issued.number if issued is not None else None
    requested = request.args.get("lang")
    if requested not in current_app.config["LANGUAGES"]:
        requested = None
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
@permission_required("visit.print")
def view(visit: Visit, document: str):
    """Show a document as a print view (A4 when printed)."""
    _, _, html = _document(visit, document)
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
@permission_required("visit.print")
def pdf(visit: Visit, document: str):
    """Download a document as PDF; one that prints an issued version is kept."""
    _, data, html = _document(visit, document, for_pdf=True)
    if data.is_draft or data.version_number is None or document not in VERSION_DOCUMENTS:
        return _pdf(data, html)
    number = data.version_number
    version_id = issued_version_id(visit.id, number)
    name = print_file_name(data)

    def build() -> tuple[bytes, str]:
        # Printed as that version, read afresh (services/artefacts.py): the same file.
        issued = version_by_number(visit.id, number)
        _, issued_data, issued_html = _document(visit, document, issued, for_pdf=True)
        return render_pdf(issued_html), print_file_name(issued_data, number)

    host = can_see_internal(current_user, visit)
    stored = issued_pdf(visit.id, version_id, document, host, data.language, build)
    return _stored_pdf(stored, name)


@bp.get("/visits/<id:visit_id>/versions/<id:number>/print/<document>")
@permission_required("visit.print")
def version_view(visit: Visit, version: AgendaVersion, document: str):
    """Show a document of an issued version as it was issued."""
    _, _, html = _document(visit, document, version)
    return html


@bp.get("/visits/<id:visit_id>/versions/<id:number>/print/<document>.pdf")
@permission_required("visit.print")
def version_pdf(number: int, visit: Visit, version: AgendaVersion, document: str):
    """Download a document of an issued version as PDF: built once, then kept."""

    def build() -> tuple[bytes, str]:
        _, data, html = _document(visit, document, version, for_pdf=True)
        return render_pdf(html), print_file_name(data, number)

    requested = request.args.get("lang")
    # As _document chooses it.
    language = requested if requested in current_app.config["LANGUAGES"] else None
    language = language or visit.language.value
    host = can_see_internal(current_user, visit)
    stored = issued_pdf(visit.id, version.id, document, host, language, build)
    return _stored_pdf(stored, stored.file_name)


@bp.get("/branding/<id:organisation_id>/logo")
@permission_required("branding.view")
def logo(organisation: Organisation):
    """Serve an organisation's logo; an SVG may not run anything in this origin."""
    if not organisation.logo:
        abort(404)
    response = Response(organisation.logo, mimetype=organisation.logo_mime)
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    )
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.get("/branding/<id:organisation_id>/theme.css")
@permission_required("branding.view")
def theme(organisation: Organisation):
    """Serve the accent colour of an organisation's printouts as CSS."""
    css = f":root {{ --accent: {organisation.accent_colour}; }}\n"
    return Response(css, mimetype="text/css", headers={"Cache-Control": "private, max-age=300"})
