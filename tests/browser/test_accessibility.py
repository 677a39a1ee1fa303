"""Every kind of page passes axe-core's WCAG 2.1 A and AA rules without serious violations."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from planner.enums import OutboxStatus, Role
from planner.extensions import db
from planner.models import OutboxMessage, PendingImport
from planner.services.answers import rsvp_token
from planner.services.demo import load_demo_data
from tests import factories
from tests.browser.conftest import log_in
from tests.browser.test_attendance import crowded_visit, two_day_visit
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(os.environ.get("AXE_CORE_PATH", ROOT / ".venv/node/node_modules/axe-core/axe.min.js"))
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DATA = ROOT / "tests" / "data"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def _fits_the_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


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
        f"/visits/{visit.id}/plan",
        f"/visits/{visit.id}/plan/2023-02-23?rooms=all",
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
        f"/visits/{visit.id}/attendees",
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

    # The day plan asking whether to save a move despite its warnings.
    page.goto(f"{live_server}/visits/{visit.id}/plan")
    page.get_by_role("button", name=re.compile(r"^Verschieben\W+Abschlussgespräch$")).press("Enter")
    for _ in range(12):
        page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Trotzdem speichern").wait_for()
    found["day plan asking to confirm a move"] = _violations(page)

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


def test_the_paged_attendee_list_and_matrix_have_no_serious_accessibility_violations(
    live_server, axe_page
):
    visit, planner = crowded_visit()
    page = axe_page
    log_in(page, live_server, planner.email, PASSWORD)

    found = {}
    for path in ("attendees?page=2", "attendance?page=2"):
        page.goto(f"{live_server}/visits/{visit.id}/{path}")
        found[path] = _violations(page)

    assert {name: problems for name, problems in found.items() if problems} == {}


def test_the_check_reports_an_unlabelled_field(axe_page):
    axe_page.set_content(
        '<html lang="de"><head><title>Probe</title></head>'
        '<body><main><h1>Probe</h1><input type="text"></main></body></html>'
    )
    assert [problem.split(" ")[0] for problem in _violations(axe_page)] == ["label"]


def test_the_visit_pages_warnings_have_no_serious_violations_and_fit_a_phone(live_server, axe_page):
    visit = load_demo_data().visit
    host = visit.host_organisation
    planner = factories.user(host, Role.PLANNER, name="Lena Hoffmann")
    # A press photo during the welcome and the demo: two overlaps, and the mayor is
    # expected by Dortmund at the same time.
    factories.item(visit, "2023-02-23 10:15", "2023-02-23 10:45", "Pressefoto")
    mayor = next(p.person for p in visit.participations if p.person.last_name == "Eiskirch")
    dortmund = factories.visit(host, first_day=visit.first_day, title="Dortmund in Bochum")
    factories.participation(dortmund, mayor, side="host")
    factories.item(dortmund, "2023-02-23 10:00", "2023-02-23 11:00", "Sitzung")
    db.session.commit()
    page = axe_page
    log_in(page, live_server, planner.email, PASSWORD)
    page.goto(f"{live_server}/visits/{visit.id}")
    summary = page.locator("#conflicts")

    summary.get_by_text("Bestätigen").first.click()
    summary.get_by_label("Warum ist das in Ordnung?").first.fill("OB kommt 10 Minuten später")
    summary.get_by_role("button", name="Hinweis bestätigen").first.click()
    page.get_by_text("Der Hinweis wurde bestätigt.").wait_for()
    summary.get_by_text("1 bestätigter Hinweis").click()
    summary.get_by_text("Bestätigen").first.click()
    found = {"visit page with warnings": _violations(page)}

    page.set_viewport_size({"width": 390, "height": 844})
    box = summary.bounding_box()
    widths = summary.evaluate("node => [node.scrollWidth, node.clientWidth]")
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390
    assert widths[0] <= widths[1]
    found["visit page with warnings on a phone"] = _violations(page)

    page.goto(f"{live_server}/visits/{visit.id}/issue")
    found["issue page with open warnings"] = _violations(page)

    assert {path: problems for path, problems in found.items() if problems} == {}


def test_the_outbox_editor_with_its_preview_is_accessible_and_fits_a_phone(live_server, axe_page):
    from planner.services.invitations import draft_invitations
    from planner.services.versions import latest_version

    visit = load_demo_data().visit
    planner = factories.user(visit.host_organisation, Role.PLANNER, name="Lena Hoffmann")
    reuter = next(p.person for p in visit.participations if p.person.last_name == "Reuter")
    reuter.email = None
    draft_invitations(visit, latest_version(visit.id))
    db.session.commit()
    letter = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.kind == "letter-invite", OutboxMessage.to_address.like("uwe.%")
        )
    ).one()
    page = axe_page
    page.set_default_timeout(10_000)
    log_in(page, live_server, planner.email, PASSWORD)

    page.goto(f"{live_server}/visits/{visit.id}/outbox/{letter.id}")

    text = page.get_by_label("Text", exact=True)
    expect(text).to_have_value(letter.body_text)
    # The whole letter shows without scrolling inside the field.
    assert text.evaluate("field => field.scrollHeight <= field.clientHeight + 2")
    preview = page.frame_locator("iframe.mail-preview")
    greeting = "Sehr geehrter Herr Oberbürgermeister Prof. Dr. Schneidewind,"
    expect(preview.get_by_text(greeting)).to_be_visible()
    expect(page.get_by_text("Donnerstag, 23. Februar 2023, 10:00–10:30").first).to_be_visible()
    found = {"editor": _violations(page)}
    page.set_viewport_size(PHONE)
    fits = {"editor": _fits_the_width(page)}

    page.goto(f"{live_server}/visits/{visit.id}/outbox")
    expect(page.get_by_role("link", name="Jonas Reuter")).to_be_visible()
    fits["outbox"] = _fits_the_width(page)
    page.set_viewport_size(DESKTOP)
    found["outbox"] = _violations(page)

    page.get_by_role("link", name="Gemeinsamen Text bearbeiten").click()
    page.get_by_label("Text für Anschreiben auf Deutsch").fill(
        "Bitte melden Sie sich an der Pforte."
    )
    page.get_by_role("button", name="Speichern und in die Entwürfe übernehmen").click()
    expect(page.get_by_text("in 6 Entwürfe übernommen")).to_be_visible()
    page.goto(f"{live_server}/visits/{visit.id}/outbox/letter-text")
    found["shared text"] = _violations(page)
    page.set_viewport_size(PHONE)
    fits["shared text"] = _fits_the_width(page)
    page.goto(f"{live_server}/visits/{visit.id}/outbox/{letter.id}")
    expect(preview.get_by_text("Bitte melden Sie sich an der Pforte.")).to_be_visible()

    assert {path: problems for path, problems in found.items() if problems} == {}
    assert fits == {"editor": True, "outbox": True, "shared text": True}


def test_the_invitation_to_accept_and_leaving_have_no_serious_accessibility_violations(
    live_server, axe_page
):
    from planner.enums import GuestState
    from planner.models import VisitGuest

    visit = load_demo_data().visit
    essen = factories.organisation("Essen")
    db.session.add(VisitGuest(visit=visit, organisation=essen, state=GuestState.DECLINED,
                              message="Leider nicht."))  # fmt: skip
    invited = factories.visit(visit.host_organisation, [], title="Rückbesuch in Bochum",
                              purpose="Austausch zur Verkehrsplanung")  # fmt: skip
    db.session.add(VisitGuest(visit=invited, organisation=essen, state=GuestState.INVITED))
    essen_planner = factories.user(essen, Role.PLANNER, name="Erik Essen")
    wuppertal_planner = factories.user(visit.guest_organisations[0], Role.PLANNER)
    host_planner = factories.user(visit.host_organisation, Role.PLANNER)
    db.session.commit()
    page = axe_page
    found = {}

    log_in(page, live_server, essen_planner.email, PASSWORD)
    for path in (
        "/",
        f"/visits/{invited.id}/invitation",
        f"/visits/{invited.id}/invitation?lang=en",
    ):
        page.goto(f"{live_server}{path}")
        found[f"invited: {path}"] = _violations(page)
    page.goto(f"{live_server}/visits/{invited.id}/invitation?lang=de")
    expect(page.get_by_role("heading", name="Einladung: Rückbesuch in Bochum")).to_be_visible()
    page.get_by_label(
        "Nachricht an die Gastgeber (freiwillig, wird bei einer Absage mitgeschickt)"
    ).fill("Wir kommen gern.")
    page.get_by_role("button", name="Einladung annehmen").click()
    expect(page.get_by_role("heading", name="Rückbesuch in Bochum")).to_be_visible()
    page.context.clear_cookies()

    log_in(page, live_server, wuppertal_planner.email, PASSWORD)
    page.goto(f"{live_server}/visits/{visit.id}/leave")
    found["leave"] = _violations(page)
    page.context.clear_cookies()

    log_in(page, live_server, host_planner.email, PASSWORD)
    page.goto(f"{live_server}/visits/{visit.id}")
    expect(
        page.get_by_role("heading", name="Gastorganisationen und ihre Antworten")
    ).to_be_visible()
    found["host's visit page with the guests' answers"] = _violations(page)

    assert {path: problems for path, problems in found.items() if problems} == {}
