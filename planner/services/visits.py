"""Reading visits: the dashboard, the month view and the visit page."""

import calendar
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from planner.enums import ItemStatus, RsvpStatus, Side
from planner.extensions import db
from planner.models import (
    AgendaItem,
    AgendaVersion,
    Organisation,
    Participation,
    Person,
    Room,
    User,
    Visit,
)
from planner.services.acknowledgements import ConflictReport, conflict_reports
from planner.services.agenda_view import AgendaDay, Audience, read_version, visible_agenda
from planner.services.host_details import guests_see, shown_function, shown_phone
from planner.services.invitations import draft_count, outdated_invitations
from planner.services.paging import Pager, pager
from planner.services.permissions import (
    can_edit_delegation,
    can_edit_visit,
    can_see_internal,
    can_view_history,
    can_view_visit,
    manages_delegation,
    visible_visits,
)
from planner.services.personal import Travel, travel_of
from planner.services.planning_state import (
    open_clash_counts,
    stored_pending,
    stored_planning,
    stored_report,
)
from planner.services.versions import (
    Changes,
    draft_differs,
    latest_version,
    pending_changes,
    version_history,
)


@dataclass(frozen=True)
class Attendee:
    """A participant as the visit page lists them; internal details only for hosts."""

    name: str
    office_title: str
    function: str
    organisation: str
    phone: str
    phone_internal: bool
    rsvp_status: str
    # Needs and journey, for those who look after the person's delegation (and host
    # staff); None for everyone else.
    needs: "AttendeeNeeds | None" = None


@dataclass(frozen=True)
class AttendeeNeeds:
    """What a participant needs and how they travel, as the attendee list shows it."""

    dietary: str
    accessibility: str
    escort: bool
    parking: bool
    arrival: Travel
    departure: Travel

    @property
    def any(self) -> bool:
        """Return whether anything is known."""
        return bool(
            self.dietary or self.accessibility or self.escort or self.parking
            or self.arrival.given or self.departure.given
        )  # fmt: skip


@dataclass(frozen=True)
class DelegationCount:
    """One organisation's people in a visit: how many, how they answered, who leads them."""

    organisation: str
    side: Side
    total: int
    answers: dict[RsvpStatus, int]
    # The first in protocol order among those with a rank; None while nobody has one.
    head: Attendee | None


@dataclass(frozen=True)
class AttendeeSummary:
    """The attendees of a visit in short, the guest organisations first, then the host."""

    delegations: list[DelegationCount]

    @property
    def total(self) -> int:
        """Return how many people take part on all sides."""
        return sum(delegation.total for delegation in self.delegations)


@dataclass(frozen=True)
class AttendeePage:
    """One page of a visit's attendee list, guests first, each side in protocol order."""

    visit: Visit
    guests: list[Attendee]
    hosts: list[Attendee]
    pager: Pager
    show_internal: bool
    can_edit_delegation: bool


@dataclass(frozen=True)
class VisitPage:
    """Everything the visit page shows, loaded with a fixed number of queries."""

    visit: Visit
    days: list[AgendaDay]
    attendees: AttendeeSummary
    # Internal data is left out here, on the server, for viewers who may not see it.
    internal_notes: str
    show_internal: bool
    can_edit: bool
    can_edit_delegation: bool
    can_view_history: bool
    # Host staff see the working draft; everyone else the latest issued version.
    is_draft: bool
    version: AgendaVersion | None
    versions: list[AgendaVersion] = field(default_factory=list)
    pending: Changes | None = None
    # Whether the draft holds something to issue (always, before the first version).
    draft_differs: bool = False
    outdated_invites: int = 0
    draft_messages: int = 0
    # Host staff only: the open and the acknowledged warnings.
    warnings: ConflictReport | None = None


@dataclass(frozen=True)
class DashboardRow:
    """One visit on the dashboard; counts are None where the viewer is a guest."""

    visit: Visit
    item_count: int | None
    attendee_count: int | None
    conflict_count: int | None


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


def _like_pattern(word: str) -> str:
    """Return a LIKE pattern that finds ``word`` anywhere, its % and _ taken literally."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def title_contains(word: str):
    """Return the condition that a visit's title contains ``word``, whatever the case."""
    if db.engine.dialect.name == "postgresql":
        # ILIKE '%…%' is what the trigram index ix_visit_title_search serves; the server
        # folds umlauts by the database's locale.
        return Visit.title.ilike(_like_pattern(word), escape="\\")
    # SQLite folds ASCII only: the casefold() registered on connect folds the rest.
    return func.casefold(Visit.title).like(_like_pattern(word.casefold()), escape="\\")


