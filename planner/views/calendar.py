"""Calendar downloads and subscription feeds."""

from dataclasses import replace

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.http import is_resource_modified

from planner.extensions import db
from planner.models import AgendaItem, FeedToken, Participation, Person, Visit
from planner.services.artefacts import feed_content, feed_state, remember_feed
from planner.services.feeds import (
    Download,
    active_feed,
    can_manage_feed,
    create_feed,
    feed_download,
    open_feed,
    revoke,
    source_for,
    version_source,
    visit_download,
)
from planner.services.item_texts import title_in
from planner.services.permissions import (
    can_edit_delegation,
    can_read_person_calendar,
    can_view_visit,
)
from planner.services.text import ascii_name, content_disposition
from planner.services.versions import latest_version, version_by_number
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


def _visit(visit_id: int) -> Visit:
    visit = db.session.get(Visit, visit_id)
    if visit is None or not can_view_visit(current_user, visit):
        abort(404)
    return visit


def _source(visit: Visit):
    source = source_for(visit, current_user, want_draft=request.args.get("draft") == "1")
    if source is None:
        abort(404)
    return source


@bp.get("/visits/<id:visit_id>/agenda.ics")
@login_required
def visit_ics(visit_id: int):
    """Download the whole agenda of a visit."""
    visit = _visit(visit_id)
    source = _source(visit)
    name = f"{_safe_filename(visit.title)}.ics"
    return _conditional(
        lambda body: visit_download(visit, current_user, source, filename=name, build_body=body)
    )


@bp.get("/visits/<id:visit_id>/versions/<id:number>/agenda.ics")
@login_required
def version_ics(visit_id: int, number: int):
    """Download the agenda of an issued version as it was issued."""
    visit = _visit(visit_id)
    version = version_by_number(visit.id, number)
    if version is None:
        abort(404)
    source = version_source(version, latest_version(visit.id))
    name = f"{_safe_filename(visit.title)}-version-{number}.ics"
    return _conditional(
        lambda body: visit_download(visit, current_user, source, filename=name, build_body=body)
    )


@bp.get("/visits/<id:visit_id>/items/<id:item_id>.ics")
@login_required
def item_ics(visit_id: int, item_id: int):
    """Download one agenda item."""
    visit = _visit(visit_id)
    source = _source(visit)
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.visit_id != visit.id:
        abort(404)
    if item.uid not in {entry["uid"] for entry in source.snapshot["items"]}:
        abort(404)
    if item.kind == "internal-hold":
        abort(404)
    # Staff downloads are in the visit's language (services/feeds.py): so is the name.
    name = f"{_safe_filename(title_in(item, visit.language))}.ics"
    return _conditional(
        lambda body: visit_download(
            visit, current_user, source, uids={item.uid}, filename=name, build_body=body
        )  # fmt: skip
    )


def _participant(visit: Visit, person_id: int) -> Person:
    person = db.session.get(Person, person_id)
    taking_part = person is not None and db.session.scalar(
        db.select(Participation.id).where(
            Participation.visit_id == visit.id, Participation.person_id == person.id
        )
    )
    if not taking_part:
        abort(404)
    return person


@bp.get("/visits/<id:visit_id>/people/<id:person_id>.ics")
@login_required
def person_ics(visit_id: int, person_id: int):
    """Download one attendee's calendar: the items they attend, in their language."""
    visit = _visit(visit_id)
    person = _participant(visit, person_id)
    if not can_read_person_calendar(current_user, visit, person):
        abort(404)
    source = _source(visit)
    name = f"{_safe_filename(person.last_name)}-{_safe_filename(visit.title)}.ics"
    return _conditional(
        lambda body: visit_download(
            visit, current_user, source, person=person, filename=name, build_body=body
        )  # fmt: skip
    )


@bp.get("/feeds/<token>.ics")
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
@login_required
def create_visit_feed(visit_id: int):
    """Open a subscription to the visit's agenda for the current user."""
    visit = _visit(visit_id)
    if active_feed(current_user, "visit", visit=visit) is None:
        create_feed(current_user, "visit", visit=visit, reminders=_wants_reminders())
        db.session.commit()
    flash(_("Your subscription address is ready."), "success")
    return redirect(url_for("visits.show", visit_id=visit.id, _anchor="calendar"))


@bp.post("/visits/<id:visit_id>/people/<id:person_id>/feed")
@login_required
def create_person_feed(visit_id: int, person_id: int):
    """Open a subscription to one attendee's items, to pass on to that attendee."""
    visit = _visit(visit_id)
    person = _participant(visit, person_id)
    if not can_edit_delegation(current_user, visit, person.organisation):
        abort(403)
    if active_feed(current_user, "person", visit=visit, person=person) is None:
        create_feed(
            current_user, "person", visit=visit, person=person, reminders=_wants_reminders()
        )
        db.session.commit()
    flash(_("The subscription address for %(name)s is ready.", name=person.display_name), "success")
    return redirect(url_for("people.participants", visit_id=visit.id))


@bp.post("/account/feed")
@login_required
def create_user_feed():
    """Open a subscription to every visit of the user's organisation."""
    if active_feed(current_user, "user") is None:
        create_feed(current_user, "user", reminders=_wants_reminders())
        db.session.commit()
    flash(_("Your subscription address is ready."), "success")
    return redirect(local_target(request.form.get("next"), "visits.index"))


@bp.post("/feeds/<id:feed_id>/revoke")
@login_required
def revoke_feed(feed_id: int):
    """Close a subscription; its address stops working at once."""
    feed = db.session.get(FeedToken, feed_id)
    if feed is None or not can_manage_feed(current_user, feed):
        abort(404)
    revoke(feed)
    db.session.commit()
    flash(_("The subscription has been revoked."), "success")
    return redirect(local_target(request.form.get("next"), "visits.index"))
