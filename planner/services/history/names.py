"""What the trail mentions, looked up in bulk: names, and what links to what."""

from collections import defaultdict
from collections.abc import Iterable
from enum import Enum
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select

from planner.enums import AuditAction
from planner.extensions import db
from planner.models import (
    AgendaItem,
    AuditEntry,
    ConflictAcknowledgement,
    FeedToken,
    Gift,
    ItemAnswer,
    Organisation,
    OutboxMessage,
    Participation,
    Person,
    ProgrammeModule,
    Room,
    User,
    Vehicle,
    Venue,
    Visit,
    VisitRequest,
)
from planner.services.audit import REDACTED
from planner.services.history.actions import Action
from planner.services.history.words import names_list, quote

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
    "ConflictAcknowledgement": ConflictAcknowledgement,
    "VisitRequest": VisitRequest,
    "Gift": Gift,
    "Vehicle": Vehicle,
}
# What is looked up about a thing: its name, or what it links to.
NAME_FIELDS = {
    "AgendaItem": ("title_de", "title_en"),
    "Person": ("academic_title", "first_name", "last_name"),
    "Room": ("name",),
    "Venue": ("name",),
    "Organisation": ("name",),
    "Visit": ("title", "timezone"),
    "User": ("name",),
    "ProgrammeModule": ("title_de", "title_en"),
    "VisitRequest": ("title",),
    "Gift": ("description",),
    "Vehicle": ("name",),
}
LINK_FIELDS = {
    "ItemAnswer": ("participation_id", "agenda_item_id", "status", "source"),
    "OutboxMessage": ("person_id", "kind"),
    "FeedToken": ("kind", "person_id"),
    "Participation": ("person_id", "side"),
    "ConflictAcknowledgement": ("kind", "agenda_item_id", "other_item_id"),
}


class Names:
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
        """Return an agenda item's title in the reader's language (else the other), quoted."""
        english = get_locale().language == "en"
        first, second = ("title_en", "title_de") if english else ("title_de", "title_en")
        title = self.get("AgendaItem", id_, first) or self.get("AgendaItem", id_, second)
        return quote(title or _("an item no longer known"))

    def person(self, id_: Any) -> str:
        """Return a person's name as addressed in protocol."""
        parts = [self.get("Person", id_, key) for key in NAME_FIELDS["Person"]]
        name = " ".join(part for part in parts if part)
        return name or _("a person no longer known")

    def items(self, ids: Iterable[Any]) -> str:
        """Return a list of agenda items' titles, quoted: „A“, „B“ und „C“."""
        return names_list(self.item(item) for item in ids)

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
        english = get_locale().language == "en"
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
    "host_organisation_id": "Organisation",
    "venue_id": "Venue",
    "agenda_item_id": "AgendaItem",
    # A gift's occasion, a Golden Book entry's item.
    "item_id": "AgendaItem",
    "other_item_id": "AgendaItem",
    "module_id": "ProgrammeModule",
    "participation_id": "Participation",
    "author_id": "User",
    "user_id": "User",
}
RELATED = {"items": "AgendaItem", "guest_organisations": "Organisation"}


def resolve(actions: list[Action]) -> Names:
    """Learn everything the actions mention, in a fixed number of queries."""
    names = Names()
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
                if o.type in ("ItemAnswer", "OutboxMessage", "FeedToken", "ConflictAcknowledgement")
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
            if obj.type == "VisitGuest":  # named by its organisation
                wanted.add(("Organisation", obj.id))
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
