"""A planner and a guest open an older version and compare it with the latest, in Chromium."""

import re

from playwright.sync_api import Page, expect

from planner.enums import Role
from planner.extensions import db
from planner.services.demo import INTERNAL_PARKING_NOTE, load_demo_data
from tests import factories
from tests.browser.conftest import log_in
from tests.factories import PASSWORD

WELCOME = "Begrüßung durch den Oberbürgermeister"


def _demo_with_two_versions():
    visit = load_demo_data().visit
    visit.items[0].title_de = "Empfang im Ratssaal"
    db.session.commit()
    factories.issue(visit, "Neuer Titel für den Empfang")
    db.session.commit()
    return visit


def _compare(page: Page, older: str, newer: str) -> None:
    page.get_by_label("Von Version").select_option(label=older)
    page.get_by_label("Bis Version").select_option(label=newer)
    page.get_by_role("button", name="Vergleichen").click()


def test_planner_opens_version_one_and_compares_it_with_version_two(live_server, page):
    visit = _demo_with_two_versions()
    planner = factories.user(visit.host_organisation, Role.PLANNER, name="Lena Hoffmann")
    db.session.commit()

    log_in(page, live_server, planner.email, PASSWORD)
    page.goto(f"{live_server}/visits/{visit.id}")
    # Nothing to issue: the working draft is version 2.
    expect(page.get_by_text("Der Arbeitsentwurf entspricht Version 2.")).to_be_visible()
    expect(page.get_by_role("link", name="Version herausgeben")).to_have_count(0)

    page.get_by_role("link", name="Version 1", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Version 1:")
    expect(page.get_by_text("Nicht die aktuelle Version: Version 2 ersetzt sie.")).to_be_visible()
    expect(page.locator("table.agenda")).to_contain_text(WELCOME)
    expect(page.locator("table.agenda")).to_contain_text(INTERNAL_PARKING_NOTE)

    _compare(page, "Version 1", "Version 2")
    expect(page.get_by_role("heading", name="Von Version 1 zu Version 2")).to_be_visible()
    expect(page.locator(".change-list")).to_have_text(
        f"Umbenannt: „{WELCOME}“ in „Empfang im Ratssaal“"
    )

    page.get_by_role("link", name="Version 1", exact=True).click()
    page.get_by_role("link", name=re.compile(r"^Öffnen\W+Programm$")).click()
    expect(page.get_by_text("Version 1 – überholt durch Version 2")).to_be_visible()


def test_guest_reads_the_issued_versions_and_never_the_draft(live_server, page):
    visit = _demo_with_two_versions()
    visit.items[1].title_de = "Noch nicht herausgegebener Titel"
    guest = factories.user(visit.guest_organisations[0], Role.VIEWER)
    db.session.commit()

    log_in(page, live_server, guest.email, PASSWORD)
    page.goto(f"{live_server}/visits/{visit.id}")
    page.get_by_role("link", name="Version 1", exact=True).click()
    expect(page.locator("table.agenda")).to_contain_text(WELCOME)
    expect(page.locator("body")).not_to_contain_text(INTERNAL_PARKING_NOTE)

    _compare(page, "Version 1", "Version 2")
    expect(page.locator(".change-list")).to_have_text(
        f"Umbenannt: „{WELCOME}“ in „Empfang im Ratssaal“"
    )
    expect(page.locator("body")).not_to_contain_text("Noch nicht herausgegebener Titel")
