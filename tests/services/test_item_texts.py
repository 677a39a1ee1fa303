"""Item texts in the reader's language, else in the other one: live items and versions."""

import pytest

from planner.models import AgendaItem
from planner.services.item_texts import both_languages, description_in, title_in

WELCOME = {
    "title_de": "Begrüßung durch den Oberbürgermeister",
    "title_en": "Welcome by the Lord Mayor",
    "description_de": "Empfang der Delegation.",
    "description_en": "",
}


@pytest.mark.parametrize(
    ("language", "title", "description"),
    [
        ("de", "Begrüßung durch den Oberbürgermeister", "Empfang der Delegation."),
        ("en", "Welcome by the Lord Mayor", "Empfang der Delegation."),
    ],
    ids=["german-reader", "english-reader-without-english-description"],
)
def test_a_reader_gets_their_language_and_the_other_only_where_theirs_is_empty(
    language, title, description
):
    live = AgendaItem(**WELCOME)

    assert (title_in(live, language), description_in(live, language)) == (title, description)
    assert (title_in(WELCOME, language), description_in(WELCOME, language)) == (
        title,
        description,
    )


def test_an_empty_english_title_falls_back_to_the_german_one():
    item = {**WELCOME, "title_en": ""}

    assert title_in(item, "en") == "Begrüßung durch den Oberbürgermeister"


@pytest.mark.parametrize("language", ["de", "en"])
def test_an_item_of_a_version_issued_before_two_languages_keeps_its_one_text(language):
    old = {"title": "Begrüßung", "description": "Im Ratssaal."}

    assert (title_in(old, language), description_in(old, language)) == ("Begrüßung", "Im Ratssaal.")


def test_texts_of_an_older_version_count_as_the_visits_language():
    old = {"title": "Welcome", "description": ""}

    assert both_languages(old, "en") == {
        "title_de": "",
        "title_en": "Welcome",
        "description_de": "",
        "description_en": "",
    }
