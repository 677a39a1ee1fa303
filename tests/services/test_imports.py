"""Importing attendee lists: real-world files, their problems, all or nothing."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from planner.enums import Role
from planner.extensions import db
from planner.models import Participation, Person
from planner.services.errors import InvalidInput
from planner.services.imports import ImportRefused, apply, check, guess_mapping, read_table
from tests import factories

DATA = Path(__file__).resolve().parents[1] / "data"


def _read(name: str, encoding: str | None = None):
    return read_table((DATA / name).read_bytes(), name, encoding)


@pytest.fixture
def setting(app):
    """A visit of Wuppertal to Bochum and a Bochum planner."""
    bochum, wuppertal = factories.organisation("Bochum"), factories.organisation("Wuppertal")
    visit = factories.visit(bochum, [wuppertal])
    planner = factories.user(bochum, Role.PLANNER)
    db.session.commit()
    return visit, planner, wuppertal


def _counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(Person)),
        db.session.scalar(select(func.count()).select_from(Participation)),
    )


def test_semicolon_csv_with_bom_and_umlauts(app):
    table = _read("delegation_utf8_bom.csv")

    assert (table.encoding, table.delimiter) == ("utf-8", ";")
    assert table.header[0] == "Anrede"  # no byte order mark left in the first header
    assert guess_mapping(table.header) == [
        "salutation", "academic_title", "first_name", "last_name", "function", "organisation",
        "email", "phone", "dietary_needs",
    ]  # fmt: skip
    assert [row[3] for _, row in table.rows] == ["Schneidewind", "Müller-Lüdenscheidt", "Özdemir"]


def test_windows_1252_csv_is_recognised(app):
    table = _read("delegation_windows1252.csv")
    assert table.encoding == "windows-1252"
    assert [row[3] for _, row in table.rows] == ["Schneidewind", "Müller-Lüdenscheidt", "Özdemir"]


def test_windows_1252_read_as_utf8_on_request_is_refused_clearly(app):
    with pytest.raises(ImportRefused) as refused:
        _read("delegation_windows1252.csv", encoding="utf-8")
    assert str(refused.value.message) == (
        "Die Zeichen der Datei lassen sich nicht als utf-8 lesen."
    )


def test_comma_csv_with_english_headers(app):
    table = _read("delegation_comma_english.csv")
    assert table.delimiter == ","
    assert guess_mapping(table.header) == [
        "first_name", "last_name", "function", "email", "dietary_needs"
    ]  # fmt: skip
    assert table.rows[1][1][4] == "halal, no nuts"


def test_excel_with_a_merged_title_row_and_empty_trailing_rows(app):
    table = _read("delegation_merged_header.xlsx")
    assert table.header == ["Anrede", "Vorname", "Nachname", "Funktion", "E-Mail", "Rang"]
    assert [(number, row[2], row[5]) for number, row in table.rows] == [
        (3, "Schneidewind", "1"), (4, "Albers", "2"), (5, "Reuter", "3"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("broken_wrong_type.pdf", "Bitte laden Sie eine .csv- oder .xlsx-Datei hoch."),
        ("broken_binary_renamed.csv", "Das ist keine CSV-Datei: sie enthält Binärdaten."),
    ],
    ids=["wrong-type", "binary-renamed-csv"],
)
def test_files_that_are_not_lists_are_refused(app, name, message):
    with pytest.raises(ImportRefused) as refused:
        _read(name)
    assert str(refused.value.message) == message


def test_an_xlsx_that_is_no_workbook_is_refused(app):
    with pytest.raises(ImportRefused, match="Excel"):
        read_table(b"PK\x03\x04 but not a zip at all", "liste.xlsx")


@pytest.mark.parametrize(
    "content", [b"", b"   \r\n", b"\xef\xbb\xbf"], ids=["empty", "blank", "bom"]
)
def test_empty_files_are_refused(app, content):
    with pytest.raises(ImportRefused) as refused:
        read_table(content, "liste.csv")
    assert str(refused.value.message) == "Die Datei ist leer."


def test_more_than_5000_rows_are_refused(app):
    content = "Vorname;Nachname\n" + "Uwe;Schneidewind\n" * 5001
    with pytest.raises(ImportRefused, match="mehr als 5000 Zeilen"):
        read_table(content.encode(), "liste.csv")


def test_a_file_without_a_name_column_names_the_missing_column(setting):
    visit, planner, wuppertal = setting
    table = _read("broken_no_name_column.csv")
    with pytest.raises(ImportRefused, match="Keine Spalte enthält die Namen"):
        check(table, guess_mapping(table.header), planner, visit, wuppertal)
    assert _counts() == (0, 0)


def test_duplicate_and_invalid_rows_are_named_and_nothing_is_saved(setting):
    visit, planner, wuppertal = setting
    table = _read("broken_duplicate_emails.csv")
    preview = check(table, guess_mapping(table.header), planner, visit, wuppertal)

    assert [(row.number, row.problems) for row in preview.rows if row.problems] == [
        (4, ["E-Mail: dieselbe Adresse wie in Zeile 2."]),
        (5, ["Name: fehlt.", "E-Mail: „jonas at wuppertal“ ist keine gültige Adresse."]),
    ]
    with pytest.raises(InvalidInput, match="Zeilen mit Problemen: 2"):
        apply(preview, planner, visit)
    db.session.rollback()
    assert _counts() == (0, 0)


def test_a_clean_file_imports_every_row_and_reuses_known_people(setting):
    visit, planner, wuppertal = setting
    known = factories.person(wuppertal, "Schneidewind", email="uwe.schneidewind@wuppertal.example")
    factories.participation(visit, known)  # known to Bochum from its own visit
    db.session.commit()
    table = _read("delegation_utf8_bom.csv")
    preview = check(table, guess_mapping(table.header), planner, visit, wuppertal)

    assert preview.rows[0].existing == known
    created, added = apply(preview, planner, visit)
    db.session.commit()

    assert (created, added) == (2, 2)
    people = db.session.scalars(select(Person).order_by(Person.id)).all()
    assert [(p.first_name, p.last_name, p.organisation.name) for p in people] == [
        ("Uwe", "Schneidewind", "Wuppertal"),
        ("Jürgen-Maria", "Müller-Lüdenscheidt", "Wuppertal"),
        ("Gößwein", "Özdemir", "Wuppertal"),
    ]
    assert (people[0].academic_title, people[0].phone) == ("Prof. Dr.", "+49 202 563 0")
    assert people[1].dietary_needs == "vegetarisch"


def test_a_guest_planner_may_import_only_its_own_delegation(setting):
    visit, _, wuppertal = setting
    guest_planner = factories.user(wuppertal, Role.PLANNER)
    content = "Vorname;Nachname;Organisation\nThomas;Eiskirch;Bochum\nUwe;Schneidewind;Wuppertal\n"
    table = read_table(content.encode(), "liste.csv")

    preview = check(table, guess_mapping(table.header), guest_planner, visit, wuppertal)

    assert [(row.number, row.problems) for row in preview.rows] == [
        (2, ["Organisation: Sie dürfen die Liste von Bochum nicht ändern."]),
        (3, []),
    ]


def test_rows_of_an_organisation_that_does_not_take_part_are_problems(setting):
    visit, planner, wuppertal = setting
    table = read_table(b"Nachname;Organisation\nSierau;Dortmund\n", "liste.csv")
    preview = check(table, guess_mapping(table.header), planner, visit, wuppertal)
    assert preview.rows[0].problems == [
        "Organisation: „Dortmund“ nimmt an diesem Besuch nicht teil."
    ]


def test_a_full_name_column_is_split_into_first_and_last_name(setting):
    visit, planner, wuppertal = setting
    table = read_table(b"Name;E-Mail\nUwe Schneidewind;uwe@wuppertal.example\n", "l.csv")
    preview = check(table, guess_mapping(table.header), planner, visit, wuppertal)
    assert (preview.rows[0].values["first_name"], preview.rows[0].values["last_name"]) == (
        "Uwe", "Schneidewind"
    )  # fmt: skip
