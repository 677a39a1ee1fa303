"""The agenda as one viewer sees it: the one reader of issued versions and the one
place that decides what each audience may see.

An agenda comes from the working draft (the live items) or from an issued version
(the JSON snapshot ``versions.snapshot`` wrote). Both are read here into the same
typed, immutable ``AgendaView``; no other module reads a snapshot by its keys.

Who sees what:

- **host** staff see the draft (or any version) with internal holds and internal notes;
- a **guest** user sees the latest issued version, without internal holds and notes;
- a **person** (a participant: invitations, the answer page, their own calendar) sees
  the issued items they attend, without internal holds and notes;
- a **feed** (a subscription) sees the latest issued version, like a guest.

A calendar never carries internal holds or notes, whoever downloads it: holds are the
host's own blocks, not appointments, and calendars leave the house.

Versions issued before some keys were kept are read with the old meanings: both folds
0 (the first reading of a repeated time), the one ``title``/``description`` in the
visit's language, no ``updated_at`` (the calendar uses the issue time).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from itertools import groupby
from typing import Any

from planner.enums import ItemKind, ItemStatus, Language, PressAccess
from planner.models import AgendaVersion, User, Visit
from planner.services.item_texts import LANGUAGES, texts_of
from planner.services.permissions import can_see_internal
from planner.services.timezones import to_utc, zone


class Audience(StrEnum):
    """For whom an agenda is read."""

    HOST = "host"
    GUEST = "guest"
    PERSON = "person"
    FEED = "feed"


class _Titled:
    """The titles by language, as ``item_texts`` reads them of an ``AgendaItem``."""

    titles: Mapping[str, str]

    @property
    def title_de(self) -> str:
        """Return the German title ("" when unknown)."""
        return self.titles.get("de", "")

    @property
    def title_en(self) -> str:
        """Return the English title ("" when unknown)."""
        return self.titles.get("en", "")


@dataclass(frozen=True)
class ViewItem(_Titled):
    """One agenda item as a viewer sees it.

    ``starts_at`` and ``ends_at`` are wall-clock times of the agenda's zone (naive, as
    pages print them); ``starts_fold``/``ends_fold`` say which reading of a time the
    clocks going back repeat is meant, and ``starts``/``ends`` are the aware instants.
    ``title`` and ``description`` are in the viewer's language, else in the other one;
    ``titles`` and ``descriptions`` hold the texts by language as the agenda knows them
    (a version issued before items had two languages knows one).
    """

    id: int | None
    uid: str
    sequence: int
    kind: ItemKind
    status: ItemStatus
    starts_at: datetime
    ends_at: datetime
    starts_fold: int
    ends_fold: int
    zone_name: str
    title: str
    description: str
    titles: Mapping[str, str]
    descriptions: Mapping[str, str]
    internal_notes: str
    room: str
    room_id: int | None
    location: str
    responsible: str
    attendees: tuple[int, ...]
    setup_minutes: int = 0
    teardown_minutes: int = 0
    module_id: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    # Versions issued before items were marked for the press keep them closed.
    press_access: PressAccess = PressAccess.CLOSED

    @property
    def press_open(self) -> bool:
        """Return whether the press may attend the item in some way."""
        return self.press_access is not PressAccess.CLOSED

    @property
    def starts(self) -> datetime:
        """Return the start as an aware time of the agenda's zone, the fold resolved."""
        return self.starts_at.replace(tzinfo=zone(self.zone_name), fold=self.starts_fold)

    @property
    def ends(self) -> datetime:
        """Return the end as an aware time of the agenda's zone, the fold resolved."""
        return self.ends_at.replace(tzinfo=zone(self.zone_name), fold=self.ends_fold)

    @property
    def starts_utc(self) -> datetime:
        """Return the instant the item begins, in UTC."""
        return to_utc(self.starts_at, self.zone_name, self.starts_fold)

    @property
    def ends_utc(self) -> datetime:
        """Return the instant the item ends, in UTC."""
        return to_utc(self.ends_at, self.zone_name, self.ends_fold)

    @property
    def participant_count(self) -> int:
        """Return how many people attend the item."""
        return len(self.attendees)

    @property
    def cancelled(self) -> bool:
        """Return whether the item is cancelled."""
        return self.status == ItemStatus.CANCELLED

    # The texts by field and language, as ``item_texts`` reads an ``AgendaItem``.

    @property
    def description_de(self) -> str:
        """Return the German description ("" when unknown)."""
        return self.descriptions.get("de", "")

    @property
    def description_en(self) -> str:
        """Return the English description ("" when unknown)."""
        return self.descriptions.get("en", "")

    def times(self) -> tuple:
        """Return the wall-clock times with their folds, as a change of time compares them."""
        return (self.starts_at, self.starts_fold, self.ends_at, self.ends_fold)


