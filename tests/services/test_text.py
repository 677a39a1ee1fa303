"""Text helpers: file names in plain letters and the header that offers them."""

import pytest

from planner.services.text import ascii_name, content_disposition


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "Delegation Dortmund: Mobilität & Klimaschutz",
            "Delegation-Dortmund-Mobilitaet-Klimaschutz",
        ),
        ("Größe ÄÖÜ äöü ß", "Groesse-AeOeUe-aeoeue-ss"),
        ("Café Señor à São Paulo", "Cafe-Senor-a-Sao-Paulo"),
        ("Łódź, Ørsted, Œuvre", "Lodz-Orsted-Oeuvre"),
        ("  --  ", ""),
        ("東京", ""),
    ],
    ids=["german", "umlauts", "accents", "other-letters", "punctuation", "no-latin"],
)
def test_ascii_name_spells_letters_out_and_joins_words_with_hyphens(text, name):
    assert ascii_name(text) == name


def test_ascii_name_is_cut_without_a_trailing_hyphen():
    assert ascii_name("Ein sehr langer Titel", max_length=9) == "Ein-sehr"
    assert ascii_name("Über Alles", lower=True) == "ueber-alles"


def test_content_disposition_adds_the_utf8_name_only_when_needed():
    assert content_disposition("Programm.pdf") == 'attachment; filename="Programm.pdf"'
    assert content_disposition("Türschilder.pdf") == (
        "attachment; filename=\"T_rschilder.pdf\"; filename*=UTF-8''T%C3%BCrschilder.pdf"
    )
