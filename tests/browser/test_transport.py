"""The vehicles and seats pages in a browser: accessible, usable without a mouse or
JavaScript's help, and as wide as a phone."""

from playwright.sync_api import Browser, expect
from sqlalchemy import select

from planner.enums import ItemKind, Role
from planner.extensions import db
from planner.models import Ride
from planner.services.demo import load_demo_data
from tests import factories
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import _violations
from tests.browser.test_phones import _overflow
from tests.factories import PASSWORD

PHONE = {"width": 390, "height": 844}


def _demo():
    """The demo visit with its transfer to the station, its car seating the heads."""
    visit = load_demo_data().visit
    planner = factories.user(visit.host_organisation, Role.PLANNER, name="Petra Protokoll")
    transfer = next(item for item in visit.items if item.kind == ItemKind.TRANSFER)
    db.session.commit()
    return visit, planner, transfer


def test_the_transport_pages_have_no_serious_accessibility_violations(live_server, browser):
    visit, planner, transfer = _demo()
    context = browser.new_context(locale="de-DE", bypass_csp=True)
    page = context.new_page()
    log_in(page, live_server, planner.email, PASSWORD)
    car = db.session.scalar(select(Ride.vehicle_id))

    found = {}
    for path in (
        f"/visits/{visit.id}/vehicles",
        f"/visits/{visit.id}/vehicles/new",
        f"/visits/{visit.id}/vehicles/{car}/edit",
        f"/visits/{visit.id}/vehicles/{car}/delete",
        f"/visits/{visit.id}/transfers/{transfer.id}",
        f"/visits/{visit.id}/print/drivers",
    ):
        page.goto(f"{live_server}{path}")
        found[path] = _violations(page)
    # The vehicle form come back with an error, and the proposal filled in.
    page.goto(f"{live_server}/visits/{visit.id}/vehicles/new")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Bitte geben Sie einen Namen ein.")).to_be_visible()
    found["vehicle form with errors"] = _violations(page)
    page.goto(f"{live_server}/visits/{visit.id}/transfers/{transfer.id}")
    page.get_by_role("button", name="Nach protokollarischer Rangfolge vorschlagen").click()
    expect(page.get_by_role("status")).to_contain_text("Vorschlag")
    found["proposal"] = _violations(page)
    context.close()

    assert {path: problems for path, problems in found.items() if problems} == {}


def test_a_planner_seats_someone_by_keyboard_on_a_phone(live_server, browser: Browser):
    visit, planner, transfer = _demo()
    page = browser.new_context(locale="de-DE", viewport=PHONE).new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server, planner.email, PASSWORD)

    page.goto(f"{live_server}/visits/{visit.id}/vehicles")
    vehicles_overflow = _overflow(page)
    page.goto(f"{live_server}/visits/{visit.id}/transfers/{transfer.id}")
    transfer_overflow = _overflow(page)
    page.get_by_label("Sebastian Kopietz").focus()
    page.get_by_label("Sebastian Kopietz").select_option(label="Dienstwagen des Oberbürgermeisters")
    page.get_by_role("button", name="Plätze speichern").press("Enter")

    expect(page.get_by_text("Die Plätze wurden gespeichert.")).to_be_visible()
    expect(page.get_by_text("4 von 3 Plätzen")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="4 Fahrgäste")).to_be_visible()
    assert (vehicles_overflow, transfer_overflow) == ([], [])
