"""Operations on visits through the API: status changes, the outbox (read only) and
calendar subscriptions.

Each does what its page does, with the page's rule and services: a status change is
the visit page's button (cancelling drafts the cancellations, which wait in the outbox
for a planner), the outbox is the host planners' list without the letters' texts, and
a feed is the subscription the visit page opens and revokes.
"""

from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from planner.api import operations_schemas as schemas
from planner.api import problem
from planner.api.schemas import Problem
from planner.api.visits import visit_etag, visit_json, visit_precondition
from planner.enums import VisitStatus
from planner.extensions import db
from planner.models import FeedToken, OutboxMessage, Visit
from planner.services.errors import InvalidInput
from planner.services.feeds import active_feed, create_feed, feed_addresses, revoke
from planner.services.invitations import draft_visit_cancellation
from planner.services.locking import EditConflict, save_with_lock
from planner.services.planning import change_status
from planner.services.versions import latest_version
from planner.views.access import permission_required

blp = Blueprint(
    "api-operations",
    __name__,
    url_prefix="/api/v1",
    description="A visit's status, its outbox and calendar subscriptions.",
)


@blp.route("/visits/<id:visit_id>/status", methods=["POST"])
@permission_required("visit.edit")
@blp.arguments(schemas.StatusWrite)
@blp.response(200, schemas.StatusChanged)
@blp.alt_response(412, schema=Problem)
@blp.alt_response(422, schema=Problem)
@blp.alt_response(428, schema=Problem)
def change_visit_status(data: dict, visit: Visit):
    """Move a visit to another status, as the visit page's buttons do. Send the visit's
    ETag as `If-Match`. Cancelling drafts a cancellation for everyone invited; the
    drafts wait in the outbox until a planner sends them."""
    refused = visit_precondition(visit)
    if refused is not None:
        return refused
    target = data["status"]
    try:
        # The visit's row first, refused if someone saved it since it was loaded here.
        save_with_lock(visit, visit.lock_version, lambda: change_status(visit, target))
        drafted = 0
        if target == VisitStatus.CANCELLED:
            drafted = draft_visit_cancellation(visit, latest_version(visit.id))
        db.session.commit()
    except EditConflict:
        db.session.rollback()
        return problem(412, _("The visit changed since you read it: read it again."))
    except InvalidInput as error:
        db.session.rollback()
        return problem(
            422, _("Check the fields named in errors."), {error.field: [str(error.message)]}
        )
    body = {"visit": visit_json(visit), "cancellations_drafted": drafted}
    return body, 200, {"ETag": f'"{visit_etag(visit)}"'}


@blp.route("/visits/<id:visit_id>/outbox")
@permission_required("visit.edit")
@blp.arguments(schemas.PageQuery, location="query", as_kwargs=True)
@blp.response(200, schemas.OutboxList)
def outbox(visit: Visit, limit: int, after: int | None = None):
    """List the visit's messages, oldest first (keyset pages): what the outbox page shows,
    without the letters' texts."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.visit_id == visit.id)
        .options(joinedload(OutboxMessage.person))
        .order_by(OutboxMessage.id)
    )
    if after is not None:
        query = query.where(OutboxMessage.id > after)
    messages, next_after = _page(query, limit)
    return {"messages": [_message_json(message) for message in messages], "next_after": next_after}


def _message_json(message: OutboxMessage) -> dict:
    person = message.person
    return {
        "id": message.id,
        "kind": message.kind,
        "status": message.status,
        "recipient": message.to_address,
        "person": {"id": person.id, "name": person.display_name} if person else None,
        "subject": message.subject,
        "language": message.language,
        "version": message.version_number,
        "edited": message.edited,
        "attempts": message.attempts,
        "last_error": message.last_error,
        "created_at": message.created_at,
        "next_attempt_at": message.next_attempt_at,
        "sent_at": message.sent_at,
    }


@blp.route("/visits/<id:visit_id>/feeds", methods=["POST"])
@permission_required("visit.view")
@blp.arguments(schemas.FeedWrite, required=False)
@blp.response(201, schemas.Feed)
@blp.alt_response(200, schema=schemas.Feed, description="The feed that was already open.")
def create_visit_feed(data: dict, visit: Visit):
    """Open a subscription to the visit's issued agenda for the token's user, or return
    the one already open (its reminders stay as chosen then)."""
    feed = active_feed(current_user, "visit", visit=visit)
    if feed is not None:
        return _feed_json(feed), 200
    feed = create_feed(current_user, "visit", visit=visit, reminders=data.get("reminders", False))
    db.session.commit()
    return _feed_json(feed), 201


@blp.route("/feeds")
@permission_required("login")
@blp.arguments(schemas.PageQuery, location="query", as_kwargs=True)
@blp.response(200, schemas.FeedList)
def feeds(limit: int, after: int | None = None):
    """List the token's user's open subscriptions, oldest first (keyset pages)."""
    query = (
        select(FeedToken)
        .where(FeedToken.user_id == current_user.id, FeedToken.revoked_at.is_(None))
        .order_by(FeedToken.id)
    )
    if after is not None:
        query = query.where(FeedToken.id > after)
    found, next_after = _page(query, limit)
    return {"feeds": [_feed_json(feed) for feed in found], "next_after": next_after}


@blp.route("/feeds/<id:feed_id>", methods=["DELETE"])
@permission_required("feed.revoke")
@blp.response(204)
def revoke_feed(feed: FeedToken):
    """Revoke a subscription: its address answers 410 Gone from now on. Nothing else
    is removed; revoking a revoked feed changes nothing."""
    if feed.revoked_at is None:
        revoke(feed)
        db.session.commit()
    return ""


def _feed_json(feed: FeedToken) -> dict:
    https, webcal = feed_addresses(feed)
    return {
        "id": feed.id,
        "kind": feed.kind,
        "visit_id": feed.visit_id,
        "person_id": feed.person_id,
        "reminders": feed.reminders,
        "created_at": feed.created_at,
        "https": https,
        "webcal": webcal,
    }


def _page(query, limit: int) -> tuple[list, int | None]:
    """Return one keyset page of the query (ordered by id) and the id to go on after."""
    rows = list(db.session.scalars(query.limit(limit + 1)).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, rows[-1].id if more else None
