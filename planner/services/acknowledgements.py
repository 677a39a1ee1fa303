"""A visit's warnings as people read them: each clash once, by kind, and the acknowledged.

A planner acknowledges a clash with a note saying why it is fine; it then stops showing
until something relevant to it changes (its items' times, room or people), because the
acknowledgement is kept under the clash's fingerprint and a changed clash has another.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from planner.enums import ConflictKind
from planner.extensions import db
from planner.models import ConflictAcknowledgement, User, Visit
from planner.services.conflicts import KIND_ORDER, Clash, Conflict, clashes, find_conflicts
from planner.services.errors import InvalidInput
from planner.services.text import clean_text

NOTE_LENGTH = 300


@dataclass(frozen=True)
class AcknowledgedClash:
    """A clash a planner has accepted, with the note, who and when."""

    clash: Clash
    acknowledgement: ConflictAcknowledgement


@dataclass(frozen=True)
class ClashGroup:
    """The open clashes of one kind."""

    kind: ConflictKind
    clashes: list[Clash]


@dataclass(frozen=True)
class ConflictReport:
    """A visit's clashes: the open ones by kind and by item, and the acknowledged ones."""

    visit_id: int
    open: list[Clash] = field(default_factory=list)
    acknowledged: list[AcknowledgedClash] = field(default_factory=list)
    groups: list[ClashGroup] = field(default_factory=list)
    # The open clashes of each of the visit's items.
    by_item: dict[int, list[Clash]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """Return whether there is nothing to show at all."""
        return not self.open and not self.acknowledged


def build_report(
    visit_id: int,
    conflicts: list[Conflict],
    acknowledgements: list[ConflictAcknowledgement],
) -> ConflictReport:
    """Return the report of a visit's warnings, its acknowledged clashes set apart."""
    by_fingerprint = {ack.fingerprint: ack for ack in acknowledgements}
    open_clashes, acknowledged = [], []
    for clash in clashes(conflicts):
        ack = by_fingerprint.get(clash.fingerprint)
        if ack is None:
            open_clashes.append(clash)
        else:
            acknowledged.append(AcknowledgedClash(clash, ack))
    by_kind: dict[ConflictKind, list[Clash]] = defaultdict(list)
    by_item: dict[int, list[Clash]] = defaultdict(list)
    for clash in open_clashes:
        by_kind[clash.kind].append(clash)
        for item_id in clash.item_ids(visit_id):
            by_item[item_id].append(clash)
    return ConflictReport(
        visit_id=visit_id,
        open=open_clashes,
        acknowledged=acknowledged,
        groups=[ClashGroup(kind, by_kind[kind]) for kind in KIND_ORDER if by_kind[kind]],
        by_item=dict(by_item),
    )


def acknowledgements_of(visit_ids: list[int]) -> dict[int, list[ConflictAcknowledgement]]:
    """Return the acknowledgements of the visits, with their authors, in one query."""
    found: dict[int, list[ConflictAcknowledgement]] = defaultdict(list)
    if not visit_ids:
        return found
    query = (
        select(ConflictAcknowledgement)
        .where(ConflictAcknowledgement.visit_id.in_(visit_ids))
        .options(joinedload(ConflictAcknowledgement.created_by))
        .order_by(ConflictAcknowledgement.created_at, ConflictAcknowledgement.id)
    )
    for ack in db.session.scalars(query):
        found[ack.visit_id].append(ack)
    return found


def conflict_reports(
    visit_ids: list[int], viewer_organisation_id: int | None = None
) -> dict[int, ConflictReport]:
    """Return the report of each visit's warnings, with a fixed number of queries.

    Other visits' items appear without their titles unless the viewer's organisation
    hosts or attends them (as in ``find_conflicts``).
    """
    if not visit_ids:
        return {}
    found = find_conflicts(visit_ids, viewer_organisation_id=viewer_organisation_id)
    acknowledgements = acknowledgements_of(list(found))
    return {
        visit_id: build_report(visit_id, conflicts, acknowledgements.get(visit_id, []))
        for visit_id, conflicts in found.items()
    }


def acknowledge(visit: Visit, fingerprint: str, note: str, user: User) -> ConflictAcknowledgement:
    """Acknowledge a clash of the visit with a note; the caller commits.

    Raises ``InvalidInput`` without a note, or when the clash no longer exists (the agenda
    changed since the page was shown). Acknowledging it again replaces the note.
    """
    note = clean_text(note)
    if not note:
        raise InvalidInput("note", _l("Please say why the warning is fine."))
    if len(note) > NOTE_LENGTH:
        raise InvalidInput(
            "note", _l("Please keep the note under %(count)s characters.", count=NOTE_LENGTH)
        )
    found = find_conflicts([visit.id], viewer_organisation_id=user.organisation_id)[visit.id]
    clash = next((c for c in clashes(found) if c.fingerprint == fingerprint), None)
    if clash is None:
        raise InvalidInput(
            "fingerprint",
            _l("This warning no longer applies: the agenda has changed meanwhile."),
        )
    existing = _acknowledgement_of(visit.id, fingerprint)
    if existing is not None:
        existing.note = note
        return existing
    # Items of other visits are never named: their titles may be another city's secret.
    own = clash.item_ids(visit.id)
    ack = ConflictAcknowledgement(
        visit_id=visit.id,
        fingerprint=fingerprint,
        kind=clash.kind,
        agenda_item_id=own[0] if own else None,
        other_item_id=own[1] if len(own) > 1 else None,
        note=note,
        created_by_id=user.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(ack)
    except IntegrityError:
        # A colleague acknowledged the same clash a moment ago: the newer note wins.
        existing = _acknowledgement_of(visit.id, fingerprint)
        if existing is None:
            raise
        existing.note = note
        return existing
    return ack


def _acknowledgement_of(visit_id: int, fingerprint: str) -> ConflictAcknowledgement | None:
    return db.session.scalar(
        select(ConflictAcknowledgement).where(
            ConflictAcknowledgement.visit_id == visit_id,
            ConflictAcknowledgement.fingerprint == fingerprint,
        )
    )


def withdraw_acknowledgement(visit: Visit, acknowledgement_id: int) -> bool:
    """Withdraw an acknowledgement of the visit, so its warning shows again; the caller commits.

    Return False when there is none by that id (withdrawn already).
    """
    ack = db.session.get(ConflictAcknowledgement, acknowledgement_id)
    if ack is None or ack.visit_id != visit.id:
        return False
    db.session.delete(ack)
    db.session.flush()
    return True
