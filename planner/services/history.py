"""The audit trail told as sentences, in the reader's language and the visit's local time.

A page of the trail costs a fixed number of queries, however many entries it holds: the
entries, then what they mention (people, rooms, items, organisations ...) type by type,
from the live rows first and from the trail itself for what was deleted since.

The entries of one transaction (a change set) are one action, told in one sentence where
its parts belong together ("Petra Protokoll hat „Abschlussgespräch“ von 11:00 auf 11:15
verschoben und in Besprechungsraum 2.14 verlegt") and in a few where they do not (a
version issued, and the e-mails drafted with it). Fields that mean nothing to a reader
(lock versions, sequences, tokens) are never told; a field without words of its own is
told as "hat „X“ geändert", never by its name.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

from babel.lists import format_list
from flask_babel import format_date, get_locale, ngettext, pgettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, and_, cast, func, or_, select
from sqlalchemy.orm import joinedload
from sqlalchemy.sql import ColumnElement

from planner.enums import AuditAction, ItemStatus, OutboxStatus, RsvpStatus, Side, VisitStatus
from planner.extensions import db
from planner.i18n import enum_labels, format_time_in_zone
from planner.models import (
    AgendaItem,
    AuditEntry,
    FeedToken,
    ItemAnswer,
    Organisation,
    OutboxMessage,
    Participation,
    Person,
    ProgrammeModule,
    Room,
    User,
    Venue,
    Visit,
)
from planner.services.audit import REDACTED
from planner.services.permissions import can_view_history, can_view_visit, visible_visits
from planner.services.timezones import zone as zone_info

# Actions per page (an action is what one person did in one go).
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
# In a list of names, this many are named; the rest are counted.
NAMED_IN_LISTS = 8
NO_LOGIN = "none"

# Kinds of change a reader can filter by, and the audited types behind each.
KINDS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "agenda": (_l("Agenda items"), ("AgendaItem",)),
    "visit": (_l("Details and status of the visit"), ("Visit",)),
    "participants": (_l("Participants"), ("Participation",)),
    "answers": (_l("Answers"), ("ItemAnswer", "InboundMessage")),
    "versions": (_l("Issued versions"), ("AgendaVersion",)),
    "messages": (_l("E-mails"), ("OutboxMessage",)),
    "feeds": (_l("Calendar subscriptions"), ("FeedToken",)),
    "people": (_l("People"), ("Person",)),
    "rooms": (_l("Buildings and rooms"), ("Venue", "Room")),
    "modules": (_l("Programme modules"), ("ProgrammeModule",)),
    "logins": (_l("Logins"), ("User",)),
    "organisation": (_l("Organisation and branding"), ("Organisation",)),
}
VISIT_KINDS = ("agenda", "visit", "participants", "answers", "versions", "messages", "feeds")

# Never told: they mean nothing to a reader, or are secrets.
HIDDEN = frozenset(
    {
        "id",
        "lock_version",
        "sequence",
        "uid",
        "created_at",
        "updated_at",
        "token",
        "rsvp_nonce",
        "rsvp_at",
        "invited_uids",
        "invited_version",
        "session_version",
        "last_login_at",
        "digest",
        "message_id",
        "claimed_by",
        "claimed_at",
        "next_attempt_at",
        "attempts",
        "last_error",
        "sent_at",
        "replied_at",
        "item_uids",
        "ical",
        "ical_method",
        "logo_mime",
        "body_html",
        "reply_to",
        "to_address",
        "starts_fold",
        "ends_fold",
    }
)
# Fields of a type that say which object it is, not what changed.
IDENTITY = {
    "AgendaItem": frozenset({"visit_id"}),
    "Visit": frozenset({"host_organisation_id"}),
    "Participation": frozenset({"visit_id", "person_id"}),
    "ItemAnswer": frozenset({"participation_id", "agenda_item_id"}),
    "OutboxMessage": frozenset(
        {"visit_id", "person_id", "participation_id", "kind", "version_number", "language"}
    ),
    "FeedToken": frozenset({"visit_id", "person_id", "user_id", "kind", "reminders"}),
    "ProgrammeModule": frozenset({"organisation_id", "key"}),
    "Room": frozenset(),
    "Venue": frozenset({"organisation_id"}),
    "User": frozenset(),
    "Person": frozenset(),
}

# Words for fields that have no sentence of their own (accusative, with article).
FIELD_LABELS: dict[str, dict[str, Any]] = {
    "AgendaItem": {
        "description": _l("the description"),
        "internal_notes": _l("the internal notes"),
        "setup_minutes": _l("the set-up time"),
        "teardown_minutes": _l("the tear-down time"),
        "module_id": _l("the programme module"),
    },
    "Visit": {
        "purpose": _l("the purpose"),
        "internal_notes": _l("the internal notes"),
    },
    "Person": {
        "salutation": _l("the salutation"),
        "office_title": _l("the office title"),
        "function": _l("the function"),
        "email": _l("the e-mail address"),
        "phone": _l("the phone number"),
        "phone_internal": _l("whether the phone number is internal"),
        "language": _l("the language"),
        "dietary_needs": _l("the dietary needs"),
        "accessibility_needs": _l("the accessibility needs"),
        "needs_escort": _l("the need for an escort"),
        "needs_parking": _l("the need for a parking space"),
        "precedence_rank": _l("the precedence rank"),
        "organisation_id": _l("the organisation"),
    },
    "User": {"email": _l("the e-mail address")},
    "Organisation": {
        "timezone": _l("the time zone"),
        "locale": _l("the language"),
    },
    "Room": {
        "accessibility_notes": _l("the accessibility notes"),
        "venue_id": _l("the building"),
    },
    "Venue": {
        "address": _l("the address"),
        "accessibility_notes": _l("the accessibility notes"),
    },
    "ProgrammeModule": {
        "kind": _l("the kind"),
        "title_de": _l("the German title"),
        "title_en": _l("the English title"),
        "description_de": _l("the German description"),
        "description_en": _l("the English description"),
        "default_duration_minutes": _l("the duration"),
        "default_room_id": _l("the room"),
    },
    "Participation": {"side": _l("the side")},
}

MODELS: dict[str, Any] = {
    "AgendaItem": AgendaItem,
    "Person": Person,
    "Room": Room,
    "Venue": Venue,
    "Organisation": Organisation,
    "Visit": Visit,
    "User": User,
    "ProgrammeModule": ProgrammeModule,
    "Participation": Participation,
    "ItemAnswer": ItemAnswer,
    "OutboxMessage": OutboxMessage,
    "FeedToken": FeedToken,
}
# What is looked up about a thing: its name, or what it links to.
NAME_FIELDS = {
    "AgendaItem": ("title",),
    "Person": ("academic_title", "first_name", "last_name"),
    "Room": ("name",),
    "Venue": ("name",),
    "Organisation": ("name",),
    "Visit": ("title", "timezone"),
    "User": ("name",),
    "ProgrammeModule": ("title_de", "title_en"),
}
LINK_FIELDS = {
    "ItemAnswer": ("participation_id", "agenda_item_id", "status", "source"),
    "OutboxMessage": ("person_id", "kind"),
    "FeedToken": ("kind", "person_id"),
    "Participation": ("person_id", "side"),
}


# -- Reading a page of the trail ---------------------------------------------------------


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


# -- Actions: the entries of one transaction, merged per object ---------------------------


@dataclass
class _Object:
    """What one action did to one object, its entries merged."""

    type: str
    id: int
    action: AuditAction
    fields: dict[str, Any]
    order: int

    def new(self, key: str) -> Any:
        """Return the field's value after the action (None when unknown or cleared)."""
        value = self.fields.get(key)
        return _value(value[1]) if isinstance(value, list) else None

    def old(self, key: str) -> Any:
        """Return the field's value before the action."""
        value = self.fields.get(key)
        return _value(value[0]) if isinstance(value, list) else None

    def value(self, key: str) -> Any:
        """Return what the object's field held: after a create or update, before a delete."""
        return self.old(key) if self.action is AuditAction.DELETE else self.new(key)

    def changed(self, key: str) -> bool:
        """Return whether the action changed the field."""
        return key in self.fields


