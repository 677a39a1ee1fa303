"""Visits, their agenda and issued versions, through the API."""

import hashlib
from dataclasses import replace
from datetime import UTC

from flask import Response, current_app
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select

from planner.api import ETAG, IF_MATCH, precondition, problem, schemas
from planner.enums import Language
from planner.extensions import db
from planner.models import AgendaVersion, Visit
from planner.services.agenda_view import (
    Audience,
    ViewItem,
    audience_of,
    for_audience,
    read_version,
    visible_agenda,
)
from planner.services.errors import InvalidInput
from planner.services.locking import EditConflict
from planner.services.permissions import can_see_internal, visible_visits
from planner.services.planning import VisitValues, create_visit, update_visit
from planner.services.timezones import zone
from planner.services.versions import latest_version, version_history
from planner.services.visits import title_contains
from planner.views.access import permission_required

blp = Blueprint(
    "api-visits",
    __name__,
    url_prefix="/api/v1/visits",
    description="Visits the token's organisation hosts or attends as an accepted guest.",
)


def visit_json(visit: Visit) -> dict:
    """Return a visit as the token's user sees it."""
    data = {
        "id": visit.id,
        "title": visit.title,
        "purpose": visit.purpose,
        "first_day": visit.first_day,
        "last_day": visit.last_day,
        "timezone": visit.timezone,
        "language": visit.language,
        "status": visit.status,
        "host": {"id": visit.host_organisation.id, "name": visit.host_organisation.name},
        "guests": [{"id": org.id, "name": org.name} for org in visit.guest_organisations],
        "lock_version": visit.lock_version,
    }
    if can_see_internal(current_user, visit):
        data["internal_notes"] = visit.internal_notes
    return data


def moment_json(local, fold: int, zone_name: str) -> dict:
    """Return a wall-clock time of a zone as the API gives times: local with offset, and UTC."""
    aware = local.replace(tzinfo=zone(zone_name), fold=fold)
    return {
        "local": aware.isoformat(),
        "utc": aware.astimezone(UTC).isoformat().replace("+00:00", "Z"),
    }


def item_json(item: ViewItem, host: bool) -> dict:
    """Return an agenda item as the API gives it."""
    data = {
        "uid": item.uid,
        "id": item.id,
        "kind": item.kind,
        "status": item.status,
        "title": item.title,
        "description": item.description,
        "titles": dict(item.titles),
        "starts": moment_json(item.starts_at, item.starts_fold, item.zone_name),
        "ends": moment_json(item.ends_at, item.ends_fold, item.zone_name),
        "room": item.room,
        "location": item.location,
    }
    if host:
        data["internal_notes"] = item.internal_notes
    return data


@blp.route("")
@permission_required("login")
@blp.arguments(schemas.VisitQuery, location="query", as_kwargs=True)
@blp.response(200, schemas.VisitList)
def list_visits(limit: int, status=None, starts_from=None, until=None, q=None, after=None):
    """List the visits the token's organisation may see, oldest id first (keyset pages)."""
    query = visible_visits(select(Visit), current_user).order_by(Visit.id)
    if status is not None:
        query = query.where(Visit.status == status)
    if starts_from is not None:
        query = query.where(Visit.last_day >= starts_from)
    if until is not None:
        query = query.where(Visit.first_day <= until)
    for word in (q or "").split():
        query = query.where(title_contains(word))
    if after is not None:
        query = query.where(Visit.id > after)
    visits = list(db.session.scalars(query.limit(limit + 1)))
    more = len(visits) > limit
    visits = visits[:limit]
    return {
        "visits": [visit_json(visit) for visit in visits],
        "next_after": visits[-1].id if more else None,
    }


@blp.route("", methods=["POST"])
@permission_required("visit.create")
@blp.arguments(schemas.VisitWrite)
@blp.response(201, schemas.Visit)
@blp.alt_response(422, schema=schemas.Problem)
def create(data: dict):
    """Create a draft visit hosted by the token's organisation."""
    try:
        visit = create_visit(current_user.organisation, _values(data))
        db.session.commit()
    except InvalidInput as error:
        db.session.rollback()
        return _invalid(error)
    return visit_json(visit), 201, {"Location": f"/api/v1/visits/{visit.id}"}


# A read's ETag is what a change sends as If-Match: the description links the two, so a
# client (and the fuzzer) can follow it.
CHANGE_AFTER_READ = {
    "operationRef": "#/paths/~1api~1v1~1visits~1{visit_id}/patch",
    "parameters": {
        "path.visit_id": "$request.path.visit_id",
        "header.If-Match": "$response.header.ETag",
    },
}


