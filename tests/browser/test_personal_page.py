"""An invitee's own page on a phone, in German and in English: accessible and as wide as
the screen, before and after saving their needs."""

import pytest
from playwright.sync_api import Browser, expect

from planner.services.answers import rsvp_token
from tests.browser.test_accessibility import AXE, PHONE, _fits_the_width, _violations
from tests.views.test_personal import _participation, personal_scene

WORDS = {
    "anna": {
        "heading": "Ihr Programm: Smart-City-Austausch",
        "lang": "de",
        "arrival": "Anreise",
        "reference": "Zug- oder Flugnummer",
        "save": "Angaben zu Bedarf und Reise speichern",
        "saved": "Vielen Dank. Ihre Angaben zu Bedarf und Reise wurden gespeichert.",
        "dietary": "Ernährung",
        "refused": "Bitte stimmen Sie zu",
    },
    "john": {
        "heading": "Your programme: Smart-City-Austausch",
        "lang": "en",
        "arrival": "Arrival",
        "reference": "Train or flight number",
        "save": "Save needs and travel details",
        "saved": "Thank you. Your needs and travel details have been saved.",
        "dietary": "Dietary needs",
        "refused": "Please agree",
    },
}


@pytest.fixture
def phone(browser: Browser):
    """A phone-sized tab into which axe-core can be injected."""
    context = browser.new_context(locale="de-DE", viewport=PHONE, bypass_csp=True)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (make install-test)")
@pytest.mark.parametrize("who", ["anna", "john"], ids=["german", "english"])
def test_the_personal_page_reads_well_on_a_phone_in_the_persons_language(live_server, phone, who):
    scene = personal_scene()
    words = WORDS[who]
    found = {}

    phone.goto(f"{live_server}/rsvp/{rsvp_token(_participation(scene[who]))}")
    expect(phone.get_by_role("heading", level=1)).to_have_text(words["heading"])
    assert phone.get_attribute("html", "lang") == words["lang"]
    found["page"] = (_violations(phone), _fits_the_width(phone))

    phone.get_by_label(words["dietary"], exact=True).fill("vegetarisch")
    phone.get_by_role("button", name=words["save"]).click()
    expect(phone.get_by_text(words["refused"])).to_be_visible()
    found["refused without consent"] = (_violations(phone), _fits_the_width(phone))

    phone.get_by_label(words["dietary"], exact=True).fill("")
    arrival = phone.get_by_role("group", name=words["arrival"], exact=True)
    arrival.get_by_label(words["reference"]).fill("ICE 123")
    phone.get_by_role("button", name=words["save"]).click()
    expect(phone.get_by_text(words["saved"])).to_be_visible()
    found["saved"] = (_violations(phone), _fits_the_width(phone))

    assert found == {name: ([], True) for name in found}