@dataclass
class _Action:
    """The objects one transaction changed, who changed them and when."""

    user: User | None
    at: datetime
    visit_id: int | None
    newest: int
    objects: dict[tuple[str, int], _Object] = field(default_factory=dict)

    def of_type(self, *types: str) -> list[_Object]:
        """Return the action's objects of these types, in the order they were changed."""
        return sorted(
            (obj for obj in self.objects.values() if obj.type in types), key=lambda o: o.order
        )


def _value(value: Any) -> Any:
    return None if value == REDACTED else value


def _group(entries: list[AuditEntry]) -> list[_Action]:
    """Group entries (newest first) into actions (newest first), merging per object."""
    actions: dict[str, _Action] = {}
    for entry in reversed(entries):
        key = entry.change_set or f"{entry.user_id}@{entry.created_at.isoformat()}"
        action = actions.get(key)
        if action is None:
            action = actions[key] = _Action(entry.user, entry.created_at, entry.visit_id, entry.id)
        action.at = max(action.at, entry.created_at)
        action.newest = max(action.newest, entry.id)
        action.visit_id = action.visit_id or entry.visit_id
        _merge(action, entry)
    for action in actions.values():
        for key, obj in list(action.objects.items()):
            obj.fields = {
                name: change
                for name, change in obj.fields.items()
                if not _unchanged(change) or obj.action is not AuditAction.UPDATE
            }
            if obj.action is AuditAction.UPDATE and not obj.fields:
                del action.objects[key]
    ordered = sorted(actions.values(), key=lambda action: action.newest, reverse=True)
    return [action for action in ordered if action.objects]


def _unchanged(change: Any) -> bool:
    if isinstance(change, dict):
        return not change.get("added") and not change.get("removed")
    # Redacted on both sides: changed, to values the trail does not keep.
    return change[0] == change[1] and change[0] != REDACTED


def _merge(action: _Action, entry: AuditEntry) -> None:
    key = (entry.object_type, entry.object_id)
    changes = entry.changes or {}
    current = action.objects.get(key)
    if current is None:
        action.objects[key] = _Object(
            entry.object_type,
            entry.object_id,
            entry.action,
            {name: _copy(change) for name, change in changes.items()},
            entry.id,
        )
        return
    current.order = entry.id
    if entry.action is AuditAction.DELETE:
        if current.action is AuditAction.CREATE:
            # Made and removed in one go: nothing to tell.
            del action.objects[key]
            return
        current.action = AuditAction.DELETE
        current.fields = {name: _copy(change) for name, change in changes.items()}
        return
    for name, change in changes.items():
        before = current.fields.get(name)
        if isinstance(change, dict):
            added = set(before.get("added", [])) if isinstance(before, dict) else set()
            removed = set(before.get("removed", [])) if isinstance(before, dict) else set()
            for related in change.get("added", []):
                if related in removed:
                    removed.discard(related)
                else:
                    added.add(related)
            for related in change.get("removed", []):
                if related in added:
                    added.discard(related)
                else:
                    removed.add(related)
            current.fields[name] = {"added": sorted(added), "removed": sorted(removed)}
        elif isinstance(before, list):
            current.fields[name] = [before[0], change[1]]
        else:
            current.fields[name] = list(change)


def _copy(change: Any) -> Any:
    if isinstance(change, dict):
        return {"added": list(change.get("added", [])), "removed": list(change.get("removed", []))}
    return list(change)


# -- Names of what the trail mentions, looked up in bulk ---------------------------------


class _Names:
    """What is known about the things a page mentions: names, and what links to what."""

    def __init__(self) -> None:
        self.facts: dict[tuple[str, int], dict[str, Any]] = defaultdict(dict)

    def get(self, type_: str, id_: Any, key: str) -> Any:
        """Return a fact about a thing, or None."""
        if not isinstance(id_, int):
            return None
        return self.facts.get((type_, id_), {}).get(key)

    def learn(self, type_: str, id_: int, values: dict[str, Any], *, override: bool) -> None:
        """Note facts about a thing; ``override`` replaces what is known (live rows)."""
        known = self.facts[(type_, id_)]
        for key, value in values.items():
            value = _plain(value)
            if value is None or value == REDACTED:
                continue
            if override or key not in known:
                known[key] = value

    def missing(self, wanted: Iterable[tuple[str, int]], fields: dict[str, tuple[str, ...]]):
        """Return the things of which some of the given fields are unknown."""
        return {
            (type_, id_)
            for type_, id_ in wanted
            if isinstance(id_, int)
            and any(self.get(type_, id_, key) is None for key in fields.get(type_, ()))
        }

    def look_up(self, wanted: set[tuple[str, int]], fields: dict[str, tuple[str, ...]]) -> None:
        """Learn the fields of these things: one query per type, then one in the trail."""
        by_type: dict[str, set[int]] = defaultdict(set)
        for type_, id_ in wanted:
            by_type[type_].add(id_)
        for type_, ids in by_type.items():
            model = MODELS[type_]
            columns = [getattr(model, key) for key in fields[type_]]
            for row in db.session.execute(select(model.id, *columns).where(model.id.in_(ids))):
                values = dict(zip(fields[type_], row[1:], strict=True))
                self.learn(type_, row[0], {**values, "exists": True}, override=True)
        gone = self.missing(wanted, fields)
        if not gone:
            return
        by_type = defaultdict(set)
        for type_, id_ in gone:
            by_type[type_].add(id_)
        trail = db.session.scalars(
            select(AuditEntry)
            .where(
                or_(
                    *(
                        and_(AuditEntry.object_type == type_, AuditEntry.object_id.in_(ids))
                        for type_, ids in by_type.items()
                    )
                )
            )
            .order_by(AuditEntry.id.desc())
        )
        for entry in trail:
            # Newest first: the last name a deleted thing had wins.
            values = {
                key: change[0] if entry.action is AuditAction.DELETE else change[1]
                for key, change in (entry.changes or {}).items()
                if isinstance(change, list) and key in fields[entry.object_type]
            }
            self.learn(entry.object_type, entry.object_id, values, override=False)

    # Names, in the reader's language.

    def item(self, id_: Any) -> str:
        """Return an agenda item's title, quoted."""
        return quote(self.get("AgendaItem", id_, "title") or _("an item no longer known"))

    def person(self, id_: Any) -> str:
        """Return a person's name as addressed in protocol."""
        parts = [self.get("Person", id_, key) for key in NAME_FIELDS["Person"]]
        name = " ".join(part for part in parts if part)
        return name or _("a person no longer known")

    def participant(self, participation_id: Any) -> str:
        """Return the name of a participation's person."""
        return self.person(self.get("Participation", participation_id, "person_id"))

    def room(self, id_: Any) -> str:
        """Return a room's name."""
        return self.get("Room", id_, "name") or _("a room no longer known")

    def venue(self, id_: Any) -> str:
        """Return a building's name."""
        return self.get("Venue", id_, "name") or _("a building no longer known")

    def organisation(self, id_: Any) -> str:
        """Return an organisation's name."""
        return self.get("Organisation", id_, "name") or _("an organisation no longer known")

    def user(self, id_: Any) -> str:
        """Return a login's name."""
        return self.get("User", id_, "name") or _("a login no longer known")

    def visit(self, id_: Any) -> str:
        """Return a visit's title, quoted."""
        return quote(self.get("Visit", id_, "title") or _("a visit no longer known"))

    def module(self, id_: Any) -> str:
        """Return a programme module's title in the reader's language, quoted."""
        english = str(get_locale()) == "en"
        title = self.get("ProgrammeModule", id_, "title_en" if english else "title_de")
        return quote(title or _("a programme module no longer known"))


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


