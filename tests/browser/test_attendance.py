"""A planner ticks who attends what in the browser: one day at a time, the header and the
names stay in view, and each change is saved without the page jumping."""

import re
from datetime import date

from playwright.sync_api import Page, expect

from planner.enums import Role, Side
from planner.extensions import db
from planner.models import User, Visit
from tests import factories
from tests.browser.conftest import log_in
from tests.factories import PASSWORD

FIRST_DAY = [
    ("08:30", "09:00", "Ankunft und Empfang am Haupteingang"),
    ("09:00", "09:30", "Begrüßung durch den Oberbürgermeister"),
    ("09:30", "10:15", "Vorführung der digitalen Infostelen"),
    ("10:15", "11:00", "Rundgang mit der App „Rathaus Navi“"),
    ("11:00", "11:15", "Pressefoto"),
    ("11:15", "12:30", "Smart City Innovation Unit: das „Bochumer Modell“"),
    ("12:30", "13:30", "Mittagessen im Ratskeller"),
    ("13:30", "14:00", "Eintrag in das Goldene Buch"),
]
SECOND_DAY = [
    ("09:00", "10:00", "Besuch der Leitstelle"),
    ("10:00", "10:30", "Abschied"),
]
GUESTS = ["Schneidewind", "Albers", "Reuter", "Nocke", "Slawig", "Kühn", "Bielefeld"]
HOSTS = ["Eiskirch", "Kopietz", "Kücük", "Hoffmann", "Stratmann", "Wieland", "Dannemann",
         "Gräf", "Kowalski", "Lehmann", "Mergenthaler", "Nowak", "Ostermann", "Pieper",
         "Quast", "Rademacher", "Schulte", "Terhorst"]  # fmt: skip


def two_day_visit() -> tuple[Visit, User]:
    """Add a two-day visit with a full first day and 25 participants, and its planner."""
    bochum, wuppertal = factories.organisation("Bochum"), factories.organisation("Wuppertal")
    visit = factories.visit(bochum, [wuppertal], first_day=date(2026, 12, 10),
                            last_day=date(2026, 12, 11), title="Smart-City-Austausch")  # fmt: skip
    for day, programme in (("2026-12-10", FIRST_DAY), ("2026-12-11", SECOND_DAY)):
        for start, end, title in programme:
            factories.item(visit, f"{day} {start}", f"{day} {end}", title)
    for name in GUESTS:
        factories.participation(visit, factories.person(wuppertal, name, first_name="Uwe"))
    for name in HOSTS:
        person = factories.person(bochum, name, first_name="Thomas")
        factories.participation(visit, person, side=Side.HOST, attends_all_items=False)
    planner = factories.user(bochum, Role.PLANNER, name="Lena Hoffmann")
    db.session.commit()
    return visit, planner


def _open(page: Page, base: str, visit: Visit, width: int, height: int = 800) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{base}/visits/{visit.id}/attendance")


def test_the_first_day_fits_a_desktop_window_and_its_header_sticks(live_server, page):
    visit, planner = two_day_visit()
    log_in(page, live_server, planner.email, PASSWORD)
    _open(page, live_server, visit, 1280)

    headers = page.locator(".matrix thead th[id^=item-]")
    expect(headers).to_have_count(len(FIRST_DAY))
    expect(page.get_by_role("link", name="Fr., 11. Dez. 2 Programmpunkte")).to_be_visible()
    box = page.locator(".matrix-scroll")
    visible = box.evaluate(
        "box => { const r = box.getBoundingClientRect();"
        " return {left: r.left + box.clientLeft, right: r.left + box.clientLeft + box.clientWidth,"
        " wide: box.scrollWidth, width: box.clientWidth}; }"
    )
    assert visible["wide"] == visible["width"]  # nothing hidden to the right
    for header in headers.all():
        edges = header.bounding_box()
        assert visible["left"] <= edges["x"]
        assert edges["x"] + edges["width"] <= visible["right"] + 0.5

    # Scrolled down inside its box, the matrix keeps its header row at the top of the box.
    top = box.evaluate("box => box.getBoundingClientRect().top + box.clientTop")
    box.evaluate("box => { box.scrollTop = 400; }")
    assert box.evaluate("box => box.scrollTop") == 400
    for header in (headers.first, headers.last, page.locator(".matrix th.corner")):
        assert abs(header.bounding_box()["y"] - top) < 1


