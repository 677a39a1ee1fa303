"""A planner changes an item and reads what happened in the visit's history, on a phone too."""

from playwright.sync_api import Page, expect

from planner.enums import Role
from planner.extensions import db
from planner.services.demo import load_demo_data
from tests import factories
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import _violations
from tests.factories import PASSWORD

PHONE = {"width": 360, "height": 740}


def _fits_the_width(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_planner_moves_an_item_and_reads_it_in_the_history(live_server, page):
    visit = load_demo_data().visit
    planner = factories.user(visit.host_organisation, Role.PLANNER, name="Petra Protokoll")
    db.session.commit()
    closing = next(item for item in visit.items if item.title_de == "Abschlussgespräch")

    log_in(page, live_server, planner.email, PASSWORD)
    page.goto(f"{live_server}/visits/{visit.id}/items/{closing.id}/edit")
    page.get_by_label("Beginn", exact=True).fill("13:30")
    page.get_by_label("Ende", exact=True).fill("14:00")
    page.get_by_label("Raum").select_option(label="Besprechungsraum 2.14, Rathaus Bochum")
    page.get_by_role("button", name="Speichern").click()
    if page.get_by_role("button", name="Trotzdem speichern").count():
        page.get_by_role("button", name="Trotzdem speichern").click()
    page.goto(f"{live_server}/visits/{visit.id}")
    page.get_by_role("link", name="Verlauf der Änderungen").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Verlauf von")
    history = page.locator("ol.history")
    expect(history.first).to_contain_text(
        "Petra Protokoll hat „Abschlussgespräch“ von 13:15 auf 13:30 verschoben und in "
        "Besprechungsraum 2.14 verlegt."
    )
    expect(page.get_by_text("Alle Zeiten: Europe/Berlin")).to_be_visible()

    page.get_by_label("Art der Änderung").select_option(label="Herausgegebene Versionen")
    page.get_by_role("button", name="Anzeigen").click()
    expect(page.locator("ol.history")).to_have_count(1)
    expect(page.locator("ol.history")).to_contain_text("Version 1 herausgegeben")
    expect(page.locator("ol.history")).not_to_contain_text("verschoben")
    expect(page.get_by_label("Art der Änderung")).to_have_value("versions")

    page.get_by_label("Geändert von").select_option(label="Petra Protokoll")
    page.get_by_label("Art der Änderung").select_option(label="Alle Änderungen")
    page.get_by_role("button", name="Anzeigen").click()
    expect(page.locator("ol.history li")).to_have_count(1)
    expect(page.locator("ol.history")).to_contain_text("verschoben")

    page.set_viewport_size(PHONE)
    assert _fits_the_width(page)
    expect(page.locator("ol.history")).to_be_visible()


def test_the_history_and_the_audit_trail_are_accessible_on_a_phone(live_server, browser):
    visit = load_demo_data().visit
    admin = factories.user(visit.host_organisation, Role.ADMIN, name="Anna Admin")
    item = visit.items[0]
    item.title_de = "Begrüßung im Ratssaal"
    db.session.commit()
    context = browser.new_context(locale="de-DE", bypass_csp=True, viewport=PHONE)
    page = context.new_page()
    found = {}
    try:
        log_in(page, live_server, admin.email, PASSWORD)
        for path in (
            f"/visits/{visit.id}/history",
            f"/visits/{visit.id}/history?kind=agenda&actor=none",
            f"/visits/{visit.id}/history?lang=en",
            "/admin/audit",
            "/admin/audit?kind=logins",
        ):
            page.goto(f"{live_server}{path}")
            too_wide = [] if _fits_the_width(page) else ["wider than a phone"]
            found[path] = too_wide + _violations(page)
    finally:
        context.close()

    assert {path: problems for path, problems in found.items() if problems} == {}
