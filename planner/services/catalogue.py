"""The organisation's catalogue: programme modules, venues and rooms."""

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from planner.enums import ItemKind
from planner.extensions import db
from planner.models import AgendaItem, Organisation, ProgrammeModule, Room, Venue, Visit
from planner.services.errors import InvalidInput
from planner.services.text import clean_text


@dataclass(frozen=True)
class ModuleValues:
    """A module's values as a form hands them over."""

    title_de: str
    title_en: str
    kind: ItemKind
    default_duration_minutes: int
    default_room_id: int | None = None
    description_de: str = ""
    description_en: str = ""


def _room_of(organisation_id: int, room_id: int | None) -> Room | None:
    if room_id is None:
        return None
    room = db.session.get(Room, room_id)
    if room is None or room.venue.organisation_id != organisation_id:
        raise InvalidInput("default_room", _l("This room does not exist."))
    return room


def save_module(
    organisation: Organisation, values: ModuleValues, module: ProgrammeModule | None = None
) -> ProgrammeModule:
    """Create or change a programme module; the caller commits."""
    if module is None:
        slug = re.sub(r"[^a-z0-9]+", "-", clean_text(values.title_en).lower()).strip("-")
        module = ProgrammeModule(
            organisation=organisation, key=f"{slug[:60]}-{uuid.uuid4().hex[:8]}"
        )
        db.session.add(module)
    module.title_de = clean_text(values.title_de)
    module.title_en = clean_text(values.title_en)
    if not module.title_de or not module.title_en:
        raise InvalidInput("title_de", _l("Please enter a title."))
    module.kind = ItemKind(values.kind)
    module.default_duration_minutes = values.default_duration_minutes
    module.default_room = _room_of(organisation.id, values.default_room_id)
    module.description_de = clean_text(values.description_de, multiline=True)
    module.description_en = clean_text(values.description_en, multiline=True)
    db.session.flush()
    return module


def venues_of(organisation_id: int) -> list[Venue]:
    """Return an organisation's venues with their rooms."""
    return list(
        db.session.scalars(
            select(Venue)
            .where(Venue.organisation_id == organisation_id)
            .options(selectinload(Venue.rooms))
            .order_by(Venue.name)
        )
    )


def save_venue(
    organisation: Organisation, name: str, address: str, notes: str, venue: Venue | None = None
) -> Venue:
    """Create or change a venue; the caller commits."""
    if venue is None:
        venue = Venue(organisation=organisation)
        db.session.add(venue)
    venue.name = clean_text(name)
    venue.address = clean_text(address, multiline=True)
    venue.accessibility_notes = clean_text(notes, multiline=True)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:
        raise InvalidInput("name", _l("A building of this name exists already.")) from error
    return venue


def save_room(
    organisation: Organisation,
    venue_id: int,
    name: str,
    capacity: int | None,
    notes: str,
    room: Room | None = None,
) -> Room:
    """Create or change a room; the caller commits."""
    venue = db.session.get(Venue, venue_id)
    if venue is None or venue.organisation_id != organisation.id:
        raise InvalidInput("venue", _l("This building does not exist."))
    if room is None:
        room = Room()
        db.session.add(room)
    room.venue = venue
    room.name = clean_text(name)
    room.capacity = capacity
    room.accessibility_notes = clean_text(notes, multiline=True)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:
        raise InvalidInput("name", _l("This building has a room of this name already.")) from error
    return room


def room_occupancy(room: Room, day: date) -> list[AgendaItem]:
    """Return the items of all visits that keep the room busy on that day."""
    start = datetime.combine(day, datetime.min.time())
    query = (
        select(AgendaItem)
        .join(Visit)
        .where(
            AgendaItem.room_id == room.id,
            AgendaItem.starts_at < start + timedelta(days=1, hours=12),
            AgendaItem.ends_at > start - timedelta(hours=12),
        )
        .options(joinedload(AgendaItem.visit).joinedload(Visit.host_organisation))
        .order_by(AgendaItem.starts_at)
    )
    return [
        item
        for item in db.session.scalars(query)
        if item.busy_from.date() <= day <= item.busy_until.date()
    ]
