"""The read model: the agenda as a host, a guest, a person or a feed sees it, and the rule
that nothing else reads a snapshot or decides about internal holds."""

import ast
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from planner.enums import ItemKind, ItemStatus, Language, Side
from planner.extensions import db
from planner.services.agenda_view import (
    ITEM_KEYS,
    Audience,
    for_audience,
    read_draft,
    read_snapshot,
    read_version,
    visible_agenda,
)
from planner.services.versions import issue_version, latest_version, load_for_snapshot
from tests import factories


@pytest.fixture
def visit(app):
    visit = factories.visit(timezone="Europe/Berlin", first_day=date(2023, 10, 28),
                            last_day=date(2023, 10, 29))  # fmt: skip
    guest = factories.person(visit.guest_organisations[0], "Schneidewind")
    factories.participation(visit, guest, side=Side.GUEST, attends_all_items=False)
    welcome = factories.item(visit, "2023-10-28 10:00", "2023-10-28 10:30", "Begrüßung",
                             title_en="Welcome", internal_notes="Parkplätze frei")  # fmt: skip
    factories.item(visit, "2023-10-28 09:00", "2023-10-28 09:45", "Vorbesprechung",
                   kind=ItemKind.INTERNAL_HOLD, internal_notes="nur intern")  # fmt: skip
    # The second 02:30 of the night the clocks go back.
    factories.item(visit, "2023-10-29 02:30", "2023-10-29 02:45", "Nachtzug",
                   starts_fold=1, ends_fold=1)  # fmt: skip
    db.session.flush()
    welcome_participation = visit.participations[0]
    welcome_participation.items.append(welcome)
    db.session.commit()
    return visit


def _issue(visit):
    version = issue_version(load_for_snapshot(visit.id), None, "Fassung")
    db.session.commit()
    return version


def _titles(agenda):
    return [(item.title, item.internal_notes) for item in agenda.ordered()]


def test_host_staff_see_the_draft_with_internal_holds_and_notes(visit):
    agenda = visible_agenda(load_for_snapshot(visit.id), Audience.HOST, "de", None, draft=True)

    assert agenda.is_draft
    assert _titles(agenda) == [
        ("Vorbesprechung", "nur intern"), ("Begrüßung", "Parkplätze frei"),
        ("Nachtzug", ""),
    ]  # fmt: skip


@pytest.mark.parametrize("audience", [Audience.GUEST, Audience.FEED, Audience.PERSON])
def test_nobody_but_host_staff_sees_a_draft(visit, audience):
    live = load_for_snapshot(visit.id)

    assert visible_agenda(live, audience, "de", None, draft=True) is None
    with pytest.raises(ValueError, match="working draft"):
        for_audience(read_draft(live), audience)


@pytest.mark.parametrize("audience", [Audience.GUEST, Audience.FEED])
def test_guests_and_feeds_see_the_issued_version_without_holds_or_notes(visit, audience):
    version = _issue(visit)
    factories.item(visit, "2023-10-28 16:00", "2023-10-28 17:00", "Noch nicht ausgegeben")
    db.session.commit()

    agenda = visible_agenda(visit, audience, "en", latest_version(visit.id), draft=True)

    assert (agenda.is_draft, agenda.audience, agenda.internal) == (False, audience, False)
    assert _titles(agenda) == [("Welcome", ""), ("Nachtzug", "")]
    assert len(read_version(version, visit).items) == 3


def test_a_person_sees_only_the_issued_items_they_attend(visit):
    _issue(visit)
    person_id = visit.participations[0].person_id

    agenda = visible_agenda(visit, Audience.PERSON, "de", latest_version(visit.id),
                            person_id=person_id)  # fmt: skip

    assert _titles(agenda) == [("Begrüßung", "")]


def test_a_calendar_never_carries_internal_holds_or_notes_even_for_host_staff(visit):
    live = load_for_snapshot(visit.id)

    agenda = visible_agenda(live, Audience.HOST, "de", None, draft=True, calendar=True)

    assert agenda.internal
    assert _titles(agenda) == [("Begrüßung", ""), ("Nachtzug", "")]


def test_host_prints_without_room_for_notes_leave_them_out(visit):
    agenda = visible_agenda(load_for_snapshot(visit.id), Audience.HOST, "de", None, notes=False)

    assert [notes for _, notes in _titles(agenda)] == ["", "", ""]
    assert [item.kind for item in agenda.ordered()][0] == ItemKind.INTERNAL_HOLD


