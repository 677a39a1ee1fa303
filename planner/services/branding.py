"""An organisation's branding for printouts: logo and accent colour, checked on upload."""

import re
import struct

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from flask_babel import lazy_gettext as _l

from planner.models import Organisation
from planner.services.errors import InvalidInput

MAX_LOGO_BYTES = 512 * 1024
MAX_LOGO_PIXELS = 4000
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# In an SVG: no scripts, no event handlers, nothing fetched from elsewhere.
SVG_FORBIDDEN_TAGS = {"script", "foreignobject", "iframe", "embed", "object"}
SVG_REFERENCE = re.compile(r"^\s*(?!#|data:image/)", re.IGNORECASE)


def check_png(content: bytes) -> None:
    """Accept a real PNG image of a sensible size."""
    if not content.startswith(PNG_SIGNATURE) or content[12:16] != b"IHDR":
        raise InvalidInput("logo", _l("The file is not a PNG image."))
    width, height = struct.unpack(">II", content[16:24])
    if not (0 < width <= MAX_LOGO_PIXELS and 0 < height <= MAX_LOGO_PIXELS):
        raise InvalidInput("logo", _l("The image must be at most 4000 × 4000 pixels."))


def check_svg(content: bytes) -> None:
    """Accept an SVG drawing without scripts, event handlers or external references."""
    try:
        root = ElementTree.fromstring(content, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as error:
        raise InvalidInput("logo", _l("The file is not a valid SVG drawing.")) from error
    if not root.tag.endswith("svg"):
        raise InvalidInput("logo", _l("The file is not a valid SVG drawing."))
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1].lower()
        if tag in SVG_FORBIDDEN_TAGS:
            raise InvalidInput("logo", _l("The drawing contains scripts or embedded content."))
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                raise InvalidInput("logo", _l("The drawing contains scripts or embedded content."))
            if local == "href" and SVG_REFERENCE.match(value):
                raise InvalidInput("logo", _l("The drawing refers to other files."))
        if (
            tag == "style"
            and element.text
            and ("url(" in element.text or "@import" in element.text)
        ):
            raise InvalidInput("logo", _l("The drawing refers to other files."))


def set_logo(organisation: Organisation, filename: str, content: bytes) -> None:
    """Store a checked logo."""
    if len(content) > MAX_LOGO_BYTES:
        raise InvalidInput("logo", _l("The logo may be at most 512 KB."))
    name = filename.lower()
    if name.endswith(".png"):
        check_png(content)
        mime = "image/png"
    elif name.endswith(".svg"):
        check_svg(content)
        mime = "image/svg+xml"
    else:
        raise InvalidInput("logo", _l("Please upload a PNG or SVG file."))
    organisation.logo = content
    organisation.logo_mime = mime


def set_colour(organisation: Organisation, colour: str) -> None:
    """Set the accent colour, given as #rrggbb."""
    if not COLOUR.match(colour or ""):
        raise InvalidInput("accent_colour", _l("Enter a colour as #rrggbb, e.g. #0b4f8a."))
    organisation.accent_colour = colour.lower()
