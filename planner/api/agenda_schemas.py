"""What the API's agenda routes read and write: draft items, moves and version changes.

Times sent are wall-clock times of the visit's zone without an offset
("2023-02-23T10:00"), as the item form takes them; a time the clocks repeat needs its
reading (``starts_fold``/``ends_fold``: 0 the first, 1 the second).
"""

import marshmallow as ma
from marshmallow import ValidationError, validate

from planner.api.schemas import AgendaItem as IssuedItem
from planner.api.schemas import Moment
from planner.enums import ItemKind, ItemStatus, PressAccess

ID = validate.Range(min=1, max=2**31 - 1)
FOLD = validate.OneOf([0, 1])
MINUTES = validate.Range(min=0, max=600, error="Enter between 0 and 600 minutes.")


def _wall_clock(value) -> None:
    """Accept a wall-clock time of this millennium or the last century, without offset."""
    if value.tzinfo is not None:
        raise ValidationError("Send the wall-clock time of the visit's zone, without an offset.")
    if not 1900 <= value.year <= 2999:
        raise ValidationError("Send a time between the years 1900 and 2999.")


def _wall_clock_field(**kwargs) -> ma.fields.DateTime:
    return ma.fields.DateTime(
        validate=_wall_clock,
        metadata={"example": "2023-02-23T10:00", "description": "Wall clock, no offset."},
        **kwargs,
    )


class DraftItem(IssuedItem):
    """An item of the host's working draft, with what its form edits."""

    lock_version = ma.fields.Integer(required=True)
    sequence = ma.fields.Integer(required=True)
    descriptions = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), required=True)
    setup_minutes = ma.fields.Integer(required=True)
    teardown_minutes = ma.fields.Integer(required=True)
    room_id = ma.fields.Integer(allow_none=True, required=True)
    responsible_person_id = ma.fields.Integer(allow_none=True, required=True)
    responsible = ma.fields.String(required=True)
    module_id = ma.fields.Integer(allow_none=True, required=True)
    press_access = ma.fields.Enum(PressAccess, by_value=True, required=True)


class DraftItemList(ma.Schema):
    visit_id = ma.fields.Integer(required=True)
    timezone = ma.fields.String(required=True)
    items = ma.fields.List(ma.fields.Nested(DraftItem), required=True)


class ItemChange(ma.Schema):
    """The fields of an item to change; those left out stay as they are."""

    title_de = ma.fields.String(validate=validate.Length(max=300))
    title_en = ma.fields.String(validate=validate.Length(max=300))
    kind = ma.fields.Enum(ItemKind, by_value=True)
    starts = _wall_clock_field()
    ends = _wall_clock_field()
    starts_fold = ma.fields.Integer(allow_none=True, validate=FOLD)
    ends_fold = ma.fields.Integer(allow_none=True, validate=FOLD)
    setup_minutes = ma.fields.Integer(validate=MINUTES)
    teardown_minutes = ma.fields.Integer(validate=MINUTES)
    room_id = ma.fields.Integer(allow_none=True, validate=ID)
    responsible_person_id = ma.fields.Integer(allow_none=True, validate=ID)
    status = ma.fields.Enum(ItemStatus, by_value=True)
    press_access = ma.fields.Enum(PressAccess, by_value=True)
    description_de = ma.fields.String(validate=validate.Length(max=5000))
    description_en = ma.fields.String(validate=validate.Length(max=5000))
    internal_notes = ma.fields.String(validate=validate.Length(max=5000))
    module_id = ma.fields.Integer(allow_none=True, validate=ID)
    shift_following = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Move the day's following items by as much as the end moves."},
    )
    confirm_conflicts = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Save despite warnings (otherwise 409 lists them)."},
    )


class ItemCreate(ItemChange):
    """A new item of the working draft."""

    kind = ma.fields.Enum(ItemKind, by_value=True, required=True)
    starts = _wall_clock_field(required=True)
    ends = _wall_clock_field(required=True)


class ItemMove(ma.Schema):
    """Where an item goes, as the day plan moves it: its length in real time is kept."""

    starts = _wall_clock_field(required=True)
    starts_fold = ma.fields.Integer(allow_none=True, validate=FOLD)
    room_id = ma.fields.Integer(
        allow_none=True, required=True, validate=ID, metadata={"description": "null: no room."}
    )
    confirm_conflicts = ma.fields.Boolean(load_default=False)


class TrashPlace(ma.Schema):
    """Where a deleted item went, and until when it can be restored."""

    entry_id = ma.fields.Integer(required=True)
    url = ma.fields.String(required=True, metadata={"description": "The trash page."})
    restore_url = ma.fields.String(
        required=True, metadata={"description": "POST there (the page's form) to restore."}
    )
    kept_days = ma.fields.Integer(required=True)


class DeletedItem(ma.Schema):
    id = ma.fields.Integer(required=True)
    uid = ma.fields.String(required=True)
    trash = ma.fields.Nested(TrashPlace, required=True)


class ChangesQuery(ma.Schema):
    against = ma.fields.Integer(
        validate=ID,
        metadata={"description": "The version to compare with; default: the one before."},
    )


class VersionChange(ma.Schema):
    """One item in the changes between two versions; ``from_*`` where it moved or changed."""

    uid = ma.fields.String(required=True)
    titles = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), required=True)
    starts = ma.fields.Nested(Moment, required=True)
    room = ma.fields.String(required=True)
    fields = ma.fields.List(ma.fields.String(), required=True)
    from_starts = ma.fields.Nested(Moment, allow_none=True, required=True)
    from_titles = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    from_room = ma.fields.String(allow_none=True, required=True)


class AffectedPeople(ma.Schema):
    names = ma.fields.List(ma.fields.String(), required=True)
    others = ma.fields.Integer(required=True)


class VersionChanges(ma.Schema):
    """What changed from one issued version (``from``) to another (``to``)."""

    visit_id = ma.fields.Integer(required=True)
    from_version = ma.fields.Integer(data_key="from", required=True)
    to_version = ma.fields.Integer(data_key="to", required=True)
    timezone = ma.fields.String(required=True)
    new = ma.fields.List(ma.fields.Nested(VersionChange), required=True)
    moved = ma.fields.List(ma.fields.Nested(VersionChange), required=True)
    changed = ma.fields.List(ma.fields.Nested(VersionChange), required=True)
    cancelled = ma.fields.List(ma.fields.Nested(VersionChange), required=True)
    removed = ma.fields.List(ma.fields.Nested(VersionChange), required=True)
    affected = ma.fields.Nested(AffectedPeople, required=True)