# Where a field of an audited type points to another thing.
REFERENCES = {
    "room_id": "Room",
    "default_room_id": "Room",
    "responsible_person_id": "Person",
    "contact_person_id": "Person",
    "person_id": "Person",
    "organisation_id": "Organisation",
    "venue_id": "Venue",
    "agenda_item_id": "AgendaItem",
    "module_id": "ProgrammeModule",
    "participation_id": "Participation",
    "author_id": "User",
    "user_id": "User",
}
RELATED = {"items": "AgendaItem", "guest_organisations": "Organisation"}


def _resolve(actions: list[_Action]) -> _Names:
    """Learn everything the actions mention, in a fixed number of queries."""
    names = _Names()
    for action in actions:
        for obj in action.objects.values():
            values = {
                key: obj.value(key)
                for key, change in obj.fields.items()
                if isinstance(change, list)
            }
            if obj.action is AuditAction.UPDATE:
                # An update says what a thing became; its old name is not its name.
                values.update(
                    {
                        k: obj.old(k)
                        for k, c in obj.fields.items()
                        if isinstance(c, list) and obj.new(k) is None
                    }
                )
            names.learn(obj.type, obj.id, values, override=False)
    objects = [obj for action in actions for obj in action.objects.values()]
    # First what the objects link to (answers to participations, participations to people).
    names.look_up(
        names.missing(
            {
                (o.type, o.id)
                for o in objects
                if o.type in ("ItemAnswer", "OutboxMessage", "FeedToken")
            },
            LINK_FIELDS,
        ),
        LINK_FIELDS,
    )
    participations = {(o.type, o.id) for o in objects if o.type == "Participation"}
    for obj in objects:
        linked = obj.value("participation_id") or names.get(obj.type, obj.id, "participation_id")
        if isinstance(linked, int):
            participations.add(("Participation", linked))
    names.look_up(names.missing(participations, LINK_FIELDS), LINK_FIELDS)
    # Then the names of everything mentioned.
    wanted: set[tuple[str, int]] = set()
    for action in actions:
        if action.user is not None:
            names.learn("User", action.user.id, {"name": action.user.name}, override=True)
        if action.visit_id is not None:
            wanted.add(("Visit", action.visit_id))
        for obj in action.objects.values():
            if obj.type in NAME_FIELDS:
                wanted.add((obj.type, obj.id))
            for key, change in obj.fields.items():
                if key in REFERENCES and isinstance(change, list):
                    wanted.update(
                        (REFERENCES[key], value) for value in change if isinstance(value, int)
                    )
                elif key in RELATED and isinstance(change, dict):
                    for related in (*change.get("added", []), *change.get("removed", [])):
                        wanted.add((RELATED[key], related))
    for (type_, _thing), known in list(names.facts.items()):
        if type_ in LINK_FIELDS:
            for key in LINK_FIELDS[type_]:
                if key in REFERENCES and isinstance(known.get(key), int):
                    wanted.add((REFERENCES[key], known[key]))
    names.look_up(
        names.missing(wanted, NAME_FIELDS) | {w for w in wanted if w[0] == "Visit"}, NAME_FIELDS
    )
    return names


# -- Telling ------------------------------------------------------------------------------

# A clause naming its object, and the same clause referring back to it ("… and moved it").
Clause = tuple[str, str]


def quote(text: str) -> str:
    """Return a title in the reader's quotation marks: „X“ or “X”."""
    return _("“%(text)s”", text=text)


def _list(names: Iterable[str]) -> str:
    unique = list(dict.fromkeys(names))
    if len(unique) > NAMED_IN_LISTS + 1:
        rest = len(unique) - NAMED_IN_LISTS
        unique = [*unique[:NAMED_IN_LISTS], ngettext("%(num)s other", "%(num)s others", rest)]
    return format_list(unique, locale=get_locale()) if unique else ""


def _chain(clauses: list[Clause]) -> list[str]:
    """Return the clauses about one object: the first names it, the others refer back."""
    return [clauses[0][0], *(later for _first, later in clauses[1:])] if clauses else []


def _same(text: str) -> Clause:
    return (text, text)


def _sentence(text: str) -> str:
    text = text.strip()
    # A quoted comment may end the sentence already: „Ich komme gerne.“
    return text if text.rstrip("“”„\"'»«").endswith((".", "!", "?")) else f"{text}."


def _frame(who: str, clauses: list[str]) -> str:
    # Translators: a sentence of the history. "who" is a person, "what" a list of what
    # they did, e.g. "moved “Lunch” from 12:00 to 12:30 and moved it to Foyer"; in German
    # "%(who)s hat %(what)s" with participles: "„Mittagessen“ … verschoben und … verlegt".
    return pgettext(
        "history", "%(who)s %(what)s", who=who, what=format_list(clauses, locale=get_locale())
    )


@dataclass
class _Story:
    """What an action tells: clauses with the actor as subject, then whole sentences."""

    names: _Names
    zone: str
    actor: User | None
    clauses: list[str] = field(default_factory=list)
    closing: list[str] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)

    def add(self, clauses: list[Clause]) -> None:
        """Add the clauses about one object."""
        self.clauses += _chain(clauses)

    def told(self) -> list[str]:
        """Return the action's sentences."""
        result = []
        if self.clauses or self.closing:
            who = self.actor.name if self.actor is not None else _("The system")
            result.append(_frame(who, self.clauses + self.closing))
        return [_sentence(text) for text in result + self.sentences]


def tell(
    entries: list[AuditEntry], zone_name: str, *, show_visit: bool = False
) -> list[HistoryAction]:
    """Tell a page of entries (newest first) as actions, newest first, in ``zone_name``."""
    actions = _group(entries)
    names = _resolve(actions)
    told = []
    for action in actions:
        visit_zone = names.get("Visit", action.visit_id, "timezone") or zone_name
        story = _Story(names, visit_zone, action.user)
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
            )
        )
    return told


def _tell_action(action: _Action, story: _Story) -> None:
    visits = action.of_type("Visit")
    created_or_deleted = {o.action for o in visits if o.action is not AuditAction.UPDATE}
    for obj in visits:
        story.add(_visit_clauses(obj, story))
        if obj.action is not AuditAction.UPDATE:
            _tell_children(action, obj.action, story)
    for type_ in ("Organisation", "User", "Venue", "Room", "ProgrammeModule"):
        for obj in action.of_type(type_):
            story.add(TELLERS[type_](obj, story))
    for obj in action.of_type("AgendaItem"):
        if obj.action in created_or_deleted:
            continue  # counted with the visit
        story.add(_item_clauses(obj, story))
    _tell_people(action, story)
    _tell_participations(action, story, skip=created_or_deleted)
    _tell_answers(action, story)
    for obj in action.of_type("FeedToken"):
        story.add(_feed_clauses(obj, action, story))
    _tell_messages(action, story)
    for obj in action.of_type("AgendaVersion"):
        story.closing += _chain(_version_clauses(obj))
    # Anything else the trail holds one day: told, never by its name.
    if any(obj.type not in TOLD_TYPES and _visible(obj) for obj in action.objects.values()):
        story.add([(_("changed a record"), _("changed other details"))])


def _visible(obj: _Object) -> bool:
    return obj.action is not AuditAction.UPDATE or any(key not in HIDDEN for key in obj.fields)


def _rest(obj: _Object, told: set[str]) -> tuple[str, bool]:
    """Return the words for the changed fields without a clause of their own, and
    whether fields without words changed too."""
    labels = FIELD_LABELS.get(obj.type, {})
    named, unknown = [], False
    for key in obj.fields:
        if key in told or key in HIDDEN or key in IDENTITY.get(obj.type, ()):
            continue
        if key in labels:
            named.append(str(labels[key]))
        else:
            unknown = True
    return (format_list(named, locale=get_locale()) if named else ""), unknown


def _trash(obj: _Object, name: str) -> list[Clause]:
    # Kept restorable for a while: moving to the trash sets the time, restoring clears it.
    if not obj.changed("deleted_at"):
        return []
    if obj.new("deleted_at"):
        return [(_("moved %(name)s to the trash", name=name), _("moved it to the trash"))]
    return [(_("restored %(name)s from the trash", name=name), _("restored it from the trash"))]


