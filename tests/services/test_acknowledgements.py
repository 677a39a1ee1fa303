"""Acknowledged warnings: kept per clash, until the clash changes."""

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from planner.enums import ConflictKind, Role
from planner.extensions import db
from planner.models import ConflictAcknowledgement
from planner.services.acknowledgements import (
    acknowledge,
    conflict_reports,
    withdraw_acknowledgement,
)
from planner.services.errors import InvalidInput
from tests import factories


@pytest.fixture
def visit(app):
    bochum = factories.organisation("Bochum")
    visit = factories.visit(bochum, first_day=date(2023, 2, 23))
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Begrüßung")
    factories.item(visit, "2023-02-23 10:30", "2023-02-23 11:30", "Demo")
    factories.item(visit, "2023-02-24 09:00", "2023-02-24 10:00", "Ausflug")
    visit.planner = factories.user(bochum, Role.PLANNER)
    db.session.commit()
    return visit


def _report(visit):
    db.session.expire_all()
    return conflict_reports([visit.id])[visit.id]


def test_an_acknowledged_clash_leaves_the_open_ones_and_its_items(visit):
    overlap = next(c for c in _report(visit).open if c.kind == ConflictKind.OVERLAP)

    ack = acknowledge(visit, overlap.fingerprint, "  Der OB kommt später  ", visit.planner)
    db.session.commit()
    report = _report(visit)

    assert [c.kind for c in report.open] == [ConflictKind.OUTSIDE_DAYS]
    assert [g.kind for g in report.groups] == [ConflictKind.OUTSIDE_DAYS]
    [entry] = report.acknowledged
    assert (entry.acknowledgement.note, entry.clash.fingerprint) == (
        "Der OB kommt später",
        overlap.fingerprint,
    )
    assert (ack.agenda_item_id, ack.other_item_id) == tuple(overlap.item_ids(visit.id))
    assert set(report.by_item) == {visit.items[2].id}


def test_acknowledging_again_replaces_the_note(visit):
    overlap = _report(visit).open[0]
    acknowledge(visit, overlap.fingerprint, "Erst so", visit.planner)
    acknowledge(visit, overlap.fingerprint, "Dann so", visit.planner)
    db.session.commit()

    notes = db.session.scalars(select(ConflictAcknowledgement.note))
    assert list(notes) == ["Dann so"]


@pytest.mark.parametrize(
    ("note", "field"), [("   ", "note"), ("x" * 301, "note")], ids=["empty", "too-long"]
)
def test_a_note_is_needed_and_short(visit, note, field):
    overlap = _report(visit).open[0]
    with pytest.raises(InvalidInput) as refused:
        acknowledge(visit, overlap.fingerprint, note, visit.planner)
    assert refused.value.field == field


def test_a_clash_that_changed_cannot_be_acknowledged(visit):
    overlap = next(c for c in _report(visit).open if c.kind == ConflictKind.OVERLAP)
    visit.items[1].starts_at = datetime(2023, 2, 23, 10, 45)
    db.session.commit()

    with pytest.raises(InvalidInput) as refused:
        acknowledge(visit, overlap.fingerprint, "Passt", visit.planner)

    assert refused.value.field == "fingerprint"
    count = db.session.scalar(select(func.count()).select_from(ConflictAcknowledgement))
    assert count == 0


def test_withdrawing_brings_the_warning_back_and_only_for_its_visit(visit):
    overlap = _report(visit).open[0]
    ack = acknowledge(visit, overlap.fingerprint, "Passt", visit.planner)
    other = factories.visit(visit.host_organisation)
    db.session.commit()

    assert withdraw_acknowledgement(other, ack.id) is False
    assert withdraw_acknowledgement(visit, ack.id) is True
    db.session.commit()

    assert len(_report(visit).open) == 2
    assert _report(visit).acknowledged == []
