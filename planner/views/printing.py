"""Printed documents of a visit, as print views and PDF, and the organisation's branding."""

import re

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import force_locale
from flask_login import current_user, login_required

from planner.extensions import db
from planner.models import Organisation, Visit
from planner.services.pdf import render_pdf
from planner.services.permissions import can_see_branding, can_see_internal, can_view_visit
from planner.services.printing import (
    DOCUMENTS,
    HOST_DOCUMENTS,
    VERSION_DOCUMENTS,
    load_print_data,
)
from planner.services.versions import version_by_number

bp = Blueprint("printing", __name__)


def _document(visit_id: int, document: str, number: int | None = None):
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
    language = requested if requested in current_app.config["LANGUAGES"] else visit.language.value
    data = load_print_data(visit, current_user, document, language, issued)
    if data is None:
        abort(404)
    with force_locale(language):
        html = render_template(f"print/{document}.html", data=data, visit=visit)
    return visit, data, html


@bp.get("/visits/<id:visit_id>/print/<document>")
@login_required
def view(visit_id: int, document: str):
    """Show a document as a print view (A4 when printed)."""
    _, _, html = _document(visit_id, document)
    return html


def _pdf(visit: Visit, document: str, html: str, suffix: str = "") -> Response:
    slug = re.sub(r"[^a-z0-9]+", "-", visit.title.lower()).strip("-")[:50] or "besuch"
    return Response(
        render_pdf(html),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{document}-{slug}{suffix}.pdf"'},
    )


@bp.get("/visits/<id:visit_id>/print/<document>.pdf")
@login_required
def pdf(visit_id: int, document: str):
    """Download a document as PDF."""
    visit, _, html = _document(visit_id, document)
    return _pdf(visit, document, html)


@bp.get("/visits/<id:visit_id>/versions/<id:number>/print/<document>")
@login_required
def version_view(visit_id: int, number: int, document: str):
    """Show a document of an issued version as it was issued."""
    _, _, html = _document(visit_id, document, number)
    return html


@bp.get("/visits/<id:visit_id>/versions/<id:number>/print/<document>.pdf")
@login_required
def version_pdf(visit_id: int, number: int, document: str):
    """Download a document of an issued version as PDF."""
    visit, _, html = _document(visit_id, document, number)
    return _pdf(visit, document, html, f"-version-{number}")


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
