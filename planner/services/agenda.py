"""Changing a visit's agenda: items, their times and rooms."""

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from planner.enums import ItemKind, ItemStatus, Language, PressAccess
from planner.extensions import db
from planner.models import (
    AgendaItem,
    Person,
    ProgrammeModule,
    Room,
    TrashEntry,
    User,
    Venue,
    Visit,
)
from planner.services.conflicts import Candidate, Conflict, ConflictKind, find_conflicts
from planner.services.errors import InvalidInput
from planner.services.item_texts import FIELDS, LANGUAGES, lazy_title
from planner.services.locking import save_with_lock
from planner.services.text import clean_text
from planner.services.timezones import to_utc
from planner.services.trash import trash_item
from planner.services.wallclock import (
    Reading,
    classify,
    fold_question,
    from_utc,
    gap_message,
    next_valid,
    settled_fold,
)


@dataclass(frozen=True)
class ItemValues:
    """The values of an agenda item as a form hands them over.

    ``starts_fold`` and ``ends_fold`` say which reading of a time that happens twice is
    meant (0 the first, 1 the second); None means nobody said, which is refused for such
    a time and means 0 for any other. The title in the visit's language is required,
    the other one may be empty; so may either description.
    """

    kind: ItemKind
    starts_at: datetime
    ends_at: datetime
    setup_minutes: int = 0
    teardown_minutes: int = 0
    room_id: int | None = None
    responsible_person_id: int | None = None
    title_de: str = ""
    title_en: str = ""
    description_de: str = ""
    description_en: str = ""
    internal_notes: str = ""
    status: ItemStatus = ItemStatus.CONFIRMED
    module_id: int | None = None
    starts_fold: int | None = None
    ends_fold: int | None = None
    press_access: PressAccess = PressAccess.CLOSED


def items_made_from(module: ProgrammeModule) -> int:
    """Return how many agenda items were made from a programme module."""
    return db.session.scalar(
        select(func.count()).select_from(AgendaItem).where(AgendaItem.module_id == module.id)
    )


def rooms_of(organisation_id: int) -> list[Room]:
    """Return the rooms of an organisation's venues, by venue and name."""
    return list(
        db.session.scalars(
            select(Room)
            .join(Venue)
            .where(Venue.organisation_id == organisation_id)
            .order_by(Venue.name, Room.name)
        )
    )


def modules_of(organisation_id: int) -> list[ProgrammeModule]:
    """Return an organisation's programme modules, by German title."""
    return list(
        db.session.scalars(
            select(ProgrammeModule)
            .where(ProgrammeModule.organisation_id == organisation_id)
            .order_by(ProgrammeModule.title_de)
        )
    )


def _settled(field: str, local: datetime, fold: int | None, zone_name: str) -> int:
    """Return the fold of a time that exists, refusing one of a gap or an unanswered fold."""
    reading = classify(local, zone_name)
    if reading == Reading.GAP:
        raise InvalidInput(field, gap_message(local, zone_name))
    if reading == Reading.FOLD and fold not in (0, 1):
        raise InvalidInput(f"{field}_fold", fold_question(local, zone_name))
    return settled_fold(local, zone_name, fold)


def check_times(
    zone_name: str,
    starts_at: datetime,
    ends_at: datetime,
    starts_fold: int | None = None,
    ends_fold: int | None = None,
) -> tuple[int, int]:
    """Return the folds of an item's times, or raise ``InvalidInput`` for a time that
    does not exist, a repeated time nobody chose a reading of, or an end that is not
    after the beginning as an instant.
    """
    starts_fold = _settled("start", starts_at, starts_fold, zone_name)
    ends_fold = _settled("end", ends_at, ends_fold, zone_name)
    if to_utc(ends_at, zone_name, ends_fold) <= to_utc(starts_at, zone_name, starts_fold):
        raise InvalidInput("end", _l("The end must lie after the beginning."))
    return starts_fold, ends_fold


