"""What the API's operations on a visit read and write: status changes, the outbox and
calendar subscriptions (feeds). Names are unique across the API (apispec refuses twins)."""

import marshmallow as ma
from marshmallow import validate

from planner.api.schemas import Visit
from planner.enums import OutboxStatus, VisitStatus

ID = validate.Range(min=0, max=2**31 - 1)
KINDS = (
    "What the message is: invite, update, cancel (calendar entries) and letter-invite,"
    " letter-update, letter-cancel (cover letters) for participants; other kinds are"
    " notices to the offices' planners."
)


class StatusWrite(ma.Schema):
    """The status a visit moves to, along the transitions the visit page offers."""

    status = ma.fields.Enum(VisitStatus, by_value=True, required=True)


class StatusChanged(ma.Schema):
    visit = ma.fields.Nested(Visit, required=True)
    cancellations_drafted = ma.fields.Integer(
        required=True,
        metadata={
            "description": "Cancellations drafted in the outbox for everyone invited "
            "(when cancelling); they go out only once a planner sends them."
        },
    )


class PageQuery(ma.Schema):
    after = ma.fields.Integer(
        validate=ID, metadata={"description": "The `next_after` of the previous page."}
    )
    limit = ma.fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class PersonRef(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)


class OutboxEntry(ma.Schema):
    """A message of the outbox as its page lists it; bodies are not part of it."""

    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True, metadata={"example": "invite", "description": KINDS})
    status = ma.fields.Enum(OutboxStatus, by_value=True, required=True)
    recipient = ma.fields.String(required=True, metadata={"description": "The address."})
    person = ma.fields.Nested(PersonRef, allow_none=True, required=True)
    subject = ma.fields.String(required=True)
    language = ma.fields.String(required=True)
    version = ma.fields.Integer(allow_none=True, required=True)
    edited = ma.fields.Boolean(required=True)
    attempts = ma.fields.Integer(required=True)
    last_error = ma.fields.String(required=True)
    created_at = ma.fields.DateTime(required=True)
    next_attempt_at = ma.fields.DateTime(allow_none=True, required=True)
    sent_at = ma.fields.DateTime(allow_none=True, required=True)


class OutboxList(ma.Schema):
    messages = ma.fields.List(ma.fields.Nested(OutboxEntry), required=True)
    next_after = ma.fields.Integer(
        allow_none=True,
        required=True,
        metadata={"description": "Pass as `after` for the next page; null on the last."},
    )


class FeedWrite(ma.Schema):
    reminders = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "A reminder before each item; chosen once, the feed keeps it."},
    )


class Feed(ma.Schema):
    """A calendar subscription of the token's user: its addresses answer until revoked."""

    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True, validate=validate.OneOf(["visit", "person", "user"]))
    visit_id = ma.fields.Integer(allow_none=True, required=True)
    person_id = ma.fields.Integer(allow_none=True, required=True)
    reminders = ma.fields.Boolean(required=True)
    created_at = ma.fields.DateTime(required=True)
    https = ma.fields.String(required=True, metadata={"format": "uri"})
    webcal = ma.fields.String(
        required=True, metadata={"description": "The address for calendar programs."}
    )


class FeedList(ma.Schema):
    feeds = ma.fields.List(ma.fields.Nested(Feed), required=True)
    next_after = ma.fields.Integer(allow_none=True, required=True)
