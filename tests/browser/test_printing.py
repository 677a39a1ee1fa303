"""Printing the guest agenda from the browser gives the same programme as the PDF."""

import io
import re
import unicodedata

from playwright.sync_api import expect
from pypdf import PdfReader

from planner.enums import Role, Side
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


def test_badges_print_ten_to_a_page_from_chromium(live_server, page):
    visit = load_demo_data().visit
    host = factories.user(visit.host_organisation, Role.VIEWER)
    for n in range(13):
        person = factories.person(visit.host_organisation, f"Z{n:02}name", precedence_rank=100 + n)
        factories.participation(visit, person, Side.HOST)
    db.session.commit()
    log_in(page, live_server, host.email, PASSWORD)

    page.goto(f"{live_server}/visits/{visit.id}/print/badges")
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)

    reader = PdfReader(io.BytesIO(pdf))
    # Chromium writes ligatures ("ﬀ"): compare plain letters.
    pages = [
        unicodedata.normalize("NFKC", " ".join(p.extract_text().split())) for p in reader.pages
    ]
    names = [re.findall(r"(Schneidewind|Kücük|Hoffmann|Z\d\dname)", text) for text in pages]
    assert names == [
        ["Schneidewind", "Kücük", "Z00name", "Z01name", "Z02name", "Z03name"],
        [*(f"Z{n:02}name" for n in range(4, 13)), "Hoffmann"],
    ]
    assert pages[0].count("WUPPERTAL") + pages[0].count("BOCHUM") == 10
    assert pages[1].count("BOCHUM") == 10
    assert "Seite" not in " ".join(pages)  # cut sheets carry no page numbers


def test_print_views_fit_a_phone_screen(live_server, page):
    visit = load_demo_data().visit
    host = factories.user(visit.host_organisation, Role.VIEWER)
    db.session.commit()
    log_in(page, live_server, host.email, PASSWORD)
    page.set_viewport_size({"width": 360, "height": 740})

    for document in ("agenda", "run-sheet", "badges", "table-cards", "door-sheets", "seating"):
        page.goto(f"{live_server}/visits/{visit.id}/print/{document}")
        expect(page.get_by_role("link", name="Zurück zum Besuch")).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, document
