"""Printing the guest agenda from the browser gives the same programme as the PDF."""

import io

from playwright.sync_api import expect
from pypdf import PdfReader

from planner.enums import Role
from planner.extensions import db
from planner.services.demo import INTERNAL_PARKING_NOTE, load_demo_data
from tests import factories
from tests.browser.conftest import log_in
from tests.factories import PASSWORD


def test_guest_agenda_prints_from_chromium(live_server, page):
    visit = load_demo_data().visit
    guest = factories.user(visit.guest_organisations[0], Role.VIEWER)
    db.session.commit()
    log_in(page, live_server, guest.email, PASSWORD)

    page.goto(f"{live_server}/visits/{visit.id}/print/agenda")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)

    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert len(reader.pages) == 1
    assert "Alle Zeiten: Europe/Berlin" in text
    assert text.index("Begrüßung durch den Oberbürgermeister") < text.index("Abschlussgespräch")
    assert INTERNAL_PARKING_NOTE not in text


def test_the_print_toolbar_works_from_the_keyboard_and_stays_off_paper(live_server, page):
    visit = load_demo_data().visit
    host = factories.user(visit.host_organisation, Role.VIEWER)
    db.session.commit()
    log_in(page, live_server, host.email, PASSWORD)
    page.goto(f"{live_server}/visits/{visit.id}/print/run-sheet")
    # Chromium announces a print dialogue with this event; the test only listens.
    page.evaluate("window.addEventListener('beforeprint', () => { window.printed = true; })")
    toolbar = page.get_by_role("navigation", name="Drucken")

    page.keyboard.press("Tab")
    expect(toolbar.get_by_role("button", name="Drucken")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_function("window.printed === true")
    page.keyboard.press("Tab")
    expect(toolbar.get_by_role("link", name="PDF herunterladen")).to_be_focused()
    page.keyboard.press("Tab")
    expect(toolbar.get_by_role("link", name="Zurück zum Besuch")).to_be_focused()

    page.emulate_media(media="print")
    expect(toolbar).to_be_hidden()
    page.emulate_media(media="screen")
    expect(toolbar).to_be_visible()
    with page.expect_download() as download:
        toolbar.get_by_role("link", name="PDF herunterladen").click()
    assert download.value.suggested_filename == (
        "Ablaufplan-Smart-City-Austausch-Besuch-der-Stadt-Wuppertal-2023-02-23.pdf"
    )