def search_visits(
    viewer: User, text: str = "", before: tuple[date, int] | None = None, limit: int = 50
) -> list[Visit]:
    """Return a page of the visits the viewer may see, newest first, matching the text.

    Pages follow the last row seen (keyset), so the hundredth page costs what the
    first does.
    """
    query = _visit_list_query(viewer).order_by(Visit.first_day.desc(), Visit.id.desc())
    for word in text.split():
        query = query.where(title_contains(word))
    if before is not None:
        day, visit_id = before
        query = query.where(
            (Visit.first_day < day) | ((Visit.first_day == day) & (Visit.id < visit_id))
        )
    return list(db.session.scalars(query.limit(limit)))


def dashboard(viewer: User, visits: list[Visit]) -> list[DashboardRow]:
    """Return the visits with item, attendee and open-clash counts where the viewer hosts.

    The counts are the stored planning state; a visit without one (not refreshed since
    an upgrade) is counted afresh.
    """
    hosted = [v.id for v in visits if v.host_organisation_id == viewer.organisation_id]
    items: Counter[int] = Counter()
    people: Counter[int] = Counter()
    open_counts: dict[int, int] = {}
    stored = stored_planning(hosted)
    for visit_id, planning in stored.items():
        items[visit_id] = planning.item_count
        people[visit_id] = planning.attendee_count
    open_counts.update(open_clash_counts(list(stored)))
    missing = [visit_id for visit_id in hosted if visit_id not in stored]
    if missing:
        items.update(
            dict(
                db.session.execute(
                    select(AgendaItem.visit_id, func.count())
                    .where(
                        AgendaItem.visit_id.in_(missing),
                        AgendaItem.status != ItemStatus.CANCELLED,
                    )
                    .group_by(AgendaItem.visit_id)
                ).all()
            )
        )
        people.update(
            dict(
                db.session.execute(
                    select(Participation.visit_id, func.count())
                    .where(Participation.visit_id.in_(missing))
                    .group_by(Participation.visit_id)
                ).all()
            )
        )
        reports = conflict_reports(missing, viewer_organisation_id=viewer.organisation_id)
        open_counts.update({visit_id: len(report.open) for visit_id, report in reports.items()})
    return [
        DashboardRow(
            visit=visit,
            item_count=items[visit.id] if visit.id in hosted else None,
            attendee_count=people[visit.id] if visit.id in hosted else None,
            conflict_count=open_counts.get(visit.id) if visit.id in hosted else None,
        )
        for visit in visits
    ]


@dataclass(frozen=True)
class MonthDay:
    """A day of the month view with the visits on it."""

    day: date
    in_month: bool
    visits: list[Visit]


def month_view(viewer: User, year: int, month: int) -> list[list[MonthDay]]:
    """Return the month's weeks (Monday first), each day with the visits that run on it."""
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    grid_start = first - timedelta(days=first.weekday())
    grid_end = last + timedelta(days=6 - last.weekday())
    visits = list(
        db.session.scalars(
            _visit_list_query(viewer)
            .where(Visit.first_day <= grid_end, Visit.last_day >= grid_start)
            .order_by(Visit.first_day, Visit.id)
        )
    )
    by_day: dict[date, list[Visit]] = defaultdict(list)
    for visit in visits:
        day = max(visit.first_day, grid_start)
        while day <= min(visit.last_day, grid_end):
            by_day[day].append(visit)
            day += timedelta(days=1)
    days = [grid_start + timedelta(days=n) for n in range((grid_end - grid_start).days + 1)]
    cells = [MonthDay(day, day.month == month, by_day[day]) for day in days]
    return [cells[n : n + 7] for n in range(0, len(cells), 7)]


def neighbouring_visit_months(
    viewer: User, year: int, month: int
) -> tuple[date | None, date | None]:
    """Return the first day of the nearest earlier and later month with a visit the viewer
    may see, or None where there is none.
    """
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    earlier = db.session.scalar(
        visible_visits(select(func.max(Visit.last_day)), viewer).where(Visit.last_day < first)
    )
    later = db.session.scalar(
        visible_visits(select(func.min(Visit.first_day)), viewer).where(Visit.first_day > last)
    )
    return (
        earlier.replace(day=1) if earlier else None,
        later.replace(day=1) if later else None,
    )


def _protocol_key(rank: int | None, last_name: str, first_name: str) -> tuple:
    return (rank is None, rank or 0, last_name.casefold(), first_name.casefold())


def protocol_order(participations: list[Participation]) -> list[Participation]:
    """Sort participants by rank (unranked last), then by name."""
    return sorted(
        participations,
        key=lambda p: _protocol_key(p.effective_rank, p.person.last_name, p.person.first_name),
    )


