"""Importing attendee lists: real-world files, their problems, all or nothing."""

import codecs
from pathlib import Path

import pytest
from sqlalchemy import func, select

from planner.enums import Role
from planner.extensions import db
from planner.models import Participation, Person
from planner.services.errors import InvalidInput
from planner.services.imports import (
    DEFAULT_LIMITS,
    ImportRefused,
    Limits,
    apply,
    check,
    default_delegation,
    guess_mapping,
    match_organisation,
    normalise_organisation,
    read_table,
)
from tests import factories
from tests.hostile_files import (
    MB,
    cost,
    dimension_bomb,
    largest_csv,
    replace_part,
    shared_strings_bomb,
    wide_csv,
    xlsx,
)

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


# --- organisation names as lists write them ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "normal"),
    [
        ("Landeshauptstadt Düsseldorf", "duesseldorf"),
        ("Stadt Dortmund", "dortmund"),
        ("  STADT   dortmund ", "dortmund"),
        ("Freie und Hansestadt Hamburg", "hamburg"),
        ("City of Dortmund", "dortmund"),
        ("Stadtverwaltung Mülheim an der Ruhr", "muelheim an der ruhr"),
        ("Gemeinde Holzwickede", "holzwickede"),
        ("Kreis Unna", "unna"),
        ("Förderverein Städtepartnerschaft e.V.", "foerderverein staedtepartnerschaft"),
        ("Dortmund, Stadt", "dortmund"),
        ("Stadt", "stadt"),
        ("Busreisen Ruhr GmbH", "busreisen ruhr gmbh"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_organisation_names_are_folded_for_comparison(name, normal):
    assert normalise_organisation(name) == normal


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Landeshauptstadt Düsseldorf", "Düsseldorf"),
        ("Stadt Dortmund", "Dortmund"),
        ("Duesseldorf", "Düsseldorf"),
        ("Stadt Dortmnud", "Dortmund"),  # a typo
        ("Duisburg", None),
        ("Busreisen Ruhr GmbH", None),
        ("Stadt", None),
    ],
    ids=[
        "landeshauptstadt", "stadt-prefix", "umlaut-spelt-out", "typo", "other-city",
        "bus-company", "only-a-kind-of-body",
    ],
)  # fmt: skip
def test_organisation_names_match_the_visits_organisations(app, name, expected):
    organisations = [factories.organisation("Dortmund"), factories.organisation("Düsseldorf")]
    found = match_organisation(name, organisations)
    assert (found.name if found else None) == expected


def test_dortmund_is_not_taken_for_duisburg(app):
    assert match_organisation("Dortmund", [factories.organisation("Duisburg")]) is None


def test_a_name_equal_after_normalisation_wins_over_a_more_similar_looking_one(app):
    similar, equal = factories.organisation("Dortmunds"), factories.organisation("Dortmund")
    assert match_organisation("Stadt Dortmund", [similar, equal]) == equal


def test_the_default_delegation_is_the_guest_the_file_names_most(app):
    bochum, essen, dortmund = (factories.organisation(name) for name in ("Bochum", "Essen",
                                                                           "Dortmund"))  # fmt: skip
    planner = factories.user(bochum, Role.PLANNER)
    one_guest = factories.visit(bochum, [dortmund])
    two_guests = factories.visit(bochum, [essen, dortmund])
    db.session.commit()
    mostly_dortmund = read_table(
        b"Nachname;Organisation\nA;Stadt Essen\nB;Stadt Dortmund\nC;Dortmund\n", "l.csv"
    )
    mostly_essen = read_table(
        b"Nachname;Organisation\nA;Stadt Essen\nB;Essen\nC;Dortmund\n", "l.csv"
    )
    mapping = ["last_name", "organisation"]

    assert default_delegation(mostly_essen, mapping, planner, one_guest) == dortmund
    assert default_delegation(mostly_dortmund, mapping, planner, two_guests) == dortmund
    assert default_delegation(mostly_essen, mapping, planner, two_guests) == essen


