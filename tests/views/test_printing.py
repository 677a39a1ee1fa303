"""Printed documents: print views and PDFs of the reference visit and of a large one."""

import io
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import tinycss2
from pypdf import PdfReader

from planner.enums import ItemStatus, Language, Role, Side
from planner.extensions import db
from planner.models import AgendaItem, Participation, Person
from planner.services.branding import set_logo
from planner.services.demo import INTERNAL_PARKING_NOTE, load_demo_data
from planner.services.versions import issue_version, load_for_snapshot
from tests import factories
from tests.helpers import page_text

DOCUMENTS = ["agenda", "run-sheet", "attendees", "badges", "table-cards", "door-sheets"]


def _pdf(response) -> tuple[int, str]:
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), " ".join(text.split())


@pytest.fixture(params=["sqlite"])
def database(request):
    """PDF rendering does not depend on the database; the data loading is tested on both."""
    return request.param


@pytest.fixture
def demo(app):
    return load_demo_data().visit


@pytest.fixture
def host(demo, login):
    user = factories.user(demo.host_organisation, Role.VIEWER)
    login(user)
    return user


def test_guest_agenda_pdf_has_the_programme_but_no_internal_notes_or_phones(client, host, demo):
    pages, text = _pdf(client.get(f"/visits/{demo.id}/print/agenda.pdf"))

    assert pages == 1
    assert "Programm" in text
    assert "Alle Zeiten: Europe/Berlin" in text
    assert "Donnerstag, 23. Februar 2023" in text
    assert text.index("Begrüßung durch den Oberbürgermeister") < text.index("Abschlussgespräch")
    assert "Empfang der Delegation und Eintrag ins Goldene Buch." in text
    assert "INTERN" not in text
    assert "+49" not in text
    assert "Seite 1 von 1" in text


def test_run_sheet_has_notes_participants_phones_and_needs_for_hosts(client, host, demo):
    kuecuek = next(p.person for p in demo.participations if p.person.last_name == "Kücük")
    kuecuek.dietary_needs = "vegetarisch"
    db.session.commit()

    _, text = _pdf(client.get(f"/visits/{demo.id}/print/run-sheet.pdf"))

    assert INTERNAL_PARKING_NOTE in text
    assert "+49 234 555 0142" in text
    assert "vegetarisch" in text
    assert "Teilnehmende (7)" in text
    assert "Verantwortlich: Lena Hoffmann" in text


def test_guests_may_not_print_the_run_sheet(client, login, demo):
    login(factories.user(demo.guest_organisations[0], Role.PLANNER))
    assert client.get(f"/visits/{demo.id}/print/run-sheet").status_code == 403
    assert client.get(f"/visits/{demo.id}/print/run-sheet.pdf").status_code == 403
    assert client.get(f"/visits/{demo.id}/print/agenda.pdf").status_code == 200


def test_attendee_list_is_in_protocol_order_guests_first(client, host, demo):
    _, text = _pdf(client.get(f"/visits/{demo.id}/print/attendees.pdf"))
    order = ["Schneidewind", "Albers", "Reuter", "Eiskirch", "Kopietz", "Kücük", "Hoffmann"]
    positions = [text.index(name) for name in order]
    assert positions == sorted(positions)
    assert "Herr Prof. Dr. Uwe Schneidewind" in text


def test_english_labels_when_chosen(client, host, demo):
    _, text = _pdf(client.get(f"/visits/{demo.id}/print/agenda.pdf?lang=en"))
    assert "All times: Europe/Berlin" in text
    assert "Thursday, 23 February 2023" in text
    assert "Page 1 of 1" in text


def test_an_english_print_has_the_items_english_texts(client, host, demo):
    _, english = _pdf(client.get(f"/visits/{demo.id}/print/agenda.pdf?lang=en"))
    _, german = _pdf(client.get(f"/visits/{demo.id}/print/agenda.pdf"))
    run_sheet = page_text(client.get(f"/visits/{demo.id}/print/run-sheet?lang=en"))

    assert "10:00–10:30 Welcome by the Lord Mayor" in english
    assert "Reception of the delegation and signing of the Golden Book." in english
    assert 'Smart City Innovation Unit: the "Bochumer Modell"' in english
    assert "Begrüßung" not in english
    assert "10:00–10:30 Begrüßung durch den Oberbürgermeister" in german
    assert "Welcome" not in german
    assert "Welcome by the Lord Mayor" in run_sheet