@dataclass(frozen=True)
class AgendaDay:
    """The items of one day of an agenda, in time order."""

    day: date
    items: list[ViewItem]


@dataclass(frozen=True)
class AgendaView:
    """An agenda as one viewer sees it: the draft or an issued version, already filtered.

    ``items`` keep the agenda's own order; ``ordered()`` and ``days()`` give time order.
    """

    title: str
    timezone: str
    first_day: date
    last_day: date
    # The language of the texts of versions issued before items had two (None: unknown).
    language: str | None
    items: tuple[ViewItem, ...]
    audience: Audience = Audience.HOST
    reader_language: str = "de"
    is_draft: bool = False
    # Set when a calendar is read: it never carries internal holds or notes.
    calendar: bool = False
    person_id: int | None = None

    @property
    def internal(self) -> bool:
        """Return whether the viewer is host staff (internal details may be shown)."""
        return self.audience is Audience.HOST

    @property
    def uids(self) -> frozenset[str]:
        """Return the UIDs of the items shown."""
        return frozenset(item.uid for item in self.items)

    def by_uid(self) -> dict[str, ViewItem]:
        """Return the items by UID."""
        return {item.uid: item for item in self.items}

    def item(self, uid: str) -> ViewItem | None:
        """Return the item with that UID, None when the viewer does not see it."""
        return next((item for item in self.items if item.uid == uid), None)

    def ordered(self) -> list[ViewItem]:
        """Return the items by the instants they begin and end, then by title.

        On the night the clocks go back, 02:45 summer time comes before 02:15 winter time.
        """
        return in_time_order(self.items)

    def days(self) -> list[AgendaDay]:
        """Return the items in time order, grouped by the day they begin on."""
        return by_day(self.ordered())

    def attending(self, person_id: int) -> list[ViewItem]:
        """Return the items the person attends, in the agenda's order."""
        return [item for item in self.items if person_id in item.attendees]


def in_time_order(items: Iterable[ViewItem]) -> list[ViewItem]:
    """Return items by the instants they begin and end, then by title."""
    return sorted(items, key=lambda item: (item.starts_utc, item.ends_utc, item.title))


def by_day(items: list[ViewItem]) -> list[AgendaDay]:
    """Group items (in time order) by the day they begin on."""
    return [
        AgendaDay(day=day, items=list(day_items))
        for day, day_items in groupby(items, key=lambda item: item.starts_at.date())
    ]


# --- the one reader of issued snapshots -------------------------------------------------

# The keys a snapshot and its items are stored with (``versions.snapshot``). Only this
# module reads them; tests/services/test_agenda_view.py checks that with a lint rule.
SNAPSHOT_KEYS = frozenset(
    {"title", "language", "timezone", "first_day", "last_day", "items"}
)  # fmt: skip
ITEM_KEYS = frozenset(
    {"id", "uid", "sequence", "title", "description", "title_de", "title_en",
     "description_de", "description_en", "internal_notes", "kind", "status", "press_access",
     "starts_at",
     "starts_fold", "ends_at", "ends_fold", "setup_minutes", "teardown_minutes", "room_id",
     "room", "location", "created_at", "updated_at", "module_id", "responsible",
     "attendees"}
)  # fmt: skip


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _texts(item: Mapping[str, Any], field: str, language: str | None) -> dict[str, str]:
    de, en = f"{field}_de", f"{field}_en"
    if de in item or en in item:
        return {"de": item.get(de) or "", "en": item.get(en) or ""}
    # A version issued before items had two languages.
    return texts_of(item, field, language)


def _in(texts: Mapping[str, str], wanted: str, other: str) -> str:
    return texts.get(wanted) or texts.get(other) or ""


def _read_item(item: Mapping[str, Any], zone_name: str, language: str | None,
               reader: tuple[str, str]) -> ViewItem:  # fmt: skip
    titles = _texts(item, "title", language)
    descriptions = _texts(item, "description", language)
    return ViewItem(
        id=item.get("id"),
        uid=item["uid"],
        sequence=int(item.get("sequence", 0)),
        kind=ItemKind(item["kind"]),
        status=ItemStatus(item["status"]),
        starts_at=datetime.fromisoformat(item["starts_at"]),
        ends_at=datetime.fromisoformat(item["ends_at"]),
        # Snapshots issued before the folds were kept mean the first reading.
        starts_fold=int(item.get("starts_fold", 0)),
        ends_fold=int(item.get("ends_fold", 0)),
        zone_name=zone_name,
        title=_in(titles, *reader),
        description=_in(descriptions, *reader),
        titles=titles,
        descriptions=descriptions,
        internal_notes=item.get("internal_notes") or "",
        room=item.get("room") or "",
        room_id=item.get("room_id"),
        location=item.get("location") or "",
        responsible=item.get("responsible") or "",
        attendees=tuple(item.get("attendees", ())),
        setup_minutes=int(item.get("setup_minutes") or 0),
        teardown_minutes=int(item.get("teardown_minutes") or 0),
        module_id=item.get("module_id"),
        created_at=_moment(item.get("created_at")),
        # The calendar's LAST-MODIFIED; versions issued before it was kept have none.
        updated_at=_moment(item.get("updated_at")),
        press_access=PressAccess(item.get("press_access") or PressAccess.CLOSED),
    )