def test_items_carry_typed_times_with_the_fold_resolved(visit):
    agenda = read_version(_issue(visit), visit)

    night = agenda.ordered()[-1]
    assert (night.starts_at, night.starts_fold) == (datetime(2023, 10, 29, 2, 30), 1)
    assert night.starts.utcoffset().total_seconds() == 3600
    assert night.starts_utc == datetime(2023, 10, 29, 1, 30, tzinfo=UTC)
    assert [day.day for day in agenda.days()] == [date(2023, 10, 28), date(2023, 10, 29)]
    assert (agenda.timezone, agenda.first_day) == ("Europe/Berlin", date(2023, 10, 28))


def test_texts_come_in_the_readers_language_else_the_other_one(visit):
    version = _issue(visit)

    english = for_audience(read_version(version, visit, "en"), Audience.GUEST)
    german = for_audience(english, Audience.GUEST, language="de")

    assert [item.title for item in english.ordered()] == ["Welcome", "Nachtzug"]
    assert [item.title for item in german.ordered()] == ["Begrüßung", "Nachtzug"]
    assert english.ordered()[0].titles == {"de": "Begrüßung", "en": "Welcome"}


def test_an_old_snapshot_without_folds_english_or_change_times_is_read_as_before(visit):
    visit.language = Language.EN
    version = _issue(visit)
    version.snapshot = {
        "items": [
            {key: value for key, value in item.items()
             if key not in ("starts_fold", "ends_fold", "updated_at", "title_de", "title_en",
                            "description_de", "description_en")}
            | {"title": item["title_de"], "description": ""}
            for item in version.snapshot["items"]
        ],
    }  # fmt: skip
    db.session.commit()

    agenda = read_version(version, visit, "de")

    night = agenda.item(next(i.uid for i in visit.items if i.title_de == "Nachtzug"))
    assert (night.starts_fold, night.ends_fold, night.updated_at) == (0, 0, None)
    # The one title of an older version counts as the visit's language (here English).
    assert night.titles == {"en": "Nachtzug"}
    assert night.title == "Nachtzug"
    assert (agenda.title, agenda.timezone, agenda.last_day) == (
        visit.title, "Europe/Berlin", date(2023, 10, 29),
    )  # fmt: skip
    assert read_snapshot(version.snapshot).item(night.uid).titles == {
        "de": "Nachtzug", "en": "Nachtzug",
    }  # fmt: skip


def test_the_draft_and_its_issued_version_read_alike(visit):
    live = load_for_snapshot(visit.id)
    version = _issue(visit)

    draft = read_draft(live)
    issued = read_version(version, visit)

    assert (draft.is_draft, issued.is_draft) == (True, False)
    assert [item.uid for item in draft.items] == [item.uid for item in issued.items]
    assert all(
        (a.starts_at, a.starts_fold, a.room, a.attendees, a.status) ==
        (b.starts_at, b.starts_fold, b.room, b.attendees, b.status)
        for a, b in zip(draft.items, issued.items, strict=True)
    )  # fmt: skip
    assert {item.status for item in issued.items} == {ItemStatus.CONFIRMED}


# --- the lint rule ----------------------------------------------------------------------
#
# Snapshots (``AgendaVersion.snapshot``, the dicts ``versions.snapshot`` writes) are read
# by ``planner/services/agenda_view.py`` only. Checked over planner/**/*.py:
#
# 1. No module but the read model reads an attribute ``.snapshot`` (the stored JSON);
#    ``versions.py`` writes it and may name the column ``AgendaVersion.snapshot`` (to
#    defer it in queries).
# 2. No module but the read model and ``versions.py`` calls the writers ``snapshot()`` or
#    ``item_snapshot()`` (they return the untyped dict).
# 3. Belt and braces: no module but the read model indexes anything (``x["key"]``,
#    ``x.get("key")``) with a key that only a snapshot item or a change has (the item
#    keys without the generic ones ``id``, ``title``, ``room`` …, plus the ``from_*``
#    keys of changes). The restored rows of the agenda_item table in ``trash.py`` share
#    ``uid`` and ``sequence`` with snapshot items and are the one exception.
# 4. The internal-hold rule appears once: ``ItemKind.INTERNAL_HOLD`` or the string
#    "internal-hold" only in enums.py (the value), i18n.py (its label) and once in the
#    read model. Templates do not read ``.snapshot`` either.

