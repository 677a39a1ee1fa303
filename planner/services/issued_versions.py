"""Reading issued versions: one version as it was issued, and the changes between two.

A version is a document: its page, print documents and calendar show the agenda exactly
as it was frozen, whatever the draft or later versions say. Guests read the versions
issued to them without internal holds and internal notes, and compare them the same way;
they never see the draft.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from planner.extensions import db
from planner.models import AgendaVersion, Participation, Person, User, Visit
from planner.services.agenda_view import AgendaDay, AgendaView, Audience, for_audience, read_version
from planner.services.item_texts import reader_language
from planner.services.permissions import can_see_internal, can_view_visit, visible_visits
from planner.services.printing import VERSION_DOCUMENTS, print_documents
from planner.services.versions import (
    Changes,
    compare,
    version_by_number,
    version_numbers,
)


@dataclass(frozen=True)
class Affected:
    """Whom a change concerns: names the viewer may read, and how many others."""

    names: list[str] = field(default_factory=list)
    others: int = 0

    @property
    def count(self) -> int:
        """Return how many people the change concerns."""
        return len(self.names) + self.others


@dataclass(frozen=True)
class VersionPage:
    """One issued version as its page shows it."""

    visit: Visit
    version: AgendaVersion
    # Title, days and zone as issued: the draft may have changed them since.
    title: str
    first_day: date
    last_day: date
    timezone: str
    days: list[AgendaDay]
    show_internal: bool
    # Every issued number, oldest first: for moving between versions and comparing.
    numbers: list[int]
    changes: Changes
    affected: Affected
    documents: list[tuple[str, str]]

    @property
    def latest_number(self) -> int:
        """Return the number of the newest issued version."""
        return self.numbers[-1]

    @property
    def is_latest(self) -> bool:
        """Return whether no later version replaced this one."""
        return self.version.number == self.latest_number

    @property
    def previous_number(self) -> int | None:
        """Return the number of the version before this one, if any."""
        earlier = [n for n in self.numbers if n < self.version.number]
        return earlier[-1] if earlier else None

    @property
    def compare_pair(self) -> tuple[int, int]:
        """Return the versions the compare form offers first: this one and the one before,
        or for the first version, it and the latest."""
        if self.previous_number is None:
            return self.version.number, self.latest_number
        return self.previous_number, self.version.number

    @property
    def next_number(self) -> int | None:
        """Return the number of the version after this one, if any."""
        later = [n for n in self.numbers if n > self.version.number]
        return later[0] if later else None


@dataclass(frozen=True)
class Comparison:
    """What changed from one issued version to another."""

    visit: Visit
    older: AgendaVersion
    newer: AgendaVersion
    numbers: list[int]
    changes: Changes
    affected: Affected


def _visible_visit(visit_id: int, viewer: User) -> Visit | None:
    visit = db.session.scalar(
        visible_visits(select(Visit).where(Visit.id == visit_id), viewer).options(
            selectinload(Visit.guest_organisations)
        )
    )
    if visit is None or not can_view_visit(viewer, visit):
        return None
    return visit


def _readable(visit: Visit, version: AgendaVersion, show_internal: bool,
              language: str | None = None) -> AgendaView:  # fmt: skip
    agenda = read_version(version, visit, reader_language(), language)
    return for_audience(agenda, Audience.HOST if show_internal else Audience.GUEST)


def affected_people(visit: Visit, person_ids: list[int], show_internal: bool) -> Affected:
    """Name the people a change concerns; guests read only the names of the visit's
    current participants (they see those on the visit page anyway)."""
    if not person_ids:
        return Affected()
    query = select(Person).where(Person.id.in_(person_ids))
    if not show_internal:
        query = query.where(
            Person.id.in_(select(Participation.person_id).where(Participation.visit_id == visit.id))
        )
    people = sorted(
        db.session.scalars(query),
        key=lambda person: (person.last_name.casefold(), person.first_name.casefold()),
    )
    return Affected(
        names=[person.display_name for person in people], others=len(person_ids) - len(people)
    )


def _changes(
    visit: Visit, before: AgendaVersion | None, after: AgendaVersion, show_internal: bool
) -> tuple[Changes, Affected]:
    newer = _readable(visit, after, show_internal)
    # Texts of items from before the two languages count in the newer version's language.
    older = _readable(visit, before, show_internal, newer.language) if before else None
    changes = compare(older, newer)
    return changes, affected_people(visit, changes.affected_person_ids, show_internal)


def load_version_page(visit_id: int, number: int, viewer: User) -> VersionPage | None:
    """Load an issued version as the viewer may read it, or None when the viewer may not
    see the visit or the version does not exist."""
    visit = _visible_visit(visit_id, viewer)
    if visit is None:
        return None
    version = version_by_number(visit.id, number)
    if version is None:
        return None
    show_internal = can_see_internal(viewer, visit)
    numbers = version_numbers(visit.id)
    earlier = [n for n in numbers if n < number]
    previous = version_by_number(visit.id, earlier[-1]) if earlier else None
    changes, affected = _changes(visit, previous, version, show_internal)
    frozen = _readable(visit, version, show_internal)
    return VersionPage(
        visit=visit,
        version=version,
        title=frozen.title,
        first_day=frozen.first_day,
        last_day=frozen.last_day,
        timezone=frozen.timezone,
        days=frozen.days(),
        show_internal=show_internal,
        numbers=numbers,
        changes=changes,
        affected=affected,
        documents=[
            (document, name)
            for document, name in print_documents(show_internal)
            if document in VERSION_DOCUMENTS
        ],
    )


def load_comparison(
    visit_id: int, viewer: User, older: int | None, newer: int | None
) -> Comparison | None:
    """Compare two issued versions as the viewer may read them; without numbers, the
    latest with the one before it. None when the visit or a version is not there."""
    visit = _visible_visit(visit_id, viewer)
    if visit is None:
        return None
    numbers = version_numbers(visit.id)
    if not numbers:
        return None
    if newer is None:
        newer = numbers[-1]
    if older is None:
        earlier = [n for n in numbers if n < newer]
        older = earlier[-1] if earlier else newer
    before = version_by_number(visit.id, older)
    after = version_by_number(visit.id, newer)
    if before is None or after is None:
        return None
    show_internal = can_see_internal(viewer, visit)
    changes, affected = _changes(visit, before, after, show_internal)
    return Comparison(
        visit=visit,
        older=before,
        newer=after,
        numbers=numbers,
        changes=changes,
        affected=affected,
    )
