"""Participants, who attends what, imports and exports through the pages."""

import csv
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from planner.enums import Role, Side, VisitStatus
from planner.extensions import db
from planner.models import AuditEntry, Participation, PendingImport, Person, Visit
from planner.services.demo import PROGRAMME as DEMO_PROGRAMME
from planner.services.demo import load_demo_data
from tests import factories
from tests.helpers import count_queries, form_values, page_text
from tests.hostile_files import (
    MB,
    cost,
    dimension_bomb,
    largest_csv,
    shared_strings_bomb,
    wide_csv,
)

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def demo(app):
    return load_demo_data().visit


@pytest.fixture
def host_planner(demo, login):
    user = factories.user(demo.host_organisation, Role.PLANNER)
    login(user)
    return user


def _csv_rows(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_csv_export_lists_guests_then_hosts_in_protocol_order(client, host_planner, demo):
    response = client.get(f"/visits/{demo.id}/attendees.csv")

    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="teilnehmende-besuch-' in response.headers["Content-Disposition"]
    rows = _csv_rows(response)
    assert rows[0][:6] == ["Seite", "Rang", "Anrede", "Titel", "Vorname", "Nachname"]
    assert [(row[0], row[5]) for row in rows[1:]] == [
        ("Gast", "Schneidewind"), ("Gast", "Albers"), ("Gast", "Reuter"),
        ("Gastgeber", "Eiskirch"), ("Gastgeber", "Kopietz"), ("Gastgeber", "Kücük"),
        ("Gastgeber", "Hoffmann"),
    ]  # fmt: skip
    assert b"\r\n" in response.get_data()


def test_formula_shaped_cells_are_exported_neutralised(client, host_planner, demo):
    guest = demo.guest_organisations[0]
    name = '=HYPERLINK("http://evil.example";"Klick")'
    factories.participation(
        demo, factories.person(guest, name, function="@SUM(A1)", phone="+49 202 1")
    )
    db.session.commit()

    rows = _csv_rows(client.get(f"/visits/{demo.id}/attendees.csv"))
    evil = next(row for row in rows if "HYPERLINK" in row[5])
    assert evil[5] == '\'=HYPERLINK("http://evil.example";"Klick")'
    assert evil[7] == "'@SUM(A1)"
    assert evil[10] == "'+49 202 1"

    workbook = load_workbook(io.BytesIO(client.get(f"/visits/{demo.id}/attendees.xlsx").data))
    cells = [cell for row in workbook.active.iter_rows() for cell in row]
    formula_cell = next(cell for cell in cells if "HYPERLINK" in str(cell.value))
    # In a workbook every cell is stored as text: no formula runs when it is opened.
    assert formula_cell.data_type == "s"
    assert formula_cell.value == '=HYPERLINK("http://evil.example";"Klick")'
    assert {cell.data_type for cell in cells if cell.value is not None} == {"s"}


def test_exported_csv_reimports_to_the_same_people(client, host_planner, demo):
    exported = client.get(f"/visits/{demo.id}/attendees.csv").get_data()
    people_before = db.session.scalar(select(func.count()).select_from(Person))
    other = factories.visit(demo.host_organisation, demo.guest_organisations, title="Rückbesuch")
    db.session.commit()

    response = client.post(
        f"/visits/{other.id}/import",
        data={
            "file": (io.BytesIO(exported), "export.csv"),
            "organisation": demo.guest_organisations[0].id,
        },
        content_type="multipart/form-data",
    )
    review = response.headers["Location"]
    client.post(review, data={"action": "import", "organisation": demo.guest_organisations[0].id})

    assert db.session.scalar(select(func.count()).select_from(Person)) == people_before
    original = {(p.person_id, p.side) for p in demo.participations}
    copied = db.session.scalars(select(Participation).where(Participation.visit_id == other.id))
    assert {(p.person_id, p.side) for p in copied} == original


def test_import_preview_shows_problems_by_row_and_field_and_saves_nothing(
    client, host_planner, demo
):
    people_before = db.session.scalar(select(func.count()).select_from(Person))
    content = (DATA / "broken_duplicate_emails.csv").read_bytes()
    response = client.post(
        f"/visits/{demo.id}/import",
        data={
            "file": (io.BytesIO(content), "liste.csv"),
            "organisation": demo.guest_organisations[0].id,
        },
        content_type="multipart/form-data",
    )
    review = client.get(response.headers["Location"])
    text = page_text(review)

    assert "Zeile 4 – E-Mail: dieselbe Adresse wie in Zeile 2." in text
    assert "Zeile 5 – Name: fehlt." in text
    assert "Entspricht Prof. Dr. Uwe Schneidewind, bereits gespeichert." in text
    assert "Zeilen importieren" not in text

    forced = client.post(response.headers["Location"], data={"action": "import"})
    assert "Zeilen mit Problemen: 2. Es wurde nichts importiert." in page_text(forced)
    assert db.session.scalar(select(func.count()).select_from(Person)) == people_before


def test_the_column_mapping_can_be_corrected(client, host_planner, demo):
    content = "Kürzel;Wer\nUS;Schneidewind\n".encode()
    response = client.post(
        f"/visits/{demo.id}/import",
        data={
            "file": (io.BytesIO(content), "liste.csv"),
            "organisation": demo.guest_organisations[0].id,
        },
        content_type="multipart/form-data",
    )
    first = client.get(response.headers["Location"])
    assert "Keine Spalte enthält die Namen" in page_text(first)

    corrected = client.post(
        response.headers["Location"], data={"column-0": "", "column-1": "last_name"}
    )
    assert "1 Zeile importieren" in page_text(corrected)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("broken_wrong_type.pdf", "Bitte laden Sie eine .csv- oder .xlsx-Datei hoch."),
        ("broken_binary_renamed.csv", "Das ist keine CSV-Datei: sie enthält Binärdaten."),
    ],
    ids=["wrong-type", "binary"],
)
def test_unusable_uploads_are_refused_at_the_file_field(client, host_planner, demo, name, message):
    response = client.post(
        f"/visits/{demo.id}/import",
        data={"file": (io.BytesIO((DATA / name).read_bytes()), name),
              "organisation": demo.guest_organisations[0].id},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 200
    assert f'id="file-error">{message}' in response.get_data(as_text=True)


def test_uploads_over_the_size_limit_are_refused(app_factory, demo):
    small_app = app_factory(IMPORT_MAX_BYTES=100)
    planner = factories.user(demo.host_organisation, Role.PLANNER)
    db.session.commit()
    client = small_app.test_client()
    client.post("/login", data={"email": planner.email, "password": factories.PASSWORD})
    response = client.post(
        f"/visits/{demo.id}/import",
        data={"file": (io.BytesIO(b"Nachname\n" + b"Schneidewind\n" * 20), "liste.csv"),
              "organisation": demo.guest_organisations[0].id},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert "Die Datei ist größer als 0.0 MB." in page_text(response)


def test_a_request_body_over_the_limit_is_refused_before_it_is_read(app_factory, demo):
    small_app = app_factory(MAX_CONTENT_LENGTH=2_000_000)
    planner = factories.user(demo.host_organisation, Role.PLANNER)
    db.session.commit()
    client = small_app.test_client()
    client.post("/login", data={"email": planner.email, "password": factories.PASSWORD})
    # The body as a browser sends it; its declared length alone decides.
    response = client.post(
        f"/visits/{demo.id}/import",
        data=b"--x\r\n" + b"x" * 2_100_000,
        content_type="multipart/form-data; boundary=x",
    )
    assert response.status_code == 413
    assert "Zu groß" in page_text(response)
    assert "größer als 2 MB" in page_text(response)


def test_a_guest_planner_cannot_remove_a_host(client, login, demo):
    login(factories.user(demo.guest_organisations[0], Role.PLANNER))
    host = next(p for p in demo.participations if p.side == Side.HOST)

    assert client.post(f"/visits/{demo.id}/participants/{host.id}/remove").status_code == 403
    assert db.session.get(Participation, host.id) is not None


def test_a_guest_planner_adds_a_new_member_of_its_own_delegation(client, login, demo):
    wuppertal = demo.guest_organisations[0]
    demo.status = VisitStatus.CONFIRMED  # guests change their list while it is open
    login(factories.user(wuppertal, Role.PLANNER))

    response = client.post(f"/visits/{demo.id}/participants/new", data={
        "new-organisation": str(wuppertal.id), "new-first_name": "Anna", "new-last_name": "Neu",
        "new-language": "de", "new-email": "anna.neu@wuppertal.example",
    })  # fmt: skip

    assert response.status_code == 302, re.findall(r"field-error[^<]*<", response.get_data(True))
    person = db.session.scalar(select(Person).where(Person.last_name == "Neu"))
    assert person.organisation_id == wuppertal.id
    part = db.session.scalar(select(Participation).where(Participation.person_id == person.id))
    assert (part.visit_id, part.side) == (demo.id, Side.GUEST)


@pytest.mark.parametrize("status", [VisitStatus.COMPLETED, VisitStatus.CANCELLED])
def test_a_closed_visit_is_read_only_for_its_guests_but_not_for_its_hosts(
    client, login, demo, status
):
    demo.status = status
    wuppertal, bochum = demo.guest_organisations[0], demo.host_organisation
    guest_planner = factories.user(wuppertal, Role.PLANNER)
    newcomer = factories.person(wuppertal, "Neu")
    colleague = factories.person(bochum, "Kollegin")
    login(guest_planner)

    page = page_text(client.get(f"/visits/{demo.id}"))
    refused = client.post(
        f"/visits/{demo.id}/participants/add", data={"existing-person": str(newcomer.id)}
    )
    removal = client.post(
        f"/visits/{demo.id}/participants/{demo.participations[0].id}/remove",
        data={"confirm": "yes"},
    )
    client.post("/logout")
    login(factories.user(bochum, Role.PLANNER))
    added = client.post(
        f"/visits/{demo.id}/participants/add", data={"existing-person": str(colleague.id)}
    )

    assert "Teilnehmende verwalten" not in page
    assert (refused.status_code, removal.status_code, added.status_code) == (403, 403, 302)
    taking_part = set(
        db.session.scalars(select(Participation.person_id).where(Participation.visit_id == demo.id))
    )
    assert newcomer.id not in taking_part
    assert colleague.id in taking_part
    assert demo.participations[0].person_id in taking_part


def test_ranks_set_the_protocol_order(client, host_planner, demo):
    guests = [p for p in demo.participations if p.side == Side.GUEST]
    page = client.get(f"/visits/{demo.id}/participants")
    form = form_values(page, form_id="ranks-form")
    ranks = {f"rank-{p.id}": str(10 - n) for n, p in enumerate(guests)}
    client.post(f"/visits/{demo.id}/participants/ranks", data={**form, **ranks})
    rows = _csv_rows(client.get(f"/visits/{demo.id}/attendees.csv"))
    assert [row[5] for row in rows[1:4]] == ["Reuter", "Albers", "Schneidewind"]


def test_attendance_toggles_per_item_and_per_person(client, host_planner, demo):
    first, second = demo.items[0], demo.items[1]
    mayor = next(p for p in demo.participations if p.person.last_name == "Schneidewind")
    everyone = form_values(client.get(f"/visits/{demo.id}/attendance"))
    assert len([key for key in everyone if key.startswith("a-")]) == len(demo.participations) * len(
        demo.items
    )

    client.post(
        f"/visits/{demo.id}/attendance", data={**everyone, "toggle": f"item-none:{first.id}"}
    )
    db.session.expire_all()
    assert all(not p.attends_all_items and first not in p.items for p in demo.participations)

    nothing = {
        key: value
        for key, value in form_values(client.get(f"/visits/{demo.id}/attendance")).items()
        if not key.startswith("a-")
    }
    client.post(
        f"/visits/{demo.id}/attendance", data={**nothing, "toggle": f"person-all:{mayor.id}"}
    )
    db.session.expire_all()
    mayor = db.session.get(Participation, mayor.id)
    assert mayor.attends_all_items
    assert second in db.session.get(Visit, demo.id).items


def test_the_attendance_matrix_heads_its_columns_in_the_interface_language(
    client, host_planner, demo
):
    english = client.get(f"/visits/{demo.id}/attendance?lang=en").get_data(as_text=True)
    german = client.get(f"/visits/{demo.id}/attendance").get_data(as_text=True)

    assert '<span class="item-title">Welcome by the Lord Mayor</span>' in english
    assert "Schneidewind attends Welcome by the Lord Mayor" in english
    assert '<span class="item-title">Begrüßung durch den Oberbürgermeister</span>' in german


def test_a_guest_planner_cannot_change_what_hosts_attend(client, login, demo):
    demo.status = VisitStatus.CONFIRMED  # guests change their list while it is open
    login(factories.user(demo.guest_organisations[0], Role.PLANNER))
    page = form_values(client.get(f"/visits/{demo.id}/attendance"))
    unticked = {key: value for key, value in page.items() if not key.startswith("a-")}
    client.post(f"/visits/{demo.id}/attendance", data=unticked)
    db.session.expire_all()
    by_side = {p.side: p.attends_all_items for p in db.session.get(Visit, demo.id).participations}
    assert by_side == {Side.GUEST: False, Side.HOST: True}


def _bulk(visit, people: int, items: int):
    org = visit.guest_organisations[0]
    for n in range(items):
        factories.item(visit, "2023-02-23 15:00", "2023-02-23 15:30", f"Punkt {n}")
    for n in range(people):
        factories.participation(
            visit, factories.person(org, f"Gast {n}"), attends_all_items=n % 2 == 0
        )
    db.session.commit()


def test_attendance_page_costs_the_same_queries_however_many_people_and_items(
    client, host_planner, demo
):
    small = factories.visit(demo.host_organisation, [demo.guest_organisations[0]])
    large = factories.visit(demo.host_organisation, [demo.guest_organisations[0]])
    _bulk(small, people=2, items=2)
    _bulk(large, people=30, items=12)
    small_id, large_id = small.id, large.id

    with count_queries(db.engine) as for_small:
        assert client.get(f"/visits/{small_id}/attendance").status_code == 200
    with count_queries(db.engine) as for_large:
        assert client.get(f"/visits/{large_id}/attendance").status_code == 200

    assert for_large.count == for_small.count


def test_a_person_can_be_exported_and_anonymised(client, host_planner, demo):
    mayor = next(p.person for p in demo.participations if p.person.last_name == "Schneidewind")
    mayor.dietary_needs = "vegetarisch"
    db.session.commit()
    mayor_id = mayor.id

    data = client.get(f"/people/{mayor_id}/export.json").get_json()
    assert data["person"]["last_name"] == "Schneidewind"
    assert data["person"]["dietary_needs"] == "vegetarisch"
    assert [p["visit"] for p in data["participations"]] == [demo.title]

    client.post(f"/people/{mayor_id}/anonymise", data={"confirm": "yes"})

    db.session.expire_all()
    person = db.session.get(Person, mayor_id)
    assert (person.last_name, person.first_name, person.email, person.dietary_needs) == (
        "Anonymisiert", "", None, ""
    )  # fmt: skip
    trail = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.object_type == "Person", AuditEntry.object_id == mayor_id
        )
    )
    assert all("Schneidewind" not in str(entry.changes) for entry in trail)
    assert len(db.session.get(Visit, demo.id).items) == len(DEMO_PROGRAMME)


