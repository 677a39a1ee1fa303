"""Every kind of page passes axe-core's WCAG 2.1 A and AA rules without serious violations."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from planner.enums import OutboxStatus, Role
from planner.extensions import db
from planner.models import OutboxMessage, PendingImport
from planner.services.answers import rsvp_token
from planner.services.demo import load_demo_data
from tests import factories
from tests.browser.conftest import log_in
from tests.browser.test_attendance import two_day_visit
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(os.environ.get("AXE_CORE_PATH", ROOT / ".venv/node/node_modules/axe-core/axe.min.js"))
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DATA = ROOT / "tests" / "data"


def _violations(page) -> list[str]:
    # The app's Content-Security-Policy forbids injected scripts; the test context lifts it.
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", RULES
    )
    return [
        f"{violation['id']} ({violation['impact']}): "
        + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def axe_page(browser: Browser):
    """A tab in which axe-core can be injected."""
    context = browser.new_context(locale="de-DE", bypass_csp=True)
    yield context.new_page()
    context.close()


def test_every_kind_of_page_has_no_serious_accessibility_violations(live_server, axe_page):
    visit = load_demo_data().visit
    host = visit.host_organisation
    admin = factories.user(host, Role.ADMIN, name="Anna Admin")
    item = visit.items[0]
    room = item.room
    module = visit.items[0].module
    person = visit.participations[0].person
    content = (DATA / "broken_duplicate_emails.csv").read_bytes()
    pending = PendingImport(
        token="axe-token",
        visit_id=visit.id,
        user_id=admin.id,
        filename="liste.csv",
        content=content,
    )
    db.session.add(pending)
    draft = OutboxMessage(visit=visit, status=OutboxStatus.DRAFT, message_id="<axe@planner.test>",
                          to_address="uwe@wuppertal.example", subject="Einladung",
                          body_text="Guten Tag")  # fmt: skip
    db.session.add(draft)
    db.session.commit()
    # A second version, so that version 1 is an older one and there is something to compare.
    visit.items[0].title_de = "Empfang im Ratssaal"
    db.session.commit()
    factories.issue(visit, "Neuer Titel für den Empfang")
    db.session.commit()
    token = rsvp_token(visit.participations[0])
    page = axe_page

    page.goto(f"{live_server}/login")
    found = {"/login": _violations(page)}

    log_in(page, live_server, admin.email, PASSWORD)
    paths = [
        "/",
        "/month/2023/2",
        f"/visits/{visit.id}",
        f"/visits/{visit.id}/edit",
        f"/visits/{visit.id}/items/new",
        f"/visits/{visit.id}/items/{item.id}/edit",
        f"/visits/{visit.id}/issue",
        f"/visits/{visit.id}/duplicate",
        f"/visits/{visit.id}/history",
        "/visits/new",
        "/modules",
        f"/modules/{module.id}/edit",
        "/rooms",
        f"/rooms/{room.id}/edit",
        f"/rooms/venues/{room.venue_id}/edit",
        f"/rooms/{room.id}/occupancy?day=2023-02-23",
        "/people",
        f"/people/{person.id}",
        f"/people/{person.id}/edit",
        f"/visits/{visit.id}/participants",
        f"/visits/{visit.id}/attendance",
        f"/visits/{visit.id}/import",
        f"/visits/{visit.id}/import/axe-token",
        f"/visits/{visit.id}/outbox",
        f"/visits/{visit.id}/outbox/{draft.id}",
        f"/rsvp/{token}?answer=accepted",
        "/rsvp/not-a-valid-token",
        f"/visits/{visit.id}/print/agenda",
        f"/visits/{visit.id}/print/run-sheet",
        f"/visits/{visit.id}/versions/1",
        f"/visits/{visit.id}/versions/2",
        f"/visits/{visit.id}/versions/compare?from=1&to=2",
        f"/visits/{visit.id}/versions/1/print/agenda",
        "/admin/branding",
        "/admin/users",
        f"/admin/users/{admin.id}",
        "/admin/audit",
        "/logout",
        "/nowhere",
    ]
    for path in paths:
        page.goto(f"{live_server}{path}")
        found[path] = _violations(page)

    # A form that comes back with errors and conflict warnings.
    page.goto(f"{live_server}/visits/{visit.id}/items/new")
    page.get_by_label("Beginn", exact=True).fill("10:15")
    page.get_by_label("Ende", exact=True).fill("10:00")
    page.get_by_role("button", name="Speichern").click()
    found["item form with errors"] = _violations(page)

    # A form that asks which of the two readings of a repeated time is meant.
    page.goto(f"{live_server}/visits/{visit.id}/items/new")
    page.get_by_label("Tag", exact=True).fill("2023-10-29")
    page.get_by_label("Beginn", exact=True).fill("02:30")
    page.get_by_label("Ende", exact=True).fill("04:00")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_label("02:30 beim zweiten Mal: Winterzeit, UTC+01:00").wait_for()
    found["item form asking about a repeated time"] = _violations(page)

    assert {path: problems for path, problems in found.items() if problems} == {}


def test_confirmation_pages_and_the_trash_have_no_serious_accessibility_violations(
    live_server, axe_page
):
    visit = load_demo_data().visit
    host = visit.host_organisation
    planner = factories.user(host, Role.PLANNER, name="Lena Hoffmann")
    draft = factories.visit(host, list(visit.guest_organisations), title="Entwurf")
    item = factories.item(draft, "2023-02-23 10:00", "2023-02-23 10:30", "Pressefoto")
    gone = factories.item(draft, "2023-02-23 11:00", "2023-02-23 11:30", "Transfer")
    person = visit.participations[0].person
    participation = visit.participations[0]
    db.session.commit()
    page = axe_page
    log_in(page, live_server, planner.email, PASSWORD)

    found = {}
    paths = [
        "/trash",
        f"/visits/{visit.id}/delete",
        f"/visits/{draft.id}/delete",
        f"/visits/{visit.id}/items/{visit.items[0].id}/delete",
        f"/visits/{draft.id}/items/{item.id}/delete",
        f"/people/{person.id}/delete",
        f"/visits/{visit.id}/participants/{participation.id}/remove",
        f"/people/{person.id}/anonymise",
        f"/modules/{visit.items[0].module_id}/delete",
    ]
    for path in paths:
        page.goto(f"{live_server}{path}")
        found[path] = _violations(page)

    # The trash with something in it, and the page after a restore.
    page.goto(f"{live_server}/visits/{draft.id}/items/{gone.id}/delete")
    page.get_by_role("button", name="Programmpunkt in den Papierkorb legen").click()
    page.goto(f"{live_server}/trash")
    found["trash with an entry"] = _violations(page)
    page.get_by_role("button", name="Wiederherstellen").click()
    page.get_by_text("„Transfer“ wurde wiederhergestellt.").wait_for()
    found["visit page after a restore"] = _violations(page)

    assert {path: problems for path, problems in found.items() if problems} == {}


def test_the_attendance_matrix_with_its_day_tabs_has_no_serious_accessibility_violations(
    live_server, axe_page
):
    visit, planner = two_day_visit()
    page = axe_page
    log_in(page, live_server, planner.email, PASSWORD)
    matrix = f"{live_server}/visits/{visit.id}/attendance"

    found = {}
    page.goto(matrix)
    found["first day"] = _violations(page)
    page.get_by_role("link", name="Fr., 11. Dez. 2 Programmpunkte").click()
    page.get_by_role("heading", name="Freitag, 11. Dezember 2026").wait_for()
    found["second day"] = _violations(page)
    page.get_by_label("Albers nimmt teil an: Abschied").click()
    page.get_by_text("Teilnahme für 1 Person gespeichert.").wait_for()
    found["after a saved change"] = _violations(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(matrix)
    found["first day on a phone"] = _violations(page)

    assert {name: problems for name, problems in found.items() if problems} == {}


def test_the_check_reports_an_unlabelled_field(axe_page):
    axe_page.set_content(
        '<html lang="de"><head><title>Probe</title></head>'
        '<body><main><h1>Probe</h1><input type="text"></main></body></html>'
    )
    assert [problem.split(" ")[0] for problem in _violations(axe_page)] == ["label"]
