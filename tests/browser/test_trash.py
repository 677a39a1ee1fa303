"""A planner deletes an item and a visit in the browser, is asked first, and restores them."""

import re
from datetime import date

from playwright.sync_api import expect

from planner.enums import Role
from planner.extensions import db
from tests import factories
from tests.browser.conftest import log_in
from tests.factories import PASSWORD


def _for(action: str, title: str) -> re.Pattern:
    """Return the accessible name of a button for one row: "Löschen: Pressefoto"."""
    return re.compile(rf"^{action}\s*:\s*{title}$")


def test_planner_deletes_after_confirming_and_restores_from_the_trash(live_server, page):
    bochum = factories.organisation("Bochum")
    planner = factories.user(bochum, Role.PLANNER, name="Lena Hoffmann")
    wuppertal = factories.organisation("Wuppertal")
    visit = factories.visit(
        bochum, [wuppertal], first_day=date(2026, 12, 10), title="Austausch mit Wuppertal"
    )
    factories.item(visit, "2026-12-10 10:00", "2026-12-10 10:30", "Begrüßung")
    factories.item(visit, "2026-12-10 10:30", "2026-12-10 11:00", "Pressefoto")
    db.session.commit()
    log_in(page, live_server, planner.email, PASSWORD)
    agenda = page.locator("table.agenda")

    # Deleting an item asks first; going back deletes nothing.
    page.goto(f"{live_server}/visits/{visit.id}")
    page.get_by_role("link", name=_for("Löschen", "Pressefoto")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("„Pressefoto“ löschen?")
    page.get_by_role("link", name="Nein, zurück zum Besuch").click()
    expect(agenda).to_contain_text("Pressefoto")

    page.get_by_role("link", name=_for("Löschen", "Pressefoto")).click()
    page.get_by_role("button", name="Programmpunkt in den Papierkorb legen").click()
    expect(page.get_by_text("„Pressefoto“ liegt jetzt im Papierkorb")).to_be_visible()
    expect(agenda).not_to_contain_text("Pressefoto")

    # The whole draft visit, then both back from the trash.
    page.get_by_role("link", name="Besuchsentwurf löschen").click()
    expect(page.get_by_text("Mit in den Papierkorb: 1 Programmpunkt.")).to_be_visible()
    page.get_by_role("button", name="Besuch in den Papierkorb legen").click()
    expect(page.get_by_text("„Austausch mit Wuppertal“ liegt jetzt im Papierkorb")).to_be_visible()

    page.get_by_role("link", name="Papierkorb").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Papierkorb")
    page.get_by_role("button", name=_for("Wiederherstellen", "Pressefoto")).click()
    expect(page.get_by_text("„Austausch mit Wuppertal“ liegt im Papierkorb")).to_be_visible()
    page.get_by_role("button", name=_for("Wiederherstellen", "Austausch mit Wuppertal")).click()
    expect(page.get_by_text("„Austausch mit Wuppertal“ wurde wiederhergestellt.")).to_be_visible()
    page.get_by_role("link", name="Papierkorb").click()
    page.get_by_role("button", name=_for("Wiederherstellen", "Pressefoto")).click()
    expect(page.get_by_text("„Pressefoto“ wurde wiederhergestellt.")).to_be_visible()
    expect(agenda).to_contain_text("Begrüßung")
    expect(agenda).to_contain_text("Pressefoto")
    page.get_by_role("link", name="Papierkorb").click()
    expect(page.get_by_text("Der Papierkorb ist leer.")).to_be_visible()
