"""Titles and public descriptions of agenda items in the reader's language.

An item has each text in German and in English; the one in the visit's language is
required, the other may be empty. A reader gets their language, and the other one
only where theirs is empty. The same rule serves live items (``AgendaItem``), the
items frozen in issued versions and the changes between versions (dicts). Versions
issued before items had two languages keep one ``title`` and ``description``: that
text counts as the visit's language, and with the other language empty every reader
gets it.
"""

from collections.abc import Mapping
from typing import Any

from flask_babel import get_locale
from flask_babel.speaklater import LazyString

from planner.enums import Language

LANGUAGES = (Language.DE.value, Language.EN.value)
FIELDS = ("title", "description")


def in_language(texts: Mapping[str, str], language: str) -> str:
    """Return the text in ``language``, else the one in the other language, else ""."""
    wanted = Language(language).value
    other = next(code for code in LANGUAGES if code != wanted)
    return texts.get(wanted) or texts.get(other) or ""


def texts_of(item: Any, field: str, visit_language: str | None = None) -> dict[str, str]:
    """Return an item's ``title`` or ``description`` by language: {"de": ..., "en": ...}.

    ``item`` is an ``AgendaItem``, a snapshot item or a summary of a change. A dict
    from before the two languages has the text only under ``field``: it is returned
    under ``visit_language`` (and under both languages when that is not known).
    """
    if isinstance(item, Mapping):
        if any(f"{field}_{code}" in item for code in LANGUAGES):
            return {code: item.get(f"{field}_{code}") or "" for code in LANGUAGES}
        legacy = item.get(field) or ""
        if visit_language is None:
            return dict.fromkeys(LANGUAGES, legacy)
        return {Language(visit_language).value: legacy}
    return {code: getattr(item, f"{field}_{code}") or "" for code in LANGUAGES}


def both_languages(item: Any, visit_language: str | None = None) -> dict[str, str]:
    """Return an item's texts as a version keeps them: ``title_de``, ``title_en``,
    ``description_de`` and ``description_en``; a language an older version does not
    know is empty.
    """
    return {
        f"{field}_{code}": texts_of(item, field, visit_language).get(code, "")
        for field in FIELDS
        for code in LANGUAGES
    }


def title_in(item: Any, language: str) -> str:
    """Return an item's title in ``language``, falling back to the other language."""
    return in_language(texts_of(item, "title"), language)


def description_in(item: Any, language: str) -> str:
    """Return an item's public description in ``language``, falling back to the other."""
    return in_language(texts_of(item, "description"), language)


def reader_language() -> str:
    """Return the language being written in now: the request's or the forced locale."""
    locale = get_locale()
    return locale.language if locale is not None else Language.DE.value


def lazy_title(item: Any) -> LazyString:
    """Return an item's title in the language of the page or message it ends up in.

    For warnings and errors that are phrased when they are shown (``lazy_gettext``):
    the title follows the language of the rest of the sentence.
    """
    titles = texts_of(item, "title")
    return LazyString(lambda: in_language(titles, reader_language()))
