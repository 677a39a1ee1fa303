"""Reading visits for the start page and the visit page."""

from dataclasses import dataclass
from datetime import date
from itertools import groupby

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from planner.enums import ItemKind, Side
from planner.extensions import db
from planner.models import AgendaItem, AuditEntry, Participation, Person, Room, User, Visit
from planner.services.audit import visit_history
from planner.services.permissions import (
    can_edit_visit,
    can_see_internal,
    can_view_history,
    can_view_visit,
    visible_visits,
)


@dataclass(frozen=True)
class AgendaDay:
    """The items of one day of a visit, in time order."""

    day: date
    items: list[AgendaItem]


@dataclass(frozen=True)
class VisitPage:
    """Everything the visit page shows, loaded with a fixed number of queries."""

    visit: Visit
    days: list[AgendaDay]
    guests: list[Participation]
    hosts: list[Participation]
    # What the viewer may see and do; templates show internal data only when it is set.
    show_internal: bool
    can_edit: bool
    can_view_history: bool


def _visit_list_query(viewer: User):
    query = select(Visit).options(
        joinedload(Visit.host_organisation), selectinload(Visit.guest_organisations)
    )
    return visible_visits(query, viewer)


def upcoming_visits(viewer: User, today: date, limit: int = 50) -> list[Visit]:
    """Return the visits the viewer may see that have not ended by ``today``, soonest first."""
    query = (
        _visit_list_query(viewer)
        .where(Visit.last_day >= today)
        .order_by(Visit.first_day, Visit.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def recent_visits(viewer: User, today: date, limit: int = 20) -> list[Visit]:
    """Return the visits the viewer may see that ended before ``today``, latest first."""
    query = (
        _visit_list_query(viewer)
        .where(Visit.last_day < today)
        .order_by(Visit.last_day.desc(), Visit.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def protocol_order(participations: list[Participation]) -> list[Participation]:
    """Sort participants by rank (unranked last), then by name."""
    return sorted(
        participations,
        key=lambda p: (
            p.effective_rank is None,
            p.effective_rank or 0,
            p.person.last_name.casefold(),
            p.person.first_name.casefold(),
        ),
    )


def load_visit_page(visit_id: int, viewer: User) -> VisitPage | None:
    """Load a visit as the viewer may see it, or None when the viewer may not see it.

    Guests see neither internal notes nor the host's internal holds.
    """
    visit = db.session.scalar(
        select(Visit)
        .where(Visit.id == visit_id)
        .options(
            joinedload(Visit.host_organisation),
            joinedload(Visit.contact_person),
            selectinload(Visit.guest_organisations),
            selectinload(Visit.items).options(
                joinedload(AgendaItem.room).joinedload(Room.venue),
                joinedload(AgendaItem.responsible_person),
            ),
            selectinload(Visit.participations)
            .joinedload(Participation.person)
            .joinedload(Person.organisation),
        )
    )
    if visit is None or not can_view_visit(viewer, visit):
        return None
    show_internal = can_see_internal(viewer, visit)
    items = [item for item in visit.items if show_internal or item.kind != ItemKind.INTERNAL_HOLD]
    days = [
        AgendaDay(day=day, items=list(day_items))
        for day, day_items in groupby(items, key=lambda item: item.starts_at.date())
    ]
    ordered = protocol_order(visit.participations)
    return VisitPage(
        visit=visit,
        days=days,
        guests=[p for p in ordered if p.side == Side.GUEST],
        hosts=[p for p in ordered if p.side == Side.HOST],
        show_internal=show_internal,
        can_edit=can_edit_visit(viewer, visit),
        can_view_history=can_view_history(viewer, visit),
    )


def load_visit_history(visit_id: int, viewer: User) -> tuple[Visit, list[AuditEntry]] | None:
    """Return the visit and its audit trail, or None when the viewer may not see the visit.

    Raises ``PermissionError`` when the viewer sees the visit but not its history.
    """
    visit = db.session.get(Visit, visit_id)
    if visit is None or not can_view_visit(viewer, visit):
        return None
    if not can_view_history(viewer, visit):
        raise PermissionError
    return visit, visit_history(visit.id)