def test_people_purge_anonymises_participants_of_long_past_visits(app, runner, demo):
    from datetime import date, timedelta

    recent = factories.visit(demo.host_organisation, [demo.guest_organisations[0]],
                             first_day=date.today() - timedelta(days=10))  # noqa: DTZ011  # fmt: skip
    still_active = next(p.person for p in demo.participations if p.person.last_name == "Eiskirch")
    factories.participation(recent, still_active, side=Side.HOST)
    db.session.commit()

    result = runner.invoke(args=["people", "purge", "--older-than", "365"])

    assert result.exit_code == 0, result.output
    assert "Anonymised 6 people." in result.output
    names = {p.person.last_name for p in db.session.get(Visit, demo.id).participations}
    assert names == {"Anonymisiert", "Eiskirch"}
    assert len(db.session.get(Visit, demo.id).items) == len(DEMO_PROGRAMME)


def test_people_search_finds_by_name_organisation_and_email(client, host_planner, demo):
    assert "Schneidewind" in page_text(client.get("/people?q=schneide"))
    assert "Schneidewind" in page_text(client.get("/people?q=wuppertal"))
    assert "Schneidewind" not in page_text(client.get("/people?q=kopietz"))


def test_naming_a_city_as_guest_opens_none_of_its_people(client, login, demo):
    bochum = demo.host_organisation
    kopietz = next(p.person for p in demo.participations if p.person.last_name == "Kopietz")
    dortmund = factories.organisation("Dortmund")
    trap = factories.visit(dortmund, [bochum], title="Einladung nach Dortmund")
    login(factories.user(dortmund, Role.PLANNER))

    page = page_text(client.get(f"/visits/{trap.id}/participants"))
    content = f"Vorname;Nachname;Organisation;E-Mail\nX;Gehackt;Bochum;{kopietz.email}\n"
    response = client.post(
        f"/visits/{trap.id}/import",
        data={"file": (io.BytesIO(content.encode()), "l.csv"), "organisation": bochum.id},
        content_type="multipart/form-data",
    )
    review = page_text(client.get(response.headers["Location"]))
    client.post(response.headers["Location"], data={"action": "import"})

    assert "Kopietz" not in page
    assert "Eiskirch" not in page
    assert "E-Mail: diese Adresse kann hier nicht verwendet werden." in review
    assert "Kopietz" not in review
    db.session.expire_all()
    assert db.session.get(Person, kopietz.id).last_name == "Kopietz"


