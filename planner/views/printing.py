"""Printed documents of a visit, as print views and PDF, and the organisation's branding."""

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import force_locale
from flask_login import current_user
from markupsafe import Markup

from planner.models import AgendaVersion, Organisation, Visit
from planner.services.locales import formatting_locale
from planner.services.pdf import render_pdf
from planner.services.printing import (
    PrintData,
    load_print_data,
    print_file_name,
)
from planner.services.text import content_disposition
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


@bp.get("/visits/<id:visit_id>/print/<document>.pdf")
@permission_required("visit.print")
def pdf(visit: Visit, document: str):
    """Download a document as PDF."""
    _, data, html = _document(visit, document, for_pdf=True)
    return _pdf(data, html)


@bp.get("/visits/<id:visit_id>/versions/<id:number>/print/<document>")
@permission_required("visit.print")
def version_view(visit: Visit, version: AgendaVersion, document: str):
    """Show a document of an issued version as it was issued."""
    _, _, html = _document(visit, document, version)
    return html


@bp.get("/visits/<id:visit_id>/versions/<id:number>/print/<document>.pdf")
@permission_required("visit.print")
def version_pdf(number: int, visit: Visit, version: AgendaVersion, document: str):
    """Download a document of an issued version as PDF."""
    _, data, html = _document(visit, document, version, for_pdf=True)
    return _pdf(data, html, number)


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