def test_an_english_visit_prints_in_english_and_falls_back_to_german_texts(client, host, demo):
    demo.language = Language.EN
    demo.items[0].title_en = ""
    db.session.commit()
    issue_version(load_for_snapshot(demo.id), None, "Ohne englischen Titel")
    db.session.commit()

    _, text = _pdf(client.get(f"/visits/{demo.id}/print/agenda.pdf"))

    assert "All times: Europe/Berlin" in text
    assert "10:00–10:30 Begrüßung durch den Oberbürgermeister" in text
    assert "10:30–11:15 Digital information steles demo" in text


def test_an_edited_agenda_prints_as_a_draft_on_host_documents_only(client, host, demo):
    demo.items[0].title_de = "Empfang im Ratssaal"
    db.session.commit()

    _, run_sheet = _pdf(client.get(f"/visits/{demo.id}/print/run-sheet.pdf"))
    _, agenda = _pdf(client.get(f"/visits/{demo.id}/print/agenda.pdf"))

    assert "ENTWURF" in run_sheet
    assert "Empfang im Ratssaal" in run_sheet
    assert "ENTWURF" not in agenda
    assert "Begrüßung durch den Oberbürgermeister" in agenda


def test_every_document_has_a_print_view(client, host, demo):
    for document in DOCUMENTS:
        response = client.get(f"/visits/{demo.id}/print/{document}")
        assert response.status_code == 200, document
        assert "print.css" in response.get_data(as_text=True)
    assert client.get(f"/visits/{demo.id}/print/invoice").status_code == 404


def _large_visit(demo) -> int:
    visit = factories.visit(demo.host_organisation, demo.guest_organisations,
                            first_day=demo.first_day, last_day=demo.first_day + timedelta(days=2),
                            title="Großer Besuch")  # fmt: skip
    rooms = [factories.room(demo.host_organisation, f"Saal {n}", capacity=200) for n in range(3)]
    start = datetime.combine(demo.first_day, datetime.min.time())
    db.session.add_all(
        AgendaItem(
            visit=visit,
            kind="session",
            title_de=f"Programmpunkt {n:02}",
            room=rooms[n % 3],
            description_de="Austausch über Projekte der Stadtverwaltung. " * 3,
            starts_at=start + timedelta(days=n // 20, hours=8, minutes=30 * (n % 20)),
            ends_at=start + timedelta(days=n // 20, hours=8, minutes=30 * (n % 20) + 25),
            uid=f"large-{n}@planner.test",
        )  # fmt: skip
        for n in range(60)
    )
    guests = demo.guest_organisations[0]
    for n in range(120):
        person = Person(organisation=guests if n % 2 else demo.host_organisation,
                        last_name=f"Teilnehmer{n:03}", first_name="Vorname",
                        function="Referent", precedence_rank=n)  # fmt: skip
        db.session.add(Participation(visit=visit, person=person,
                                     side=Side.GUEST if n % 2 else Side.HOST))  # fmt: skip
    db.session.commit()
    issue_version(load_for_snapshot(visit.id), None, "Groß")
    db.session.commit()
    return visit.id


def test_a_large_visit_prints_plausibly(client, host, demo):
    visit_id = _large_visit(demo)

    agenda_pages, agenda = _pdf(client.get(f"/visits/{visit_id}/print/agenda.pdf"))
    badge_pages, badges = _pdf(client.get(f"/visits/{visit_id}/print/badges.pdf"))
    card_pages, _ = _pdf(client.get(f"/visits/{visit_id}/print/table-cards.pdf"))
    door_pages, doors = _pdf(client.get(f"/visits/{visit_id}/print/door-sheets.pdf"))
    _, people = _pdf(client.get(f"/visits/{visit_id}/print/attendees.pdf"))

    assert 3 <= agenda_pages <= 12  # one day per page at least
    assert badge_pages == 12  # 120 badges, 10 per page
    assert card_pages == 120
    assert door_pages == 9  # three rooms on three days
    assert "Programmpunkt 59" in agenda
    guests = [int(n) for n in re.findall(r"Teilnehmer(\d{3})", people)]
    odd, even = [n for n in guests if n % 2], [n for n in guests if not n % 2]
    assert guests == odd + even  # delegation first, then hosts
    assert odd == sorted(odd)
    assert even == sorted(even)
    assert "Teilnehmer000" in badges


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6300010000050001"
    "0d0a2db40000000049454e44ae426082"
)
SVG_OK = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<rect width="10" height="10" fill="#0b4f8a"/></svg>'
)
SVG_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
SVG_EXTERNAL = (
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
    b'<image xlink:href="http://169.254.169.254/latest/meta-data"/></svg>'
)


