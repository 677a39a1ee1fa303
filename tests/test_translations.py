"""Every user-facing string has a German translation."""

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "planner" / "translations" / "de" / "LC_MESSAGES" / "messages.po"
METHODS = [("**.py", "python"), ("**.html", "jinja2"), ("**.txt", "jinja2")]


def _source_messages() -> set[str]:
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "_lp": ((1, "c"), 2)}
    found = set()
    for folder in ("planner", "templates"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, METHODS, keywords=keywords
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_in_code_and_templates_is_translated_to_german():
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle, locale="de")
    # A plural message has a tuple of ids and one of translations: each form must be there.
    translated = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalogue
        if m.id
        and m.string
        and all(m.string if isinstance(m.string, tuple) else [m.string])
        and not m.fuzzy
    }

    in_source = _source_messages()
    missing = sorted(in_source - translated)

    assert "All times: %(zone)s" in in_source

    assert missing == [], "run `make extract-messages` and translate these in messages.po"
