"""Hosts and escorts carry phones on the day: every page fits a phone's width, every menu
entry can be reached, and a desktop still gets its desktop layout."""

from playwright.sync_api import Browser, Page, expect

from planner.enums import OutboxStatus, Role
from planner.extensions import db
from planner.models import OutboxMessage
from planner.services.demo import load_demo_data
from tests import factories
from tests.browser.conftest import log_in
from tests.factories import PASSWORD

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# What sticks out, for the failure message: the widest elements wider than the window.
TOO_WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
            + ' ' + Math.round(e.getBoundingClientRect().right))
  .slice(0, 8)"""


def _phone_page(browser: Browser, viewport=PHONE) -> Page:
    context = browser.new_context(locale="de-DE", viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def _overflow(page: Page) -> list[str]:
    """Return what makes the page wider than the window (nothing, when it fits)."""
    if page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
        return []
    return page.evaluate(TOO_WIDE) or ["the page scrolls sideways"]


def _demo_with_planner():
    visit = load_demo_data().visit
    planner = factories.user(visit.host_organisation, Role.PLANNER, name="Petra Protokoll")
    db.session.add(
        OutboxMessage(
            visit=visit,
            status=OutboxStatus.DRAFT,
            message_id="<phone@planner.test>",
            to_address="uwe.schneidewind@wuppertal.example",
            subject="Einladung",
            body_text="Guten Tag",
        )  # fmt: skip
    )
    db.session.commit()
    return visit, planner


def test_every_page_of_a_planner_fits_a_phone(live_server, browser):
    visit, planner = _demo_with_planner()
    item = visit.items[0]
    person = visit.participations[0].person
    page = _phone_page(browser)
    log_in(page, live_server, planner.email, PASSWORD)
    paths = [
        "/",
        "/visits",
        f"/visits/{visit.id}",
        "/month/2023/2",
        "/month",
        f"/visits/{visit.id}/items/{item.id}/edit",
        f"/visits/{visit.id}/items/new",
        f"/visits/{visit.id}/edit",
        f"/visits/{visit.id}/participants",
        f"/visits/{visit.id}/attendees",
        f"/visits/{visit.id}/outbox",
        f"/visits/{visit.id}/history",
        f"/visits/{visit.id}/versions/1",
        f"/visits/{visit.id}/issue",
        "/rooms",
        f"/rooms/{item.room_id}/occupancy?day=2023-02-23",
        "/people",
        f"/people/{person.id}",
        f"/people/{person.id}/edit",
        "/modules",
        "/trash",
    ]
    found = {}
    for path in paths:
        page.goto(f"{live_server}{path}")
        found[path] = _overflow(page)

    assert {path: wide for path, wide in found.items() if wide} == {}


def test_the_admin_pages_fit_a_phone(live_server, browser):
    visit = load_demo_data().visit
    admin = factories.user(visit.host_organisation, Role.ADMIN, name="Anna Admin")
    db.session.commit()
    page = _phone_page(browser)
    log_in(page, live_server, admin.email, PASSWORD)
    found = {}
    for path in ("/admin/users", f"/admin/users/{admin.id}", "/admin/audit", "/admin/branding"):
        page.goto(f"{live_server}{path}")
        found[path] = _overflow(page)

    assert {path: wide for path, wide in found.items() if wide} == {}


def test_every_menu_entry_can_be_reached_on_a_phone(live_server, browser):
    visit = load_demo_data().visit
    admin = factories.user(visit.host_organisation, Role.ADMIN, name="Anna Admin")
    db.session.commit()
    page = _phone_page(browser)
    log_in(page, live_server, admin.email, PASSWORD)
    menu = page.get_by_role("navigation", name="Hauptnavigation")
    entries = {
        "Besuche": "/",
        "Monatsansicht": "/month",
        "Programmbausteine": "/modules",
        "Räume": "/rooms",
        "Personen": "/people",
        "Papierkorb": "/trash",
        "Anmeldungen": "/admin/users",
        "Änderungsprotokoll": "/admin/audit",
        "Erscheinungsbild": "/admin/branding",
    }
    for name, path in entries.items():
        page.goto(f"{live_server}/visits")
        link = menu.get_by_role("link", name=name, exact=True)
        expect(link).to_be_in_viewport()
        link.click()
        page.wait_for_url(f"{live_server}{path}")
        assert (path, _overflow(page)) == (path, [])
    # The header's own controls stay within reach too.
    expect(page.get_by_role("button", name="Abmelden")).to_be_in_viewport()
    expect(page.get_by_role("button", name="English")).to_be_in_viewport()


def test_a_desktop_keeps_the_menu_in_one_row_and_tables_as_tables(live_server, browser):
    visit, planner = _demo_with_planner()
    page = _phone_page(browser, DESKTOP)
    log_in(page, live_server, planner.email, PASSWORD)
    page.goto(f"{live_server}/visits/{visit.id}")

    tops = (
        page.get_by_role("navigation", name="Hauptnavigation")
        .get_by_role("link")
        .evaluate_all("links => links.map(link => Math.round(link.getBoundingClientRect().top))")
    )
    assert len(tops) == 6
    assert len(set(tops)) == 1
    header_cells = page.locator("table.agenda thead th")
    expect(header_cells.first).to_be_visible()
    assert page.locator("table.agenda").first.evaluate(
        "table => getComputedStyle(table).display"
    ) == ("table")
    assert _overflow(page) == []


def test_a_host_reads_the_agenda_on_a_phone_as_cards(live_server, browser):
    visit, planner = _demo_with_planner()
    page = _phone_page(browser)
    log_in(page, live_server, planner.email, PASSWORD)
    page.goto(f"{live_server}/visits/{visit.id}")

    welcome = page.locator(f"#item-{visit.items[0].id}")
    expect(welcome).to_be_visible()
    box = welcome.bounding_box()
    assert box is not None
    assert 0 <= box["x"] < box["x"] + box["width"] <= PHONE["width"]
    expect(welcome).to_contain_text("Ort:")
    expect(welcome.get_by_role("button", name="Programmpunkt absagen")).to_be_visible()


def test_the_paged_attendee_list_and_matrix_fit_a_phone(live_server, browser):
    visit, planner = _demo_with_planner()
    for number in range(130):
        person = factories.person(visit.guest_organisations[0], f"Gast {number:03}")
        factories.participation(visit, person)
    db.session.commit()
    page = _phone_page(browser)
    log_in(page, live_server, planner.email, PASSWORD)
    found = {}
    for path in ("attendees?page=2", "attendance?page=2"):
        page.goto(f"{live_server}/visits/{visit.id}/{path}")
        expect(page.get_by_role("link", name="Seite 2")).to_have_attribute("aria-current", "page")
        expect(page.get_by_role("link", name="Nächste Seite")).to_be_visible()
        found[path] = _overflow(page)

    assert {path: wide for path, wide in found.items() if wide} == {}