def _moment(iso: str, fold: Any, zone_name: str, with_day: bool) -> str:
    local = datetime.fromisoformat(iso)
    clock = format_time_in_zone(local, zone_name, fold if fold in (0, 1) else 0)
    if not with_day:
        return clock
    return _("%(day)s, %(time)s", day=format_date(local.date(), format="medium"), time=clock)


def _span(obj: _Object, zone_name: str) -> str:
    starts, ends = obj.value("starts_at"), obj.value("ends_at")
    if not (isinstance(starts, str) and isinstance(ends, str)):
        return ""
    start = _moment(starts, obj.value("starts_fold"), zone_name, True)
    same_day = starts[:10] == ends[:10]
    end = _moment(ends, obj.value("ends_fold"), zone_name, not same_day)
    return f"{start}–{end}" if same_day else f"{start} – {end}"


def _times(obj: _Object, item: str, zone_name: str) -> list[Clause]:
    """Tell how an item's times changed: moved as a whole, or its start or end alone."""
    keys = ("starts_at", "ends_at", "starts_fold", "ends_fold")
    if not any(obj.changed(key) for key in keys):
        return []
    old_start, new_start = obj.old("starts_at"), obj.new("starts_at")
    old_end, new_end = obj.old("ends_at"), obj.new("ends_at")
    old_fold = (obj.old("starts_fold"), obj.old("ends_fold"))
    new_fold = (obj.new("starts_fold"), obj.new("ends_fold"))
    if all(isinstance(v, str) for v in (old_start, new_start, old_end, new_end)):
        shift = datetime.fromisoformat(new_start) - datetime.fromisoformat(old_start)
        duration_kept = datetime.fromisoformat(new_end) - datetime.fromisoformat(old_end) == shift
        with_day = old_start[:10] != new_start[:10]
        if duration_kept:
            old = _moment(old_start, old_fold[0], zone_name, with_day)
            new = _moment(new_start, new_fold[0], zone_name, with_day)
        else:
            old = _range(old_start, old_end, old_fold, zone_name, with_day)
            new = _range(new_start, new_end, new_fold, zone_name, with_day)
        return [
            (
                _("moved %(item)s from %(old)s to %(new)s", item=item, old=old, new=new),
                _("moved it from %(old)s to %(new)s", old=old, new=new),
            )
        ]
    if isinstance(old_start, str) and isinstance(new_start, str):
        with_day = old_start[:10] != new_start[:10]
        old = _moment(old_start, old_fold[0], zone_name, with_day)
        new = _moment(new_start, new_fold[0], zone_name, with_day)
        return [
            (
                _(
                    "moved the start of %(item)s from %(old)s to %(new)s",
                    item=item,
                    old=old,
                    new=new,
                ),
                _("moved its start from %(old)s to %(new)s", old=old, new=new),
            )
        ]
    if isinstance(old_end, str) and isinstance(new_end, str):
        with_day = old_end[:10] != new_end[:10]
        old = _moment(old_end, old_fold[1], zone_name, with_day)
        new = _moment(new_end, new_fold[1], zone_name, with_day)
        return [
            (
                _("moved the end of %(item)s from %(old)s to %(new)s", item=item, old=old, new=new),
                _("moved its end from %(old)s to %(new)s", old=old, new=new),
            )
        ]
    # Only which reading of a repeated time is meant (when the clocks go back).
    return [(_("changed the time of %(item)s", item=item), _("changed its time"))]


def _range(start: str, end: str, folds: tuple[Any, Any], zone_name: str, with_day: bool) -> str:
    same_day = start[:10] == end[:10]
    first = _moment(start, folds[0], zone_name, with_day)
    last = _moment(end, folds[1], zone_name, with_day and not same_day)
    return f"{first}–{last}"


def _label(group: str, value: Any) -> str:
    labels = enum_labels()[group]
    return str(labels[value]) if value in labels else _("unknown")


def _item_clauses(obj: _Object, story: _Story) -> list[Clause]:
    names = story.names
    title = obj.value("title")
    item = quote(title) if obj.action is not AuditAction.UPDATE and title else names.item(obj.id)
    if obj.action is AuditAction.CREATE:
        when = _span(obj, story.zone)
        room = obj.new("room_id")
        if room is not None:
            text = _("added %(item)s to the agenda (%(when)s, %(room)s)", item=item, when=when,
                     room=names.room(room))  # fmt: skip
        else:
            text = _("added %(item)s to the agenda (%(when)s)", item=item, when=when)
        return [_same(text)]
    if obj.action is AuditAction.DELETE:
        return [_same(_("deleted %(item)s from the agenda", item=item))]
    clauses: list[Clause] = []
    told = {"title", "starts_at", "ends_at", "starts_fold", "ends_fold", "room_id", "status"}
    told |= {"responsible_person_id", "kind", "deleted_at"}
    if obj.changed("title"):
        old, new = quote(obj.old("title") or ""), quote(obj.new("title") or "")
        clauses.append(
            (_("renamed %(old)s to %(new)s", old=old, new=new), _("renamed it to %(new)s", new=new))
        )
    clauses += _times(obj, item, story.zone)
    if obj.changed("room_id"):
        room = obj.new("room_id")
        if room is not None:
            room_name = names.room(room)
            clauses.append(
                (
                    _("moved %(item)s to %(room)s", item=item, room=room_name),
                    _("moved it to %(room)s", room=room_name),
                )
            )
        else:
            clauses.append((_("removed the room of %(item)s", item=item), _("removed its room")))
    if obj.changed("status"):
        old, new = obj.old("status"), obj.new("status")
        if new == ItemStatus.CANCELLED:
            clauses.append((_("cancelled %(item)s", item=item), _("cancelled it")))
        elif old == ItemStatus.CANCELLED:
            clauses.append(
                (_("put %(item)s back on the agenda", item=item), _("put it back on the agenda"))
            )
        elif new == ItemStatus.TENTATIVE:
            clauses.append(
                (_("marked %(item)s as tentative", item=item), _("marked it as tentative"))
            )
        else:
            clauses.append((_("confirmed %(item)s", item=item), _("confirmed it")))
    if obj.changed("responsible_person_id"):
        person = obj.new("responsible_person_id")
        if person is not None:
            name = names.person(person)
            clauses.append(
                (
                    _("made %(person)s responsible for %(item)s", person=name, item=item),
                    _("made %(person)s responsible for it", person=name),
                )
            )
        else:
            clauses.append(
                (
                    _("removed the person responsible for %(item)s", item=item),
                    _("removed the person responsible for it"),
                )
            )
    if obj.changed("kind"):
        kind = _label("item_kind", obj.new("kind"))
        clauses.append(
            (
                _("changed the kind of %(item)s to %(kind)s", item=item, kind=kind),
                _("changed its kind to %(kind)s", kind=kind),
            )
        )
    clauses += _trash(obj, item)
    fields, unknown = _rest(obj, told)
    if fields:
        clauses.append(
            (
                _("changed %(fields)s of %(name)s", fields=fields, name=item),
                _("changed %(fields)s", fields=fields),
            )
        )
    if unknown:
        clauses.append((_("changed %(name)s", name=item), _("changed other details")))
    return clauses


LANGUAGES = {"de": _l("German"), "en": _l("English")}


def _day(value: Any) -> str:
    return format_date(date.fromisoformat(value), format="medium") if isinstance(value, str) else ""