def checked_values(visit: Visit, values: ItemValues) -> ItemValues:
    """Return an item's values cleaned, with the readings of repeated times settled, or
    raise ``InvalidInput`` for an impossible one (a time that does not exist, an end
    before the beginning, an unknown room, person or module, no title)."""
    starts_fold, ends_fold = check_times(
        visit.timezone, values.starts_at, values.ends_at, values.starts_fold, values.ends_fold
    )
    if values.room_id is not None:
        room = db.session.get(Room, values.room_id)
        if room is None or room.venue.organisation_id != visit.host_organisation_id:
            raise InvalidInput("room", _l("This room does not exist."))
    if values.responsible_person_id is not None:
        person = db.session.get(Person, values.responsible_person_id)
        if person is None or person.organisation_id != visit.host_organisation_id:
            raise InvalidInput("responsible", _l("Choose a person of the host organisation."))
    if values.module_id is not None:
        module = db.session.get(ProgrammeModule, values.module_id)
        if module is None or module.organisation_id != visit.host_organisation_id:
            raise InvalidInput("module", _l("This programme module does not exist."))
    texts = {
        f"{field}_{code}": clean_text(
            getattr(values, f"{field}_{code}"), multiline=field == "description"
        )
        for field in FIELDS
        for code in LANGUAGES
    }
    required = f"title_{Language(visit.language).value}"
    if not texts[required]:
        raise InvalidInput(required, _l("Please enter a title."))
    return ItemValues(
        **{
            **values.__dict__,
            **texts,
            "starts_fold": starts_fold,
            "ends_fold": ends_fold,
            "internal_notes": clean_text(values.internal_notes, multiline=True),
        }
    )


def add_item(visit: Visit, values: ItemValues) -> AgendaItem:
    """Add an item to the visit's draft agenda; the caller commits."""
    values = checked_values(visit, values)
    item = AgendaItem(visit=visit, uid=f"{uuid.uuid4()}@{current_app.config['ICAL_DOMAIN']}")
    _assign(item, values)
    db.session.add(item)
    db.session.flush()
    return item


def _assign(item: AgendaItem, values: ItemValues) -> None:
    for key, value in values.__dict__.items():
        setattr(item, key, value)


def starts_utc(item: AgendaItem) -> datetime:
    """Return the instant an item begins."""
    return to_utc(item.starts_at, item.visit.timezone, item.starts_fold)


def ends_utc(item: AgendaItem) -> datetime:
    """Return the instant an item ends."""
    return to_utc(item.ends_at, item.visit.timezone, item.ends_fold)


def following_items(item: AgendaItem) -> list[AgendaItem]:
    """Return the items of the same day that begin when or after the item ends."""
    end = ends_utc(item)
    return [
        other
        for other in item.visit.items
        if other is not item
        and starts_utc(other) >= end
        and other.starts_at.date() == item.ends_at.date()
    ]


def move_item(item: AgendaItem, delta: timedelta) -> None:
    """Move an item by a span of real time; its wall-clock times follow from the instants.

    Moving instants never lands in a gap, and a time in the fold gets the reading the
    instant has.
    """
    zone_name = item.visit.timezone
    item.starts_at, item.starts_fold = from_utc(starts_utc(item) + delta, zone_name)
    item.ends_at, item.ends_fold = from_utc(ends_utc(item) + delta, zone_name)


def update_item(
    item: AgendaItem,
    values: ItemValues,
    expected_version: int | None,
    shift_following: bool = False,
) -> list[AgendaItem]:
    """Change an item; with ``shift_following``, move the day's later items by as much
    real time as its end moved. Return the items that were shifted. The caller commits.
    """
    values = checked_values(item.visit, values)
    zone_name = item.visit.timezone
    old_end = ends_utc(item)
    shifted: list[AgendaItem] = []

    def change() -> None:
        following = following_items(item) if shift_following else []
        _assign(item, values)
        delta = to_utc(values.ends_at, zone_name, values.ends_fold or 0) - old_end
        if delta:
            for other in following:
                move_item(other, delta)
                shifted.append(other)

    save_with_lock(item, expected_version, change)
    return shifted


def current_values(item: AgendaItem) -> ItemValues:
    """Return an item's stored values as a form would hand them over."""
    return ItemValues(**{key: getattr(item, key) for key in ItemValues.__dataclass_fields__})


def moved_values(
    item: AgendaItem, starts_at: datetime, room_id: int | None, starts_fold: int | None = None
) -> ItemValues:
    """Return an item's values moved to another beginning and room, its length in real
    time kept; a beginning that does not exist (or whose reading of a repeated time
    nobody chose) raises ``InvalidInput``.
    """
    zone_name = item.visit.timezone
    if starts_at == item.starts_at and starts_fold is None:
        starts_fold = item.starts_fold
    starts_fold = _settled("start", starts_at, starts_fold, zone_name)
    length = ends_utc(item) - starts_utc(item)
    ends_at, ends_fold = from_utc(to_utc(starts_at, zone_name, starts_fold) + length, zone_name)
    return replace(
        current_values(item),
        starts_at=starts_at,
        starts_fold=starts_fold,
        ends_at=ends_at,
        ends_fold=ends_fold,
        room_id=room_id,
    )


