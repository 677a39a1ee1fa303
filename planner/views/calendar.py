"""Calendar downloads and subscription feeds."""

from dataclasses import replace

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.http import is_resource_modified

from planner.extensions import db
from planner.models import AgendaItem, AgendaVersion, FeedToken, Person, Visit
from planner.services.artefacts import feed_content, feed_state, remember_feed
from planner.services.feeds import (
    Download,
    active_feed,
    calendar_uids,
    create_feed,
    feed_download,
    open_feed,
    revoke,
    source_for,
    version_source,
    visit_download,
)
from planner.services.item_texts import title_in
from planner.services.text import ascii_name, content_disposition
from planner.services.versions import latest_version
from planner.views.access import permission_required
from planner.views.navigation import local_target

bp = Blueprint("calendar", __name__)

CONTENT_TYPE = "text/calendar; charset=utf-8"


def _safe_filename(text: str) -> str:
    return ascii_name(text, lower=True, max_length=60) or "kalender"


def _respond(download: Download, private: bool) -> Response:
    """Send a calendar, or 304 when the client's copy is current."""
    response = Response(download.body or b"", content_type=CONTENT_TYPE)
    response.set_etag(download.etag)
    if download.last_modified is not None:
        response.last_modified = download.last_modified
    response.headers["Content-Disposition"] = content_disposition(download.filename)
    # Personal agendas are for one reader; caches in between must not keep them.
    response.headers["Cache-Control"] = "private, no-cache" if private else "public, no-cache"
    return response.make_conditional(request)


def _conditional(make, private: bool = True) -> Response:
    """Answer 304 before building anything when the client's validator still holds."""
    head = make(False)
    if head is None:
        abort(404)
    if request.if_none_match and request.if_none_match.contains(head.etag):
        return _respond(head, private)
    # A stored calendar comes with its bytes at once.
    return _respond(head if head.body is not None else make(True), private)


def _source(visit: Visit):
    source = source_for(visit, current_user, want_draft=request.args.get("draft") == "1")
    if source is None:
        abort(404)
    return source


@bp.get("/visits/<id:visit_id>/agenda.ics")
@permission_required("visit.view")
def visit_ics(visit: Visit):
    """Download the whole agenda of a visit."""
    source = _source(visit)
    name = f"{_safe_filename(visit.title)}.ics"
    return _conditional(
        lambda body: visit_download(visit, current_user, source, filename=name, build_body=body)
    )


@bp.get("/visits/<id:visit_id>/versions/<id:number>/agenda.ics")
@permission_required("visit.view")
def version_ics(number: int, visit: Visit, version: AgendaVersion):
    """Download the agenda of an issued version as it was issued."""
    source = version_source(version, latest_version(visit.id), current_user)
    name = f"{_safe_filename(visit.title)}-version-{number}.ics"
    return _conditional(
        lambda body: visit_download(visit, current_user, source, filename=name, build_body=body)
    )


@bp.get("/visits/<id:visit_id>/items/<id:item_id>.ics")
@permission_required("visit.view")
def item_ics(visit: Visit, item: AgendaItem):
    """Download one agenda item."""
    source = _source(visit)
    # Only an item the calendar carries (never an internal hold).
    if item.uid not in calendar_uids(source):
        abort(404)
    # Staff downloads are in the visit's language (services/feeds.py): so is the name.
    name = f"{_safe_filename(title_in(item, visit.language))}.ics"
    return _conditional(
        lambda body: visit_download(
            visit, current_user, source, uids={item.uid}, filename=name, build_body=body
        )  # fmt: skip
    )


@bp.get("/visits/<id:visit_id>/people/<id:person_id>.ics")
@permission_required("person.calendar")
def person_ics(visit: Visit, person: Person):
    """Download one attendee's calendar: the items they attend, in their language."""
    source = _source(visit)
    name = f"{_safe_filename(person.last_name)}-{_safe_filename(visit.title)}.ics"
    return _conditional(
        lambda body: visit_download(
            visit, current_user, source, person=person, filename=name, build_body=body
        )  # fmt: skip
    )


@bp.get("/feeds/<token>.ics")
@permission_required("token")
def feed(token: str):
    """Serve a subscription feed; a revoked or unknown token is gone.

    410 tells calendar programs to stop asking; the answer is the same whether the
    token never existed, was revoked or lost its access.
    """
    known = feed_state(token)
    if known is not None:
        # One query said the token is good and what its current answer is.
        head = Download(None, known.etag, known.last_modified, "feed.ics")
        if not is_resource_modified(request.environ, known.etag, last_modified=known.last_modified):
            return _respond(head, private=True)
        body = feed_content(known)
        if body is not None:
            return _respond(replace(head, body=body), private=True)
    opened = open_feed(token)
    if opened is None:
        return Response(
            _("This subscription address is not valid (any more).") + "\n",
            status=410,
            content_type="text/plain; charset=utf-8",
        )

    seen = opened.current_modified  # before anything the answer is made from

    def answer(body: bool) -> Download | None:
        download = feed_download(opened, build_body=body)
        if download is not None and not body:  # asked first, with or without the bytes
            remember_feed(opened.id, seen, download.etag, download.last_modified,
                          download.artefact_id)  # fmt: skip
        return download

    return _conditional(answer)


def _wants_reminders() -> bool:
    """Return whether the creation form asked for a reminder before each item."""
    return request.form.get("reminders") == "1"


# --- managing feeds ---------------------------------------------------------------------


@bp.post("/visits/<id:visit_id>/feeds")
@permission_required("visit.view")
def create_visit_feed(visit: Visit):
    """Open a subscription to the visit's agenda for the current user."""
    if active_feed(current_user, "visit", visit=visit) is None:
        create_feed(current_user, "visit", visit=visit, reminders=_wants_reminders())
        db.session.commit()
    flash(_("Your subscription address is ready."), "success")
    return redirect(url_for("visits.show", visit_id=visit.id, _anchor="calendar"))


@bp.post("/visits/<id:visit_id>/people/<id:person_id>/feed")
@permission_required("person.feed")
def create_person_feed(visit: Visit, person: Person):
    """Open a subscription to one attendee's items, to pass on to that attendee."""
    if active_feed(current_user, "person", visit=visit, person=person) is None:
        create_feed(
            current_user, "person", visit=visit, person=person, reminders=_wants_reminders()
        )
        db.session.commit()
    flash(_("The subscription address for %(name)s is ready.", name=person.display_name), "success")
    return redirect(url_for("people.participants", visit_id=visit.id))


@bp.post("/account/feed")
@permission_required("login")
def create_user_feed():
    """Open a subscription to every visit of the user's organisation."""
    if active_feed(current_user, "user") is None:
        create_feed(current_user, "user", reminders=_wants_reminders())
        db.session.commit()
    flash(_("Your subscription address is ready."), "success")
    return redirect(local_target(request.form.get("next"), "visits.index"))


@bp.post("/feeds/<id:feed_id>/revoke")
@permission_required("feed.revoke")
def revoke_feed(feed: FeedToken):
    """Close a subscription; its address stops working at once."""
    revoke(feed)
    db.session.commit()
    flash(_("The subscription has been revoked."), "success")
    return redirect(local_target(request.form.get("next"), "visits.index"))