def test_a_company_chosen_for_an_unknown_name_keeps_it_as_the_persons_company(setting):
    visit, planner, wuppertal = setting
    table = read_table(
        "Nachname;Organisation\nSchneidewind;Stadt Wuppertal\nYılmaz;Busreisen Ruhr GmbH\n"
        .encode(), "l.csv",
    )  # fmt: skip
    mapping = guess_mapping(table.header)
    before = check(table, mapping, planner, visit, wuppertal)
    assert [row.problems for row in before.rows] == [
        [], ["Organisation: „Busreisen Ruhr GmbH“ nimmt an diesem Besuch nicht teil."]
    ]  # fmt: skip

    choices = {"busreisen ruhr gmbh": f"company-{wuppertal.id}"}
    preview = check(table, mapping, planner, visit, wuppertal, choices)
    apply(preview, planner, visit)
    db.session.commit()

    people = db.session.scalars(select(Person).order_by(Person.id)).all()
    assert [(p.last_name, p.organisation.name, p.company) for p in people] == [
        ("Schneidewind", "Wuppertal", ""),
        ("Yılmaz", "Wuppertal", "Busreisen Ruhr GmbH"),
    ]


def test_importing_only_the_rows_without_problems_leaves_the_others(setting):
    visit, planner, wuppertal = setting
    table = _read("broken_duplicate_emails.csv")
    preview = check(table, guess_mapping(table.header), planner, visit, wuppertal)

    created, added = apply(preview, planner, visit, only_clean=True)
    db.session.commit()

    assert (created, added) == (preview.clean_count, preview.clean_count)
    assert preview.problem_count == 2


# --- limits: hostile files cost little and are refused with the limit they break ---------

LIMIT_MEMORY = 100 * MB


