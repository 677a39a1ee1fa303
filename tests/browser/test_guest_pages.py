"""The guest organisation's pages in a browser: the invitation to accept, the first
planner's sign-up, and the host's settings of what guests see."""

import pytest
from playwright.sync_api import Browser
from sqlalchemy import select

from planner.enums import GuestState, Role, Side
from planner.extensions import db
from planner.models import User, VisitGuest
from planner.services.signup import signup_link
from tests import factories
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import PHONE, _fits_the_width, _violations
from tests.factories import PASSWORD

NEW_PASSWORD = "ein-sehr-langes-passwort"


def _visit():
    """A visit of Bochum: Essen invited (with a planner), Hattingen known only by name."""
    bochum = factories.organisation("Bochum")
    essen, hattingen = factories.organisation("Essen"), factories.organisation("Hattingen")
    visit = factories.visit(bochum, [], title="Austausch der Stadtwerke und Verkehrsbetriebe")
    for guest in (essen, hattingen):
        visit.guest_links.append(VisitGuest(organisation=guest, state=GuestState.INVITED))
    mayor = factories.person(bochum, "Eiskirch", first_name="Thomas",
                             function="Oberbürgermeister", phone="+49 234 910 1234")  # fmt: skip
    factories.participation(visit, mayor, side=Side.HOST)
    host = factories.user(bochum, Role.PLANNER, name="Petra Protokoll")
    guest = factories.user(essen, Role.PLANNER, name="Gerd Gast")
    db.session.flush()
    with_link = signup_link(visit, hattingen, "Anna Berg", "anna.berg@hattingen.de")
    db.session.commit()
    return visit, hattingen, host, guest, with_link.split("/signup/", 1)[1]


@pytest.fixture
def axe_phone(browser: Browser):
    """A phone-sized tab in which axe-core can be injected."""
    context = browser.new_context(locale="de-DE", bypass_csp=True, viewport=PHONE)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def _check(page, url: str) -> list[str]:
    page.goto(url)
    problems = _violations(page)
    return problems if _fits_the_width(page) else [*problems, "wider than the phone"]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_pages_have_no_serious_violations_and_fit_a_phone(live_server, axe_phone, lang):
    visit, hattingen, host, guest, token = _visit()
    page = axe_phone
    found = {}

    found["sign-up"] = _check(page, f"{live_server}/signup/{token}?lang={lang}")
    page.locator("#password").fill("kurz")
    page.locator("#password_again").fill("kurz")
    page.locator("main form button.primary").click()
    page.locator(".field-error").first.wait_for()
    found["sign-up with errors"] = _violations(page)
    found["invalid sign-up link"] = _check(page, f"{live_server}/signup/forged?lang={lang}")

    log_in(page, live_server, host.email, PASSWORD)
    found["settings"] = _check(page, f"{live_server}/visits/{visit.id}/guest-view?lang={lang}")
    first = f"/visits/{visit.id}/guests/{hattingen.id}/first-planner"
    found["first planner"] = _check(page, f"{live_server}{first}?lang={lang}")
    found["visit page"] = _check(page, f"{live_server}/visits/{visit.id}?lang={lang}")
    page.goto(f"{live_server}/logout")
    page.locator("main form button.primary").click()

    log_in(page, live_server, guest.email, PASSWORD)
    found["invitation"] = _check(page, f"{live_server}/visits/{visit.id}/invitation?lang={lang}")

    assert {name: problems for name, problems in found.items() if problems} == {}


def test_a_guest_planner_accepts_the_invitation_by_clicking_the_button(live_server, page):
    visit, _hattingen, _host, guest, _token = _visit()
    log_in(page, live_server, guest.email, PASSWORD)

    page.goto(f"{live_server}/visits/{visit.id}/invitation")
    page.get_by_role("button", name="Einladung annehmen").click()

    page.get_by_text("Sie haben die Einladung angenommen").wait_for()
    assert page.url == f"{live_server}/visits/{visit.id}"
    assert page.get_by_role("heading", level=1).inner_text() == visit.title


def test_the_first_planner_signs_up_and_accepts_in_the_browser(live_server, page):
    visit, hattingen, _host, _guest, token = _visit()

    page.goto(f"{live_server}/signup/{token}")
    page.get_by_label("Neues Passwort").fill(NEW_PASSWORD)
    page.get_by_label("Passwort wiederholen").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Registrieren").click()
    page.get_by_role("button", name="Einladung annehmen").click()

    page.get_by_text("Sie haben die Einladung angenommen").wait_for()
    user = db.session.scalars(select(User).filter_by(email="anna.berg@hattingen.de")).one()
    assert (user.organisation_id, user.role) == (hattingen.id, Role.PLANNER)
