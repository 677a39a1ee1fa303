"""Entries into the Golden Book (Eintragung ins Goldene Buch) and who signs them, in order.

Any agenda item may carry an entry, usually the mayor's reception. The signing order
follows precedence: the honoured guests sign first, the head of each guest delegation
before its members, then the host, the mayor countersigning the guests' entry, then
further host signers by rank. That is ``load_participations``' order (guests first, each
side in protocol order); a new entry proposes the heads of the delegations attending the
item, and planners add, remove and move signers from there.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from planner.extensions import db
from planner.models import AgendaItem, GoldenBookEntry, GoldenBookSigner, Participation, Visit
from planner.services.address import person_forms
from planner.services.attendance import load_participations
from planner.services.errors import InvalidInput

MAX_SIGNERS = 50


@dataclass(frozen=True)
class SignerLine:
    """A signer as the signing order prints them: in their form of address."""

    position: int
    name: str
    office: str
    organisation: str


def entries_of(visit: Visit) -> list[GoldenBookEntry]:
    """Return the visit's Golden Book entries by the time of their items."""
    return list(
        db.session.scalars(
            select(GoldenBookEntry)
            .join(AgendaItem, AgendaItem.id == GoldenBookEntry.item_id)
            .where(GoldenBookEntry.visit_id == visit.id)
            .options(
                joinedload(GoldenBookEntry.item),
                selectinload(GoldenBookEntry.signers).joinedload(GoldenBookSigner.person),
            )
            .order_by(AgendaItem.starts_at, GoldenBookEntry.id)
        )
    )


def _heads(participations: list[Participation], item: AgendaItem) -> list[Participation]:
    """Return the first attendee of the item of each organisation, in protocol order."""
    heads: dict[int, Participation] = {}
    for participation in participations:
        if participation.attends(item):
            heads.setdefault(participation.person.organisation_id, participation)
    return list(heads.values())


def add_entry(visit: Visit, item: AgendaItem) -> GoldenBookEntry:
    """Give an item a Golden Book entry, with the delegations' heads proposed as signers."""
    if item.visit_id != visit.id:
        raise InvalidInput("item", _l("This item is not on the agenda of the visit."))
    taken = db.session.scalar(select(GoldenBookEntry.id).where(GoldenBookEntry.item_id == item.id))
    if taken:
        raise InvalidInput("item", _l("This item has a Golden Book entry already."))
    entry = GoldenBookEntry(visit_id=visit.id, item=item)
    db.session.add(entry)
    for position, participation in enumerate(_heads(load_participations(visit.id), item), 1):
        entry.signers.append(GoldenBookSigner(person=participation.person, position=position))
    return entry


def _changed(entry: GoldenBookEntry) -> None:
    """Raise the entry's version: its signing order is what people edit."""
    entry.lock_version = entry.lock_version + 1


def _renumber(entry: GoldenBookEntry, signers: list[GoldenBookSigner]) -> None:
    for position, signer in enumerate(signers, 1):
        signer.position = position
    entry.signers = signers
    _changed(entry)


def _signer(entry: GoldenBookEntry, signer_id: int | None) -> GoldenBookSigner:
    found = next((signer for signer in entry.signers if signer.id == signer_id), None)
    if found is None:
        raise InvalidInput("signer", _l("This person does not sign this entry."))
    return found


def add_signer(entry: GoldenBookEntry, person_id: int | None) -> GoldenBookSigner:
    """Add a participant of the visit as the last signer; the caller saves with the lock."""
    participation = db.session.scalar(
        select(Participation).where(
            Participation.visit_id == entry.visit_id, Participation.person_id == person_id
        )
    )
    if participation is None:
        raise InvalidInput("person", _l("This person does not take part in the visit."))
    if any(signer.person_id == person_id for signer in entry.signers):
        raise InvalidInput("person", _l("This person signs already."))
    if len(entry.signers) >= MAX_SIGNERS:
        raise InvalidInput("person", _l("An entry has at most 50 signers."))
    signer = GoldenBookSigner(person=participation.person, position=len(entry.signers) + 1)
    _renumber(entry, [*entry.signers, signer])
    return signer


def move_signer(entry: GoldenBookEntry, signer_id: int | None, up: bool) -> None:
    """Move a signer one place earlier (``up``) or later; at either end nothing moves."""
    signers = list(entry.signers)
    index = signers.index(_signer(entry, signer_id))
    other = index - 1 if up else index + 1
    if 0 <= other < len(signers):
        signers[index], signers[other] = signers[other], signers[index]
    _renumber(entry, signers)


def remove_signer(entry: GoldenBookEntry, signer_id: int | None) -> None:
    """Take a signer off the entry; the others close up."""
    removed = _signer(entry, signer_id)
    _renumber(entry, [signer for signer in entry.signers if signer is not removed])


def order_by_precedence(entry: GoldenBookEntry) -> None:
    """Put the signers into the order of precedence: guests first, each side by rank."""
    order = {p.person_id: i for i, p in enumerate(load_participations(entry.visit_id))}
    # A signer no longer taking part keeps the end of the list.
    _renumber(entry, sorted(entry.signers, key=lambda s: order.get(s.person_id, len(order))))


def delete_entry(entry: GoldenBookEntry) -> None:
    """Remove the Golden Book entry from its item, with its signing order."""
    db.session.delete(entry)


def signer_lines(entry: GoldenBookEntry, language: str) -> list[SignerLine]:
    """Return the signing order with the names in their form of address in ``language``."""
    lines = []
    for signer in entry.signers:
        forms = person_forms(signer.person, language)
        lines.append(
            SignerLine(
                position=signer.position,
                name=forms.card,
                office=forms.office or signer.person.function,
                organisation=signer.person.organisation.name,
            )
        )
    return lines


def items_without_entry(visit: Visit) -> list[AgendaItem]:
    """Return the visit's items that could still be given an entry, by time."""
    return list(
        db.session.scalars(
            select(AgendaItem)
            .where(
                AgendaItem.visit_id == visit.id,
                AgendaItem.id.not_in(select(GoldenBookEntry.item_id)),
            )
            .order_by(AgendaItem.starts_at, AgendaItem.id)
        )
    )
