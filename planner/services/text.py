"""Text hygiene for input that comes from people and their word processors."""

import re
import unicodedata
from urllib.parse import quote

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


# German spelling without umlauts; every other accent is folded to its base letter.
_SPELLED_OUT = str.maketrans(
    {
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "Ä": "Ae",
        "Ö": "Oe",
        "Ü": "Ue",
        "ß": "ss",
        "ẞ": "SS",
        "Æ": "Ae",
        "æ": "ae",
        "Œ": "Oe",
        "œ": "oe",
        "Ø": "O",
        "ø": "o",
        "Ł": "L",
        "ł": "l",
        "Đ": "D",
        "đ": "d",
        "Þ": "Th",
        "þ": "th",
        "ı": "i",
    }
)
_NOT_NAME = re.compile(r"[^A-Za-z0-9]+")


def ascii_name(text: str, *, lower: bool = False, max_length: int = 80) -> str:
    """Spell text as a file name in ASCII: "Mobilität & Klimaschutz" → "Mobilitaet-Klimaschutz"."""
    spelled = unicodedata.normalize("NFKD", clean_text(text).translate(_SPELLED_OUT))
    folded = "".join(char for char in spelled if not unicodedata.combining(char))
    name = _NOT_NAME.sub("-", folded.encode("ascii", "ignore").decode()).strip("-")
    if lower:
        name = name.lower()
    return name[:max_length].rstrip("-")


def content_disposition(filename: str) -> str:
    """Return an RFC 6266 attachment header with an ASCII name and the UTF-8 original."""
    fallback = re.sub(r"[^\x20-\x7e]|[\"\\]", "_", filename)
    value = f'attachment; filename="{fallback}"'
    if fallback != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return value