ROOT = Path(__file__).resolve().parents[2]
PLANNER = ROOT / "planner"
READ_MODEL = "planner/services/agenda_view.py"
WRITER = "planner/services/versions.py"
GENERIC = {"id", "title", "description", "room", "room_id", "status", "language", "items",
           "timezone", "first_day", "last_day", "created_at", "module_id"}  # fmt: skip
DISTINCTIVE = (ITEM_KEYS - GENERIC) | {
    "from_starts_at", "from_starts_fold", "from_ends_at", "from_ends_fold", "from_room",
    "from_title", "from_title_de", "from_title_en",
}  # fmt: skip
# Rows of the agenda_item table restored from the trash: columns, not snapshot keys.
ALLOWED_KEYS = {
    ("planner/services/trash.py", "uid"), ("planner/services/trash.py", "sequence"),
    # The labels of the press access values (i18n.enum_labels), not a snapshot.
    ("planner/views/agenda.py", "press_access"),
    # The visit's internal notes in an API request's body.
    ("planner/api/visits.py", "internal_notes"),
}  # fmt: skip
HOLD_PLACES = {"planner/enums.py", "planner/i18n.py", READ_MODEL}


def _modules():
    for path in sorted(PLANNER.rglob("*.py")):
        yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(), str(path))


def _string_key(node: ast.AST) -> str | None:
    if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
        return None  # building a dict (an API answer) is not reading a snapshot
    if isinstance(node, ast.Subscript):
        key = node.slice
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("get", "pop", "setdefault")
        and node.args
    ):
        key = node.args[0]
    else:
        return None
    if isinstance(key, ast.Constant) and isinstance(key.value, str):
        return key.value
    return None


def snapshot_reads(modules=None) -> list[str]:
    """Return every place outside the read model that reads a snapshot (rules 1–3)."""
    found = []
    for name, tree in modules if modules is not None else _modules():
        if name == READ_MODEL:
            continue
        for node in ast.walk(tree):
            where = f"{name}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Attribute) and node.attr == "snapshot":
                column = isinstance(node.value, ast.Name) and node.value.id == "AgendaVersion"
                if not (name == WRITER and column):
                    found.append(f"{where}: reads .snapshot")
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name | ast.Attribute)
                and getattr(node.func, "id", getattr(node.func, "attr", None))
                in ("snapshot", "item_snapshot")
                and name != WRITER
            ):
                found.append(f"{where}: calls the snapshot writer")
            key = _string_key(node)
            if key in DISTINCTIVE and (name, key) not in ALLOWED_KEYS:
                found.append(f"{where}: indexes by the snapshot key {key!r}")
    return found


def hold_rules() -> list[str]:
    """Return every place that spells out the internal-hold rule (rule 4)."""
    found = []
    for name, tree in _modules():
        for node in ast.walk(tree):
            enum = isinstance(node, ast.Attribute) and node.attr == "INTERNAL_HOLD"
            text = isinstance(node, ast.Constant) and node.value == ItemKind.INTERNAL_HOLD.value
            if enum or text:
                found.append(name)
    return found


def test_no_module_but_the_read_model_reads_a_snapshot():
    assert snapshot_reads() == []


def test_the_internal_hold_rule_appears_once_in_the_read_model():
    places = hold_rules()

    assert set(places) <= HOLD_PLACES
    assert places.count(READ_MODEL) == 1


def test_templates_do_not_read_snapshots():
    offending = [
        path.relative_to(ROOT).as_posix()
        for path in sorted((ROOT / "templates").rglob("*.html"))
        if ".snapshot" in path.read_text()
    ]

    assert offending == []


@pytest.mark.parametrize(
    ("source", "found"),
    [
        (
            'version.snapshot["items"][0]["starts_at"][11:16]',
            ["reads .snapshot", "indexes by the snapshot key 'starts_at'"],
        ),
        ('change.get("from_starts_at")', ["indexes by the snapshot key 'from_starts_at'"]),
        ("frozen = snapshot(visit)", ["calls the snapshot writer"]),
        ('row["uid"]', ["indexes by the snapshot key 'uid'"]),
        ('form["title"], item.title_de', []),
    ],
    ids=["snapshot-slice", "change-key", "writer", "uid", "generic-keys"],
)
def test_the_lint_rule_finds_snapshot_reads(source, found):
    probe = [("planner/services/probe.py", ast.parse(source))]

    assert sorted(snapshot_reads(probe)) == sorted(
        f"planner/services/probe.py:1: {text}" for text in found
    )
