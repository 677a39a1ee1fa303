"""A planner moves people on a seating plan by drag and drop and by keyboard; the moves
survive a reload; the editor passes axe and fits a phone."""

import re

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from planner.enums import Role
from planner.extensions import db
from planner.models import AgendaItem, Person, SeatingPlan
from planner.services.demo import load_demo_data
from tests import factories
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import _violations
from tests.browser.test_phones import PHONE, _overflow
from tests.factories import PASSWORD


def _seats() -> dict[str, tuple[int, int]]:
    """Return where each seated person's last name sits as stored: (row, column)."""
    db.session.expire_all()
    plan = db.session.scalar(
        select(SeatingPlan).join(AgendaItem).where(AgendaItem.title_de == "Abschlussgespräch")
    )
    return {
        seat.person.last_name: (seat.row, seat.column)
        for table in plan.tables
        for seat in table.seats
        if seat.person
    }


def _person_id(last_name: str) -> int:
    return db.session.scalar(select(Person.id).where(Person.last_name == last_name))


def _open_editor(live_server: str, page: Page) -> str:
    visit = load_demo_data().visit
    planner = factories.user(visit.host_organisation, Role.PLANNER, name="Petra Protokoll")
    db.session.commit()
    log_in(page, live_server, planner.email, PASSWORD)
    page.goto(f"{live_server}/visits/{visit.id}")
    page.get_by_role("link", name=re.compile(r"^Sitzordnung\W+Abschlussgespräch$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sitzordnung: Abschlussgespräch")
    return page.url


def _seat(page: Page, number: int):
    return page.locator(".seat").filter(has=page.get_by_text(f"Platz {number}", exact=True))


def _move_button(page: Page, name: str):
    return page.get_by_role("button", name=re.compile(rf"^Verschieben\W+{re.escape(name)}$"))


def test_a_planner_moves_people_by_mouse_and_keyboard_and_the_moves_stay(live_server, page):
    address = _open_editor(live_server, page)
    before = _seats()
    swapped = page.locator(".flash").filter(has_text="Die Plätze wurden getauscht.")

    # Drag Reuter (seat 1, host's side) onto the empty seat 8 (the opposite side's end),
    # both seats on the screen: a drag does not scroll. Taken by its edge: the middle of
    # a seat is its choice of person.
    page.set_viewport_size({"width": 1280, "height": 1400})
    with page.expect_navigation():
        _seat(page, 1).drag_to(_seat(page, 8), source_position={"x": 4, "y": 4})

    expect(swapped).to_be_visible()
    assert _seats()["Reuter"] == (1, 3)
    expect(page.get_by_label("Platz 8", exact=True)).to_have_value(str(_person_id("Reuter")))
    expect(page.get_by_label("Platz 1", exact=True)).to_have_value("")

    # By keyboard: Albers (seat 3) one seat on, to where Hoffmann sits (seat 4).
    move = _move_button(page, "Miriam Albers")
    move.focus()
    move.press("Enter")
    expect(move).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#seating-live")).to_have_text("Nach Tisch 1, Platz 4 (Lena Hoffmann)")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(swapped).to_be_visible()

    page.goto(address)
    stored = _seats()
    assert (stored["Albers"], stored["Hoffmann"]) == (before["Hoffmann"], before["Albers"])
    assert stored["Reuter"] == (1, 3)
    expect(page.get_by_label("Platz 4", exact=True)).to_have_value(str(_person_id("Albers")))
    expect(page.get_by_label("Platz 8", exact=True)).to_have_value(str(_person_id("Reuter")))


def test_escape_calls_a_keyboard_move_off_and_nothing_is_saved(live_server, page):
    _open_editor(live_server, page)
    before = _seats()

    move = _move_button(page, "Thomas Eiskirch")
    move.focus()
    move.press("Enter")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")

    expect(move).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#seating-live")).to_have_text("Verschieben abgebrochen.")
    assert _seats() == before


def test_the_seating_editor_and_print_pass_axe_and_fit_a_phone(live_server, browser: Browser):
    context = browser.new_context(locale="de-DE", viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        address = _open_editor(live_server, page)
        assert _overflow(page) == []
        assert _violations(page) == []
        page.goto(address.split("/items/")[0] + "/print/seating")
        assert _violations(page) == []
    finally:
        context.close()