def _hidden_sides(visit: Visit, show_internal: bool) -> list:
    """Return the condition that leaves out the host's people where the viewer may not see
    them (``host_details``), as a list of where-clauses (empty: everyone is seen)."""
    if show_internal or visit.guests_see_host_attendees:
        return []
    return [Participation.side != Side.HOST]


def ordered_participation_ids(visit_id: int, *conditions) -> list[int]:
    """Return the ids of a visit's participations, guests first, each side in protocol order.

    Only the columns that decide the order are read, so that a page of a long list loads
    the full rows of its own people only; the order is protocol_order's, names folded alike.
    ``conditions`` narrow the participations further.
    """
    rows = db.session.execute(
        select(
            Participation.id,
            Participation.side,
            func.coalesce(Participation.rank, Person.precedence_rank),
            Person.last_name,
            Person.first_name,
        )
        .join(Person, Participation.person_id == Person.id)
        .where(Participation.visit_id == visit_id, *conditions)
    ).all()
    rows.sort(key=lambda row: (row[1] != Side.GUEST, *_protocol_key(*row[2:]), row[0]))
    return [row[0] for row in rows]


def attendee_summary(visit: Visit, show_internal: bool) -> AttendeeSummary:
    """Return how many people each organisation sends to the visit, how they answered and
    who heads each delegation, in two queries however many people take part."""
    counted = db.session.execute(
        select(
            Participation.side,
            Organisation.id,
            Organisation.name,
            Participation.rsvp_status,
            func.count(),
        )
        .join(Person, Participation.person_id == Person.id)
        .join(Organisation, Person.organisation_id == Organisation.id)
        .where(Participation.visit_id == visit.id, *_hidden_sides(visit, show_internal))
        .group_by(Participation.side, Organisation.id, Organisation.name, Participation.rsvp_status)
    ).all()
    effective = func.coalesce(Participation.rank, Person.precedence_rank)
    ranked = (
        select(
            Participation.id.label("id"),
            func.rank()
            .over(partition_by=(Participation.side, Person.organisation_id), order_by=effective)
            .label("place"),
        )
        .join(Person, Participation.person_id == Person.id)
        .where(Participation.visit_id == visit.id, effective.is_not(None))
        .subquery()
    )
    first_ranked = db.session.scalars(
        select(Participation)
        .join(ranked, ranked.c.id == Participation.id)
        .where(ranked.c.place == 1)
        .options(joinedload(Participation.person).joinedload(Person.organisation))
    ).all()
    heads: dict[tuple[Side, int], Attendee] = {}
    for participation in protocol_order(list(first_ranked)):
        key = (participation.side, participation.person.organisation_id)
        if guests_see(visit, participation, show_internal):
            heads.setdefault(key, _attendee(participation, show_internal))
    # Every organisation of the visit, with nobody yet too; then any other one in the data.
    names = {(Side.GUEST, org.id): org.name for org in visit.guest_organisations}
    if not _hidden_sides(visit, show_internal):
        names[(Side.HOST, visit.host_organisation_id)] = visit.host_organisation.name
    answers: dict[tuple[Side, int], Counter[RsvpStatus]] = defaultdict(Counter)
    for side, org_id, name, status, count in counted:
        names.setdefault((side, org_id), name)
        answers[(side, org_id)][status] += count
    order = sorted(names, key=lambda key: key[0] != Side.GUEST)
    return AttendeeSummary(
        delegations=[
            DelegationCount(
                organisation=names[key],
                side=key[0],
                total=sum(answers[key].values()),
                answers=dict(answers[key]),
                head=heads.get(key),
            )
            for key in order
        ]
    )


ATTENDEES_PER_PAGE = 50


def attendee_rows(
    visit: Visit, show_internal: bool, wanted: int, size: int
) -> tuple[Pager, list[Participation]]:
    """Return one page of the participants the viewer sees, guests first, each side in
    protocol order, with their people and organisations: two queries however long the list."""
    ids = ordered_participation_ids(visit.id, *_hidden_sides(visit, show_internal))
    shown = pager(len(ids), wanted, size)
    page_ids = ids[shown.start : shown.stop]
    loaded = {
        participation.id: participation
        for participation in db.session.scalars(
            select(Participation)
            .where(Participation.id.in_(page_ids))
            .options(joinedload(Participation.person).joinedload(Person.organisation))
        )
    }
    return shown, [loaded[i] for i in page_ids if i in loaded]