def test_ticks_and_a_row_all_save_without_moving_the_page_or_the_focus(live_server, page):
    visit, planner = two_day_visit()
    log_in(page, live_server, planner.email, PASSWORD)
    _open(page, live_server, visit, 1280, height=700)
    status = page.get_by_role("status")
    page.evaluate("window.scrollTo(0, 150)")
    scrolled = page.evaluate("window.scrollY")
    assert scrolled == 150

    box = page.get_by_label("Albers nimmt teil an: Pressefoto")
    expect(box).to_be_in_viewport()
    box.click()
    expect(status).to_have_text("Teilnahme für 1 Person gespeichert.")
    expect(box).not_to_be_checked()
    expect(box).to_be_focused()
    assert page.evaluate("window.scrollY") == scrolled

    row_all = page.get_by_role("button", name=re.compile(r"^alle\s*:\s*Thomas Kopietz$"))
    # Kopietz's row lies further down in the matrix's own box.
    row_all.evaluate(
        "button => { const box = button.closest('.matrix-scroll');"
        " const header = box.querySelector('thead').offsetHeight;"
        " box.scrollTop = button.closest('tr').offsetTop - header; }"
    )
    expect(row_all).to_be_in_viewport()
    row_all.click()
    expect(status).to_have_text("Teilnahme für 1 Person gespeichert.")
    expect(row_all).to_be_focused()
    assert page.evaluate("window.scrollY") == scrolled

    # A second change of the same row carries the lock version of the first answer.
    page.get_by_label("Kopietz nimmt teil an: Mittagessen im Ratskeller").click()
    expect(status).to_have_text("Teilnahme für 1 Person gespeichert.")

    # A column's "none" counts the people it took off, and the column's count follows.
    column_none = page.get_by_role("button", name=re.compile(r"^keine\s*:\s*Pressefoto$"))
    column_none.evaluate("button => { button.closest('.matrix-scroll').scrollTop = 0; }")
    column_none.click()
    expect(status).to_have_text("Teilnahme für 7 Personen gespeichert.")
    expect(column_none).to_be_focused()
    expect(page.locator(".matrix thead th", has=column_none)).to_contain_text("0 Personen")
    assert page.evaluate("window.scrollY") == scrolled

    page.reload()
    expect(page.get_by_label("Albers nimmt teil an: Pressefoto")).not_to_be_checked()
    expect(page.get_by_label("Schneidewind nimmt teil an: Pressefoto")).not_to_be_checked()
    expect(page.get_by_label("Albers nimmt teil an: Abschied", exact=False)).to_have_count(0)
    for _start, _end, title in FIRST_DAY:
        kopietz = page.get_by_label(f"Kopietz nimmt teil an: {title}")
        if title in ("Mittagessen im Ratskeller", "Pressefoto"):
            expect(kopietz).not_to_be_checked()
        else:
            expect(kopietz).to_be_checked()
    expect(page.get_by_label("Kücük nimmt teil an: Pressefoto")).not_to_be_checked()
    page.get_by_role("link", name="Fr., 11. Dez. 2 Programmpunkte").click()
    expect(page.get_by_label("Albers nimmt teil an: Abschied")).to_be_checked()
    expect(page.get_by_label("Kopietz nimmt teil an: Abschied")).not_to_be_checked()


