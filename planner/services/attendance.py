"""Who takes part in a visit, in which order, and in which of its items."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from planner.enums import Side
from planner.extensions import db
from planner.models import (
    AgendaItem,
    ItemAnswer,
    Organisation,
    Participation,
    Person,
    User,
    Visit,
    participation_item,
)
from planner.services.agenda_view import Audience, visible_agenda
from planner.services.errors import InvalidInput
from planner.services.invitations import draft_removal
from planner.services.locking import EditConflict, check_version, flush_or_conflict, lock_rows
from planner.services.paging import Pager, pager
from planner.services.permissions import can_edit_delegation, can_see_internal
from planner.services.versions import latest_version
from planner.services.visits import ordered_participation_ids, protocol_order

# People per page of the matrix: a day of many items stays a page a browser renders at once.
MATRIX_PAGE_SIZE = 50


@dataclass(frozen=True)
class MatrixRow:
    """One participant's line of the attendance matrix."""

    participation: Participation
    attending: frozenset[int]
    editable: bool


@dataclass(frozen=True)
class RefusedRow:
    """A participant whose row was not saved: changed by someone else since the page was
    opened, or sent without the version it was opened at."""

    participation: Participation
    conflict: EditConflict


@dataclass(frozen=True)
class Matrix:
    """Who attends which item of a visit, one page of people, loaded with a fixed number
    of queries."""

    visit: Visit
    items: list[AgendaItem]
    rows: list[MatrixRow]
    # How many people attend each item, counted over every page.
    totals: dict[int, int]
    pager: Pager

    def days(self) -> list[date]:
        """Return the days on which the matrix's items start, in order."""
        return sorted({item.starts_at.date() for item in self.items})

    def items_on(self, day: date) -> list[AgendaItem]:
        """Return the items that start on ``day``, in agenda order."""
        return [item for item in self.items if item.starts_at.date() == day]

    def counts(self, items: Iterable[AgendaItem]) -> dict[int, int]:
        """Return how many participants, on every page, attend each of ``items``."""
        return {item.id: self.totals.get(item.id, 0) for item in items}


def choose_day(days: list[date], wanted: date | None, today: date) -> date | None:
    """Return the day the matrix shows: the wanted one, else today while the visit runs,
    else its first day with items."""
    for day in (wanted, today):
        if day in days:
            return day
    return days[0] if days else None


def side_for(visit: Visit, person: Person) -> Side:
    """Return the side a person takes in a visit, from the person's organisation."""
    return Side.HOST if person.organisation_id == visit.host_organisation_id else Side.GUEST


def visit_organisations(visit: Visit) -> list[Organisation]:
    """Return the host and the guest organisations of a visit."""
    return [visit.host_organisation, *visit.guest_organisations]


def editable_organisations(user: User, visit: Visit) -> list[Organisation]:
    """Return the organisations whose delegation the user may change in this visit."""
    return [org for org in visit_organisations(visit) if can_edit_delegation(user, visit, org)]


def load_participations(visit_id: int) -> list[Participation]:
    """Return a visit's participants in protocol order, guests first."""
    participations = db.session.scalars(
        select(Participation)
        .where(Participation.visit_id == visit_id)
        .options(joinedload(Participation.person).joinedload(Person.organisation))
    ).all()
    ordered = protocol_order(list(participations))
    return [p for p in ordered if p.side == Side.GUEST] + [
        p for p in ordered if p.side == Side.HOST
    ]


def add_participant(user: User, visit: Visit, person: Person) -> Participation:
    """Add a person to the visit on the side of their organisation; the caller commits."""
    if person.organisation_id not in {org.id for org in visit_organisations(visit)}:
        raise InvalidInput("person", _l("The person's organisation does not take part."))
    if not can_edit_delegation(user, visit, person.organisation):
        raise PermissionError
    taken = db.session.scalar(
        select(Participation.id).where(
            Participation.visit_id == visit.id, Participation.person_id == person.id
        )
    )
    if taken:
        raise InvalidInput("person", _l("This person takes part already."))
    participation = Participation(visit=visit, person=person, side=side_for(visit, person))
    db.session.add(participation)
    db.session.flush()
    return participation


