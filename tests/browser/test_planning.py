"""A planner builds a visit in the browser, from the catalogue, and issues it."""

from playwright.sync_api import Page, expect

from planner.enums import Role
from planner.extensions import db
from planner.services.demo import load_demo_data
from tests import factories
from tests.browser.conftest import log_in
from tests.factories import PASSWORD


def _add_from_module(page: Page, module_title: str) -> None:
    page.get_by_label("Baustein").select_option(label=module_title)
    page.get_by_role("button", name="Aus Baustein hinzufügen").click()
    expect(page.get_by_role("heading", name="Neuer Programmpunkt")).to_be_visible()
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Der Programmpunkt wurde gespeichert.")).to_be_visible()


def test_planner_builds_a_visit_sees_the_conflict_and_issues_version_one(live_server, page):
    bochum = load_demo_data().visit.host_organisation
    planner = factories.user(bochum, Role.PLANNER, name="Lena Hoffmann")
    db.session.commit()

    log_in(page, live_server, planner.email, PASSWORD)
    page.get_by_role("link", name="Neuer Besuch").first.click()
    page.get_by_label("Titel").fill("Smart-City-Austausch mit Wuppertal")
    page.get_by_label("Erster Tag").fill("2026-12-10")
    page.get_by_label("Letzter Tag").fill("2026-12-10")
    page.get_by_label("Wuppertal").check()
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Smart-City-Austausch mit Wuppertal")

    _add_from_module(page, "Vorführung der digitalen Infostelen (45 min)")
    _add_from_module(page, "Rundgang mit der App „Rathaus Navi“ (45 min)")
    _add_from_module(page, "Smart City Innovation Unit: das „Bochumer Modell“ (75 min)")

    page.get_by_role("link", name="Leeren Programmpunkt hinzufügen").click()
    page.get_by_label("Titel (Deutsch)").fill("Pressefoto")
    page.get_by_label("Beginn", exact=True).fill("10:15")
    page.get_by_label("Ende", exact=True).fill("10:30")
    page.get_by_role("button", name="Speichern").click()
    warnings = page.get_by_role("alert")
    expect(warnings).to_contain_text("Überschneidet sich mit „Vorführung der digitalen Infostelen“")
    page.get_by_role("button", name="Trotzdem speichern").click()
    expect(page.get_by_text("Trotz Warnungen gespeichert (1).")).to_be_visible()

    times = page.locator("table.agenda td.time").all_inner_texts()
    assert times == ["10:00–10:45", "10:15–10:30", "10:45–11:30", "11:30–12:45"]
    expect(page.locator("table.agenda")).to_contain_text("Überschneidet sich mit „Pressefoto“")

    page.get_by_role("link", name="Version herausgeben").click()
    page.get_by_label("Was hat sich geändert und warum").fill("Erste Fassung für Wuppertal")
    page.get_by_label("Ich habe die offenen Konflikte gesehen und gebe trotzdem heraus").check()
    page.get_by_role("button", name="Version herausgeben").click()
    expect(page.get_by_text("Version 1 wurde herausgegeben.")).to_be_visible()
    expect(page.get_by_text("Erste Fassung für Wuppertal")).to_be_visible()
