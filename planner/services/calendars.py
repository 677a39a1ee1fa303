"""Every calendar the planner gives out, built with the icalendar library.

Downloads and feeds use METHOD:PUBLISH and carry no ATTENDEE lines (RFC 5546 forbids
them there, and they would leak e-mail addresses); e-mailed invites use REQUEST and
CANCEL with the organiser and the one recipient. Times carry their IANA TZID with a
VTIMEZONE written as yearly rules. Descriptions are public text only: internal notes
never leave the host organisation.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Alarm, Calendar, Event, vCalAddress, vText
from sqlalchemy import func, select

from planner.enums import ItemStatus, Language, VisitStatus
from planner.extensions import db
from planner.i18n import enum_labels
from planner.models import AgendaVersion, Person, Visit
from planner.services.agenda_view import AgendaView, ViewItem, for_audience
from planner.services.item_texts import description_in, title_in
from planner.services.locales import formatting_locale
from planner.services.timezones import zone
from planner.services.vtimezone import vtimezone

PRODID = "-//Delegation Visit Planner//Protokoll//DE"
STATUS = {
    ItemStatus.CONFIRMED: "CONFIRMED",
    ItemStatus.TENTATIVE: "TENTATIVE",
    ItemStatus.CANCELLED: "CANCELLED",
}
PARTSTAT = {
    "needs-action": "NEEDS-ACTION",
    "accepted": "ACCEPTED",
    "declined": "DECLINED",
    "tentative": "TENTATIVE",
}


@dataclass(frozen=True)
class Recipient:
    """The one attendee of an e-mailed invitation."""

    email: str
    name: str
    partstat: str = "needs-action"
    role: str = "REQ-PARTICIPANT"


@dataclass
class CalendarRequest:
    """What to build: which agenda, for whom, in which form."""

    visit: Visit
    # The agenda as the reader sees it (see ``agenda_view``); only a calendar's share of
    # it goes in: no internal holds, no internal notes.
    agenda: AgendaView
    issued_at: datetime
    language: str
    name: str
    method: str = "PUBLISH"
    feed: bool = False
    person_id: int | None = None
    uids: set[str] | None = None
    participant_names: dict[int, str] = field(default_factory=dict)
    recipient: Recipient | None = None
    organizer_name: str = ""
    # The URL of each event; None: the visit page (for staff). A calendar sent to a
    # person links to their own answer page, which needs no login.
    url: str | None = None
    # A reminder (VALARM) before each item; feeds over all visits leave it out by default.
    reminders: bool = True


def visit_url(visit: Visit) -> str:
    """Return the address of the visit page."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/visits/{visit.id}"


def build(request: CalendarRequest) -> Calendar:
    """Build the calendar a request asks for."""
    visit = request.visit
    agenda = calendar_agenda(request.agenda, request.person_id)
    items = [item for item in agenda.items if request.uids is None or item.uid in request.uids]
    # The zone the version was issued in: a change of the draft's zone is not published yet.
    zone_name = agenda.timezone
    tz = zone(zone_name)
    stamp = request.issued_at.astimezone(UTC)
    cancelled_visit = visit.status == VisitStatus.CANCELLED
    with force_locale(formatting_locale(request.language)):
        kind_labels = {key.value: str(label) for key, label in enum_labels()["item_kind"].items()}
        participants_label = _("Participants")
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", request.method)
        calendar.add("name", request.name)
        calendar.add("x-wr-calname", request.name)
        calendar.add("x-wr-timezone", zone_name)
        if request.feed:
            calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
            calendar.add("x-published-ttl", "PT1H")
        years = [moment.year for item in items for moment in (item.starts_at, item.ends_at)] or [
            visit.first_day.year
        ]
        if zone_name != "UTC":  # UTC times are written with Z and need no VTIMEZONE
            calendar.add_component(vtimezone(zone_name, min(years), max(years)))
        for item in items:
            calendar.add_component(
                _event(
                    request,
                    item,
                    tz,
                    stamp,
                    cancelled_visit,
                    kind_labels,
                    participants_label,
                )  # fmt: skip
            )
    return calendar


def _event(request, item, tz, stamp, cancelled_visit, kind_labels, participants_label):
    visit = request.visit
    # Title and description in the reader's language, else in the other one.
    title = title_in(item, request.language)
    description = description_in(item, request.language)
    names = [request.participant_names[p] for p in item.attendees if p in request.participant_names]
    if names:
        description = f"{description}\n\n{participants_label}: {', '.join(names)}".strip()
    status = item.status
    sequence = item.sequence
    if (cancelled_visit or request.method == "CANCEL") and status != ItemStatus.CANCELLED:
        # The item disappears with its visit: a higher SEQUENCE makes clients accept it.
        status, sequence = ItemStatus.CANCELLED, sequence + 1
    event = Event()
    event.add("uid", item.uid)
    event.add("sequence", sequence)
    event.add("dtstamp", stamp)
    event.add("created", item.created_at or stamp)
    event.add("last-modified", _last_modified(item, stamp))
    event.add("dtstart", _moment(item.starts_at, item.starts_fold, tz))
    event.add("dtend", _moment(item.ends_at, item.ends_fold, tz))
    event.add("summary", _summary(title, status, request.method))
    if description:
        event.add("description", description)
    location = item.location or item.room
    if location:
        event.add("location", location)
    event.add("url", request.url or visit_url(visit))
    # The kind names the category (“Empfang”, “Rundgang”), in the reader's language.
    event.add("categories", [kind_labels.get(item.kind.value) or item.kind.value])
    event.add("status", STATUS[status])
    event.add("transp", "TRANSPARENT" if status == ItemStatus.CANCELLED else "OPAQUE")
    if request.method in ("REQUEST", "CANCEL"):
        _add_people(event, request)
    minutes = int(current_app.config["ICAL_ALARM_MINUTES"]) if request.reminders else 0
    if minutes and status != ItemStatus.CANCELLED and request.method != "CANCEL":
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", title)
        alarm.add("trigger", timedelta(minutes=-minutes))
        event.add_component(alarm)
    return event


