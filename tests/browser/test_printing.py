"""Printing the guest agenda from the browser gives the same programme as the PDF."""

import io

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
