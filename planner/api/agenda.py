"""The host's working draft through the API: its items, moves, and what changed between
issued versions.

The routes call the services the item form, the day plan and the trash use, with the
same rules: a time the clocks skip or repeat is refused (422) with the form's message,
warnings are asked about (409 lists them; send ``confirm_conflicts: true`` to save
anyway), a change needs the ETag of the item as read (``If-Match``), and deleting moves
the item into the trash, where it can be restored.
"""

import hashlib
from dataclasses import replace
from typing import Any

from flask import Response, current_app, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint

from planner.api import agenda_schemas as schemas
from planner.api import precondition, problem
from planner.api.schemas import Problem
from planner.api.visits import item_json, moment_json
from planner.extensions import db
from planner.models import AgendaItem, AgendaVersion, Visit
from planner.services.agenda import (
    ItemValues,
    add_item,
    checked_values,
    current_values,
    delete_item,
    item_warnings,
    moved_values,
    update_item,
)
from planner.services.agenda_view import ChangedItem, ViewItem, issued_zone, read_draft
from planner.services.conflicts import Conflict
from planner.services.errors import InvalidInput
from planner.services.issued_versions import load_comparison
from planner.services.locking import EditConflict
from planner.services.trash import retention_days
from planner.services.versions import load_for_snapshot
from planner.views.access import permission_required

blp = Blueprint(
    "api-agenda",
    __name__,
    url_prefix="/api/v1/visits",
    description="The host's working draft item by item, and the changes between versions.",
)

# The services name the form's fields; the API names its own.
API_FIELDS = {
    "start": "starts",
    "end": "ends",
    "start_fold": "starts_fold",
    "end_fold": "ends_fold",
    "room": "room_id",
    "responsible": "responsible_person_id",
    "module": "module_id",
}
# The API's fields of an item and the ``ItemValues`` they set.
VALUE_NAMES = {"starts": "starts_at", "ends": "ends_at"}
CONTROLS = ("shift_following", "confirm_conflicts")
CHANGE_GROUPS = ("new", "moved", "changed", "cancelled", "removed")


# --- reading the draft --------------------------------------------------------------------


def _draft_item_json(entry: ViewItem, item: AgendaItem) -> dict[str, Any]:
    """Return a draft item as the host reads it: the agenda's fields and the form's."""
    return {
        **item_json(entry, host=True),
        "lock_version": item.lock_version,
        "sequence": entry.sequence,
        "descriptions": dict(entry.descriptions),
        "setup_minutes": entry.setup_minutes,
        "teardown_minutes": entry.teardown_minutes,
        "room_id": entry.room_id,
        "responsible_person_id": item.responsible_person_id,
        "responsible": entry.responsible,
        "module_id": entry.module_id,
        "press_access": entry.press_access,
    }


def draft_items(visit: Visit) -> list[dict[str, Any]]:
    """Return the working draft's items in time order, read once through the read model."""
    loaded = load_for_snapshot(visit.id)
    items = {item.id: item for item in loaded.items}
    view = read_draft(loaded, visit.language.value)
    return [_draft_item_json(entry, items[entry.id]) for entry in view.ordered()]


def _read(visit: Visit, item: AgendaItem) -> dict[str, Any]:
    return next(data for data in draft_items(visit) if data["id"] == item.id)


def item_etag(data: dict[str, Any]) -> str:
    """Return the ETag a read of the item carries (see ``api._conditional``)."""
    body = current_app.json.response(schemas.DraftItem().dump(data)).get_data()
    return hashlib.sha256(body).hexdigest()[:32]


def _answer(visit: Visit, item: AgendaItem, status: int = 200, **headers):
    data = _read(visit, item)
    return data, status, {"ETag": f'"{item_etag(data)}"', **headers}


def _precondition(visit: Visit, item: AgendaItem) -> Response | None:
    """Refuse a change sent without the ETag of the item as read, or with an old one."""
    return precondition(
        item_etag(_read(visit, item)),
        _("Send the ETag of the item you read as If-Match."),
        _("The item changed since you read it: read it again."),
    )