@blp.route("/<id:visit_id>")
@permission_required("visit.view")
@blp.response(200, schemas.Visit, headers={"ETag": ETAG})
@blp.alt_response(404, schema=schemas.Problem)
@blp.doc(responses={200: {"links": {"change": CHANGE_AFTER_READ}}})
def read(visit: Visit):
    """Read a visit."""
    return visit_json(visit)


@blp.route("/<id:visit_id>", methods=["PATCH"])
@permission_required("visit.edit")
@blp.arguments(schemas.VisitChange)
@blp.response(200, schemas.Visit)
@blp.alt_response(412, schema=schemas.Problem)
@blp.alt_response(428, schema=schemas.Problem)
@blp.doc(parameters=[IF_MATCH])
def change(data: dict, visit: Visit):
    """Change a visit. Send the ETag of your last read as `If-Match`: a visit someone
    changed since is refused with 412, and nothing is saved."""
    refused = visit_precondition(visit)
    if refused is not None:
        return refused
    current = {
        "title": visit.title,
        "first_day": visit.first_day,
        "last_day": visit.last_day,
        "timezone": visit.timezone,
        "language": visit.language,
        "purpose": visit.purpose,
        "internal_notes": visit.internal_notes,
        "guest_organisation_ids": [org.id for org in visit.guest_organisations],
    }
    values = replace(_values({**current, **data}), contact_person_id=visit.contact_person_id)
    try:
        update_visit(visit, values, visit.lock_version)
        db.session.commit()
    except InvalidInput as error:
        db.session.rollback()
        return _invalid(error)
    except EditConflict:
        db.session.rollback()
        return problem(412, _("The visit changed since you read it: read it again."))
    return visit_json(visit)


def visit_precondition(visit: Visit) -> Response | None:
    """Refuse a change of the visit not made from its current read (428 or 412)."""
    return precondition(
        visit_etag(visit),
        _("Send the ETag of the visit you read as If-Match."),
        _("The visit changed since you read it: read it again."),
    )


def visit_etag(visit: Visit) -> str:
    """Return the ETag a read of the visit carries (see ``api._conditional``)."""
    body = current_app.json.response(schemas.Visit().dump(visit_json(visit))).get_data()
    return hashlib.sha256(body).hexdigest()[:32]


@blp.route("/<id:visit_id>/agenda")
@permission_required("visit.view")
@blp.arguments(schemas.AgendaQuery, location="query", as_kwargs=True)
@blp.response(200, schemas.Agenda)
def agenda(visit: Visit, draft: bool, lang: Language | None = None):
    """Read the agenda: the latest issued version, or the host's working draft
    (`draft=true`, host only). Guests never see internal notes or holds."""
    audience = audience_of(current_user, visit)
    if draft and audience is not Audience.HOST:
        return problem(403, _("Only the host reads the working draft."))
    latest = latest_version(visit.id)
    language = (lang or visit.language).value if lang or visit.language else "de"
    view = visible_agenda(visit, audience, language, latest, draft=draft, load=True)
    host = audience is Audience.HOST
    return {
        "visit_id": visit.id,
        "version": None if view is None or view.is_draft else latest.number,
        "timezone": visit.timezone,
        "items": [item_json(item, host) for item in view.ordered()] if view else [],
    }


@blp.route("/<id:visit_id>/versions")
@permission_required("visit.view")
@blp.response(200, schemas.VersionList)
def versions(visit: Visit):
    """List the issued versions of the agenda, newest first."""
    return {"versions": [_version(version) for version in version_history(visit.id)]}


@blp.route("/<id:visit_id>/versions/<id:number>")
@permission_required("visit.view")
@blp.response(200, schemas.Agenda)
def version(visit: Visit, version: AgendaVersion):
    """Read one issued version of the agenda."""
    audience = audience_of(current_user, visit)
    view = for_audience(read_version(version, visit, visit.language.value), audience)
    host = audience is Audience.HOST
    return {
        "visit_id": visit.id,
        "version": version.number,
        "timezone": view.timezone,
        "items": [item_json(item, host) for item in view.ordered()],
    }


def _version(version: AgendaVersion) -> dict:
    return {"number": version.number, "issued_at": version.issued_at, "comment": version.comment}


def _values(data: dict) -> VisitValues:
    return VisitValues(
        title=data["title"],
        first_day=data["first_day"],
        last_day=data["last_day"],
        timezone=data.get("timezone") or "Europe/Berlin",
        language=data.get("language") or Language.DE,
        purpose=data.get("purpose") or "",
        internal_notes=data.get("internal_notes") or "",
        guest_organisation_ids=list(data.get("guest_organisation_ids") or []),
    )


def _invalid(error: InvalidInput):
    return problem(422, _("Check the fields named in errors."), {error.field: [str(error.message)]})