def test_on_a_phone_only_the_matrix_scrolls_sideways(live_server, page):
    visit, planner = two_day_visit()
    log_in(page, live_server, planner.email, PASSWORD)
    _open(page, live_server, visit, 390, height=844)

    assert page.evaluate("document.documentElement.scrollWidth") == page.evaluate(
        "window.innerWidth"
    )
    box = page.locator(".matrix-scroll")
    assert box.evaluate("box => box.scrollWidth > box.clientWidth")
    left = box.evaluate("box => box.getBoundingClientRect().left + box.clientLeft")
    box.evaluate("box => { box.scrollLeft = 300; }")
    name = page.locator(".matrix th[scope=row]").first
    assert abs(name.bounding_box()["x"] - left) < 1
    assert page.evaluate("document.documentElement.scrollWidth") == page.evaluate(
        "window.innerWidth"
    )


def test_without_scripts_a_row_all_saves_and_returns_to_its_day_and_row(live_server, browser):
    visit, planner = two_day_visit()
    context = browser.new_context(locale="de-DE", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in(page, live_server, planner.email, PASSWORD)
        _open(page, live_server, visit, 1280)
        page.get_by_role("link", name="Fr., 11. Dez. 2 Programmpunkte").click()
        kopietz = visit.participations[len(GUESTS) + 1]
        assert kopietz.person.last_name == "Kopietz"

        page.get_by_role("button", name=re.compile(r"^alle\s*:\s*Thomas Kopietz$")).click()

        expect(page.get_by_text("Teilnahme für 1 Person gespeichert.")).to_be_visible()
        assert page.url.endswith(f"?day=2026-12-11#row-{kopietz.id}")
        expect(page.get_by_label("Kopietz nimmt teil an: Abschied")).to_be_checked()
        expect(page.get_by_label("Kopietz nimmt teil an: Abschied")).to_be_in_viewport()
        expect(page.get_by_role("heading", name="Freitag, 11. Dezember 2026")).to_be_attached()
    finally:
        context.close()


def crowded_visit() -> tuple[Visit, User]:
    """Add the two-day visit with 40 more guests: 65 people, two pages of the matrix."""
    visit, planner = two_day_visit()
    wuppertal = visit.guest_organisations[0]
    for number in range(40):
        factories.participation(visit, factories.person(wuppertal, f"Gast {number:02}"))
    db.session.commit()
    return visit, planner


def test_a_change_on_the_second_page_saves_that_row_and_counts_everyone(live_server, page):
    visit, planner = crowded_visit()
    log_in(page, live_server, planner.email, PASSWORD)
    _open(page, live_server, visit, 1280)
    pages = page.get_by_role("navigation", name="Seiten der Personen")
    expect(pages.get_by_role("link", name="Seite 1")).to_have_attribute("aria-current", "page")

    pages.get_by_role("link", name="Seite 2").click()
    kopietz = page.get_by_label("Kopietz nimmt teil an: Pressefoto")
    expect(kopietz).not_to_be_checked()
    expect(page.get_by_label("Albers nimmt teil an: Pressefoto")).to_have_count(0)
    column = page.locator(".matrix thead th", has_text="Pressefoto")
    expect(column).to_contain_text("47 Personen")  # the 47 guests, all on the first page
    kopietz.click()

    expect(page.get_by_role("status")).to_have_text("Teilnahme für 1 Person gespeichert.")
    expect(column).to_contain_text("48 Personen")
    page.get_by_role("link", name="Fr., 11. Dez. 2 Programmpunkte").click()
    assert page.url.endswith("?day=2026-12-11&page=2")
    expect(page.get_by_label("Kopietz nimmt teil an: Abschied")).not_to_be_checked()
    page.goto(f"{live_server}/visits/{visit.id}/attendance")
    expect(page.get_by_label("Gast 00 nimmt teil an: Pressefoto")).to_be_checked()
    expect(page.locator(".matrix thead th", has_text="Pressefoto")).to_contain_text("48 Personen")