def _refused(content: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> str:
    with cost() as spent, pytest.raises(ImportRefused) as refused:
        read_table(content, name, limits=limits)
    assert spent.peak_bytes < LIMIT_MEMORY
    assert spent.seconds < 5  # a guard against the minutes these files once took
    return str(refused.value.message)


def _sheet_rows(content: bytes, rows: str) -> bytes:
    return replace_part(
        content,
        "xl/worksheets/sheet1.xml",
        lambda data: data.replace(b"</sheetData>", rows.encode() + b"</sheetData>"),
    )


def test_a_header_of_100000_columns_is_refused_at_its_first_row(app):
    assert _refused(wide_csv(), "liste.csv") == "Zeile 1 hat mehr als 60 Spalten."


def test_empty_cells_at_the_end_of_a_row_do_not_count_as_columns(app):
    table = read_table(b"Nachname" + b";" * 1000 + b"\nSchneidewind" + b";" * 1000, "l.csv")
    assert (table.header, table.rows) == (["Nachname"], [(2, ["Schneidewind"])])


def test_a_cell_over_the_length_limit_is_refused_with_its_row(app):
    content = b"Vorname;Nachname\nUwe;" + b"S" * 2001 + b"\n"
    assert _refused(content, "l.csv") == "Zeile 2: eine Zelle ist länger als 2000 Zeichen."


def test_a_cell_over_the_csv_modules_own_limit_is_refused_with_its_row(app):
    content = b'Vorname;Nachname\nUwe;"' + b"S" * 200_000 + b'"\n'
    assert _refused(content, "l.csv") == "Zeile 2: eine Zelle ist länger als 2000 Zeichen."


def test_rows_are_counted_while_reading_and_refused_past_the_limit(app):
    content = b"Nachname\n" + b"Schneidewind\n" * 1000
    message = _refused(content, "l.csv", Limits(max_rows=100))
    assert message == "Die Datei hat mehr als 100 Zeilen."


def test_a_csv_of_the_largest_size_with_the_most_rows_and_columns_is_read(app):
    content = largest_csv()
    with cost() as spent:
        table = read_table(content, "liste.csv")

    assert (len(table.header), len(table.rows)) == (60, 5000)
    assert table.rows[-1][0] == 5001
    assert spent.peak_bytes < LIMIT_MEMORY
    assert spent.seconds < 5 * 5  # well under a second per megabyte, with room for load


def test_a_sheet_declaring_a_million_rows_and_columns_is_read_as_it_is(app):
    with cost() as spent:
        table = read_table(dimension_bomb(), "liste.xlsx")

    assert table.header == ["Vorname", "Nachname"]
    assert table.rows == [(2, ["Uwe", "Schneidewind"]), (3, ["Dirk", "Albers"])]
    assert spent.peak_bytes < LIMIT_MEMORY
    assert spent.seconds < 5


def test_shared_strings_that_unpack_to_hundreds_of_megabytes_are_refused_unopened(app):
    content = shared_strings_bomb()
    assert len(content) < MB
    assert _refused(content, "liste.xlsx") == "Die Excel-Datei entpackt sich auf mehr als 20.0 MB."


def test_a_part_compressed_more_than_any_list_is_refused(app):
    message = _refused(shared_strings_bomb(unpacked=10 * MB), "liste.xlsx")
    assert message == (
        "Ein Teil der Excel-Datei entpackt sich auf mehr als das 100-Fache seiner gepackten "
        "Größe; das tut keine echte Liste."
    )


def test_a_sheet_with_more_cells_than_a_list_can_have_is_refused_before_openpyxl(app):
    rows = "".join(f'<row r="{n}">' + "<c/>" * 600 + "</row>" for n in range(4, 24))
    content = _sheet_rows(xlsx([["Nachname"], ["Schneidewind"]]), rows)
    message = _refused(content, "liste.xlsx", Limits(max_rows=10, max_columns=5))
    assert message == "Die Excel-Datei enthält mehr als 300 Zellen."


def test_a_row_wider_than_excel_allows_is_refused(app):
    content = _sheet_rows(
        xlsx([["Nachname"], ["Schneidewind"]]), f'<row r="3">{"<c/>" * 20_000}</row>'
    )
    assert _refused(content, "liste.xlsx") == (
        "Das ist kein Excel-Tabellenblatt: eine Zeile hat zu viele Zellen."
    )


def test_a_workbook_with_a_document_type_declaration_is_refused(app):
    content = replace_part(
        xlsx([["Nachname"], ["Schneidewind"]]),
        "xl/workbook.xml",
        lambda data: b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>' + data,
    )
    assert _refused(content, "liste.xlsx") == "Die Excel-Datei kann nicht gelesen werden."


def test_a_sheet_with_data_below_the_last_row_read_is_refused(app):
    content = _sheet_rows(
        xlsx([["Nachname"], ["Schneidewind"]]),
        '<row r="9000"><c r="A9000" t="inlineStr"><is><t>Albers</t></is></c></row>',
    )
    assert _refused(content, "liste.xlsx") == (
        "Das Tabellenblatt hat Daten unterhalb von Zeile 5050; importiert werden können "
        "höchstens 5000 Zeilen."
    )


def test_a_sheet_with_data_in_the_61st_column_is_refused(app):
    content = xlsx([["Nachname"] + [""] * 59 + ["Spalte 61"], ["Schneidewind"]])
    assert _refused(content, "liste.xlsx") == "Zeile 1 hat mehr als 60 Spalten."


# --- UTF-16, as Excel saves "Unicode text" -------------------------------------------------


def test_utf16_unicode_text_as_excel_saves_it_is_read(app):
    table = _read("delegation_utf16_unicode_text.txt")

    assert (table.encoding, table.delimiter) == ("utf-16", "\t")
    assert table.header == ["Anrede", "Titel", "Vorname", "Nachname", "Funktion", "E-Mail"]
    assert [row[3] for _, row in table.rows] == ["Schneidewind", "Müller-Lüdenscheidt"]
    assert table.rows[0][1][4] == "Oberbürgermeister"


@pytest.mark.parametrize(
    "encoded",
    [
        lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    ],
    ids=["little-endian", "big-endian"],
)
def test_utf16_with_semicolons_is_read_whatever_character_set_was_chosen(app, encoded):
    content = encoded("Vorname;Nachname\r\nJürgen;Kücük\r\n")
    table = read_table(content, "liste.csv", "windows-1252")
    assert (table.encoding, table.delimiter, table.rows) == (
        "utf-16", ";", [(2, ["Jürgen", "Kücük"])]
    )  # fmt: skip


def test_a_workbook_with_a_damaged_part_is_refused(app):
    content = bytearray(xlsx([["Nachname"], ["Schneidewind"]]))
    start = content.find(b"xl/worksheets/sheet1.xml") + len(b"xl/worksheets/sheet1.xml")
    content[start + 5 : start + 40] = b"\xff" * 35  # the compressed data, not the header
    assert _refused(bytes(content), "liste.xlsx") == "Die Excel-Datei kann nicht gelesen werden."