@pytest.fixture
def admin(demo, login):
    user = factories.user(demo.host_organisation, Role.ADMIN)
    login(user)
    return user


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("logo.svg", SVG_SCRIPT, "Die Zeichnung enthält Skripte oder eingebettete Inhalte."),
        ("logo.svg", SVG_EXTERNAL, "Die Zeichnung verweist auf andere Dateien."),
        ("logo.png", b"GIF89a not a png", "Die Datei ist kein PNG-Bild."),
        ("logo.gif", b"GIF89a", "Bitte laden Sie eine PNG- oder SVG-Datei hoch."),
    ],
    ids=["svg-script", "svg-external", "fake-png", "gif"],
)
def test_unsafe_or_unusable_logos_are_refused(client, admin, demo, filename, content, message):
    response = client.post(
        "/admin/branding",
        data={
            "accent_colour": "#123456",
            "logo": (io.BytesIO(content), filename),
            "lock_version": str(demo.host_organisation.lock_version),
        },
        content_type="multipart/form-data",
    )
    assert f'id="logo-error">{message}' in response.get_data(as_text=True)
    db.session.expire_all()
    assert demo.host_organisation.logo is None
    assert demo.host_organisation.accent_colour == "#0b4f8a"


def test_a_logo_over_512_kb_is_refused(app, demo):
    # Checked on the service: the test client cannot upload so much without leaking a file.
    from planner.services.errors import InvalidInput

    with pytest.raises(InvalidInput, match="höchstens 512 KB"):
        set_logo(demo.host_organisation, "logo.png", PNG + b"\0" * 600_000)


def test_logo_and_colour_appear_on_the_printouts(client, admin, demo):
    client.post(
        "/admin/branding",
        data={
            "accent_colour": "#7A1F2B",
            "logo": (io.BytesIO(SVG_OK), "wappen.svg"),
            "lock_version": str(demo.host_organisation.lock_version),
        },
        content_type="multipart/form-data",
    )
    db.session.expire_all()
    assert (demo.host_organisation.logo_mime, demo.host_organisation.accent_colour) == (
        "image/svg+xml", "#7a1f2b"
    )  # fmt: skip

    logo = client.get(f"/branding/{demo.host_organisation_id}/logo")
    assert logo.data == SVG_OK
    assert "sandbox" in logo.headers["Content-Security-Policy"]
    theme = client.get(f"/branding/{demo.host_organisation_id}/theme.css")
    assert theme.get_data(as_text=True) == ":root { --accent: #7a1f2b; }\n"
    view = client.get(f"/visits/{demo.id}/print/agenda").get_data(as_text=True)
    assert f'src="/branding/{demo.host_organisation_id}/logo"' in view
    pages, _ = _pdf(client.get(f"/visits/{demo.id}/print/agenda.pdf"))
    assert pages == 1


def test_branding_is_seen_only_by_organisations_that_share_a_visit(app, client, login, demo):
    set_logo(demo.host_organisation, "logo.png", PNG)
    db.session.commit()
    logo = f"/branding/{demo.host_organisation_id}/logo"
    theme = f"/branding/{demo.host_organisation_id}/theme.css"
    login(factories.user(demo.guest_organisations[0], Role.VIEWER))
    assert client.get(logo).data == PNG
    assert client.get(theme).status_code == 200

    client.post("/logout")
    login(factories.user(factories.organisation("Dortmund"), Role.ADMIN))
    assert client.get(logo).status_code == 404
    assert client.get(theme).status_code == 404


