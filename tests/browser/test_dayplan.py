"""A planner moves items on the day plan by keyboard and by mouse; the server has the last word."""

import re
from datetime import datetime

from playwright.sync_api import Browser, Page, expect

from planner.enums import Role
from planner.extensions import db
from planner.models import AgendaItem
from planner.services.audit import set_actor
from planner.services.demo import load_demo_data
from tests import factories
from tests.browser.conftest import log_in
from tests.factories import PASSWORD

AMTSZIMMER = "Amtszimmer des Oberbürgermeisters, Rathaus Bochum"
BESPRECHUNGSRAUM = "Besprechungsraum 2.14, Rathaus Bochum"
FOYER = "Foyer, Rathaus Bochum"


def _block(page: Page, title: str):
    return page.locator(".dp-item").filter(has=page.get_by_role("link", name=title, exact=True))


def _move_button(page: Page, title: str):
    return page.get_by_role("button", name=re.compile(rf"^Verschieben\W+{re.escape(title)}$"))


def _column(page: Page, room: str):
    return page.get_by_role("region", name=room, exact=True)


def _stored(item_id: int) -> AgendaItem:
    db.session.expire_all()
    return db.session.get(AgendaItem, item_id)


def _open_plan(live_server: str, page: Page):
    visit = load_demo_data().visit
    planner = factories.user(visit.host_organisation, Role.PLANNER, name="Lena Hoffmann")
    db.session.commit()
    log_in(page, live_server, planner.email, PASSWORD)
    page.goto(f"{live_server}/visits/{visit.id}")
    page.get_by_role("link", name="Tagesplan nach Räumen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tagesplan")
    return visit


def test_a_planner_moves_an_item_by_keyboard_to_another_time_and_room(live_server, page):
    visit = _open_plan(live_server, page)
    closing = next(i for i in visit.items if i.title_de == "Abschlussgespräch")

    move = _move_button(page, "Abschlussgespräch")
    move.focus()
    move.press("Enter")
    expect(move).to_have_attribute("aria-pressed", "true")
    # After the demo's transfer to the station, which ends at 14:05.
    for _ in range(4):
        page.keyboard.press("ArrowDown")  # 15 minutes each
    page.keyboard.press("Shift+ArrowUp")  # 5 minutes back
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    live = page.locator("#dp-live")
    expect(live).to_have_text(f"14:10–14:40, {FOYER}")
    page.keyboard.press("Enter")

    expect(
        page.get_by_text(f"„Abschlussgespräch“ verschoben auf 14:10–14:40, {FOYER}.")
    ).to_be_visible()
    block = _column(page, FOYER).locator(".dp-item", has_text="Abschlussgespräch")
    expect(block).to_contain_text("14:10–14:40")
    expect(_column(page, AMTSZIMMER)).not_to_contain_text("Abschlussgespräch")
    # Back on the plan, the moved item has the focus, ready for the next move.
    expect(_move_button(page, "Abschlussgespräch")).to_be_focused()
    stored = _stored(closing.id)
    assert (stored.starts_at, stored.room.name) == (datetime(2023, 2, 23, 14, 10), "Foyer")

    # Escape puts an item back where it was, and nothing is saved.
    move = _move_button(page, "Abschlussgespräch")
    move.press("Enter")
    page.keyboard.press("ArrowUp")
    expect(block).to_contain_text("13:55–14:25")
    page.keyboard.press("Escape")
    expect(live).to_have_text("Verschieben abgebrochen.")
    expect(block).to_contain_text("14:10–14:40")
    assert _stored(closing.id).starts_at == datetime(2023, 2, 23, 14, 10)


def test_a_planner_drags_an_item_to_another_room_and_time(live_server, page):
    page.set_viewport_size({"width": 1280, "height": 1600})
    visit = _open_plan(live_server, page)
    demo = next(i for i in visit.items if i.title_de == "Vorführung der digitalen Infostelen")

    source = _block(page, "Vorführung der digitalen Infostelen")
    target = _column(page, BESPRECHUNGSRAUM).locator(".dp-items")
    rows = int(page.locator("#dayplan").get_attribute("data-rows"))
    row_height = target.bounding_box()["height"] / rows
    # The grid begins at 08:00; the block's top edge goes to 14:10 (row 74), after the
    # demo's transfer to the station.
    source.drag_to(
        target,
        source_position={"x": 8, "y": 4},
        target_position={"x": 8, "y": 74 * row_height + 4},
    )

    expect(
        page.get_by_text("„Vorführung der digitalen Infostelen“ verschoben auf 14:10–14:55")
    ).to_be_visible()
    moved = _column(page, BESPRECHUNGSRAUM).locator(".dp-item", has_text="Vorführung")
    expect(moved).to_contain_text("14:10–14:55")
    stored = _stored(demo.id)
    assert (stored.starts_at, stored.ends_at) == (
        datetime(2023, 2, 23, 14, 10),
        datetime(2023, 2, 23, 14, 55),
    )
    assert stored.room.name == "Besprechungsraum 2.14"