def test_guests_see_only_issued_items_in_the_attendance_matrix(client, login, demo):
    from planner.enums import ItemKind

    demo.status = VisitStatus.CONFIRMED  # guests change their list while it is open
    factories.item(demo, "2023-02-23 08:00", "2023-02-23 08:30", "Interne Vorbesprechung",
                   kind=ItemKind.INTERNAL_HOLD)  # fmt: skip
    factories.item(demo, "2023-02-23 15:00", "2023-02-23 16:00", "Noch nicht herausgegeben")
    login(factories.user(demo.guest_organisations[0], Role.PLANNER))

    page = page_text(client.get(f"/visits/{demo.id}/attendance"))

    assert "Begrüßung durch den Oberbürgermeister" in page
    assert "Interne Vorbesprechung" not in page
    assert "Noch nicht herausgegeben" not in page


@pytest.mark.parametrize(
    "form",
    [{"rank-1": "²"}, {"rank-²": "3"}, {"rank-1": "99999999999999999999"}],
    ids=["superscript-rank", "superscript-key", "huge-rank"],
)
def test_odd_ranks_are_refused_without_an_error(client, host_planner, demo, form):
    response = client.post(f"/visits/{demo.id}/participants/ranks", data=form)
    assert response.status_code == 302


def test_a_broken_workbook_is_refused(app):
    from planner.services.imports import ImportRefused, read_table

    with pytest.raises(ImportRefused, match="Excel"):
        read_table(b"PK\x03\x04" + b"\x00" * 200, "liste.xlsx")


