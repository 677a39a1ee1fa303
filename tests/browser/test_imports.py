"""A planner imports a real list: maps a bus company, corrects a cell, on a phone too."""

from playwright.sync_api import Browser, expect

from planner.enums import Role
from planner.extensions import db
from planner.models import Person
from tests import factories
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import _violations
from tests.factories import PASSWORD

PHONE = {"width": 390, "height": 844}
LIST = (
    "Anrede;Titel;Vorname;Nachname;Funktion;Organisation;E-Mail;Telefon;Ernährung\r\n"
    "Herr;;Thomas;Westphal;Oberbürgermeister;Stadt Dortmund;"
    "thomas.westphal.oberbuergermeister@stadtdo.example;+49 231 50 0;vegetarisch\r\n"
    "Frau;Dr.;Birgit;Zoerner;Stadträtin;Stadt Dortmund;birgit at dortmund;;\r\n"
    "Frau;;Gül;Yılmaz;Fahrerin;Busreisen Ruhr GmbH;fahrdienst@busreisen.example;;\r\n"
)


def test_a_planner_maps_a_company_and_corrects_a_cell_in_the_preview(
    live_server, browser: Browser, tmp_path
):
    bochum, dortmund = factories.organisation("Bochum"), factories.organisation("Dortmund")
    visit = factories.visit(bochum, [dortmund], title="Besuch aus Dortmund")
    planner = factories.user(bochum, Role.PLANNER)
    db.session.commit()
    listing = tmp_path / "Teilnehmer.csv"
    listing.write_bytes(LIST.encode("utf-8-sig"))
    context = browser.new_context(locale="de-DE", bypass_csp=True, viewport=PHONE)
    page = context.new_page()

    log_in(page, live_server, planner.email, PASSWORD)
    page.goto(f"{live_server}/visits/{visit.id}/import")
    page.get_by_label("Datei (.csv oder .xlsx)").set_input_files(listing)
    page.get_by_role("button", name="Hochladen und Vorschau zeigen").click()

    expect(page.get_by_label("Delegation von")).to_have_value(str(dortmund.id))
    expect(page.get_by_text("Erkannt als Dortmund.")).to_be_visible()
    assert _violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.get_by_label("„Busreisen Ruhr GmbH“ (1 Zeile)").select_option(
        label="Busreisen Ruhr GmbH mit Dortmund"
    )
    page.get_by_label("E-Mail (Zeile 3)").fill("birgit.zoerner@dortmund.example")
    page.get_by_role("button", name="Speichern und erneut prüfen").click()
    expect(page.get_by_text("Zeilen mit Problemen")).to_have_count(0)
    assert _violations(page) == []
    page.get_by_role("button", name="3 Zeilen importieren").click()

    expect(page.get_by_text("Importiert: 3 Teilnehmende hinzugefügt, davon 3 neu.")).to_be_visible()
    expect(page.get_by_role("cell", name="Busreisen Ruhr GmbH (Dortmund)")).to_be_visible()
    context.close()
    driver = db.session.query(Person).filter_by(last_name="Yılmaz").one()
    assert (driver.organisation_id, driver.company) == (dortmund.id, "Busreisen Ruhr GmbH")