@dataclass(frozen=True)
class Removal:
    """What removing a participant takes along and sets off, for the confirmation page."""

    participation: Participation
    answers: int
    items: int
    cancellations: int


def removal(participation: Participation) -> Removal:
    """Return what removing the participant from the visit would take along and set off."""
    person = participation.person
    answers = db.session.scalar(
        select(func.count())
        .select_from(ItemAnswer)
        .where(ItemAnswer.participation_id == participation.id)
    )
    items = (
        len(participation.visit.items)
        if participation.attends_all_items
        else len(participation.items)
    )
    reachable = bool(person.email) and person.anonymised_at is None
    return Removal(
        participation=participation,
        answers=answers or 0,
        items=items,
        cancellations=len(participation.invited_uids or []) if reachable else 0,
    )


def remove_participant(user: User, participation: Participation) -> None:
    """Remove a participant from the visit."""
    if not can_edit_delegation(user, participation.visit, participation.person.organisation):
        raise PermissionError
    draft_removal(participation)
    db.session.flush()
    db.session.delete(participation)


def _checked(
    participations: list[Participation], versions: dict[int, int | None]
) -> tuple[list[Participation], list[RefusedRow]]:
    """Split rows about to change into those still at the version their page showed and
    those someone else changed since (or that came without a version)."""
    lock_rows(Participation, [participation.id for participation in participations])
    accepted, refused = [], []
    for participation in participations:
        try:
            check_version(participation, versions.get(participation.id))
        except EditConflict as conflict:
            refused.append(RefusedRow(participation, conflict))
        else:
            accepted.append(participation)
    return accepted, refused


def set_ranks(
    user: User,
    visit: Visit,
    ranks: dict[int, int | None],
    versions: dict[int, int | None],
) -> tuple[int, list[RefusedRow]]:
    """Set the protocol rank of the participants the user may change, each unless someone
    else changed the participant since the page was opened at ``versions``. Return how
    many ranks changed and the refused rows; the caller commits.

    A rank as the page showed it (the participant's own or the person's precedence) is
    no change.
    """
    changing = [
        participation
        for participation in load_participations(visit.id)
        if participation.id in ranks
        and ranks[participation.id] not in (participation.rank, participation.effective_rank)
        and can_edit_delegation(user, visit, participation.person.organisation)
    ]
    accepted, refused = _checked(changing, versions)
    for participation in accepted:
        participation.rank = ranks[participation.id]
    flush_or_conflict(*accepted)
    return len(accepted), refused


def _attendance_totals(visit_id: int, item_ids: list[int]) -> dict[int, int]:
    """Return how many participants attend each item, counted by the database."""
    everyone = db.session.scalar(
        select(func.count())
        .select_from(Participation)
        .where(Participation.visit_id == visit_id, Participation.attends_all_items)
    )
    chosen = dict(
        db.session.execute(
            select(participation_item.c.agenda_item_id, func.count())
            .join(Participation, participation_item.c.participation_id == Participation.id)
            .where(
                Participation.visit_id == visit_id,
                ~Participation.attends_all_items,
                participation_item.c.agenda_item_id.in_(item_ids),
            )
            .group_by(participation_item.c.agenda_item_id)
        ).all()
    )
    return {item_id: (everyone or 0) + chosen.get(item_id, 0) for item_id in item_ids}