def _reader(language: str) -> tuple[str, str]:
    """Return the reader's language and the other one, in which texts fall back."""
    wanted = Language(language).value
    return wanted, next(code for code in LANGUAGES if code != wanted)


def read_snapshot(frozen: Mapping[str, Any], *, title: str = "", timezone: str = "UTC",
                  first_day: date | None = None, last_day: date | None = None,
                  language: str | None = None, reader_language: str = "de",
                  is_draft: bool = False) -> AgendaView:  # fmt: skip
    """Read a frozen agenda (the JSON of an issued version, or the draft frozen alike)
    as host staff see it; the keyword values stand in for what an older snapshot lacks.

    ``language`` is the language of the texts of items from before the two languages
    (None: such a text counts for both languages).
    """
    zone_name = frozen.get("timezone") or timezone
    texts_language = frozen.get("language") or language
    first = frozen.get("first_day")
    last = frozen.get("last_day")
    reader = _reader(reader_language)
    return AgendaView(
        title=frozen.get("title") or title,
        timezone=zone_name,
        first_day=date.fromisoformat(first) if first else first_day,
        last_day=date.fromisoformat(last) if last else last_day,
        language=texts_language,
        items=tuple(
            _read_item(item, zone_name, texts_language, reader) for item in frozen["items"]
        ),
        reader_language=reader_language,
        is_draft=is_draft,
    )


def read_version(version: AgendaVersion, visit: Visit | None, reader_language: str = "de",
                 language: str | None = None) -> AgendaView:  # fmt: skip
    """Read an issued version (an ``AgendaVersion``) of the visit as host staff see it.

    The visit stands in for what an older snapshot lacks; without it, the text of an
    item from before the two languages counts for both. ``language`` overrides the
    visit's language as the language of such texts.
    """
    if visit is None:
        return read_snapshot(version.snapshot, language=language,
                             reader_language=reader_language)  # fmt: skip
    return read_snapshot(
        version.snapshot,
        title=visit.title,
        timezone=visit.timezone,
        first_day=visit.first_day,
        last_day=visit.last_day,
        language=language or visit.language.value,
        reader_language=reader_language,
    )


def issued_zone(version: AgendaVersion, visit: Visit) -> str:
    """Return the zone an issued version's times are in (a later change of the visit's
    zone is not published yet), without reading its items."""
    return version.snapshot.get("timezone") or visit.timezone


def read_draft(visit: Visit, reader_language: str = "de", load: bool = False,
               attendees: dict[int, list[int]] | None = None) -> AgendaView:  # fmt: skip
    """Read the visit's working draft (its live items) as host staff see it.

    The draft is frozen as a version would freeze it and read like one: both sources
    give the same items. ``load`` loads the live items first; without it, the visit
    comes loaded with the options of ``versions.load_for_snapshot``. ``attendees`` are
    the visit's ``versions.attendee_ids``, where the caller has them already.
    """
    # versions reads its snapshots through this module: it is imported when used.
    from planner.services.versions import load_for_snapshot, snapshot

    if load:
        visit = load_for_snapshot(visit.id)
    return read_snapshot(snapshot(visit, attendees), language=visit.language.value,
                         reader_language=reader_language, is_draft=True)  # fmt: skip


# --- who sees what ----------------------------------------------------------------------


def audience_of(viewer: User | None, visit: Visit) -> Audience:
    """Return the audience a staff login belongs to for the visit; no login: a feed."""
    if viewer is None:
        return Audience.FEED
    return Audience.HOST if can_see_internal(viewer, visit) else Audience.GUEST


def shows_item(item: ViewItem, audience: Audience, calendar: bool = False) -> bool:
    """Return whether the audience sees the item at all.

    Internal holds are for host staff on pages and prints only: guests, persons and
    feeds never see them, and no calendar carries them.
    """
    if item.kind == ItemKind.INTERNAL_HOLD:
        return audience is Audience.HOST and not calendar
    return True