def _visit_clauses(obj: _Object, story: _Story) -> list[Clause]:
    names = story.names
    title = obj.value("title")
    visit = quote(title) if obj.action is not AuditAction.UPDATE and title else names.visit(obj.id)
    if obj.action is AuditAction.CREATE:
        return [_same(_("created the visit %(title)s", title=visit))]
    if obj.action is AuditAction.DELETE:
        return [_same(_("deleted the visit %(title)s", title=visit))]
    clauses: list[Clause] = []
    told = {"title", "first_day", "last_day", "status", "timezone", "language"}
    told |= {"contact_person_id", "guest_organisations", "deleted_at"}
    if obj.changed("title"):
        old, new = quote(obj.old("title") or ""), quote(obj.new("title") or "")
        clauses.append(
            (
                _("renamed the visit %(old)s to %(new)s", old=old, new=new),
                _("renamed it to %(new)s", new=new),
            )
        )
    first, last = obj.new("first_day"), obj.new("last_day")
    if obj.changed("first_day") and obj.changed("last_day"):
        days = _day(first) if first == last else f"{_day(first)}–{_day(last)}"
        clauses.append(
            (
                _("moved the visit %(title)s to %(days)s", title=visit, days=days),
                _("moved it to %(days)s", days=days),
            )
        )
    elif obj.changed("first_day"):
        clauses.append(
            (
                _("moved the first day of the visit %(title)s to %(day)s", title=visit,
                  day=_day(first)),
                _("moved its first day to %(day)s", day=_day(first)),
            )
        )  # fmt: skip
    elif obj.changed("last_day"):
        clauses.append(
            (
                _("moved the last day of the visit %(title)s to %(day)s", title=visit,
                  day=_day(last)),
                _("moved its last day to %(day)s", day=_day(last)),
            )
        )  # fmt: skip
    if obj.changed("status"):
        new = obj.new("status")
        if new == VisitStatus.CANCELLED:
            clauses.append((_("cancelled the visit %(title)s", title=visit), _("cancelled it")))
        else:
            old_label = _label("visit_status", obj.old("status"))
            new_label = _label("visit_status", new)
            clauses.append(
                (
                    _("set the status of the visit %(title)s from %(old)s to %(new)s",
                      title=visit, old=old_label, new=new_label),
                    _("set its status from %(old)s to %(new)s", old=old_label, new=new_label),
                )
            )  # fmt: skip
    if obj.changed("timezone"):
        old, new = obj.old("timezone") or "", obj.new("timezone") or ""
        clauses.append(
            (
                _("changed the time zone of the visit %(title)s from %(old)s to %(new)s",
                  title=visit, old=old, new=new),
                _("changed its time zone from %(old)s to %(new)s", old=old, new=new),
            )
        )  # fmt: skip
    if obj.changed("language"):
        language = str(LANGUAGES.get(obj.new("language"), _("unknown")))
        clauses.append(
            (
                _("changed the language of the visit %(title)s to %(language)s", title=visit,
                  language=language),
                _("changed its language to %(language)s", language=language),
            )
        )  # fmt: skip
    if obj.changed("contact_person_id"):
        person = obj.new("contact_person_id")
        if person is not None:
            name = names.person(person)
            clauses.append(
                (
                    _("made %(person)s the contact person of the visit %(title)s", person=name,
                      title=visit),
                    _("made %(person)s its contact person", person=name),
                )
            )  # fmt: skip
        else:
            clauses.append(
                (
                    _("removed the contact person of the visit %(title)s", title=visit),
                    _("removed its contact person"),
                )
            )
    guests = obj.fields.get("guest_organisations")
    if isinstance(guests, dict):
        added = _list(names.organisation(org) for org in guests.get("added", []))
        removed = _list(names.organisation(org) for org in guests.get("removed", []))
        if added:
            clauses.append(
                (
                    _("added %(organisations)s as guests of the visit %(title)s",
                      organisations=added, title=visit),
                    _("added %(organisations)s as guests", organisations=added),
                )
            )  # fmt: skip
        if removed:
            clauses.append(
                (
                    _("removed %(organisations)s from the guests of the visit %(title)s",
                      organisations=removed, title=visit),
                    _("removed %(organisations)s from its guests", organisations=removed),
                )
            )  # fmt: skip
    clauses += _trash(obj, visit)
    fields, unknown = _rest(obj, told)
    if fields:
        clauses.append(
            (
                _("changed %(fields)s of the visit %(title)s", fields=fields, title=visit),
                _("changed %(fields)s", fields=fields),
            )
        )
    if unknown:
        clauses.append((_("changed the visit %(title)s", title=visit), _("changed other details")))
    return clauses


def _tell_children(action: _Action, kind: AuditAction, story: _Story) -> None:
    """Count the items and participations created or deleted with their visit."""
    items = sum(1 for obj in action.of_type("AgendaItem") if obj.action is kind)
    participations = sum(1 for obj in action.of_type("Participation") if obj.action is kind)
    parts = []
    if items:
        parts.append(ngettext("%(num)s agenda item", "%(num)s agenda items", items))
    if participations:
        parts.append(ngettext("%(num)s participant", "%(num)s participants", participations))
    if not parts:
        return
    what = format_list(parts, locale=get_locale())
    if kind is AuditAction.CREATE:
        story.sentences.append(_("Created with it: %(what)s", what=what))
    else:
        story.sentences.append(_("Deleted with it: %(what)s", what=what))


def _person_name(obj: _Object, names: _Names, *, before: bool) -> str:
    parts = []
    for key in NAME_FIELDS["Person"]:
        if obj.changed(key):
            value = obj.old(key) if before else obj.new(key)
        else:
            value = names.get("Person", obj.id, key)
        if value:
            parts.append(value)
    return " ".join(parts)


def _tell_people(action: _Action, story: _Story) -> None:
    names = story.names
    people = action.of_type("Person")
    created = [obj for obj in people if obj.action is AuditAction.CREATE]
    deleted = [obj for obj in people if obj.action is AuditAction.DELETE]
    if created:
        listed = []
        for obj in created:
            name = _person_name(obj, names, before=False) or names.person(obj.id)
            org = obj.new("organisation_id")
            listed.append(f"{name} ({names.organisation(org)})" if org else name)
        story.add([_same(_("created %(people)s", people=_list(listed)))])
    if deleted:
        listed = [_person_name(obj, names, before=True) or names.person(obj.id) for obj in deleted]
        story.add([_same(_("deleted %(people)s", people=_list(listed)))])
    for obj in people:
        if obj.action is AuditAction.UPDATE:
            story.add(_person_clauses(obj, story))


def _person_clauses(obj: _Object, story: _Story) -> list[Clause]:
    names = story.names
    person = names.person(obj.id)
    if obj.changed("anonymised_at") and obj.fields["anonymised_at"][1]:
        # Everything else changed with it and is not told; the name is gone by law.
        return [_same(_("anonymised a person"))]
    clauses: list[Clause] = []
    told = {"academic_title", "first_name", "last_name", "deleted_at"}
    if any(obj.changed(key) for key in NAME_FIELDS["Person"]):
        old = _person_name(obj, names, before=True)
        new = _person_name(obj, names, before=False)
        if old and new and old != new:
            clauses.append(
                (
                    _("renamed %(old)s to %(new)s", old=old, new=new),
                    _("renamed them to %(new)s", new=new),
                )
            )
            person = old
        else:
            told -= {"academic_title", "first_name", "last_name"}
    clauses += _trash(obj, person)
    fields, unknown = _rest(obj, told)
    if fields:
        clauses.append(
            (
                _("changed %(fields)s of %(name)s", fields=fields, name=person),
                _("changed %(fields)s", fields=fields),
            )
        )
    if unknown:
        clauses.append((_("changed %(name)s", name=person), _("changed other details")))
    return clauses


def _side(obj: _Object, names: _Names) -> Any:
    return obj.value("side") or names.get("Participation", obj.id, "side")


def _items(ids: Iterable[Any], names: _Names) -> str:
    return _list(names.item(item) for item in ids)


