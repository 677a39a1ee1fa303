"""The audit trail told as sentences, in the reader's language and the visit's local time.

A page of the trail costs a fixed number of queries, however many entries it holds: one
finds the page's actions, one reads their entries, then what they mention is looked up
type by type (``names``). The entries of one transaction (a change set) are one action
(``actions``), told in one sentence where its parts belong together ("Petra Protokoll hat
„Abschlussgespräch“ von 11:00 auf 11:15 verschoben und in Besprechungsraum 2.14
verlegt") and in a few where they do not (a version issued, and the e-mails drafted with
it). The words live in ``words`` (shared), ``agenda``, ``people``, ``messages`` and
``admin``. Fields that mean nothing to a reader (lock versions, sequences, tokens) are
never told; a field without words of its own is told as "hat „X“ geändert", never by
its name.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import joinedload
from sqlalchemy.sql import ColumnElement

from planner.enums import AuditAction
from planner.extensions import db
from planner.models import AuditEntry, Organisation, Person, User, Visit
from planner.services.history.actions import Action, group
from planner.services.history.admin import TELLERS
from planner.services.history.agenda import (
    guest_clauses,
    item_clauses,
    tell_children,
    version_clauses,
    visit_clauses,
)
from planner.services.history.conflicts import acknowledgement_clauses
from planner.services.history.gifts import tell_gifts
from planner.services.history.messages import feed_clauses, tell_messages, thread_clauses
from planner.services.history.names import resolve
from planner.services.history.people import tell_answers, tell_participations, tell_people
from planner.services.history.press import press_contact_clauses, press_page_clauses
from planner.services.history.requests import request_clauses
from planner.services.history.transport import vehicle_clauses
from planner.services.history.words import Story, chain, visible
from planner.services.permissions import can_view_history, can_view_visit, visible_visits
from planner.services.timezones import zone as zone_info

# Actions per page (an action is what one person did in one go).
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
NO_LOGIN = "none"

# Kinds of change a reader can filter by, and the audited types behind each.
KINDS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "agenda": (_l("Agenda items"), ("AgendaItem",)),
    "visit": (_l("Details and status of the visit"), ("Visit", "VisitGuest")),
    "participants": (_l("Participants"), ("Participation",)),
    "answers": (_l("Answers"), ("ItemAnswer", "InboundMessage")),
    "versions": (_l("Issued versions"), ("AgendaVersion",)),
    "warnings": (_l("Acknowledged warnings"), ("ConflictAcknowledgement",)),
    "vehicles": (_l("Vehicles"), ("Vehicle",)),
    "messages": (_l("E-mails"), ("OutboxMessage",)),
    "thread": (_l("Thread messages"), ("VisitMessage",)),
    "gifts": (_l("Gifts and the Golden Book"), ("Gift", "GoldenBookEntry", "GoldenBookSigner")),
    "feeds": (_l("Calendar subscriptions"), ("FeedToken",)),
    "press": (_l("Press"), ("PressContact", "PressPage")),
    "people": (_l("People"), ("Person",)),
    "rooms": (_l("Buildings and rooms"), ("Venue", "Room")),
    "modules": (_l("Programme modules"), ("ProgrammeModule",)),
    "logins": (_l("Logins"), ("User",)),
    "organisation": (_l("Organisation and branding"), ("Organisation",)),
}
VISIT_KINDS = (
    "agenda",
    "visit",
    "participants",
    "answers",
    "versions",
    "warnings",
    "vehicles",
    "messages",
    "thread",
    "feeds",
    "press",
    "gifts",
)


@dataclass(frozen=True)
class HistoryQuery:
    """Which part of a trail to show: a kind of change, who acted, and where to begin."""

    kind: str = ""
    # "" for everyone, NO_LOGIN for changes made without a login, else a user's id.
    actor: str = ""
    # Show entries older than this one (the page before ended there).
    before: int | None = None
    page_size: int = PAGE_SIZE


@dataclass(frozen=True)
class HistoryAction:
    """One thing done in one go: when, and the sentences that tell it."""

    at: datetime
    sentences: list[str]
    visit_id: int | None = None
    visit_title: str = ""
    # The API token the action came through; None: through the pages.
    via: str | None = None


@dataclass(frozen=True)
class HistoryDay:
    """The actions of one local day, newest first."""

    day: date
    actions: list[HistoryAction]


@dataclass(frozen=True)
class HistoryPage:
    """A page of a history as people read it."""

    days: list[HistoryDay]
    zone: str
    query: HistoryQuery
    kinds: list[tuple[str, str]]
    actors: list[tuple[str, str]]
    # The entry before which the next (older) page begins; None on the last page.
    older: int | None = None


def visit_history(
    visit_id: int, viewer: User, query: HistoryQuery
) -> tuple[Visit, HistoryPage] | None:
    """Return a visit and a page of its history, or None when the viewer may not see the visit.

    Raises ``PermissionError`` when the viewer sees the visit but not its history.
    """
    visit = db.session.scalar(visible_visits(select(Visit).where(Visit.id == visit_id), viewer))
    if visit is None or not can_view_visit(viewer, visit):
        return None
    if not can_view_history(viewer, visit):
        raise PermissionError
    scope = AuditEntry.visit_id == visit.id
    page = _page(scope, query, visit.timezone, VISIT_KINDS, show_visit=False)
    return visit, page


def organisation_history(organisation: Organisation, query: HistoryQuery) -> HistoryPage:
    """Return a page of what happened to an organisation's visits and people, or by its users.

    Times are in the organisation's zone; each action names its visit.
    """
    hosted = select(Visit.id).where(Visit.host_organisation_id == organisation.id)
    own_people = select(Person.id).where(Person.organisation_id == organisation.id)
    own_users = select(User.id).where(User.organisation_id == organisation.id)
    scope = or_(
        AuditEntry.visit_id.in_(hosted),
        AuditEntry.user_id.in_(own_users),
        (AuditEntry.object_type == "Person") & AuditEntry.object_id.in_(own_people),
        (AuditEntry.object_type == "Organisation") & (AuditEntry.object_id == organisation.id),
    )
    return _page(scope, query, organisation.timezone, tuple(KINDS), show_visit=True)


def _page(
    scope: ColumnElement, query: HistoryQuery, zone_name: str, kinds: tuple[str, ...], *,
    show_visit: bool,
) -> HistoryPage:  # fmt: skip
    if query.kind not in kinds:
        query = HistoryQuery("", query.actor, query.before, query.page_size)
    entries, older = _entries(scope, query)
    actions = tell(entries, zone_name, show_visit=show_visit)
    days: list[HistoryDay] = []
    for action in actions:
        if days and days[-1].day == action.at.date():
            days[-1].actions.append(action)
        else:
            days.append(HistoryDay(action.at.date(), [action]))
    actors = [("", _("Everyone")), (NO_LOGIN, _("Without a login (answers, the system)"))]
    actors += [
        (str(user_id), name)
        for user_id, name in db.session.execute(
            select(User.id, User.name)
            .where(User.id.in_(select(AuditEntry.user_id).where(scope).distinct()))
            .order_by(User.name, User.id)
        )
    ]
    return HistoryPage(
        days=days,
        zone=zone_name,
        query=query,
        kinds=[("", _("All changes"))] + [(key, str(KINDS[key][0])) for key in kinds],
        actors=actors,
        older=older,
    )


def _entries(scope: ColumnElement, query: HistoryQuery) -> tuple[list[AuditEntry], int | None]:
    """Return the entries of a page of actions, newest first; an action is never cut in two.

    A page holds ``page_size`` actions (change sets), the newest first: one query finds
    them, a second reads their entries. The next page begins below the oldest of them.
    """
    conditions = [scope]
    if query.kind in KINDS:
        conditions.append(AuditEntry.object_type.in_(KINDS[query.kind][1]))
    if query.actor == NO_LOGIN:
        conditions.append(AuditEntry.user_id.is_(None))
    elif query.actor.isdecimal() and len(query.actor) < 12:
        conditions.append(AuditEntry.user_id == int(query.actor))
    if query.before is not None:
        conditions.append(AuditEntry.id < query.before)
    size = max(1, min(query.page_size, MAX_PAGE_SIZE))
    # Entries written before change sets existed are each an action of their own.
    action = func.coalesce(AuditEntry.change_set, cast(AuditEntry.id, String(32)))
    newest = func.max(AuditEntry.id)
    found = db.session.execute(
        select(action, newest).where(*conditions).group_by(action).order_by(newest.desc())
        .limit(size + 1)
    ).all()  # fmt: skip
    shown = found[:size]
    if not shown:
        return [], None
    entries = db.session.scalars(
        select(AuditEntry)
        .where(*conditions, action.in_([key for key, _newest in shown]))
        .options(joinedload(AuditEntry.user))
        .order_by(AuditEntry.id.desc())
    )
    return list(entries), shown[-1][1] if len(found) > size else None


def tell(
    entries: list[AuditEntry], zone_name: str, *, show_visit: bool = False
) -> list[HistoryAction]:
    """Tell a page of entries (newest first) as actions, newest first, in ``zone_name``."""
    actions = group(entries)
    names = resolve(actions)
    told = []
    for action in actions:
        visit_zone = names.get("Visit", action.visit_id, "timezone") or zone_name
        story = Story(names, visit_zone, action.user)
        _tell_action(action, story)
        sentences = story.told()
        if not sentences:
            continue
        told.append(
            HistoryAction(
                at=action.at.astimezone(zone_info(zone_name)),
                sentences=sentences,
                # A link only to a visit that still exists.
                visit_id=action.visit_id
                if show_visit and names.get("Visit", action.visit_id, "exists")
                else None,
                visit_title=names.visit(action.visit_id) if show_visit and action.visit_id else "",
                via=action.via,
            )
        )
    return told


def _tell_action(action: Action, story: Story) -> None:
    visits = action.of_type("Visit")
    created_or_deleted = {o.action for o in visits if o.action is not AuditAction.UPDATE}
    for obj in visits:
        story.add(visit_clauses(obj, story))
        if obj.action is not AuditAction.UPDATE:
            tell_children(action, obj.action, story)
    if not created_or_deleted:
        for obj in action.of_type("VisitGuest"):
            story.add(guest_clauses(obj, action.visit_id, story))
    for type_ in ("Organisation", "User", "Venue", "Room", "ProgrammeModule"):
        for obj in action.of_type(type_):
            story.add(TELLERS[type_](obj, story))
    for obj in action.of_type("AgendaItem"):
        if obj.action in created_or_deleted:
            continue  # counted with the visit
        story.add(item_clauses(obj, story))
    for obj in action.of_type("Vehicle"):
        # A vehicle that comes with its visit (the demo's car) is part of creating it.
        if obj.action not in created_or_deleted:
            story.add(vehicle_clauses(obj, story))
    for obj in action.of_type("ConflictAcknowledgement"):
        story.add(acknowledgement_clauses(obj, story))
    for obj in action.of_type("VisitRequest"):
        story.add(request_clauses(obj, story))
    tell_people(action, story)
    tell_participations(action, story, skip=created_or_deleted)
    tell_answers(action, story)
    for obj in action.of_type("FeedToken"):
        story.add(feed_clauses(obj, action, story))
    tell_messages(action, story)
    for obj in action.of_type("VisitMessage"):
        story.add(thread_clauses(obj, action.visit_id, story))
    for obj in action.of_type("PressContact"):
        story.add(press_contact_clauses(obj, story))
    for obj in action.of_type("PressPage"):
        story.add(press_page_clauses(obj, story))
    tell_gifts(action, story, skip=created_or_deleted)
    for obj in action.of_type("AgendaVersion"):
        story.closing += chain(version_clauses(obj))
    # Anything else the trail holds one day: told, never by its name.
    if any(obj.type not in TOLD_TYPES and visible(obj) for obj in action.objects.values()):
        story.add([(_("changed a record"), _("changed other details"))])


TOLD_TYPES = frozenset(
    {
        *TELLERS,
        "Visit",
        "VisitGuest",
        "AgendaItem",
        "Person",
        "Participation",
        "ItemAnswer",
        "InboundMessage",
        "OutboxMessage",
        "FeedToken",
        "PressContact",
        "PressPage",
        "AgendaVersion",
        "ConflictAcknowledgement",
        "VisitMessage",
        "VisitRequest",
        # Told by their request.
        "VisitRequestEvent",
        "Gift",
        "GoldenBookEntry",
        "GoldenBookSigner",
        "Vehicle",
    }
)
