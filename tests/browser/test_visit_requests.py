"""A guest city's planner asks a host for a visit in the browser, in German and English."""

import pytest
from playwright.sync_api import expect

from planner.enums import Role
from planner.extensions import db
from tests import factories
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import (
    PHONE,
    _fits_the_width,
    _violations,
)
from tests.factories import PASSWORD


def _offices():
    bochum = factories.organisation("Bochum")
    factories.module(bochum, minutes=45, title_de="Digitale Stelen", title_en="Digital steles demo",
                     description_de="Vorführung am Rathaus",
                     description_en="Demonstration at the city hall")  # fmt: skip
    planner = factories.user(factories.organisation("Wuppertal"), Role.PLANNER, name="Uwe Wupper")
    db.session.commit()
    return planner, bochum


# The form's words in each language: host choice, fields, module, button, the page after.
WORDS = {
    "de": {"continue": "Weiter", "title": "Titel", "first": "Erster Tag", "last": "Letzter Tag",
           "size": "Größe der Delegation (Personen)", "module": "Digitale Stelen",
           "language": "Deutsch", "send": "Anfrage senden", "heading": "Besuchsanfrage: "},
    "en": {"continue": "Continue", "title": "Title", "first": "First day", "last": "Last day",
           "size": "Size of the delegation (people)", "module": "Digital steles demo",
           "language": "English", "send": "Send the request", "heading": "Visit request: "},
}  # fmt: skip


@pytest.fixture
def axe_page(browser):
    """A tab in which axe-core can be injected (the app's policy lifted for it)."""
    context = browser.new_context(locale="de-DE", bypass_csp=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_planner_asks_for_a_visit_through_the_form(live_server, axe_page, language):
    planner, bochum = _offices()
    words = WORDS[language]
    page = axe_page
    log_in(page, live_server, planner.email, PASSWORD)
    if language == "en":
        page.get_by_role("button", name="English").click()
    page.goto(f"{live_server}/requests/new")
    page.get_by_role("button", name=words["continue"]).click()

    found = {"request form": _violations(page)}
    page.get_by_label(words["title"], exact=True).fill("Smart-City-Austausch")
    page.get_by_label(words["first"]).first.fill("2027-03-01")
    page.get_by_label(words["last"]).first.fill("2027-03-02")
    page.get_by_label(words["size"]).fill("6")
    page.get_by_label(words["module"]).check()
    page.get_by_label(words["language"], exact=True).check()
    page.get_by_role("button", name=words["send"]).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        words["heading"] + "Smart-City-Austausch"
    )
    expect(page.get_by_text(words["module"])).to_be_visible()
    found["request page"] = _violations(page)
    page.set_viewport_size(PHONE)
    fits = {"request page": _fits_the_width(page)}
    page.goto(f"{live_server}/requests/new?host={bochum.id}")
    fits["request form"] = _fits_the_width(page)
    found["request form on a phone"] = _violations(page)

    assert found == {"request form": [], "request page": [], "request form on a phone": []}
    assert fits == {"request page": True, "request form": True}


def test_the_host_answers_with_other_days_on_an_accessible_page(live_server, axe_page):
    from datetime import date

    from planner.services.requests import DayOption, RequestValues, create_request

    planner, bochum = _offices()
    host = factories.user(bochum, Role.PLANNER, name="Petra Protokoll")
    visit_request = create_request(planner, RequestValues(
        host_organisation_id=bochum.id, title="Smart-City-Austausch", delegation_size=6,
        options=[DayOption(date(2027, 3, 1), date(2027, 3, 2))]))  # fmt: skip
    db.session.commit()
    page = axe_page
    log_in(page, live_server, host.email, PASSWORD)
    page.goto(f"{live_server}/requests/{visit_request.id}")

    found = {"answer forms": _violations(page)}
    page.get_by_label("Erster Tag").first.fill("2027-03-15")
    page.get_by_label("Letzter Tag").first.fill("2027-03-14")
    page.get_by_role("button", name="Diese Tage vorschlagen").click()
    expect(page.get_by_text("Der letzte Tag kann nicht vor dem ersten liegen.")).to_be_visible()
    found["answer forms with an error"] = _violations(page)
    page.get_by_label("Letzter Tag").first.fill("2027-03-16")
    page.get_by_role("button", name="Diese Tage vorschlagen").click()
    expect(page.get_by_text("Ihr Vorschlag wurde gesendet.")).to_be_visible()
    page.set_viewport_size(PHONE)

    assert found == {"answer forms": [], "answer forms with an error": []}
    assert _fits_the_width(page)