def _save_change(visit: Visit, item: AgendaItem, values_of, confirmed: bool,
                 shift: bool = False):  # fmt: skip
    """Save a change or a move made from the current read: impossible values answer 422,
    warnings 409 unless ``confirmed``, someone else's change meanwhile 412."""
    refused = _precondition(visit, item)
    if refused is not None:
        return refused
    try:
        values = checked_values(visit, values_of())
        warnings = item_warnings(visit, item, values, current_user.organisation_id, shift)
        if warnings and not confirmed:
            return _warned(warnings)
        update_item(item, values, item.lock_version, shift)
        db.session.commit()
    except InvalidInput as error:
        db.session.rollback()
        return _invalid(error)
    except EditConflict:
        db.session.rollback()
        return _stale()
    return _answer(visit, item)


def _stale() -> Response:
    return problem(412, _("The item changed since you read it: read it again."))


# --- answers that refuse --------------------------------------------------------------------


def _invalid(error: InvalidInput) -> Response:
    field = API_FIELDS.get(error.field, error.field)
    return problem(422, _("Check the fields named in errors."), {field: [str(error.message)]})


def _warned(warnings: list[Conflict]) -> Response:
    """Answer 409 listing the warnings the pages ask to confirm; nothing was saved."""
    response = problem(
        409, _("Saving causes warnings: send confirm_conflicts: true to save anyway.")
    )
    body = response.get_json()
    body["warnings"] = [
        {
            "kind": str(warning.kind),
            "message": str(warning.message),
            "item_id": warning.item_id,
            "other_item_id": warning.other_item_id,
            "room_id": warning.room_id,
            "person_id": warning.person_id,
        }
        for warning in warnings
    ]
    response.set_data(current_app.json.dumps(body))
    return response


def _sent(data: dict[str, Any]) -> dict[str, Any]:
    """Return the fields sent under the names the services give them (``starts_at`` …)."""
    return {VALUE_NAMES.get(key, key): value for key, value in data.items() if key not in CONTROLS}


def _values(data: dict[str, Any], current: ItemValues) -> ItemValues:
    """Return the item's values with the fields sent replacing the current ones; a new
    time forgets the reading chosen for the old one."""
    sent = _sent(data)
    for time, fold in (("starts_at", "starts_fold"), ("ends_at", "ends_fold")):
        if time in sent and fold not in sent:
            sent[fold] = None
    return replace(current, **sent)


# --- the routes -------------------------------------------------------------------------------


@blp.route("/<id:visit_id>/items")
@permission_required("visit.internal")
@blp.response(200, schemas.DraftItemList)
@blp.alt_response(403, schema=Problem)
def list_items(visit: Visit):
    """List the working draft's items in time order (the host's users only; guests read
    the issued agenda at `/agenda`)."""
    return {"visit_id": visit.id, "timezone": visit.timezone, "items": draft_items(visit)}


@blp.route("/<id:visit_id>/items", methods=["POST"])
@permission_required("visit.edit")
@blp.arguments(schemas.ItemCreate)
@blp.response(201, schemas.DraftItem)
@blp.alt_response(409, schema=Problem)
@blp.alt_response(422, schema=Problem)
def create_item(data: dict, visit: Visit):
    """Add an item to the working draft. Warnings (overlaps, a room booked twice …)
    answer 409 and save nothing unless `confirm_conflicts` is true."""
    try:
        values = checked_values(visit, ItemValues(**_sent(data)))
        warnings = item_warnings(visit, None, values, current_user.organisation_id)
        if warnings and not data["confirm_conflicts"]:
            return _warned(warnings)
        item = add_item(visit, values)
        db.session.commit()
    except InvalidInput as error:
        db.session.rollback()
        return _invalid(error)
    return _answer(visit, item, 201, Location=f"/api/v1/visits/{visit.id}/items/{item.id}")


@blp.route("/<id:visit_id>/items/<id:item_id>")
@permission_required("visit.internal")
@blp.response(200, schemas.DraftItem)
@blp.alt_response(404, schema=Problem)
def read_item(visit: Visit, item: AgendaItem):
    """Read an item of the working draft (the host's users only)."""
    return _read(visit, item)


