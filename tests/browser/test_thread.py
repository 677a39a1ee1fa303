"""The thread of a visit in a browser: written and read in German and English, on a phone,
without serious accessibility violations."""

import pytest
from playwright.sync_api import Browser, expect

from planner.enums import Role
from planner.extensions import db
from planner.services.demo import load_demo_data
from tests import factories
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import PHONE, _fits_the_width, _violations
from tests.factories import PASSWORD


@pytest.fixture
def offices():
    """The demo visit with a planner of its host (Bochum) and of its guest (Wuppertal)."""
    visit = load_demo_data().visit
    [wuppertal] = visit.guest_organisations
    host = factories.user(visit.host_organisation, Role.PLANNER, name="Petra Protokoll")
    guest = factories.user(wuppertal, Role.PLANNER, name="Walter Wupper")
    db.session.commit()
    return visit, host, guest


def _phone(browser: Browser):
    context = browser.new_context(locale="de-DE", viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def test_host_and_guest_write_and_read_the_thread_in_german_on_a_phone(
    live_server, browser, offices
):
    visit, host, guest = offices
    context, page = _phone(browser)
    log_in(page, live_server, host.email, PASSWORD)
    page.goto(f"{live_server}/visits/{visit.id}")
    page.get_by_role("link", name="Nachrichten", exact=True).click()
    page.get_by_label("An").select_option(label="Nur Wuppertal")
    page.get_by_label("Nachricht", exact=True).fill(
        "Willkommen in Bochum! Parkplätze sind reserviert."
    )
    page.get_by_role("button", name="Nachricht senden").click()

    expect(page.get_by_text("Willkommen in Bochum! Parkplätze sind reserviert.")).to_be_visible()
    expect(page.get_by_text("Nur zwischen Bochum und Wuppertal")).to_be_visible()
    assert _violations(page) == []
    assert _fits_the_width(page)
    context.close()

    context, page = _phone(browser)
    log_in(page, live_server, guest.email, PASSWORD)
    page.goto(f"{live_server}/visits/{visit.id}")
    page.get_by_role("link", name="Nachrichten (1 neu)").click()

    message = page.get_by_role("listitem").filter(has_text="Willkommen in Bochum!")
    expect(message.get_by_text("Neu", exact=True)).to_be_visible()
    expect(message.get_by_text("Petra Protokoll")).to_be_visible()
    assert _violations(page) == []
    assert _fits_the_width(page)
    context.close()


def test_a_guest_writes_to_the_host_in_english(live_server, browser, offices):
    visit, _host, guest = offices
    context, page = _phone(browser)
    log_in(page, live_server, guest.email, PASSWORD)
    page.get_by_role("button", name="English").click()
    page.goto(f"{live_server}/visits/{visit.id}/thread")
    expect(page.get_by_role("heading", name="Write a message")).to_be_visible()

    page.get_by_label("To").select_option(label="Only the host, Bochum")
    page.get_by_label("Message", exact=True).fill("We arrive by train at 9:40.")
    page.get_by_role("button", name="Send message").click()

    expect(page.get_by_text("We arrive by train at 9:40.")).to_be_visible()
    expect(page.locator(".thread").get_by_text("Walter Wupper")).to_be_visible()
    expect(page.get_by_text("Between Bochum and Wuppertal only")).to_be_visible()
    assert _violations(page) == []
    assert _fits_the_width(page)
    context.close()
