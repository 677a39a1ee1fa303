"""The press pages in a browser: a planner keeps the press list and publishes the press
page; the press opens it on a phone. No serious accessibility violations, no sideways
scrolling at 390 px."""

from playwright.sync_api import Browser, expect

from planner.enums import Role
from planner.extensions import db
from planner.services.demo import load_demo_data
from tests import factories
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import AXE, PHONE, _fits_the_width, _violations
from tests.factories import PASSWORD


def test_press_pages_work_on_a_phone_without_accessibility_violations(
    live_server, browser: Browser
):
    visit = load_demo_data().visit
    planner = factories.user(visit.host_organisation, Role.PLANNER, name="Lena Hoffmann")
    db.session.commit()
    assert AXE.exists()
    context = browser.new_context(locale="de-DE", bypass_csp=True, viewport=PHONE)
    page = context.new_page()
    log_in(page, live_server, planner.email, PASSWORD)
    found, too_wide = {}, []

    def check(name: str) -> None:
        found[name] = _violations(page)
        if not _fits_the_width(page):
            too_wide.append(name)

    page.goto(f"{live_server}/visits/{visit.id}/press")
    page.get_by_role("link", name="Journalistin oder Journalisten hinzufügen").click()
    check("press list entry form")
    page.get_by_label("Medium").fill("Westdeutsche Allgemeine Zeitung, Lokalredaktion Bochum")
    page.get_by_label("Journalist/in").fill("Petra Presse")
    page.get_by_label("E-Mail").fill("petra.presse@waz.example")
    page.get_by_label("Akkreditierung").select_option(label="Akkreditiert")
    page.get_by_label("10:00 Begrüßung durch den Oberbürgermeister").check()
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Die Presseliste wurde gespeichert.")).to_be_visible()

    page.get_by_role("button", name="Presseseite veröffentlichen").click()
    expect(page.get_by_text("Die Presseseite ist veröffentlicht.")).to_be_visible()
    check("press list")
    public_url = page.get_by_role("link", name="/press/").get_attribute("href")

    page.goto(f"{live_server}/visits/{visit.id}/press/release")
    expect(page.get_by_label("Pressemitteilung")).to_contain_text("Bochum, 23. Februar 2023.")
    check("press release")
    page.goto(f"{live_server}/visits/{visit.id}/press/release/regenerate")
    check("confirmation to draft the release again")

    # The press has no login.
    anonymous = browser.new_context(locale="de-DE", bypass_csp=True, viewport=PHONE)
    page = anonymous.new_page()
    page.goto(public_url)
    expect(
        page.get_by_role("heading", name="Begrüßung durch den Oberbürgermeister")
    ).to_be_visible()
    expect(page.get_by_text("Fototermin")).to_be_visible()
    check("public press page")
    anonymous.close()
    context.close()

    assert {name: problems for name, problems in found.items() if problems} == {}
    assert too_wide == []
