"""What each download and feed contains, for whom, and the tokens that open feeds."""

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from planner.extensions import db
from planner.models import AgendaVersion, FeedToken, Participation, Person, User, Visit
from planner.models.types import utcnow
from planner.services.agenda_view import (
    AgendaView,
    Audience,
    audience_of,
    for_audience,
    read_version,
    visible_agenda,
)
from planner.services.artefacts import issued_calendar
from planner.services.calendars import (
    CalendarRequest,
    build,
    calendar_agenda,
    combine,
    etag,
    language_of,
    latest_versions,
    participant_names,
    serialise,
)
from planner.services.locales import formatting_locale
from planner.services.permissions import (
    can_view_visit,
    manages_delegation,
    visible_visits,
)
from planner.services.versions import latest_version


@dataclass(frozen=True)
class Source:
    """The agenda a calendar is made from: an issued version, or the live draft."""

    agenda: AgendaView
    issued_at: datetime
    tag: str
    draft: bool
    # Set when a chosen version was asked for: its number, and the newer one replacing it.
    number: int | None = None
    superseded_by: int | None = None
    # When the calendar last changed besides the version and the visit (its replacement).
    changed_at: datetime | None = None
    # The issued version's id: its calendars are stored (planner.services.artefacts).
    version_id: int | None = None


@dataclass(frozen=True)
class Download:
    """A calendar ready to send, with its validators for conditional requests."""

    body: bytes | None
    etag: str
    last_modified: datetime | None
    filename: str
    # The stored calendar this is, if it is one.
    artefact_id: int | None = None


def source_for(visit: Visit, viewer: User | None, want_draft: bool) -> Source | None:
    """Return what the viewer gets: host staff may have the draft, everyone else the
    latest issued version; None when nothing was ever issued and the draft is not theirs.
    """
    version = latest_version(visit.id)
    agenda = visible_agenda(visit, audience_of(viewer, visit), visit.language.value, version,
                            draft=want_draft, load=True)  # fmt: skip
    if agenda is None:
        return None
    if agenda.is_draft:
        return Source(agenda, utcnow(), f"draft-{utcnow().isoformat()}", True)
    return Source(agenda, version.issued_at, f"v{version.id}", False, version_id=version.id)


def version_source(version: AgendaVersion, latest: AgendaVersion, viewer: User) -> Source:
    """Return an issued version as a calendar source, whichever version is the latest."""
    visit = version.visit
    agenda = for_audience(read_version(version, visit), audience_of(viewer, visit))
    superseded_by = latest.number if latest.number != version.number else None
    return Source(agenda, version.issued_at, f"v{version.id}-of-v{latest.id}", False,
                  number=version.number, superseded_by=superseded_by,
                  changed_at=latest.issued_at, version_id=version.id)  # fmt: skip


def calendar_uids(source: Source) -> frozenset[str]:
    """Return the UIDs of the items a calendar made from the source may carry."""
    return calendar_agenda(source.agenda).uids


def _name(visit: Visit, source: Source, language: str, suffix: str = "") -> str:
    with force_locale(formatting_locale(language)):
        name = visit.title + (f" – {suffix}" if suffix else "")
        # Outside the f-strings: the message extractor does not look inside them.
        if source.draft:
            mark = _("Working draft")
        elif source.superseded_by is not None:
            mark = _("version %(number)s, superseded by version %(latest)s",
                     number=source.number, latest=source.superseded_by)  # fmt: skip
        elif source.number is not None:
            mark = _("version %(number)s", number=source.number)
        else:
            return name
        return f"{name} ({mark})"


def visit_download(visit: Visit, viewer: User | None, source: Source, *, feed: bool = False,
                   uids: set[str] | None = None, person: Person | None = None,
                   filename: str = "agenda.ics", build_body: bool = True,
                   reminders: bool = True) -> Download:  # fmt: skip
    """Build one visit's calendar (or a part of it) for a viewer."""
    language = language_of(person, visit)
    # Participants' names only in host staff's own downloads, never in a feed.
    internal = source.agenda.internal and not feed
    tag = etag(source.tag, visit.status, language, internal, feed, sorted(uids or []),
               person.id if person else None, reminders)  # fmt: skip
    # The visit's own changes (a cancellation) change the calendar too.
    modified = max(
        moment for moment in (source.issued_at, source.changed_at, visit.updated_at) if moment
    )
    if not build_body and source.version_id is None:
        return Download(None, tag, modified, filename)

    def calendar() -> bytes:
        request = CalendarRequest(
            visit=visit,
            agenda=source.agenda,
            issued_at=source.issued_at,
            language=language,
            name=_name(visit, source, language, person.display_name if person else ""),
            feed=feed,
            person_id=person.id if person else None,
            uids=uids,
            participant_names=participant_names(source.agenda) if internal else {},
            reminders=reminders,
        )
        return serialise(build(request))

    if source.version_id is not None:
        # An issued version's calendar is built once and served from storage after that.
        stored = issued_calendar(visit, source, language, internal, feed, uids, person,
                                 reminders, calendar)  # fmt: skip
        return Download(stored.content, stored.etag, modified, filename, stored.id)
    return Download(calendar(), tag, modified, filename)