def _tell_participations(action: _Action, story: _Story, *, skip: set[AuditAction]) -> None:
    names = story.names
    objects = action.of_type("Participation")
    created = [o for o in objects if o.action is AuditAction.CREATE and o.action not in skip]
    deleted = [o for o in objects if o.action is AuditAction.DELETE and o.action not in skip]
    guests = [names.participant(o.id) for o in created if _side(o, names) != Side.HOST]
    hosts = [names.participant(o.id) for o in created if _side(o, names) == Side.HOST]
    if guests:
        story.add([_same(_("added %(people)s to the delegation", people=_list(guests)))])
    if hosts:
        story.add([_same(_("added %(people)s to the hosts", people=_list(hosts)))])
    for obj in created:
        chosen = obj.fields.get("items")
        if obj.new("attends_all_items") is False or isinstance(chosen, dict):
            added = chosen.get("added", []) if isinstance(chosen, dict) else []
            person = names.participant(obj.id)
            if added:
                text = _("signed %(person)s up for %(items)s only", person=person,
                         items=_items(added, names))  # fmt: skip
            else:
                text = _("signed %(person)s up for none of the items", person=person)
            story.add([_same(text)])
    if deleted:
        removed = _list(names.participant(o.id) for o in deleted)
        story.add([_same(_("removed %(people)s from the participants", people=removed))])
    updated = [o for o in objects if o.action is AuditAction.UPDATE]
    ranked = [o for o in updated if o.changed("rank")]
    if len(ranked) > 1:
        order = sorted(ranked, key=lambda o: (o.new("rank") is None, o.new("rank") or 0))
        ranks = _list(
            _("%(rank)s. %(person)s", rank=o.new("rank"), person=names.participant(o.id))
            if o.new("rank") is not None
            else _("%(person)s without a rank", person=names.participant(o.id))
            for o in order
        )
        story.add([_same(_("changed the order of precedence: %(ranks)s", ranks=ranks))])
    for obj in updated:
        story.add(_participation_clauses(obj, story, rank=len(ranked) == 1))


def _participation_clauses(obj: _Object, story: _Story, *, rank: bool) -> list[Clause]:
    names = story.names
    person = names.participant(obj.id)
    clauses: list[Clause] = []
    told = {"rank", "side", "attends_all_items", "items", "rsvp_status", "deleted_at"}
    if rank and obj.changed("rank"):
        new = obj.new("rank")
        if new is not None:
            clauses.append(
                (
                    _("put %(person)s at rank %(rank)s", person=person, rank=new),
                    _("put them at rank %(rank)s", rank=new),
                )
            )
        else:
            clauses.append(
                (_("removed the rank of %(person)s", person=person), _("removed their rank"))
            )
    if obj.changed("side"):
        if obj.new("side") == Side.HOST:
            clauses.append(
                (_("moved %(person)s to the hosts", person=person), _("moved them to the hosts"))
            )
        else:
            clauses.append(
                (
                    _("moved %(person)s to the delegation", person=person),
                    _("moved them to the delegation"),
                )
            )
    chosen = obj.fields.get("items")
    added = chosen.get("added", []) if isinstance(chosen, dict) else []
    removed = chosen.get("removed", []) if isinstance(chosen, dict) else []
    if obj.new("attends_all_items") is True:
        clauses.append(
            (
                _("signed %(person)s up for all items", person=person),
                _("signed them up for all items"),
            )
        )
    else:
        if added:
            items = _items(added, names)
            clauses.append(
                (
                    _("signed %(person)s up for %(items)s", person=person, items=items),
                    _("signed them up for %(items)s", items=items),
                )
            )
        if removed:
            items = _items(removed, names)
            clauses.append(
                (
                    _("took %(person)s off %(items)s", person=person, items=items),
                    _("took them off %(items)s", items=items),
                )
            )
        if obj.changed("attends_all_items") and not (added or removed):
            clauses.append(
                (
                    _("signed %(person)s up for chosen items only", person=person),
                    _("signed them up for chosen items only"),
                )
            )
    clauses += _trash(obj, person)
    fields, unknown = _rest(obj, told)
    if fields:
        clauses.append(
            (
                _("changed %(fields)s of %(name)s", fields=fields, name=person),
                _("changed %(fields)s", fields=fields),
            )
        )
    if unknown:
        clauses.append(
            (
                _("changed the participation of %(person)s", person=person),
                _("changed other details"),
            )
        )
    return clauses


ANSWER_ORDER = (
    RsvpStatus.ACCEPTED,
    RsvpStatus.TENTATIVE,
    RsvpStatus.DECLINED,
    RsvpStatus.NEEDS_ACTION,
)


def _answer_clause(status: Any, items: str) -> str:
    if status == RsvpStatus.ACCEPTED:
        return _("accepted %(items)s", items=items)
    if status == RsvpStatus.TENTATIVE:
        return _("accepted %(items)s tentatively", items=items)
    if status == RsvpStatus.DECLINED:
        return _("declined %(items)s", items=items)
    return _("withdrew the answer for %(items)s", items=items)


def _overall_answer(status: Any) -> str:
    if status == RsvpStatus.ACCEPTED:
        return pgettext("history", "accepted")
    if status == RsvpStatus.TENTATIVE:
        return pgettext("history", "accepted tentatively")
    if status == RsvpStatus.DECLINED:
        return pgettext("history", "declined")
    return _("withdrew their answer")


def _source(sources: set[Any]) -> str:
    if sources == {"calendar"}:
        return _("(in a calendar program)")
    if sources == {"link"}:
        return _("(on the answer page)")
    return ""


@dataclass
class _Answer:
    status: Any
    item_id: Any
    source: Any
    comment: str = ""


def _tell_answers(action: _Action, story: _Story) -> None:
    """Tell answers per person: "Uwe Schneidewind hat für „Mittagessen“ zugesagt"."""
    names = story.names
    given: dict[Any, list[_Answer]] = defaultdict(list)
    for obj in action.of_type("ItemAnswer"):
        if obj.action is AuditAction.DELETE:
            continue
        participation = obj.value("participation_id") or names.get(
            "ItemAnswer", obj.id, "participation_id"
        )
        given[participation].append(
            _Answer(
                status=obj.new("status") or names.get("ItemAnswer", obj.id, "status"),
                item_id=obj.value("agenda_item_id")
                or names.get("ItemAnswer", obj.id, "agenda_item_id"),
                source=obj.new("source") or names.get("ItemAnswer", obj.id, "source"),
                comment=(obj.new("comment") or "").strip() if obj.changed("comment") else "",
            )
        )
    for obj in action.of_type("InboundMessage"):
        if obj.action is AuditAction.CREATE:
            _tell_reply(obj, story, given)
    for participation, answers in given.items():
        person = names.participant(participation)
        clauses = []
        for status in ANSWER_ORDER:
            items = [answer.item_id for answer in answers if answer.status == status]
            if items:
                clauses.append(_answer_clause(status, _items(items, names)))
        if clauses:
            source = _source({answer.source for answer in answers})
            sentence = _frame(person, clauses)
            story.sentences.append(f"{sentence} {source}" if source else sentence)
        for answer in answers:
            if answer.comment:
                story.sentences.append(
                    _("Comment from %(person)s: %(comment)s", person=person,
                      comment=quote(answer.comment))
                )  # fmt: skip
    for obj in action.of_type("Participation"):
        if obj.action is not AuditAction.UPDATE or not obj.changed("rsvp_status"):
            continue
        if obj.id in given:
            continue  # the answers per item tell it
        person = names.participant(obj.id)
        status = obj.new("rsvp_status")
        if action.user is None:
            story.sentences.append(_frame(person, [_overall_answer(status)]))
        else:
            answer = _label("answer", status)
            story.add(
                [
                    (
                        _("recorded the answer of %(person)s: %(answer)s", person=person,
                          answer=answer),
                        _("recorded their answer: %(answer)s", answer=answer),
                    )
                ]
            )  # fmt: skip


def _local(iso: Any, zone_name: str) -> str:
    if not isinstance(iso, str):
        return ""
    local = datetime.fromisoformat(iso).astimezone(zone_info(zone_name))
    return _("%(day)s, %(time)s", day=format_date(local.date(), format="medium"),
             time=local.strftime("%H:%M"))  # fmt: skip