def _upload(client, visit, content: bytes, name: str):
    # Encoded here, in memory: the test client spools large bodies to a file it leaves open.
    boundary, body = encode_multipart(
        {
            "file": FileStorage(io.BytesIO(content), filename=name),
            "organisation": str(visit.guest_organisations[0].id),
        }
    )
    return client.post(
        f"/visits/{visit.id}/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


@pytest.mark.parametrize(
    ("make", "name", "message"),
    [
        (wide_csv, "liste.csv", "Zeile 1 hat mehr als 60 Spalten."),
        (shared_strings_bomb, "liste.xlsx", "Die Excel-Datei entpackt sich auf mehr als 20.0 MB."),
    ],
    ids=["wide-csv", "shared-strings-bomb"],
)
def test_hostile_uploads_are_refused_cheaply_with_the_limit_named(
    client, host_planner, demo, make, name, message
):
    content = make()
    with cost() as spent:
        response = _upload(client, demo, content, name)

    assert response.status_code == 200
    assert f'id="file-error">{message}' in response.get_data(as_text=True)
    assert spent.peak_bytes < 100 * MB
    assert spent.seconds < 5  # a guard against the minutes these files once took
    assert db.session.scalar(select(func.count()).select_from(PendingImport)) == 0


@pytest.mark.parametrize(
    ("make", "name", "rows"),
    [(dimension_bomb, "liste.xlsx", 2), (largest_csv, "liste.csv", 5000)],
    ids=["dimension-bomb", "largest-csv"],
)
def test_large_and_oddly_declared_uploads_are_accepted_cheaply(
    client, host_planner, demo, make, name, rows
):
    content = make()
    with cost() as spent:
        response = _upload(client, demo, content, name)

    assert response.status_code == 302
    assert spent.peak_bytes < 100 * MB
    assert spent.seconds < 5 * len(content) / MB + 5
    pending = db.session.scalar(select(PendingImport))
    assert len(pending.parsed["rows"]) == rows


def test_the_review_reads_the_rows_kept_at_upload_not_the_file(client, host_planner, demo):
    response = _upload(client, demo, b"Vorname;Nachname\nUwe;Schneidewind\n", "liste.csv")
    pending = db.session.scalar(select(PendingImport))
    pending.content = b"Nachname\nSomeone else\n"  # were the file read again, it would show
    db.session.commit()

    review = page_text(client.get(response.headers["Location"]))
    assert "Schneidewind" in review
    assert "Someone else" not in review


def test_choosing_another_character_set_reads_the_file_once_more(client, host_planner, demo):
    content = "Vorname;Nachname\nJürgen;Kücük\n".encode("windows-1252")
    response = _upload(client, demo, content, "liste.csv")
    assert "Jürgen Kücük" in page_text(client.get(response.headers["Location"]))

    as_utf8 = client.post(response.headers["Location"], data={"encoding": "utf-8"})
    assert "Die Zeichen der Datei lassen sich nicht als utf-8 lesen." in page_text(as_utf8)
    again = client.post(response.headers["Location"], data={"encoding": "windows-1252"})
    assert "Jürgen Kücük" in page_text(again)
    assert db.session.scalar(select(PendingImport.parsed_encoding)) == "windows-1252"


def test_a_utf16_unicode_text_list_from_excel_imports(client, host_planner, demo):
    content = (DATA / "delegation_utf16_unicode_text.txt").read_bytes()
    response = _upload(client, demo, content, "Delegation.txt")
    review = client.get(response.headers["Location"])
    assert review.status_code == 200
    client.post(
        response.headers["Location"],
        data={"action": "import", "organisation": demo.guest_organisations[0].id},
    )
    assert (
        db.session.scalar(select(Person.function).where(Person.last_name == "Müller-Lüdenscheidt"))
        == "Büroleitung"
    )