def load_attendee_page(
    visit_id: int, viewer: User, wanted: int, size: int = ATTENDEES_PER_PAGE
) -> AttendeePage | None:
    """Load one page of a visit's attendee list as the viewer may see it, or None when the
    viewer may not see the visit; the page's cost does not grow with the visit."""
    query = visible_visits(select(Visit).where(Visit.id == visit_id), viewer)
    visit = db.session.scalar(
        query.options(joinedload(Visit.host_organisation), selectinload(Visit.guest_organisations))
    )
    if visit is None or not can_view_visit(viewer, visit):
        return None
    show_internal = can_see_internal(viewer, visit)
    shown, ordered = attendee_rows(visit, show_internal, wanted, size)
    looked_after: dict[int, bool] = {}
    for participation in ordered:
        organisation = participation.person.organisation
        if organisation.id not in looked_after:
            looked_after[organisation.id] = show_internal or manages_delegation(
                viewer, visit, organisation
            )

    def attendee(participation: Participation) -> Attendee:
        needs = looked_after[participation.person.organisation_id]
        return _attendee(participation, show_internal, needs)

    return AttendeePage(
        visit=visit,
        guests=[attendee(p) for p in ordered if p.side == Side.GUEST],
        hosts=[attendee(p) for p in ordered if p.side == Side.HOST],
        pager=shown,
        show_internal=show_internal,
        can_edit_delegation=any(
            can_edit_delegation(viewer, visit, org)
            for org in [visit.host_organisation, *visit.guest_organisations]
        ),
    )


def _attendee(participation: Participation, show_internal: bool, needs: bool = False) -> Attendee:
    person = participation.person
    phone = shown_phone(participation, show_internal)
    return Attendee(
        name=person.display_name,
        office_title=person.office_title,
        function=shown_function(participation, show_internal),
        organisation=person.organisation.name,
        phone=phone,
        phone_internal=person.phone_internal and bool(phone),
        rsvp_status=participation.rsvp_status,
        needs=_needs(participation) if needs else None,
    )


def _needs(participation: Participation) -> AttendeeNeeds:
    person = participation.person
    return AttendeeNeeds(
        dietary=person.dietary_needs,
        accessibility=person.accessibility_needs,
        escort=person.needs_escort,
        parking=person.needs_parking,
        arrival=travel_of(participation, "arrival"),
        departure=travel_of(participation, "departure"),
    )


def load_visit_page(visit_id: int, viewer: User, language: str) -> VisitPage | None:
    """Load a visit as the viewer may see it, or None when the viewer may not see it.

    Host staff see the draft with its open conflicts and pending changes; guests see the
    latest issued version without internal notes and without the host's internal holds.
    Item texts are in ``language`` (the interface's), else in the other one.
    Both see the list of issued versions.
    """
    # The permission is part of the query: a visit the viewer may not see costs the same
    # as one that does not exist, so response times do not reveal it either.
    query = visible_visits(select(Visit).where(Visit.id == visit_id), viewer)
    visit = db.session.scalar(
        query.options(
            joinedload(Visit.host_organisation),
            joinedload(Visit.contact_person),
            selectinload(Visit.guest_organisations),
            selectinload(Visit.items).options(
                joinedload(AgendaItem.room).joinedload(Room.venue),
                joinedload(AgendaItem.responsible_person),
            ),
        )
    )
    if visit is None or not can_view_visit(viewer, visit):
        return None
    show_internal = can_see_internal(viewer, visit)
    latest = latest_version(visit.id)
    common = {
        "visit": visit,
        "attendees": attendee_summary(visit, show_internal),
        "internal_notes": visit.internal_notes if show_internal else "",
        "show_internal": show_internal,
        "can_edit": can_edit_visit(viewer, visit),
        "can_edit_delegation": any(
            can_edit_delegation(viewer, visit, org)
            for org in [visit.host_organisation, *visit.guest_organisations]
        ),
        "can_view_history": can_view_history(viewer, visit),
        "version": latest,
        "versions": version_history(visit.id),
    }
    if not show_internal:
        agenda = visible_agenda(visit, Audience.GUEST, language, latest)
        return VisitPage(days=agenda.days() if agenda else [], is_draft=False, **common)
    draft = visible_agenda(visit, Audience.HOST, language, latest, draft=True)
    # The stored planning state; a visit without one (not refreshed since an upgrade)
    # is checked afresh.
    planning = stored_planning([visit.id]).get(visit.id)
    if planning is not None:
        report = stored_report(visit, viewer_organisation_id=viewer.organisation_id)
        pending = stored_pending(planning)
        differs = planning.draft_differs
    else:
        report = conflict_reports([visit.id], viewer_organisation_id=viewer.organisation_id)[
            visit.id
        ]
        issued = read_version(latest, visit, language) if latest else None
        pending = pending_changes(visit, latest, draft=draft, issued=issued)
        differs = draft_differs(visit, latest, pending, issued)
    return VisitPage(
        days=draft.days(),
        is_draft=True,
        pending=pending,
        draft_differs=differs,
        outdated_invites=outdated_invitations(visit.id, latest.number if latest else None),
        draft_messages=draft_count(visit.id),
        warnings=report,
        **common,
    )