def _tell_reply(obj: _Object, story: _Story, given: dict[Any, list[_Answer]]) -> None:
    """Tell what became of an answer from a calendar program that was not simply applied."""
    names = story.names
    outcome = obj.new("outcome")
    participation = obj.new("participation_id")
    item_id = obj.new("agenda_item_id")
    person = names.participant(participation)
    item = names.item(item_id)
    if outcome == "applied":
        if not any(answer.item_id == item_id for answer in given.get(participation, [])):
            given[participation].append(
                _Answer(status=obj.new("answer"), item_id=item_id, source="calendar")
            )
    elif outcome == "counter":
        start = _local(obj.new("proposed_start"), story.zone)
        if start:
            text = _("proposed another time for %(item)s: %(time)s", item=item, time=start)
        else:
            text = _("proposed another time for %(item)s", item=item)
        story.sentences.append(_frame(person, [text]))
    elif outcome == "declinecounter":
        story.sentences.append(
            _frame(person, [_("declined the counter-proposal for %(item)s", item=item)])
        )
    elif outcome == "outdated":
        story.sentences.append(
            _("An outdated answer from %(person)s for %(item)s was not applied", person=person,
              item=item)
        )  # fmt: skip
    elif outcome == "forged":
        story.sentences.append(
            _("An answer for %(item)s from an address that was not invited was not applied",
              item=item)
        )  # fmt: skip
    elif outcome == "not-invited":
        story.sentences.append(
            _("An answer from %(person)s for %(item)s was not applied: they were not invited "
              "to it", person=person, item=item)
        )  # fmt: skip
    else:
        story.sentences.append(_("An e-mail that was no answer was ignored"))


def _message_event(obj: _Object, actor: User | None) -> str:
    """Return what happened to an outbox message, as a key of MESSAGE_EVENTS."""
    if obj.action is AuditAction.CREATE:
        return "drafted" if obj.new("status") in (None, OutboxStatus.DRAFT) else "queued"
    if obj.action is AuditAction.DELETE:
        return "deleted"
    if obj.changed("status"):
        old, new = obj.old("status"), obj.new("status")
        if new == OutboxStatus.SENT:
            return "sent"
        if new == OutboxStatus.SENDING:
            return ""  # claimed by the outbox worker: what it did next is told
        if new == OutboxStatus.FAILED:
            return "failed"
        if new == OutboxStatus.DISCARDED:
            return "discarded" if actor is not None else "withdrawn"
        if new == OutboxStatus.PENDING:
            if old == OutboxStatus.DRAFT:
                return "released"
            if old == OutboxStatus.FAILED:
                return "resent"
            return "retrying"
        return "changed"
    if any(key in obj.fields for key in ("subject", "body_text", "body_html")):
        return "edited"
    return "changed" if _visible(obj) else ""


def _message_text(event: str, count: int, people: str) -> tuple[str, bool]:
    """Return the words for messages of one event, and whether they are a clause."""
    values = {"people": people}
    if event == "drafted-by":
        return ngettext("drafted %(num)s e-mail to %(people)s for review",
                        "drafted %(num)s e-mails to %(people)s for review",
                        count, **values), True  # fmt: skip
    if event == "drafted":
        return ngettext("%(num)s e-mail to %(people)s was drafted for review",
                        "%(num)s e-mails to %(people)s were drafted for review",
                        count, **values), False  # fmt: skip
    if event == "queued":
        return ngettext("%(num)s e-mail to %(people)s was queued for sending",
                        "%(num)s e-mails to %(people)s were queued for sending",
                        count, **values), False  # fmt: skip
    if event == "sent":
        return ngettext("%(num)s e-mail to %(people)s was sent",
                        "%(num)s e-mails to %(people)s were sent",
                        count, **values), False  # fmt: skip
    if event == "failed":
        return ngettext("%(num)s e-mail to %(people)s could not be delivered",
                        "%(num)s e-mails to %(people)s could not be delivered",
                        count, **values), False  # fmt: skip
    if event == "retrying":
        return ngettext("Delivering %(num)s e-mail to %(people)s failed; it will be tried again",
                        "Delivering %(num)s e-mails to %(people)s failed; they will be tried again",
                        count, **values), False  # fmt: skip
    if event == "withdrawn":
        return ngettext("%(num)s draft e-mail to %(people)s was withdrawn",
                        "%(num)s draft e-mails to %(people)s were withdrawn",
                        count, **values), False  # fmt: skip
    if event == "deleted":
        return ngettext("%(num)s e-mail to %(people)s was deleted",
                        "%(num)s e-mails to %(people)s were deleted",
                        count, **values), False  # fmt: skip
    if event == "released":
        return ngettext("released %(num)s e-mail to %(people)s for sending",
                        "released %(num)s e-mails to %(people)s for sending",
                        count, **values), True  # fmt: skip
    if event == "resent":
        return ngettext("had %(num)s e-mail to %(people)s sent again",
                        "had %(num)s e-mails to %(people)s sent again",
                        count, **values), True  # fmt: skip
    if event == "discarded":
        return ngettext("discarded %(num)s e-mail to %(people)s",
                        "discarded %(num)s e-mails to %(people)s",
                        count, **values), True  # fmt: skip
    if event == "edited":
        return ngettext("edited %(num)s e-mail to %(people)s",
                        "edited %(num)s e-mails to %(people)s", count, **values), True  # fmt: skip
    return ngettext("changed %(num)s e-mail to %(people)s",
                    "changed %(num)s e-mails to %(people)s", count, **values), True  # fmt: skip


MESSAGE_EVENTS = (
    "drafted-by",
    "drafted",
    "queued",
    "released",
    "resent",
    "edited",
    "discarded",
    "withdrawn",
    "sent",
    "retrying",
    "failed",
    "deleted",
    "changed",
)


def _tell_messages(action: _Action, story: _Story) -> None:
    """Tell e-mails by what happened to them, counted, with their recipients."""
    names = story.names
    # Drafted by someone, unless with a version: that sentence is about the version.
    by_someone = action.user is not None and not action.of_type("AgendaVersion")
    by_event: dict[str, list[_Object]] = defaultdict(list)
    for obj in sorted(action.of_type("OutboxMessage"), key=lambda o: o.id):
        event = _message_event(obj, action.user)
        if event == "drafted" and by_someone:
            event = "drafted-by"
        if event:
            by_event[event].append(obj)
    for event in MESSAGE_EVENTS:
        messages = by_event.get(event)
        if not messages:
            continue
        people = _list(
            names.person(obj.value("person_id") or names.get("OutboxMessage", obj.id, "person_id"))
            for obj in messages
        )
        text, clause = _message_text(event, len(messages), people)
        if clause:
            story.add([_same(text)])
        else:
            story.sentences.append(text)


def _feed_clauses(obj: _Object, action: _Action, story: _Story) -> list[Clause]:
    names = story.names
    kind = obj.value("kind") or names.get("FeedToken", obj.id, "kind")
    person = obj.value("person_id") or names.get("FeedToken", obj.id, "person_id")
    visit = names.visit(action.visit_id)
    if obj.action is AuditAction.CREATE:
        if kind == "person":
            text = _("created a calendar subscription for %(person)s", person=names.person(person))
        elif kind == "visit":
            text = _("created a calendar subscription to the visit %(title)s", title=visit)
        else:
            text = _("created a personal calendar subscription to all visits")
        return [_same(text)]
    if obj.action is AuditAction.UPDATE and obj.changed("revoked_at") and obj.new("revoked_at"):
        if kind == "person":
            text = _("revoked the calendar subscription for %(person)s",
                     person=names.person(person))  # fmt: skip
        elif kind == "visit":
            text = _("revoked the calendar subscription to the visit %(title)s", title=visit)
        else:
            text = _("revoked a personal calendar subscription to all visits")
        return [_same(text)]
    if not _visible(obj):
        return []
    return [(_("changed a calendar subscription"), _("changed other details"))]


