"""Printed documents of a visit, as print views and PDF, and the organisation's branding."""

import re

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import force_locale
from flask_login import current_user, login_required

from planner.extensions import db
from planner.models import Organisation, Visit
from planner.services.pdf import render_pdf
from planner.services.permissions import can_see_internal, can_view_visit
from planner.services.printing import DOCUMENTS, HOST_DOCUMENTS, load_print_data

bp = Blueprint("printing", __name__)


def _document(visit_id: int, document: str):
    if document not in DOCUMENTS:
        abort(404)
    visit = db.session.get(Visit, visit_id)
    if visit is None or not can_view_visit(current_user, visit):
        abort(404)
    if document in HOST_DOCUMENTS and not can_see_internal(current_user, visit):
        abort(403)
    requested = request.args.get("lang")
    language = requested if requested in current_app.config["LANGUAGES"] else visit.language.value
    data = load_print_data(visit, current_user, document, language)
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


@bp.get("/visits/<id:visit_id>/print/<document>.pdf")
@login_required
def pdf(visit_id: int, document: str):
    """Download a document as PDF."""
    visit, data, html = _document(visit_id, document)
    slug = re.sub(r"[^a-z0-9]+", "-", visit.title.lower()).strip("-")[:50] or "besuch"
    return Response(
        render_pdf(html),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{document}-{slug}.pdf"'},
    )


@bp.get("/branding/<id:organisation_id>/logo")
@login_required
def logo(organisation_id: int):
    """Serve an organisation's logo; an SVG may not run anything in this origin."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not organisation.logo:
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
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        abort(404)
    css = f":root {{ --accent: {organisation.accent_colour}; }}\n"
    return Response(css, mimetype="text/css", headers={"Cache-Control": "private, max-age=300"})