def load_matrix(
    user: User,
    visit_id: int,
    page: int = 1,
    people: set[int] | None = None,
    size: int = MATRIX_PAGE_SIZE,
) -> Matrix:
    """Return the attendance matrix of a visit for one page of its people (guests first,
    each side in protocol order), or for the participations in ``people`` (those a saved
    form showed, wherever the page boundaries lie now)."""
    visit = db.session.scalar(
        select(Visit)
        .where(Visit.id == visit_id)
        .options(
            selectinload(Visit.items),
            selectinload(Visit.guest_organisations),
            joinedload(Visit.host_organisation),
        )
    )
    ordered = ordered_participation_ids(visit_id)
    shown = pager(len(ordered), page, size)
    row_ids = (
        ordered[shown.start : shown.stop] if people is None else [i for i in ordered if i in people]
    )
    loaded = {
        participation.id: participation
        for participation in db.session.scalars(
            select(Participation)
            .where(Participation.id.in_(row_ids))
            .options(
                joinedload(Participation.person).joinedload(Person.organisation),
                selectinload(Participation.items),
            )
        )
    }
    participations = [loaded[i] for i in row_ids if i in loaded]
    attending_items = {p.id: {item.id for item in p.items} for p in participations}
    items = list(visit.items)
    if not can_see_internal(user, visit):
        # Guests tick only the items of the agenda they see (agenda_view decides).
        agenda = visible_agenda(visit, Audience.GUEST, visit.language.value,
                                latest_version(visit.id))  # fmt: skip
        seen = agenda.uids if agenda is not None else frozenset()
        items = [i for i in items if i.uid in seen]
    all_items = frozenset(item.id for item in items)
    rows = [
        MatrixRow(
            participation=p,
            attending=all_items
            if p.attends_all_items
            else frozenset(attending_items[p.id]) & all_items,
            editable=can_edit_delegation(user, visit, p.person.organisation),
        )
        for p in participations
    ]
    return Matrix(
        visit=visit,
        items=items,
        rows=rows,
        totals=_attendance_totals(visit_id, [item.id for item in items]),
        pager=shown,
    )


def save_matrix(
    user: User,
    matrix: Matrix,
    attending: dict[int, set[int]],
    versions: dict[int, int | None],
    shown: set[int] | None = None,
    rows: set[int] | None = None,
) -> tuple[int, list[RefusedRow]]:
    """Set who attends what for the rows the user may change, each unless someone else
    changed the participant since the matrix was opened at ``versions``. Return how many
    rows changed and the refused rows; the caller commits.

    Only the items in ``shown`` (the columns of one day; all items when None) change;
    ``rows`` limits the change to those participants, each of whom the user must be
    allowed to change (else ``PermissionError``, nothing changed). A participant ticked
    for every item attends all items, including ones added later.
    """
    items_by_id = {item.id: item for item in matrix.items}
    scope = set(items_by_id) if shown is None else shown & set(items_by_id)
    editable = {row.participation.id for row in matrix.rows if row.editable}
    if rows is not None and not rows <= editable:
        raise PermissionError
    wanted = {
        row.participation.id: (set(row.attending) - scope)
        | (attending.get(row.participation.id, set()) & scope)
        for row in matrix.rows
        if row.participation.id in (editable if rows is None else rows)
    }
    accepted, refused = _checked(
        [
            row.participation
            for row in matrix.rows
            if row.participation.id in wanted and wanted[row.participation.id] != set(row.attending)
        ],
        versions,
    )
    # Items the matrix does not show (to a guest: drafts, internal holds) keep what the
    # host chose for them: ticking every shown item is not a choice about those.
    visit_items = {item.id: item for item in matrix.visit.items}
    unseen = set(visit_items) - set(items_by_id)
    for participation in accepted:
        kept = (
            unseen
            if participation.attends_all_items
            else {item.id for item in participation.items} & unseen
        )
        chosen = wanted[participation.id] | kept
        every = chosen == set(visit_items)
        # The list first: loading the old one flushes what is pending, and the row's two
        # changes belong in one flush (one version, one entry in the trail).
        participation.items = [] if every else [visit_items[i] for i in sorted(chosen)]
        participation.attends_all_items = every
    flush_or_conflict(*accepted)
    return len(accepted), refused