def _version_clauses(obj: _Object) -> list[Clause]:
    number = obj.value("number")
    comment = obj.value("comment")
    if obj.action is not AuditAction.CREATE:
        return [_same(_("changed version %(number)s", number=number))] if _visible(obj) else []
    if comment:
        return [
            _same(
                _("issued version %(number)s: %(comment)s", number=number, comment=quote(comment))
            )
        ]
    return [_same(_("issued version %(number)s", number=number))]


def _renamed(obj: _Object, old: str, new: str) -> Clause:
    return (_("renamed %(old)s to %(new)s", old=old, new=new), _("renamed it to %(new)s", new=new))


def _generic(
    obj: _Object, told: set[str], fields_first: Callable[[str], str], unknown_first: str
) -> list[Clause]:
    """Tell the changed fields without clauses of their own, by their words or not at all."""
    fields, unknown = _rest(obj, told)
    clauses: list[Clause] = []
    if fields:
        clauses.append((fields_first(fields), _("changed %(fields)s", fields=fields)))
    if unknown:
        clauses.append((unknown_first, _("changed other details")))
    return clauses


def _organisation_clauses(obj: _Object, story: _Story) -> list[Clause]:
    names = story.names
    name = obj.value("name") if obj.action is not AuditAction.UPDATE else None
    name = name or names.organisation(obj.id)
    if obj.action is AuditAction.CREATE:
        return [_same(_("created the organisation %(name)s", name=name))]
    if obj.action is AuditAction.DELETE:
        return [_same(_("deleted the organisation %(name)s", name=name))]
    clauses: list[Clause] = []
    if obj.changed("name"):
        clauses.append(_renamed(obj, obj.old("name") or "", obj.new("name") or ""))
        name = obj.old("name") or name
    if obj.changed("accent_colour"):
        old, new = obj.old("accent_colour") or "", obj.new("accent_colour") or ""
        clauses.append(
            (
                _("changed the accent colour of %(name)s from %(old)s to %(new)s", name=name,
                  old=old, new=new),
                _("changed its accent colour from %(old)s to %(new)s", old=old, new=new),
            )
        )  # fmt: skip
    if obj.changed("logo"):
        if obj.fields["logo"][1]:
            clauses.append(
                (_("uploaded a new logo for %(name)s", name=name), _("uploaded a new logo"))
            )
        else:
            clauses.append((_("removed the logo of %(name)s", name=name), _("removed its logo")))
    told = {"name", "accent_colour", "logo"}
    clauses += _generic(
        obj,
        told,
        lambda fields: _("changed %(fields)s of %(name)s", fields=fields, name=name),
        _("changed %(name)s", name=name),
    )
    return clauses


def _user_clauses(obj: _Object, story: _Story) -> list[Clause]:
    names = story.names
    name = obj.value("name") if obj.action is not AuditAction.UPDATE else None
    name = name or names.user(obj.id)
    if obj.action is AuditAction.CREATE:
        role = _label("role", obj.new("role"))
        return [_same(_("created the login of %(name)s (%(role)s)", name=name, role=role))]
    if obj.action is AuditAction.DELETE:
        return [_same(_("deleted the login of %(name)s", name=name))]
    clauses: list[Clause] = []
    if obj.changed("name"):
        old, new = obj.old("name") or "", obj.new("name") or ""
        clauses.append(
            (
                _("renamed %(old)s to %(new)s", old=old, new=new),
                _("renamed them to %(new)s", new=new),
            )
        )
        name = old or name
    if obj.changed("role"):
        role = _label("role", obj.new("role"))
        clauses.append(
            (
                _("gave %(name)s the role %(role)s", name=name, role=role),
                _("gave them the role %(role)s", role=role),
            )
        )
    if obj.changed("active"):
        if obj.new("active"):
            clauses.append(
                (
                    _("reactivated the login of %(name)s", name=name),
                    _("reactivated their login"),
                )
            )
        else:
            clauses.append(
                (
                    _("deactivated the login of %(name)s", name=name),
                    _("deactivated their login"),
                )
            )
    if obj.changed("password_hash"):
        clauses.append((_("reset the password of %(name)s", name=name), _("reset their password")))
    clauses += _generic(
        obj,
        {"name", "role", "active", "password_hash", "organisation_id"},
        lambda fields: _("changed %(fields)s of %(name)s", fields=fields, name=name),
        _("changed the login of %(name)s", name=name),
    )
    return clauses


def _venue_clauses(obj: _Object, story: _Story) -> list[Clause]:
    name = obj.value("name") if obj.action is not AuditAction.UPDATE else None
    name = name or story.names.venue(obj.id)
    if obj.action is AuditAction.CREATE:
        return [_same(_("created the building %(name)s", name=name))]
    if obj.action is AuditAction.DELETE:
        return [_same(_("deleted the building %(name)s", name=name))]
    clauses: list[Clause] = []
    if obj.changed("name"):
        old, new = obj.old("name") or "", obj.new("name") or ""
        clauses.append(
            (
                _("renamed the building %(old)s to %(new)s", old=old, new=new),
                _("renamed it to %(new)s", new=new),
            )
        )
        name = old or name
    clauses += _generic(
        obj,
        {"name"},
        lambda fields: _("changed %(fields)s of the building %(name)s", fields=fields, name=name),
        _("changed the building %(name)s", name=name),
    )
    return clauses


def _room_clauses(obj: _Object, story: _Story) -> list[Clause]:
    names = story.names
    name = obj.value("name") if obj.action is not AuditAction.UPDATE else None
    name = name or names.room(obj.id)
    if obj.action is AuditAction.CREATE:
        building = names.venue(obj.new("venue_id"))
        return [_same(_("created the room %(name)s in %(building)s", name=name, building=building))]
    if obj.action is AuditAction.DELETE:
        return [_same(_("deleted the room %(name)s", name=name))]
    clauses: list[Clause] = []
    if obj.changed("name"):
        old, new = obj.old("name") or "", obj.new("name") or ""
        clauses.append(
            (
                _("renamed the room %(old)s to %(new)s", old=old, new=new),
                _("renamed it to %(new)s", new=new),
            )
        )
        name = old or name
    if obj.changed("capacity"):
        old, new = obj.old("capacity"), obj.new("capacity")
        old_text = str(old) if old is not None else _("no capacity given")
        new_text = str(new) if new is not None else _("no capacity given")
        clauses.append(
            (
                _("changed the capacity of the room %(name)s from %(old)s to %(new)s", name=name,
                  old=old_text, new=new_text),
                _("changed its capacity from %(old)s to %(new)s", old=old_text, new=new_text),
            )
        )  # fmt: skip
    clauses += _generic(
        obj,
        {"name", "capacity"},
        lambda fields: _("changed %(fields)s of the room %(name)s", fields=fields, name=name),
        _("changed the room %(name)s", name=name),
    )
    return clauses


def _module_clauses(obj: _Object, story: _Story) -> list[Clause]:
    english = str(get_locale()) == "en"
    title = obj.value("title_en" if english else "title_de")
    module = (
        quote(title)
        if obj.action is not AuditAction.UPDATE and title
        else story.names.module(obj.id)
    )
    if obj.action is AuditAction.CREATE:
        return [_same(_("created the programme module %(title)s", title=module))]
    if obj.action is AuditAction.DELETE:
        return [_same(_("deleted the programme module %(title)s", title=module))]
    return _generic(
        obj,
        set(),
        lambda fields: _(
            "changed %(fields)s of the programme module %(title)s", fields=fields, title=module
        ),
        _("changed the programme module %(title)s", title=module),
    )


TELLERS: dict[str, Callable[[_Object, _Story], list[Clause]]] = {
    "Organisation": _organisation_clauses,
    "User": _user_clauses,
    "Venue": _venue_clauses,
    "Room": _room_clauses,
    "ProgrammeModule": _module_clauses,
}
TOLD_TYPES = frozenset(
    {
        *TELLERS,
        "Visit",
        "AgendaItem",
        "Person",
        "Participation",
        "ItemAnswer",
        "InboundMessage",
        "OutboxMessage",
        "FeedToken",
        "AgendaVersion",
    }
)