def test_pdf_rendering_fetches_nothing_from_the_network(app):
    """Text that reaches a template is escaped; even raw HTML cannot make the server fetch."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from planner.services.pdf import render_pdf

    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the standard library's name)
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_port
    try:
        with app.test_request_context():
            render_pdf(
                f'<img src="http://127.0.0.1:{port}/image.png">'
                f'<link rel="stylesheet" href="http://127.0.0.1:{port}/style.css">'
                f'<img src="file:///etc/passwd"><p>Text</p>'
            )
    finally:
        server.shutdown()
        server.server_close()
    assert hits == []


def test_the_pdf_is_given_the_print_stylesheets_only(client, host, demo):
    view = client.get(f"/visits/{demo.id}/print/run-sheet").get_data(as_text=True)
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)"', view) == [
        "/static/css/print.css",
        "/static/css/print-de.css",
        f"/branding/{demo.host_organisation_id}/theme.css",
    ]


def _paper_rules(rules: list) -> Iterator:
    """Yield the style rules of a stylesheet that apply on paper, in and out of @media."""
    for rule in rules:
        if rule.type == "at-rule" and rule.lower_at_keyword == "media" and rule.content:
            if "screen" not in tinycss2.serialize(rule.prelude):
                yield from _paper_rules(tinycss2.parse_blocks_contents(rule.content, True, True))
        elif rule.type == "qualified-rule":
            yield rule


def test_printed_documents_use_no_grid_and_no_float(app):
    """WeasyPrint lays out every grid item twice, once only to measure it (the run sheet of
    60 items took three times as long), and draws floats apart from the text, so that the
    PDF's text would list a page's times before its titles."""
    sheet = (Path(app.static_folder) / "css" / "print.css").read_text(encoding="utf-8")
    found = []
    for rule in _paper_rules(tinycss2.parse_stylesheet(sheet, True, True)):
        selector = tinycss2.serialize(rule.prelude).strip()
        for declaration in tinycss2.parse_blocks_contents(rule.content, True, True):
            if declaration.type != "declaration":
                continue
            name, value = declaration.lower_name, tinycss2.serialize(declaration.value).strip()
            if (name == "display" and "grid" in value) or (name == "float" and value != "none"):
                found.append(f"{selector} {{ {name}: {value} }}")
    assert found == []


def test_the_guest_agenda_prints_the_issued_title_until_a_new_version(client, host, demo):
    demo.title = "Neuer Arbeitstitel"
    db.session.commit()
    _, agenda = _pdf(client.get(f"/visits/{demo.id}/print/agenda.pdf"))
    assert "Smart-City-Austausch: Besuch der Stadt Wuppertal" in agenda
    assert "Neuer Arbeitstitel" not in agenda


def _pages(response) -> list[str]:
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def _dortmund(demo, **fields):
    """Add and issue a visit whose title needs transliterating."""
    visit = factories.visit(
        demo.host_organisation,
        demo.guest_organisations,
        first_day=date(2027, 3, 10),
        last_day=date(2027, 3, 11),
        title="Delegation Dortmund: Mobilität & Klimaschutz",
        **fields,
    )
    factories.item(
        visit, "2027-03-10 10:00", "2027-03-10 11:00", "Begrüßung", room=demo.items[0].room
    )
    db.session.commit()
    factories.issue(visit)
    db.session.commit()
    return visit


@pytest.mark.parametrize(
    ("document", "lang", "name"),
    [
        ("agenda", "", "Programm"),
        ("run-sheet", "", "Ablaufplan"),
        ("attendees", "", "Teilnehmerliste"),
        ("badges", "", "Namensschilder"),
        ("table-cards", "", "Tischkarten"),
        ("door-sheets", "", "Tuerschilder"),
        ("agenda", "en", "Agenda"),
        ("run-sheet", "en", "Run-sheet"),
        ("attendees", "en", "Attendees"),
        ("badges", "en", "Badges"),
        ("table-cards", "en", "Table-cards"),
        ("door-sheets", "en", "Door-sheets"),
    ],
    ids=lambda value: value or "de",
)
def test_pdf_file_names_are_in_the_documents_language_and_plain_letters(
    client, host, demo, document, lang, name
):
    visit = _dortmund(demo)
    response = client.get(f"/visits/{visit.id}/print/{document}.pdf?lang={lang}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{name}-Delegation-Dortmund-Mobilitaet-Klimaschutz-2027-03-10.pdf"'
    )


def test_the_pdf_of_an_issued_version_names_its_number(client, host, demo):
    visit = _dortmund(demo)
    response = client.get(f"/visits/{visit.id}/versions/1/print/agenda.pdf?lang=en")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="Agenda-Delegation-Dortmund-Mobilitaet-Klimaschutz-2027-03-10'
        '-Version-1.pdf"'
    )


def test_badges_fill_ten_per_page_in_protocol_order(client, host, demo):
    visit = _dortmund(demo)
    guests, hosts = demo.guest_organisations[0], demo.host_organisation
    # Alphabetical order would be the reverse: protocol order puts the heads first.
    for n in range(23):
        side = Side.GUEST if n < 12 else Side.HOST
        org = guests if side == Side.GUEST else hosts
        person = factories.person(org, f"Z{99 - n:02}name", first_name="Eva", precedence_rank=n)
        factories.participation(visit, person, side)
    db.session.commit()

    pages = _pages(client.get(f"/visits/{visit.id}/print/badges.pdf"))

    assert len(pages) == 3
    names = [re.findall(r"Z(\d{2})name", page) for page in pages]
    expected = [f"{99 - n:02}" for n in range(23)]
    assert names == [expected[:10], expected[10:20], expected[20:]]
    assert not any("Seite" in page for page in pages)  # cut sheets carry no page numbers


def test_a_long_run_sheet_never_splits_an_item_from_its_lines(client, host, demo):
    visit = _dortmund(demo)
    start = datetime(2027, 3, 10, 8, 0)
    items = [
        factories.item(
            visit,
            f"{start + timedelta(minutes=20 * n):%Y-%m-%d %H:%M}",
            f"{start + timedelta(minutes=20 * n + 15):%Y-%m-%d %H:%M}",
            f"Punkt {n:02}",
            description="Austausch über Projekte. " * (4 + n % 5),
            internal_notes=f"Notiz {n:02}",
        )  # fmt: skip
        for n in range(24)
    ]
    for n, item in enumerate(items):
        person = factories.person(demo.host_organisation, f"Gast{n:02}", first_name="Eva")
        factories.participation(visit, person, Side.HOST, attends_all_items=False, items=[item])
    db.session.commit()

    pages = _pages(client.get(f"/visits/{visit.id}/print/run-sheet.pdf"))

    assert len(pages) >= 3
    for n in range(24):
        page = next(page for page in pages if f"Punkt {n:02}" in page)
        assert f"Notiz {n:02}" in page, n
        assert f"Teilnehmende (1): Eva Gast{n:02}" in page, n


def test_the_print_view_has_a_toolbar_that_the_pdf_leaves_out(client, host, demo):
    view = client.get(f"/visits/{demo.id}/print/badges").get_data(as_text=True)
    english = client.get(f"/visits/{demo.id}/print/agenda?lang=en").get_data(as_text=True)
    _, text = _pdf(client.get(f"/visits/{demo.id}/print/badges.pdf"))

    assert '<button type="button" class="print-button" hidden>Drucken</button>' in view
    assert f'<a href="/visits/{demo.id}/print/badges.pdf">PDF herunterladen</a>' in view
    assert f'<a href="/visits/{demo.id}">Zurück zum Besuch</a>' in view
    assert f'<a href="/visits/{demo.id}/print/agenda.pdf?lang=en">Download PDF</a>' in english
    version = client.get(f"/visits/{demo.id}/versions/1/print/agenda").get_data(as_text=True)
    assert f'<a href="/visits/{demo.id}/versions/1/print/agenda.pdf">PDF herunterladen</a>' in (
        version
    )
    assert 'src="/static/js/print.js"' in view
    assert "<script>" not in view
    assert "Drucken" not in text
    assert "PDF herunterladen" not in text
    assert "Zurück zum Besuch" not in text


def test_door_sheets_leave_out_cancelled_items_and_the_zone(client, host, demo):
    closing = next(item for item in demo.items if item.title_de == "Abschlussgespräch")
    closing.status = ItemStatus.CANCELLED
    db.session.commit()
    factories.issue(demo, "Abschluss abgesagt")
    db.session.commit()

    _, text = _pdf(client.get(f"/visits/{demo.id}/print/door-sheets.pdf"))
    view = page_text(client.get(f"/visits/{demo.id}/print/door-sheets"))

    assert "Begrüßung durch den Oberbürgermeister" in text
    assert "Abschlussgespräch" not in text
    assert "Abschlussgespräch" not in view
    assert "Europe/Berlin" not in text
    assert "Alle Zeiten" not in view


def test_the_run_sheet_prints_room_and_building_access_on_lines_of_their_own(client, host, demo):
    room = demo.items[0].room
    room.accessibility_notes = "Rampe am Seiteneingang"
    room.venue.accessibility_notes = "Aufzug im Foyer"
    db.session.commit()

    view = client.get(f"/visits/{demo.id}/print/run-sheet").get_data(as_text=True)

    assert '<p class="place-note">Zugang zum Raum: Rampe am Seiteneingang</p>' in view
    assert '<p class="place-note">Zugang zum Gebäude: Aufzug im Foyer</p>' in view
