"""The Babel locale behind each interface language."""

# English pages and messages are written for readers in Europe: "23 February 2023" and the
# 24-hour clock of en_GB, not the month-first dates and "12:58 PM" of plain "en". The
# translations stay those of "en": Babel falls back from "en_GB" to "en".
FORMATTING_LOCALES = {"en": "en_GB"}


def formatting_locale(language: str) -> str:
    """Return the Babel locale that writes ``language``, with its date and time formats."""
    return FORMATTING_LOCALES.get(language, language)
