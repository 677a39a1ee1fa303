"""Text hygiene for input that comes from people and their word processors."""

import re
import unicodedata

# C0 and C1 control characters except tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(value: str | None, *, multiline: bool = False) -> str:
    """Strip control characters and surrounding space; fold line breaks unless multiline."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", _CONTROL.sub("", value))
    # Word processors paste line and paragraph separators and non-breaking spaces.
    text = text.replace("\u2028", "\n").replace("\u2029", "\n").replace("\r\n", "\n")
    text = text.replace("\r", "\n")
    if not multiline:
        text = " ".join(text.split())
    return text.strip()
