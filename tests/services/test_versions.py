"""Issuing agenda versions: snapshots, changes and SEQUENCE."""

from datetime import date, datetime

import pytest

from planner.enums import ItemKind, ItemStatus, Side, VisitStatus
from planner.extensions import db
from planner.models import AgendaItem, Visit
from planner.services.agenda_view import Audience, for_audience, read_version
from planner.services.errors import InvalidInput
from planner.services.versions import (
    draft_differs,
    issue_version,
    latest_version,
    load_for_snapshot,
    pending_changes,
)
from tests import factories


def _issue(visit, comment="Neue Fassung"):
    version = issue_version(load_for_snapshot(visit.id), None, comment)
    db.session.commit()
    return version


@pytest.fixture
def visit(app):
    visit = factories.visit()
    guest = factories.person(visit.guest_organisations[0], "Schneidewind")
    factories.participation(visit, guest, side=Side.GUEST)
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 10:30", "Begrüßung")
    factories.item(visit, "2023-02-23 10:30", "2023-02-23 11:15", "Stelen-Demo")
    factories.item(visit, "2023-02-23 12:00", "2023-02-23 13:15", "Innovation Unit")
    db.session.commit()
    return visit


def _item(title: str) -> AgendaItem:
    return db.session.scalar(db.select(AgendaItem).where(AgendaItem.title_de == title))


def test_first_version_lists_every_item_as_new(visit):
    version = _issue(visit, "Erste Fassung")

    assert version.number == 1
    assert version.comment == "Erste Fassung"
    assert [item["title_de"] for item in version.snapshot["items"]] == [
        "Begrüßung", "Stelen-Demo", "Innovation Unit"
    ]  # fmt: skip
    assert [item["title_de"] for item in version.changes["new"]] == [
        "Begrüßung", "Stelen-Demo", "Innovation Unit"
    ]  # fmt: skip
    assert all(item.sequence == 0 for item in visit.items)


def test_many_edits_between_two_versions_raise_sequence_once(visit):
    _issue(visit)
    session = _item("Innovation Unit")
    session.starts_at = datetime(2023, 2, 23, 12, 30)
    session.ends_at = datetime(2023, 2, 23, 13, 45)
    db.session.commit()
    session.starts_at = datetime(2023, 2, 23, 11, 30)
    session.ends_at = datetime(2023, 2, 23, 12, 45)
    db.session.commit()

    second = _issue(visit)

    assert _item("Innovation Unit").sequence == 1
    assert _item("Begrüßung").sequence == 0
    [moved] = second.changes["moved"]
    assert (moved["title_de"], moved["from_starts_at"], moved["starts_at"]) == (
        "Innovation Unit", "2023-02-23T12:00:00", "2023-02-23T11:30:00"
    )  # fmt: skip
    assert second.changes["affected_person_ids"] != []


def test_a_description_change_is_listed_but_keeps_the_sequence(visit):
    _issue(visit)
    _item("Stelen-Demo").description_de = "Mit Live-Vorführung im Foyer"
    db.session.commit()

    second = _issue(visit)

    assert _item("Stelen-Demo").sequence == 0
    assert [(c["title_de"], c["fields"]) for c in second.changes["changed"]] == [
        ("Stelen-Demo", ["description"])
    ]


def test_cancelling_an_item_raises_its_sequence_and_lists_it(visit):
    _issue(visit)
    _item("Begrüßung").status = ItemStatus.CANCELLED
    db.session.commit()

    second = _issue(visit)

    assert _item("Begrüßung").sequence == 1
    assert [c["title_de"] for c in second.changes["cancelled"]] == ["Begrüßung"]


def test_a_sequence_rises_once_per_version_that_changes_the_item(visit):
    _issue(visit)
    for number, title in enumerate(["Empfang", "Empfang im Ratssaal"], start=1):
        _item("Begrüßung" if number == 1 else "Empfang").title_de = title
        db.session.commit()
        _issue(visit)
        assert _item(title).sequence == number


def test_deleted_items_are_listed_as_removed(visit):
    _issue(visit)
    db.session.delete(_item("Stelen-Demo"))
    db.session.commit()
    assert [c["title_de"] for c in _issue(visit).changes["removed"]] == ["Stelen-Demo"]


def test_nothing_to_issue_when_nothing_changed(visit):
    _issue(visit)
    with pytest.raises(InvalidInput, match="Seit der letzten Version hat sich nichts geändert"):
        issue_version(load_for_snapshot(visit.id), None, "Nochmal")
    db.session.rollback()
    assert latest_version(visit.id).number == 1


def test_an_issued_version_stays_as_it_was_when_the_draft_changes(visit):
    first = _issue(visit)
    _item("Begrüßung").title_de = "Empfang"
    db.session.commit()
    db.session.expire_all()
    assert [item["title_de"] for item in latest_version(visit.id).snapshot["items"]][
        0
    ] == "Begrüßung"
    assert latest_version(visit.id).id == first.id


