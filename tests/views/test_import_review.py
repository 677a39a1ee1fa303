"""Reviewing an uploaded list: organisations mapped, cells corrected, rows imported in parts."""

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from planner.enums import Role, Side
from planner.extensions import db
from planner.models import Participation, PendingImport, Person
from planner.services.imports import choice_field
from tests import factories
from tests.helpers import form_values, page_text

HEADER = ["Anrede", "Vorname", "Nachname", "Funktion", "Organisation", "E-Mail"]
DORTMUND_LIST = [
    ["Herr", "Thomas", "Westphal", "Oberbürgermeister", "Stadt Dortmund", "ob@dortmund.example"],
    ["Frau", "Jörg", "Stüdemann", "Stadtdirektor", "Stadt Dortmund", "sd@dortmund.example"],
    ["Frau", "Gül", "Yılmaz", "Fahrerin", "Busreisen Ruhr GmbH", "fahrdienst@busreisen.example"],
]


def _xlsx(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Teilnehmerliste Besuch in Bochum"])  # a title row above the header
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv_cp1252(rows: list[list[str]]) -> bytes:
    # A title line above the header, as German Excel saves it.
    lines = ["Teilnehmerliste Besuch in Bochum;;;;;", ";".join(HEADER)]
    lines += [";".join(row) for row in rows]
    # "Yılmaz" has a dotless i, which Windows-1252 lacks: German Excel writes "?".
    return ("\r\n".join(lines) + "\r\n").encode("cp1252", errors="replace")


FORMATS = [
    pytest.param(_xlsx, "Teilnehmer.xlsx", id="xlsx-openpyxl"),
    pytest.param(_csv_cp1252, "Teilnehmer.csv", id="csv-semicolon-cp1252"),
]


@pytest.fixture
def setting(app):
    """A visit of Dortmund to Bochum and two Bochum planners."""
    bochum, dortmund = factories.organisation("Bochum"), factories.organisation("Dortmund")
    visit = factories.visit(bochum, [dortmund], title="Besuch aus Dortmund")
    planner = factories.user(bochum, Role.PLANNER)
    colleague = factories.user(bochum, Role.PLANNER)
    db.session.commit()
    return visit, planner, colleague


def _upload(client, visit, content: bytes, name: str) -> str:
    response = client.post(
        f"/visits/{visit.id}/import",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, page_text(response)
    return response.headers["Location"]


def _people() -> list[tuple]:
    return [
        (p.last_name, p.organisation.name, p.company, part.side)
        for part in db.session.scalars(select(Participation).order_by(Participation.id))
        for p in [part.person]
    ]


@pytest.mark.parametrize(("make", "name"), FORMATS)
def test_a_city_list_with_a_hired_driver_imports_after_mapping_in_the_preview(
    client, login, setting, make, name
):
    visit, planner, _ = setting
    login(planner)
    content = make(DORTMUND_LIST)
    review = _upload(client, visit, content, name)

    first = client.get(review)
    text = page_text(first)
    assert "„Stadt Dortmund“ (2 Zeilen)" in text
    assert "Erkannt als Dortmund." in text
    assert "Zeile 5 – Organisation: „Busreisen Ruhr GmbH“ nimmt an diesem Besuch nicht teil." in (
        text
    )
    values = form_values(first)
    # "Delegation von" names the guest, not the host.
    assert values["organisation"] == str(visit.guest_organisations[0].id)
    dortmund = visit.guest_organisations[0]
    values[choice_field("busreisen ruhr gmbh")] = f"company-{dortmund.id}"
    mapped = client.post(review, data={**values, "action": "preview"})
    assert "Busreisen Ruhr GmbH (Dortmund)" in page_text(mapped)
    assert "3 Zeilen importieren" in page_text(mapped)

    done = client.post(review, data={**form_values(mapped), "action": "import"})

    assert done.status_code == 302
    assert _people() == [
        ("Westphal", "Dortmund", "", Side.GUEST),
        ("Stüdemann", "Dortmund", "", Side.GUEST),
        ("Yılmaz" if name.endswith(".xlsx") else "Y?lmaz", "Dortmund", "Busreisen Ruhr GmbH",
         Side.GUEST),
    ]  # fmt: skip
    participants = page_text(client.get(f"/visits/{visit.id}/participants"))
    assert "Busreisen Ruhr GmbH (Dortmund)" in participants
    assert db.session.scalar(select(func.count()).select_from(PendingImport)) == 0


def test_a_driver_the_host_hires_comes_under_the_host(client, login, setting):
    visit, planner, _ = setting
    login(planner)
    review = _upload(client, visit, _csv_cp1252(DORTMUND_LIST), "liste.csv")
    values = form_values(client.get(review))
    values[choice_field("busreisen ruhr gmbh")] = f"company-{visit.host_organisation_id}"

    mapped = client.post(review, data={**values, "action": "preview"})
    client.post(review, data={**form_values(mapped), "action": "import"})

    driver = db.session.scalar(select(Person).where(Person.company != ""))
    assert (driver.organisation.name, driver.company) == ("Bochum", "Busreisen Ruhr GmbH")
    side = db.session.scalar(select(Participation.side).where(Participation.person == driver))
    assert side == Side.HOST


BROKEN = [
    ["Herr", "Thomas", "Westphal", "Oberbürgermeister", "Dortmund", "ob@dortmund.example"],
    ["Frau", "Birgit", "Zoerner", "Stadträtin", "Dortmund", "birgit at dortmund"],
    ["Herr", "Jonas", "", "Referent", "Dortmund", "jonas@dortmund.example"],
]


def test_bad_rows_are_corrected_in_the_preview_and_then_imported(client, login, setting):
    visit, planner, _ = setting
    login(planner)
    review = _upload(client, visit, _csv_cp1252(BROKEN), "liste.csv")
    first = client.get(review)
    text = page_text(first)
    assert "Zeile 4 – E-Mail: „birgit at dortmund“ ist keine gültige Adresse." in text
    assert "Zeile 5 – Name: fehlt." in text
    assert 'id="cell-4-5" name="cell-4-5" value="birgit at dortmund"' in first.get_data(
        as_text=True
    )

    values = {**form_values(first), "cell-4-5": "birgit.zoerner@dortmund.example",
              "cell-5-2": "Kleine"}  # fmt: skip
    corrected = client.post(review, data={**values, "action": "preview"})
    assert "Zeilen mit Problemen" not in page_text(corrected)
    client.post(review, data={**form_values(corrected), "action": "import"})

    people = db.session.scalars(select(Person).order_by(Person.id)).all()
    assert [(p.last_name, p.email) for p in people] == [
        ("Westphal", "ob@dortmund.example"),
        ("Zoerner", "birgit.zoerner@dortmund.example"),
        ("Kleine", "jonas@dortmund.example"),
    ]


def test_importing_the_rows_without_problems_keeps_the_others_listed(client, login, setting):
    visit, planner, _ = setting
    login(planner)
    review = _upload(client, visit, _csv_cp1252(BROKEN), "liste.csv")
    values = form_values(client.get(review))

    partly = client.post(review, data={**values, "action": "import-clean"}, follow_redirects=True)

    text = page_text(partly)
    assert "Importiert: 1 Teilnehmende hinzugefügt, davon 1 neu." in text
    assert "2 Zeilen mit Problemen bleiben unten zur Korrektur erhalten." in text
    assert "1 Zeile dieser Datei ist bereits importiert." in text
    assert "Zeile 4 – E-Mail: „birgit at dortmund“ ist keine gültige Adresse." in text
    assert "Zeile 5 – Name: fehlt." in text
    assert "Westphal" not in text
    assert _people() == [("Westphal", "Dortmund", "", Side.GUEST)]

    rest = {**form_values(partly), "cell-4-5": "bz@dortmund.example", "cell-5-2": "Kleine"}
    client.post(review, data={**rest, "action": "preview"})
    client.post(review, data={"action": "import", "version": str(_version())})

    assert [row[0] for row in _people()] == ["Westphal", "Zoerner", "Kleine"]
    assert db.session.scalar(select(func.count()).select_from(PendingImport)) == 0


def _version() -> int:
    db.session.expire_all()
    return db.session.scalar(select(PendingImport.lock_version))


def test_two_planners_correcting_one_upload_do_not_overwrite_each_other(
    app, client, login, setting
):
    visit, planner, colleague = setting
    login(planner)
    review = _upload(client, visit, _csv_cp1252(BROKEN), "liste.csv")
    other = app.test_client()
    other.post("/login", data={"email": colleague.email, "password": factories.PASSWORD})
    mine = form_values(client.get(review))
    theirs = form_values(other.get(review))

    client.post(review, data={**mine, "cell-4-5": "birgit@dortmund.example"})
    refused = other.post(review, data={**theirs, "cell-4-5": "zoerner@dortmund.example"})

    text = page_text(refused)
    assert "Jemand anderes hat diesen Import inzwischen geändert." in text
    assert "Ihre nicht gespeicherten Korrekturen: Zeile 4: „zoerner@dortmund.example“" in text
    assert 'value="birgit@dortmund.example"' not in refused.get_data(as_text=True)  # row is ok
    pending = db.session.scalar(select(PendingImport))
    db.session.refresh(pending)
    assert pending.parsed["review"]["corrections"] == {"4:5": "birgit@dortmund.example"}


def test_an_import_from_a_page_opened_before_a_correction_imports_nothing(
    app, client, login, setting
):
    visit, planner, colleague = setting
    login(planner)
    review = _upload(client, visit, _csv_cp1252(BROKEN), "liste.csv")
    other = app.test_client()
    other.post("/login", data={"email": colleague.email, "password": factories.PASSWORD})
    theirs = form_values(other.get(review))

    client.post(review, data={**form_values(client.get(review)), "cell-5-2": "Kleine"})
    refused = other.post(review, data={**theirs, "action": "import-clean"})

    assert "Jemand anderes hat diesen Import inzwischen geändert." in page_text(refused)
    assert db.session.scalar(select(func.count()).select_from(Participation)) == 0


def test_a_correction_longer_than_a_cell_may_be_is_refused(app_factory, setting):
    visit, planner, _ = setting
    small = app_factory(IMPORT_MAX_CELL_CHARS=40).test_client()
    small.post("/login", data={"email": planner.email, "password": factories.PASSWORD})
    review = _upload(small, visit, _csv_cp1252(BROKEN), "liste.csv")
    values = form_values(small.get(review))

    refused = small.post(review, data={**values, "cell-5-2": "K" * 41})

    assert "Zeile 5: eine Zelle ist länger als 40 Zeichen." in page_text(refused)
    assert "review" not in db.session.scalar(select(PendingImport.parsed))


def test_another_office_cannot_open_an_upload(app, client, login, setting):
    visit, planner, _ = setting
    login(planner)
    review = _upload(client, visit, _csv_cp1252(BROKEN), "liste.csv")
    guest = factories.user(visit.guest_organisations[0], Role.PLANNER)
    db.session.commit()
    other = app.test_client()
    other.post("/login", data={"email": guest.email, "password": factories.PASSWORD})

    assert other.get(review).status_code == 404
    assert other.post(review, data={"action": "import"}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Participation)) == 0


def test_a_persons_company_is_edited_and_shown_with_the_organisation(client, login, setting):
    visit, planner, _ = setting
    driver = factories.person(visit.guest_organisations[0], "Yılmaz", first_name="Gül")
    factories.participation(visit, driver)
    login(planner)
    form = form_values(client.get(f"/people/{driver.id}/edit"))

    client.post(f"/people/{driver.id}/edit", data={**form, "company": "Busreisen Ruhr GmbH"})

    assert "Firma Busreisen Ruhr GmbH" in page_text(client.get(f"/people/{driver.id}"))
    assert "Busreisen Ruhr GmbH (Dortmund)" in page_text(client.get("/people?q=Yılmaz"))
