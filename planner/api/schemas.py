"""What the API reads and writes, as marshmallow schemas; the OpenAPI description is
made from them."""

from datetime import date

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import validate

from planner.enums import ItemKind, ItemStatus, Language, VisitStatus


class Problem(ma.Schema):
    """An error as RFC 9457 problem details."""

    type = ma.fields.String(metadata={"description": "A URI naming the kind of problem."})
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String()
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        metadata={"description": "Messages per field of the request."},
    )


class OrganisationRef(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)


class Visit(ma.Schema):
    """A visit as the token's user sees it; internal notes for the host only."""

    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    purpose = ma.fields.String(required=True)
    first_day = ma.fields.Date(required=True)
    last_day = ma.fields.Date(required=True)
    timezone = ma.fields.String(required=True, metadata={"example": "Europe/Berlin"})
    language = ma.fields.Enum(Language, by_value=True, required=True)
    status = ma.fields.Enum(VisitStatus, by_value=True, required=True)
    host = ma.fields.Nested(OrganisationRef, required=True)
    guests = ma.fields.List(ma.fields.Nested(OrganisationRef), required=True)
    lock_version = ma.fields.Integer(
        required=True, metadata={"description": "Changes with every saved change."}
    )
    internal_notes = ma.fields.String(metadata={"description": "The host's only."})


class VisitList(ma.Schema):
    visits = ma.fields.List(ma.fields.Nested(Visit), required=True)
    next_after = ma.fields.Integer(
        allow_none=True,
        required=True,
        metadata={"description": "Pass as `after` for the next page; null on the last."},
    )


class VisitQuery(ma.Schema):
    status = ma.fields.Enum(VisitStatus, by_value=True)
    starts_from = ma.fields.Date(
        data_key="from", metadata={"description": "Visits ending on or after this day."}
    )
    until = ma.fields.Date(
        data_key="to", metadata={"description": "Visits beginning on or before this day."}
    )
    q = ma.fields.String(validate=validate.Length(max=200))
    after = ma.fields.Integer(
        validate=validate.Range(min=0, max=2**31 - 1),
        metadata={"description": "The `next_after` of the previous page."},
    )
    limit = ma.fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


TEXT = validate.Length(max=20000)


def _calendar_day(day: date) -> None:
    """Refuse a day the calendars cannot hold (the visit forms' bounds): a day near year 1
    or 9999 made the conflict search step outside the dates Python has."""
    if not 1900 <= day.year <= 2999:
        raise ma.ValidationError(_l("Please enter a date between 1900 and 2999."))


def _day(**kwargs) -> ma.fields.Date:
    return ma.fields.Date(
        validate=_calendar_day, metadata={"description": "Between 1900 and 2999."}, **kwargs
    )


class VisitWrite(ma.Schema):
    """A new visit, or the fields of one to change (all optional when changing)."""

    title = ma.fields.String(required=True, validate=validate.Length(min=1, max=300))
    first_day = _day(required=True)
    last_day = _day(required=True)
    timezone = ma.fields.String(validate=validate.Length(max=64))
    language = ma.fields.Enum(Language, by_value=True)
    purpose = ma.fields.String(validate=TEXT)
    internal_notes = ma.fields.String(validate=TEXT)
    guest_organisation_ids = ma.fields.List(
        ma.fields.Integer(validate=validate.Range(min=1, max=2**31 - 1)),
        validate=validate.Length(max=20),
    )


class Moment(ma.Schema):
    """A time as the agenda gives it: the wall clock with its offset, and UTC."""

    local = ma.fields.String(
        required=True, metadata={"example": "2023-02-23T10:00:00+01:00", "format": "date-time"}
    )
    utc = ma.fields.String(
        required=True, metadata={"example": "2023-02-23T09:00:00Z", "format": "date-time"}
    )


class AgendaItem(ma.Schema):
    uid = ma.fields.String(required=True)
    id = ma.fields.Integer(allow_none=True, required=True)
    kind = ma.fields.Enum(ItemKind, by_value=True, required=True)
    status = ma.fields.Enum(ItemStatus, by_value=True, required=True)
    title = ma.fields.String(required=True)
    description = ma.fields.String(required=True)
    titles = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), required=True)
    starts = ma.fields.Nested(Moment, required=True)
    ends = ma.fields.Nested(Moment, required=True)
    room = ma.fields.String(required=True)
    location = ma.fields.String(required=True)
    internal_notes = ma.fields.String(metadata={"description": "The host's only."})


class Agenda(ma.Schema):
    """A visit's agenda: the host's working draft, or the latest issued version."""

    visit_id = ma.fields.Integer(required=True)
    version = ma.fields.Integer(
        allow_none=True, required=True, metadata={"description": "null: the working draft."}
    )
    timezone = ma.fields.String(required=True)
    items = ma.fields.List(ma.fields.Nested(AgendaItem), required=True)


class AgendaQuery(ma.Schema):
    draft = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "The working draft (host only) instead of the issued version."},
    )
    lang = ma.fields.Enum(Language, by_value=True)


class VersionSummary(ma.Schema):
    number = ma.fields.Integer(required=True)
    issued_at = ma.fields.DateTime(required=True)
    comment = ma.fields.String(required=True)


class VersionList(ma.Schema):
    versions = ma.fields.List(ma.fields.Nested(VersionSummary), required=True)


class VisitChange(VisitWrite):
    """The fields of a visit to change; those left out stay as they are."""

    title = ma.fields.String(validate=validate.Length(min=1, max=300))
    first_day = _day()
    last_day = _day()