def test_a_move_into_a_conflict_is_warned_and_saved_once_confirmed(live_server, page):
    visit = _open_plan(live_server, page)
    closing = next(i for i in visit.items if i.title_de == "Abschlussgespräch")

    _move_button(page, "Abschlussgespräch").press("Enter")
    for _ in range(12):  # three hours up: 10:15, into the welcome
        page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Das Verschieben von „Abschlussgespräch“ führt zu Warnungen.")
    expect(alert).to_contain_text("Überschneidet sich mit „Begrüßung durch den Oberbürgermeister“")
    assert _stored(closing.id).starts_at == datetime(2023, 2, 23, 13, 15)
    confirm = page.get_by_role("button", name="Trotzdem speichern")
    expect(confirm).to_be_focused()
    confirm.click()

    expect(page.get_by_text("Trotz Warnungen gespeichert")).to_be_visible()
    block = _block(page, "Abschlussgespräch")
    expect(block).to_contain_text("10:15–10:45")
    expect(block).to_contain_text("Warnung")
    assert _stored(closing.id).starts_at == datetime(2023, 2, 23, 10, 15)


def test_a_warned_move_can_be_called_off(live_server, page):
    visit = _open_plan(live_server, page)
    closing = next(i for i in visit.items if i.title_de == "Abschlussgespräch")

    _move_button(page, "Abschlussgespräch").press("Enter")
    for _ in range(12):
        page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Verschieben abbrechen").click()

    expect(page.get_by_role("alert")).to_be_hidden()
    expect(_block(page, "Abschlussgespräch")).to_contain_text("13:15–13:45")
    expect(_move_button(page, "Abschlussgespräch")).to_be_focused()
    assert _stored(closing.id).starts_at == datetime(2023, 2, 23, 13, 15)


def test_a_move_on_a_plan_someone_changed_meanwhile_is_refused(live_server, page):
    visit = _open_plan(live_server, page)
    closing = next(i for i in visit.items if i.title_de == "Abschlussgespräch")
    # A colleague renames the item while the plan is open.
    colleague = factories.user(visit.host_organisation, Role.PLANNER, name="Karl Kollege")
    set_actor(db.session, colleague.id)
    closing.title_de = "Abschied"
    db.session.commit()

    _move_button(page, "Abschlussgespräch").press("Enter")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("„Abschied“ wurde inzwischen von Karl Kollege geändert.")
    expect(alert).to_contain_text("Nichts wurde gespeichert")
    expect(_block(page, "Abschlussgespräch")).to_contain_text("13:15–13:45")
    assert _stored(closing.id).starts_at == datetime(2023, 2, 23, 13, 15)
    page.get_by_role("link", name="Plan neu laden").click()
    expect(_block(page, "Abschied")).to_contain_text("13:15–13:45")


def test_the_plan_fits_a_phone_and_scrolls_only_inside_its_grid(live_server, page):
    page.set_viewport_size({"width": 390, "height": 844})
    _open_plan(live_server, page)
    page.wait_for_load_state("load")
    # The grid scrolls sideways inside its own box ...
    page.wait_for_function(
        "() => { const box = document.querySelector('.dp-scroll');"
        " return box.scrollWidth > box.clientWidth; }"
    )

    # ... while the page as a whole does not.
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths == [390, 390]


def test_without_javascript_the_plan_reads_as_lists_linked_to_the_item_forms(
    live_server, browser: Browser
):
    visit = load_demo_data().visit
    planner = factories.user(visit.host_organisation, Role.PLANNER)
    closing = next(i for i in visit.items if i.title_de == "Abschlussgespräch")
    db.session.commit()
    context = browser.new_context(locale="de-DE", java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live_server, planner.email, PASSWORD)
        page.goto(f"{live_server}/visits/{visit.id}/plan")

        column = _column(page, AMTSZIMMER)
        expect(column.get_by_role("listitem")).to_have_count(2)
        expect(column).to_contain_text("13:15–13:45")
        link = column.get_by_role("link", name="Abschlussgespräch")
        expect(link).to_have_attribute("href", f"/visits/{visit.id}/items/{closing.id}/edit")
    finally:
        context.close()