def create_feed(user: User, kind: str, visit: Visit | None = None,
                person: Person | None = None, reminders: bool = False) -> FeedToken:  # fmt: skip
    """Create a subscription feed; the caller checks the permission and commits.

    ``reminders`` puts a reminder before each item (the reader chooses it in the form).
    """
    feed = FeedToken(
        token=secrets.token_urlsafe(32),
        kind=kind,
        visit=visit,
        person=person,
        user=user,
        reminders=reminders,
    )
    db.session.add(feed)
    db.session.flush()
    return feed


def active_feed(user: User, kind: str, visit: Visit | None = None,
                person: Person | None = None) -> FeedToken | None:  # fmt: skip
    """Return the user's feed of that kind, if one is open."""
    query = select(FeedToken).where(
        FeedToken.user_id == user.id, FeedToken.kind == kind, FeedToken.revoked_at.is_(None)
    )
    if visit is not None:
        query = query.where(FeedToken.visit_id == visit.id)
    if person is not None:
        query = query.where(FeedToken.person_id == person.id)
    return db.session.scalars(query.order_by(FeedToken.id.desc())).first()


def can_manage_feed(user: User, feed: FeedToken) -> bool:
    """Return whether the user may revoke the feed: its creator, or who may change the
    attendee's delegation list for a personal feed."""
    if feed.user_id == user.id:
        return True
    if feed.kind == "person" and feed.visit is not None and feed.person is not None:
        return manages_delegation(user, feed.visit, feed.person.organisation)
    return False


def revoke(feed: FeedToken) -> None:
    """Close a feed for good: its address answers 410 Gone from now on."""
    feed.revoked_at = utcnow()


def open_feed(token: str) -> FeedToken | None:
    """Return the open feed of a token; revoked, unknown or orphaned feeds give None."""
    if not token or len(token) > 64:
        return None
    feed = db.session.scalar(
        select(FeedToken).where(FeedToken.token == token, FeedToken.revoked_at.is_(None))
    )
    if feed is None or not feed.user.active:
        return None
    if feed.kind in ("visit", "person") and not can_view_visit(feed.user, feed.visit):
        return None
    if feed.kind == "person":
        taking_part = db.session.scalar(
            select(Participation.id).where(
                Participation.visit_id == feed.visit_id, Participation.person_id == feed.person_id
            )
        )
        if taking_part is None:
            return None
    return feed


def feed_download(feed: FeedToken, build_body: bool = True) -> Download | None:
    """Build a feed's calendar from the latest issued versions."""
    if feed.kind in ("visit", "person"):
        source = source_for(feed.visit, None, want_draft=False)
        if source is None:
            return None
        return visit_download(feed.visit, None, source, feed=True, person=feed.person,
                              filename="feed.ics", build_body=build_body,
                              reminders=feed.reminders)  # fmt: skip
    visits = list(db.session.scalars(visible_visits(select(Visit), feed.user).order_by(Visit.id)))
    versions = latest_versions([visit.id for visit in visits])
    issued = [visit for visit in visits if visit.id in versions]
    tag = etag("user", [(v.id, versions[v.id].id, v.status) for v in issued], feed.reminders)
    last = max(
        (max(versions[v.id].issued_at, v.updated_at or versions[v.id].issued_at) for v in issued),
        default=None,
    )
    if not build_body:
        return Download(None, tag, last, "feed.ics")
    calendars = []
    for visit in issued:
        version = versions[visit.id]
        agenda = visible_agenda(visit, Audience.FEED, language_of(None, visit), version)
        request = CalendarRequest(
            visit=visit, agenda=agenda, issued_at=version.issued_at,
            language=language_of(None, visit), name=visit.title, feed=True,
            reminders=feed.reminders,
        )  # fmt: skip
        calendars.append(build(request))
    with force_locale(formatting_locale(feed.user.organisation.locale.value)):
        name = _("Visits of %(organisation)s", organisation=feed.user.organisation.name)
    return Download(serialise(combine(calendars, name)), tag, last, "feed.ics")


def feed_addresses(feed: FeedToken) -> tuple[str, str]:
    """Return a feed's https address and its webcal:// form for calendar programs."""
    base = current_app.config["BASE_URL"].rstrip("/")
    url = f"{base}/feeds/{feed.token}.ics"
    return url, "webcal://" + url.split("://", 1)[1]