@blp.route("/<id:visit_id>/items/<id:item_id>", methods=["PATCH"])
@permission_required("visit.edit")
@blp.arguments(schemas.ItemChange)
@blp.response(200, schemas.DraftItem)
@blp.alt_response(409, schema=Problem)
@blp.alt_response(412, schema=Problem)
@blp.alt_response(422, schema=Problem)
@blp.alt_response(428, schema=Problem)
def change_item(data: dict, visit: Visit, item: AgendaItem):
    """Change an item. Send the ETag of your last read as `If-Match` (412 when someone
    changed it since); warnings answer 409 unless `confirm_conflicts` is true."""
    return _save_change(
        visit,
        item,
        lambda: _values(data, current_values(item)),
        data["confirm_conflicts"],
        data["shift_following"],
    )


@blp.route("/<id:visit_id>/items/<id:item_id>/move", methods=["POST"])
@permission_required("visit.edit")
@blp.arguments(schemas.ItemMove)
@blp.response(200, schemas.DraftItem)
@blp.alt_response(409, schema=Problem)
@blp.alt_response(412, schema=Problem)
@blp.alt_response(422, schema=Problem)
@blp.alt_response(428, schema=Problem)
def move(data: dict, visit: Visit, item: AgendaItem):
    """Move an item to another beginning and room as the day plan does, keeping its
    length in real time. Needs `If-Match`; warnings answer 409 unless
    `confirm_conflicts` is true."""
    return _save_change(
        visit, item, lambda: moved_values(item, **_sent(data)), data["confirm_conflicts"]
    )


@blp.route("/<id:visit_id>/items/<id:item_id>", methods=["DELETE"])
@permission_required("visit.edit")
@blp.response(200, schemas.DeletedItem)
@blp.alt_response(412, schema=Problem)
@blp.alt_response(428, schema=Problem)
def delete(visit: Visit, item: AgendaItem):
    """Move an item of the working draft, with who attends it, into the trash, where
    it can be restored for the trash's retention time. Needs the ETag of the item as
    read (`If-Match`): nothing is deleted blindly. An issued version keeps the item;
    the next one cancels it for those invited."""
    refused = _precondition(visit, item)
    if refused is not None:
        return refused
    item_id, uid = item.id, item.uid
    entry = delete_item(item, current_user)
    db.session.commit()
    return {
        "id": item_id,
        "uid": uid,
        "trash": {
            "entry_id": entry.id,
            "url": url_for("trash.index"),
            "restore_url": url_for("trash.restore_entry", entry_id=entry.id),
            "kept_days": retention_days(),
        },
    }


# --- what changed between issued versions -----------------------------------------------------


def _change_json(change: ChangedItem, zone_name: str, from_zone: str) -> dict[str, Any]:
    return {
        "uid": change.uid,
        "titles": dict(change.titles),
        "starts": moment_json(change.starts_at, change.starts_fold, zone_name),
        "room": change.room,
        "fields": list(change.fields),
        "from_starts": (
            moment_json(change.from_starts_at, change.from_starts_fold, from_zone)
            if change.from_starts_at
            else None
        ),
        "from_titles": dict(change.from_titles),
        "from_room": change.from_room,
    }


@blp.route("/<id:visit_id>/versions/<id:number>/changes")
@permission_required("visit.view")
@blp.arguments(schemas.ChangesQuery, location="query", as_kwargs=True)
@blp.response(200, schemas.VersionChanges)
@blp.alt_response(404, schema=Problem)
def changes(visit: Visit, version: AgendaVersion, against: int | None = None):
    """List what changed from version `against` (default: the one before) to this one,
    as the pages' comparison shows it: guests see neither internal holds nor notes, and
    only the names of the visit's participants."""
    comparison = load_comparison(visit.id, current_user, against, version.number)
    if comparison is None:
        return problem(404, _("There is no issued version with this number."))
    zone_name = issued_zone(comparison.newer, visit)
    from_zone = issued_zone(comparison.older, visit)
    return {
        "visit_id": visit.id,
        "from_version": comparison.older.number,
        "to_version": comparison.newer.number,
        "timezone": zone_name,
        **{
            group: [
                _change_json(change, zone_name, from_zone)
                for change in comparison.changes.read(group)
            ]
            for group in CHANGE_GROUPS
        },
        "affected": {"names": comparison.affected.names, "others": comparison.affected.others},
    }
