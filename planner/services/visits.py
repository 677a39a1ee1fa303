"""Reading visits for the start page and the visit page."""

from dataclasses import dataclass
from datetime import date
from itertools import groupby

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from planner.enums import Side
from planner.extensions import db
from planner.models import AgendaItem, Participation, Person, Room, Visit


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


def _visit_list_query():
    return select(Visit).options(
        joinedload(Visit.host_organisation), selectinload(Visit.guest_organisations)
    )


def upcoming_visits(today: date, limit: int = 50) -> list[Visit]:
    """Return visits that have not ended by ``today``, soonest first."""
    query = (
        _visit_list_query()
        .where(Visit.last_day >= today)
        .order_by(Visit.first_day, Visit.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def recent_visits(today: date, limit: int = 20) -> list[Visit]:
    """Return visits that ended before ``today``, latest first."""
    query = (
        _visit_list_query()
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


def load_visit_page(visit_id: int) -> VisitPage | None:
    """Load a visit with its agenda by day and its participants in protocol order."""
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
    if visit is None:
        return None
    days = [
        AgendaDay(day=day, items=list(items))
        for day, items in groupby(visit.items, key=lambda item: item.starts_at.date())
    ]
    ordered = protocol_order(visit.participations)
    return VisitPage(
        visit=visit,
        days=days,
        guests=[p for p in ordered if p.side == Side.GUEST],
        hosts=[p for p in ordered if p.side == Side.HOST],
    )