def test_a_version_keeps_which_reading_of_a_repeated_time_is_meant(app):
    # Berlin, 25 October 2026: 02:30 happens twice; the planner first meant summer time.
    visit = factories.visit(first_day=date(2026, 10, 25), timezone="Europe/Berlin")
    item = factories.item(visit, "2026-10-25 02:30", "2026-10-25 03:30", "Nachtfahrt")
    db.session.commit()
    first = _issue(visit)
    [frozen] = first.snapshot["items"]
    assert (frozen["starts_fold"], frozen["ends_fold"]) == (0, 0)

    item.starts_fold = 1  # winter time: the same clock reading, one hour later
    db.session.commit()
    second = _issue(visit)

    assert second.snapshot["items"][0]["starts_fold"] == 1
    [moved] = second.changes["moved"]
    assert (moved["from_starts_fold"], moved["starts_fold"]) == (0, 1)
    assert _item("Nachtfahrt").sequence == 1


def test_snapshots_issued_before_folds_were_kept_read_as_the_first_reading(visit):
    first = _issue(visit)
    # A version issued before the folds were stored has no such keys.
    first.snapshot = {
        **first.snapshot,
        "items": [
            {k: v for k, v in item.items() if k not in ("starts_fold", "ends_fold")}
            for item in first.snapshot["items"]
        ],
    }
    db.session.commit()
    _item("Begrüßung").title_de = "Empfang"
    db.session.commit()

    second = _issue(visit)

    assert second.changes["moved"] == []
    assert [c["title_de"] for c in second.changes["changed"]] == ["Empfang"]
    assert (_item("Empfang").sequence, _item("Stelen-Demo").sequence) == (1, 0)


@pytest.mark.parametrize(
    ("field", "listed", "sequence"),
    [("title_en", ["title"], 1), ("description_en", ["description"], 0)],
    ids=["english-title", "english-description"],
)
def test_a_change_of_the_english_text_alone_is_a_change(visit, field, listed, sequence):
    _issue(visit)
    setattr(_item("Stelen-Demo"), field, "Digital steles demo")
    db.session.commit()

    second = _issue(visit)

    assert [(c["title_de"], c["title_en"], c["fields"]) for c in second.changes["changed"]] == [
        ("Stelen-Demo", "Digital steles demo" if field == "title_en" else "", listed)
    ]
    assert _item("Stelen-Demo").sequence == sequence


def _as_issued_before_two_languages(version) -> None:
    """Make a version look as one issued before items had a German and an English text."""
    version.snapshot = {
        **{key: value for key, value in version.snapshot.items() if key != "language"},
        "items": [
            {
                **{k: v for k, v in item.items() if k[-3:] not in ("_de", "_en")},
                "title": item["title_de"],
                "description": item["description_de"],
            }
            for item in version.snapshot["items"]
        ],
    }
    db.session.commit()


def test_an_older_version_compares_in_the_visits_language_only(visit):
    _as_issued_before_two_languages(_issue(visit))
    # The migration gave items from programme modules the module's English title.
    _item("Begrüßung").title_en = "Welcome"
    db.session.commit()
    with pytest.raises(InvalidInput, match="Seit der letzten Version hat sich nichts geändert"):
        issue_version(load_for_snapshot(visit.id), None, "Nochmal")
    db.session.rollback()

    _item("Begrüßung").title_de = "Empfang"
    db.session.commit()
    second = _issue(visit)

    [changed] = second.changes["changed"]
    assert (changed["from_title_de"], changed["title_de"], changed["fields"]) == (
        "Begrüßung",
        "Empfang",
        ["title"],
    )
    assert (_item("Empfang").sequence, _item("Stelen-Demo").sequence) == (1, 0)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (VisitStatus.DRAFT, VisitStatus.PLANNED),
        (VisitStatus.PLANNED, VisitStatus.PLANNED),
        (VisitStatus.CONFIRMED, VisitStatus.CONFIRMED),
        (VisitStatus.CANCELLED, VisitStatus.CANCELLED),
    ],
    ids=lambda status: status.value,
)
def test_issuing_moves_only_a_visit_in_preparation_to_planned(visit, before, after):
    visit.status = before
    db.session.commit()

    _issue(visit)

    db.session.expire_all()
    assert db.session.get(Visit, visit.id).status == after


def test_the_draft_differs_until_issued_and_again_after_an_edit(visit):
    def differs() -> bool:
        live = load_for_snapshot(visit.id)
        latest = latest_version(visit.id)
        return draft_differs(live, latest, pending_changes(live, latest))

    never_issued = differs()
    _issue(visit)
    issued = differs()
    _item("Begrüßung").title_de = "Empfang"
    db.session.commit()

    assert (never_issued, issued, differs()) == (True, False, True)


def test_a_guest_reads_a_snapshot_without_internal_holds_or_notes(visit):
    factories.item(visit, "2023-02-23 09:30", "2023-02-23 10:00", "Vorbesprechung",
                   kind=ItemKind.INTERNAL_HOLD)  # fmt: skip
    _item("Begrüßung").internal_notes = "Parkplätze reserviert"
    db.session.commit()
    version = _issue(visit)

    public = for_audience(read_version(version, visit), Audience.GUEST)

    assert [(item.title_de, item.internal_notes) for item in public.items] == [
        ("Begrüßung", ""), ("Stelen-Demo", ""), ("Innovation Unit", "")
    ]  # fmt: skip
    assert len(version.snapshot["items"]) == 4
