"""The gift register and the Golden Book in a browser: accessible, usable on a phone, and
worked with by labels and buttons as a person would."""

import re

from playwright.sync_api import Browser, expect
from sqlalchemy import select

from planner.enums import Role
from planner.extensions import db
from planner.models import Gift, GoldenBookEntry
from planner.services.demo import load_demo_data
from tests import factories
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import PHONE, _violations
from tests.browser.test_phones import _overflow
from tests.factories import PASSWORD


def _demo_pages():
    visit = load_demo_data().visit
    planner = factories.user(visit.host_organisation, Role.PLANNER, name="Petra Protokoll")
    gift = db.session.scalars(select(Gift).order_by(Gift.id)).first()
    entry = db.session.scalars(select(GoldenBookEntry)).one()
    db.session.commit()
    base = f"/visits/{visit.id}"
    paths = [
        f"{base}/gifts",
        f"{base}/gifts/new",
        f"{base}/gifts/{gift.id}/edit",
        f"{base}/gifts/{gift.id}/delete",
        f"{base}/golden-book",
        f"{base}/golden-book/{entry.id}/delete",
        f"{base}/print/golden-book",
    ]
    return visit, planner, paths


def test_the_gift_and_golden_book_pages_have_no_serious_violations_and_fit_a_phone(
    live_server, browser: Browser
):
    visit, planner, paths = _demo_pages()
    found = {}
    for viewport in (None, PHONE):
        context = browser.new_context(locale="de-DE", bypass_csp=True, viewport=viewport)
        page = context.new_page()
        log_in(page, live_server, planner.email, PASSWORD)
        for path in paths:
            page.goto(f"{live_server}{path}")
            found[(path, "phone" if viewport else "desktop")] = _violations(page)
            if viewport:
                found[(path, "phone")] += _overflow(page)
        # The form back with its errors.
        page.goto(f"{live_server}/visits/{visit.id}/gifts/new")
        page.get_by_role("button", name="Speichern").click()
        found[("new gift with errors", str(viewport))] = _violations(page)
        context.close()

    assert {key: problems for key, problems in found.items() if problems} == {}


def test_a_planner_records_a_gift_and_reorders_the_signers_by_buttons(
    live_server, browser: Browser
):
    visit, planner, _paths = _demo_pages()
    context = browser.new_context(locale="de-DE", viewport=PHONE)
    page = context.new_page()
    log_in(page, live_server, planner.email, PASSWORD)

    page.goto(f"{live_server}/visits/{visit.id}")
    page.get_by_role("link", name="Geschenke", exact=True).click()
    page.get_by_role("link", name="Geschenk erfassen").click()
    page.get_by_label("Von unserer Seite erhalten").check()
    page.get_by_label("Geschenk", exact=True).fill("Bildband über das Bergische Land")
    page.get_by_label("Von (andere Schenkende)").fill("Stadt Wuppertal")
    page.get_by_label("An (teilnehmende Person)").select_option(label="Thomas Eiskirch")
    page.get_by_label("Geschätzter Wert in Euro").fill("35,50")
    page.get_by_role("button", name="Speichern").click()

    expect(page.get_by_text("Das Geschenk wurde gespeichert.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Bildband über das Bergische Land")
    expect(row).to_contain_text("meldepflichtig")
    expect(row).to_contain_text("35,50")

    page.get_by_role("link", name="Goldenes Buch").first.click()
    page.get_by_role("button", name=re.compile("^Nach unten.*Schneidewind$")).click()
    expect(page.get_by_text("Die Reihenfolge wurde gespeichert.")).to_be_visible()
    expect(page.locator("ol.signers li").first).to_contain_text("Thomas Eiskirch")
    context.close()