def item_warnings(
    visit: Visit,
    item: AgendaItem | None,
    values: ItemValues,
    viewer_organisation_id: int,
    shift_following: bool = False,
) -> list[Conflict]:
    """Return the conflicts an item would have with these values, before it is saved.

    With ``shift_following`` the day's later items move with it: running into them is
    no conflict.
    """
    candidate = Candidate(
        visit_id=visit.id,
        item_id=item.id if item else None,
        title=lazy_title(values),
        starts_at=values.starts_at,
        ends_at=values.ends_at,
        setup_minutes=values.setup_minutes,
        teardown_minutes=values.teardown_minutes,
        room_id=values.room_id,
        cancelled=item is not None and item.status == ItemStatus.CANCELLED,
        starts_fold=values.starts_fold or 0,
        ends_fold=values.ends_fold or 0,
    )
    found = find_conflicts([visit.id], candidate, viewer_organisation_id)[visit.id]
    if item is not None and shift_following:
        moving = {other.id for other in following_items(item)}
        found = [
            c for c in found if not (c.kind == ConflictKind.OVERLAP and c.other_item_id in moving)
        ]
    return found


def cancel_item(item: AgendaItem) -> None:
    """Mark an item as cancelled; it stays on the agenda."""
    item.status = ItemStatus.CANCELLED


def delete_item(item: AgendaItem, user: User | None = None) -> TrashEntry:
    """Move an item of the draft agenda, with who attends it, into the trash.

    An issued version keeps it as issued; the next version cancels it for those invited.
    """
    return trash_item(item, user)


def values_from_module(module: ProgrammeModule, start: datetime) -> ItemValues:
    """Return an item's values prefilled from a programme module, texts in both languages."""
    return ItemValues(
        title_de=module.title_de,
        title_en=module.title_en,
        kind=module.kind,
        starts_at=start,
        ends_at=start + timedelta(minutes=module.default_duration_minutes),
        room_id=module.default_room_id,
        description_de=module.description_de,
        description_en=module.description_en,
        module_id=module.id,
    )


def next_free_start(visit: Visit) -> datetime:
    """Return where a new item most likely goes: after the last item, or 10:00 on day one."""
    live = [item for item in visit.items if item.status != ItemStatus.CANCELLED]
    if live:
        return max(live, key=ends_utc).ends_at
    return datetime.combine(visit.first_day, datetime.min.time()).replace(hour=10)


def moved_by_days(
    item: AgendaItem, days: int, zone_name: str
) -> tuple[datetime, int, datetime, int]:
    """Return an item's times moved to another day at the same wall-clock times.

    On the new day a time may not exist (it moves to the first valid one), a reading of
    the fold may not be needed (it becomes 0), and the end may no longer lie after the
    beginning (the item keeps its length in real time).
    """
    start = item.starts_at + timedelta(days=days)
    end = item.ends_at + timedelta(days=days)
    start, end = next_valid(start, zone_name), next_valid(end, zone_name)
    starts_fold = settled_fold(start, zone_name, item.starts_fold)
    ends_fold = settled_fold(end, zone_name, item.ends_fold)
    first, last = to_utc(start, zone_name, starts_fold), to_utc(end, zone_name, ends_fold)
    if last <= first:
        length = ends_utc(item) - starts_utc(item)
        end, ends_fold = from_utc(first + length, zone_name)
    return start, starts_fold, end, ends_fold


def folds_in_zone(visit: Visit, zone_name: str) -> dict[int, tuple[int, int]]:
    """Return each item's folds were the visit in another zone, keyed by item id.

    Raises ``InvalidInput`` at the zone when an item's time would not exist there or its
    end would not come after its beginning.
    """
    folds = {}
    for item in visit.items:
        try:
            folds[item.id] = check_times(
                zone_name, item.starts_at, item.ends_at, item.starts_fold, item.ends_fold
            )
        except InvalidInput as error:
            raise InvalidInput(
                "timezone",
                _l(
                    "“%(title)s” does not fit into %(zone)s: %(reason)s",
                    title=lazy_title(item),
                    zone=zone_name,
                    reason=error.message,
                ),
            ) from error
    return folds