def _last_modified(item: ViewItem, stamp: datetime) -> datetime:
    """Return the item's own last change, never later than the calendar's DTSTAMP.

    Snapshots issued before items kept ``updated_at`` fall back to the issue time.
    """
    if item.updated_at is None:
        return stamp
    return min(item.updated_at.astimezone(UTC), stamp)


def _summary(title: str, status: ItemStatus, method: str) -> str:
    """Return the SUMMARY: a published cancelled item says so before its title.

    Invitations (REQUEST, CANCEL) keep the plain title; their METHOD and STATUS speak.
    """
    if method == "PUBLISH" and status == ItemStatus.CANCELLED:
        return _("Cancelled: %(title)s", title=title)
    return title


def _moment(local: datetime, fold: int, tz) -> datetime:
    """Return an item's wall-clock time as DTSTART or DTEND should carry it.

    A time the clocks going back repeat is written in UTC, whichever reading is meant:
    with a TZID, RFC 5545 (and the icalendar library) take the first reading, but
    Thunderbird's ical.js takes the second.
    """
    first, second = local.replace(tzinfo=tz, fold=0), local.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    return (second if fold else first).astimezone(UTC)


def _add_people(event: Event, request: CalendarRequest) -> None:
    # Calendar programs send their answers (iMIP REPLY) here: a mailbox we read.
    organizer = vCalAddress(f"mailto:{organizer_address()}")
    if request.organizer_name:
        organizer.params["CN"] = vText(request.organizer_name)
    event.add("organizer", organizer)
    recipient = request.recipient
    if recipient is None:
        return
    attendee = vCalAddress(f"mailto:{recipient.email}")
    attendee.params["CN"] = vText(recipient.name)
    attendee.params["ROLE"] = vText(recipient.role)
    attendee.params["PARTSTAT"] = vText(PARTSTAT.get(recipient.partstat, "NEEDS-ACTION"))
    attendee.params["RSVP"] = vText("TRUE")
    attendee.params["CUTYPE"] = vText("INDIVIDUAL")
    event.add("attendee", attendee, encode=0)


def organizer_address() -> str:
    """Return the ORGANIZER mailbox, which receives the replies of calendar programs."""
    config = current_app.config
    return (config.get("ORGANIZER_EMAIL") or config["MAIL_FROM"]).strip()


def combine(calendars: list[Calendar], name: str, feed: bool = True) -> Calendar:
    """Put the events of several visits' calendars into one, each VTIMEZONE once.

    Each zone's VTIMEZONE is built anew for every year its events touch: the ones of
    the visits' own calendars cover only that visit's years.
    """
    combined = Calendar()
    combined.add("prodid", PRODID)
    combined.add("version", "2.0")
    combined.add("calscale", "GREGORIAN")
    combined.add("method", "PUBLISH")
    combined.add("name", name)
    combined.add("x-wr-calname", name)
    if feed:
        combined.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
        combined.add("x-published-ttl", "PT1H")
    years: dict[str, set[int]] = {}
    events = []
    for calendar in calendars:
        for component in calendar.subcomponents:
            if component.name == "VTIMEZONE":
                continue
            events.append(component)
            for key in ("DTSTART", "DTEND"):
                if key in component and "TZID" in component[key].params:
                    tzid = str(component[key].params["TZID"])
                    years.setdefault(tzid, set()).add(component[key].dt.year)
    for tzid, used in sorted(years.items()):
        combined.add_component(vtimezone(tzid, min(used), max(used)))
    for component in events:
        combined.add_component(component)
    return combined


def serialise(calendar: Calendar) -> bytes:
    """Return the calendar as RFC 5545 text: CRLF line ends, lines folded at 75 octets."""
    return calendar.to_ical()


def calendar_agenda(agenda: AgendaView, person_id: int | None = None) -> AgendaView:
    """Return what of an agenda goes into a calendar (of one person's items, if given)."""
    return for_audience(agenda, agenda.audience, person_id=person_id, calendar=True)


def participant_names(agenda: AgendaView) -> dict[int, str]:
    """Return the names of everyone attending an item of the agenda."""
    ids = {person for item in agenda.items for person in item.attendees}
    if not ids:
        return {}
    people = db.session.scalars(select(Person).where(Person.id.in_(ids)))
    return {person.id: person.display_name for person in people}


def etag(*parts: Any) -> str:
    """Return a strong validator for a calendar built from the given inputs."""
    text = json.dumps([str(part) for part in parts], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def language_of(person: Person | None, visit: Visit) -> str:
    """Return the language a calendar is written in: the person's, else the visit's."""
    if person is not None:
        return Language(person.language).value
    return Language(visit.language).value


def latest_versions(visit_ids: list[int]) -> dict[int, AgendaVersion]:
    """Return the latest issued version of each visit, with one query."""
    if not visit_ids:
        return {}
    newest = (
        select(AgendaVersion.visit_id, func.max(AgendaVersion.number).label("number"))
        .where(AgendaVersion.visit_id.in_(visit_ids))
        .group_by(AgendaVersion.visit_id)
        .subquery()
    )
    versions = db.session.scalars(
        select(AgendaVersion).join(
            newest,
            (AgendaVersion.visit_id == newest.c.visit_id)
            & (AgendaVersion.number == newest.c.number),
        )
    )
    return {version.visit_id: version for version in versions}
