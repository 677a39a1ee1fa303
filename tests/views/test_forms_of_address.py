"""The demo's people are addressed by protocol in letters, badges, table cards and run sheets."""

import io

import pytest
from pypdf import PdfReader

from planner.enums import Role
from planner.extensions import db
from planner.models import Person
from planner.services.demo import load_demo_data
from planner.services.invitations import greeting
from tests import factories
from tests.helpers import CONFIRMED, form_values, page_text


@pytest.fixture
def demo(app):
    return load_demo_data().visit


@pytest.fixture
def planner(demo, login):
    user = factories.user(demo.host_organisation, Role.PLANNER)
    login(user)
    return user


def _person(demo, last_name: str) -> Person:
    return next(p.person for p in demo.participations if p.person.last_name == last_name)


def _pdf_text(response) -> str:
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_demo_people_are_greeted_by_their_office_in_german_and_english_letters(demo):
    schneidewind, eiskirch = _person(demo, "Schneidewind"), _person(demo, "Eiskirch")

    assert greeting(schneidewind, "de") == (
        "Sehr geehrter Herr Oberbürgermeister Prof. Dr. Schneidewind,"
    )
    assert greeting(schneidewind, "en") == "Dear Lord Mayor,"
    assert greeting(eiskirch, "de") == "Sehr geehrter Herr Oberbürgermeister Eiskirch,"
    assert greeting(_person(demo, "Kopietz"), "de") == ("Sehr geehrter Herr Stadtdirektor Kopietz,")
    assert greeting(_person(demo, "Albers"), "en") == "Dear Ms Albers,"


@pytest.mark.parametrize("database", ["sqlite"])
def test_table_cards_name_titles_and_office_in_the_print_language(client, planner, demo):
    german = _pdf_text(client.get(f"/visits/{demo.id}/print/table-cards.pdf"))
    english = _pdf_text(client.get(f"/visits/{demo.id}/print/table-cards.pdf?lang=en"))

    assert "Prof. Dr. Uwe Schneidewind Oberbürgermeister" in german
    assert "Sebastian Kopietz Stadtdirektor" in german
    assert "Prof. Dr. Uwe Schneidewind Lord Mayor" in english
    assert "Sebastian Kopietz City Director" in english


def test_badges_and_the_run_sheet_use_the_forms_of_address(client, planner, demo):
    badges = page_text(client.get(f"/visits/{demo.id}/print/badges?lang=en"))
    run_sheet = page_text(client.get(f"/visits/{demo.id}/print/run-sheet"))

    assert "Thomas Eiskirch Lord Mayor" in badges
    # The moderator reads how to speak to each office holder; plain names go without.
    assert "Prof. Dr. Uwe Schneidewind (angesprochen als „Herr Oberbürgermeister“)" in run_sheet
    assert "Sebastian Kopietz (angesprochen als „Herr Stadtdirektor“)" in run_sheet
    assert "Jonas Reuter," in run_sheet or "Jonas Reuter " in run_sheet
    assert "angesprochen als „Herr Reuter“" not in run_sheet


def test_a_form_set_by_hand_is_shown_and_used_and_an_empty_one_follows_the_rule(
    client, planner, demo
):
    mayor = _person(demo, "Schneidewind")
    form = form_values(client.get(f"/people/{mayor.id}/edit"))

    response = client.post(
        f"/people/{mayor.id}/edit",
        data={**form, "salutation_de": "Lieber Uwe,", "card_en": "Lord Mayor Uwe Schneidewind"},
    )

    assert response.status_code == 302
    page = page_text(client.get(f"/people/{mayor.id}"))
    assert "Lieber Uwe," in page
    assert "Herrn Oberbürgermeister Prof. Dr. Uwe Schneidewind" in page
    assert "Dear Lord Mayor," in page
    db.session.expire_all()
    assert greeting(db.session.get(Person, mayor.id), "de") == "Lieber Uwe,"
    cards = page_text(client.get(f"/visits/{demo.id}/print/table-cards?lang=en"))
    assert "Lord Mayor Uwe Schneidewind" in cards
    # The edit form shows what was set by hand, to change it again.
    again = form_values(client.get(f"/people/{mayor.id}/edit"))
    assert again["salutation_de"] == "Lieber Uwe,"
    assert again["address_de"] == ""


def test_anonymising_a_person_forgets_the_forms_set_by_hand(client, planner, demo):
    reuter = _person(demo, "Reuter")
    reuter.address_overrides = {"de": {"salutation": "Lieber Jonas,"}}
    db.session.commit()

    client.post(f"/people/{reuter.id}/anonymise", data=CONFIRMED)

    db.session.expire_all()
    assert db.session.get(Person, reuter.id).address_overrides == {}