def for_audience(agenda: AgendaView, audience: Audience, *, language: str | None = None,
                 person_id: int | None = None, calendar: bool = False,
                 notes: bool = True) -> AgendaView:  # fmt: skip
    """Return the agenda as the audience sees it.

    Only host staff see a draft; a person sees the items they attend; internal notes
    stay with host staff where the document has room for them (``notes``) and never
    go into a calendar. ``language`` re-reads the texts in another language.
    """
    if agenda.is_draft and audience is not Audience.HOST:
        raise ValueError("Only host staff see the working draft.")
    keep_notes = audience is Audience.HOST and notes and not calendar
    reader = language or agenda.reader_language
    items = []
    for item in agenda.items:
        if not shows_item(item, audience, calendar):
            continue
        if person_id is not None and person_id not in item.attendees:
            continue
        changes: dict[str, Any] = {}
        if not keep_notes and item.internal_notes:
            changes["internal_notes"] = ""
        if reader != agenda.reader_language:
            changes["title"] = _in(item.titles, *_reader(reader))
            changes["description"] = _in(item.descriptions, *_reader(reader))
        items.append(replace(item, **changes) if changes else item)
    return replace(agenda, items=tuple(items), audience=audience, reader_language=reader,
                   calendar=calendar, person_id=person_id)  # fmt: skip


def texts_by_language(item: ViewItem) -> dict[str, str]:
    """Return an item's texts as a change keeps them: ``title_de`` … ``description_en``;
    a language an older version does not know is empty."""
    return {
        f"{field}_{code}": texts.get(code, "")
        for field, texts in (("title", item.titles), ("description", item.descriptions))
        for code in LANGUAGES
    }


def visible_agenda(visit: Visit, audience: Audience, language: str,
                   latest: AgendaVersion | None, *, draft: bool = False, load: bool = False,
                   person_id: int | None = None, calendar: bool = False,
                   notes: bool = True) -> AgendaView | None:  # fmt: skip
    """Return the agenda of the visit the audience sees, or None when there is none.

    Host staff see the working draft when they ask for it (``draft``) or when nothing
    was issued yet; everyone else sees the latest issued version (``latest``), and
    nothing before the first one. Texts are in ``language``, else in the other one.
    ``load`` loads the live items for a draft (see ``read_draft``).
    """
    if audience is Audience.HOST and (draft or latest is None):
        agenda = read_draft(visit, language, load=load)
    elif latest is None:
        return None
    else:
        agenda = read_version(latest, visit, language)
    return for_audience(agenda, audience, person_id=person_id, calendar=calendar, notes=notes)


# --- the changes between two agendas, as a version keeps them --------------------------


@dataclass(frozen=True)
class ChangedItem(_Titled):
    """An item in the changes between two agendas (``versions.Changes``), read once.

    ``from_*`` are the item's former time, title and room where it moved or changed; a
    change of the visit's zone moves every item and leaves no former time.
    """

    uid: str
    titles: Mapping[str, str]
    starts_at: datetime
    starts_fold: int
    room: str
    fields: tuple[str, ...] = ()
    from_starts_at: datetime | None = None
    from_starts_fold: int = 0
    from_titles: Mapping[str, str] = field(default_factory=dict)
    # None where the change does not name a former room (new, cancelled, removed).
    from_room: str | None = None

    @property
    def day(self) -> str:
        """Return the day it begins on, as the change lists print it (2023-02-23)."""
        return self.starts_at.date().isoformat()

    @property
    def from_day(self) -> str:
        """Return the day it began on before it moved ("" when unknown)."""
        return self.from_starts_at.date().isoformat() if self.from_starts_at else ""


def _former_titles(summary: Mapping[str, Any]) -> dict[str, str]:
    if "from_title_de" in summary or "from_title_en" in summary:
        return {code: summary.get(f"from_title_{code}", "") for code in LANGUAGES}
    # A change recorded before items had two languages.
    return dict.fromkeys(LANGUAGES, summary.get("from_title", ""))


def read_change(summary: Mapping[str, Any]) -> ChangedItem:
    """Read one item of the changes between two agendas (from ``versions.compare``)."""
    return ChangedItem(
        uid=summary["uid"],
        titles=texts_of(summary, "title"),
        starts_at=datetime.fromisoformat(summary["starts_at"]),
        starts_fold=int(summary.get("starts_fold", 0)),
        room=summary.get("room") or "",
        fields=tuple(summary.get("fields", ())),
        from_starts_at=_moment(summary.get("from_starts_at")),
        from_starts_fold=int(summary.get("from_starts_fold", 0)),
        from_titles=_former_titles(summary),
        from_room=summary.get("from_room"),
    )
