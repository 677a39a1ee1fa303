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

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"
# Drawing programs keep their own notes in these namespaces; nothing renders them.
EDITOR_NAMESPACES = {
    "http://www.inkscape.org/namespaces/inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
}
METADATA_NAMESPACES = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://creativecommons.org/ns#",
    "http://purl.org/dc/elements/1.1/",
    "http://purl.org/dc/terms/",
}
# The SVG a logo may use: shapes, text, gradients, clipping, simple filters. Nothing that
# runs (script, event handlers), links (a), animates (set, animate...), embeds
# (foreignObject, iframe) or loads (feImage, a use of another file).
SVG_ELEMENTS = {
    "svg", "g", "defs", "symbol", "use", "title", "desc", "metadata", "style",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
    "text", "tspan", "textpath", "image",
    "lineargradient", "radialgradient", "stop", "clippath", "mask", "pattern", "marker",
    "filter", "fegaussianblur", "feoffset", "feblend", "fecolormatrix", "feflood",
    "fecomposite", "femerge", "femergenode", "fedropshadow",
}  # fmt: skip
SVG_EMBEDDING = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
SVG_ATTRIBUTES = {
    "id", "class", "style", "transform", "version", "baseprofile", "viewbox",
    "preserveaspectratio", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry",
    "fx", "fy", "fr", "width", "height", "d", "points", "pathlength",
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
    "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray",
    "stroke-dashoffset", "opacity", "color", "display", "visibility", "overflow",
    "clip-path", "clip-rule", "mask", "filter", "vector-effect", "shape-rendering",
    "text-rendering", "image-rendering", "color-interpolation", "color-interpolation-filters",
    "font-family", "font-size", "font-weight", "font-style", "font-variant", "font-stretch",
    "text-anchor", "dominant-baseline", "alignment-baseline", "baseline-shift",
    "letter-spacing", "word-spacing", "text-decoration", "writing-mode", "direction",
    "dx", "dy", "rotate", "textlength", "lengthadjust", "startoffset", "method", "spacing",
    "offset", "stop-color", "stop-opacity", "gradientunits", "gradienttransform",
    "spreadmethod", "patternunits", "patterncontentunits", "patterntransform",
    "clippathunits", "maskunits", "maskcontentunits", "markerwidth", "markerheight",
    "markerunits", "refx", "refy", "orient", "marker-start", "marker-mid", "marker-end",
    "filterunits", "primitiveunits", "in", "in2", "result", "stddeviation", "mode", "type",
    "values", "operator", "k1", "k2", "k3", "k4", "flood-color", "flood-opacity",
    "media", "href", "space", "lang",
}  # fmt: skip
HREF_ELEMENTS = {"use", "textpath", "lineargradient", "radialgradient", "pattern", "image"}
LOCAL_REFERENCE = re.compile(r"^\s*#\S*\s*$")
EMBEDDED_IMAGE = re.compile(r"^\s*data:image/(png|jpeg);base64,[a-z0-9+/=\s]*$", re.IGNORECASE)
CSS_COMMENT = re.compile(r"/\*.*?(\*/|$)", re.DOTALL)
CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\r\n\f]?|(.))", re.DOTALL)
CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.DOTALL)
# Anything else in a style that could fetch: at-rules (@import, @font-face), image functions.
CSS_FETCHING = re.compile(r"@|image-set\(|image\(|cross-fade\(|element\(|src\(")


def _check_dimensions(width: int, height: int, field: str) -> None:
    if not (0 < width <= MAX_LOGO_PIXELS and 0 < height <= MAX_LOGO_PIXELS):
        raise InvalidInput(field, _l("The image must be at most 4000 × 4000 pixels."))


def check_png(content: bytes, field: str = "logo") -> None:
    """Accept a real PNG image of a sensible size; a refusal names ``field``."""
    if not content.startswith(PNG_SIGNATURE) or content[12:16] != b"IHDR":
        raise InvalidInput(field, _l("The file is not a PNG image."))
    width, height = struct.unpack(">II", content[16:24])
    _check_dimensions(width, height, field)


def _jpeg_size(content: bytes) -> tuple[int, int] | None:
    """Return width and height from a JPEG's frame header, None when there is none.

    Walks the marker segments from the start of the image (SOI) to the first start of
    frame (SOF0–SOF15 except DHT, JPG and DAC), as a decoder would.
    """
    position = 2
    while position + 4 <= len(content):
        if content[position] != 0xFF:
            return None
        marker = content[position + 1]
        if marker == 0xFF:  # fill byte before a marker
            position += 1
            continue
        length = struct.unpack(">H", content[position + 2 : position + 4])[0]
        if length < 2:
            return None
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if position + 9 > len(content):
                return None
            height, width = struct.unpack(">HH", content[position + 5 : position + 9])
            return width, height
        if marker in (0xD9, 0xDA):  # end of image, or the scan begins: no frame before it
            return None
        position += 2 + length
    return None


def check_jpeg(content: bytes, field: str) -> None:
    """Accept a real JPEG image of a sensible size; a refusal names ``field``."""
    size = _jpeg_size(content) if content.startswith(b"\xff\xd8\xff") else None
    if size is None:
        raise InvalidInput(field, _l("The file is not a JPEG image."))
    _check_dimensions(*size, field)


def _split(name: str) -> tuple[str, str]:
    """Return the namespace and the lower-cased local part of an XML name."""
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local.lower()
    return "", name.lower()


def _unescaped_css(text: str) -> str:
    """Return CSS as a browser reads it: comments gone, escapes decoded, lower case, no space."""

    def decode(match: re.Match) -> str:
        if match[1]:
            code = int(match[1], 16)
            return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else ""
        return "" if match[2] == "\n" else match[2]

    return "".join(CSS_ESCAPE.sub(decode, CSS_COMMENT.sub("", text)).lower().split())


def _refers_elsewhere(value: str) -> bool:
    """Tell whether CSS or an attribute value loads anything but a part of the drawing."""
    css = _unescaped_css(value)
    if CSS_FETCHING.search(css):
        return True
    targets = [target for _, target in CSS_URL.findall(css)]
    if css.count("url(") != len(targets):
        return True  # an url( the pattern cannot read: refuse rather than guess
    return any(not target.startswith("#") for target in targets)


def _check_svg_element(element, inside_metadata: bool) -> None:
    namespace, tag = _split(element.tag)
    if namespace in EDITOR_NAMESPACES or (inside_metadata and namespace in METADATA_NAMESPACES):
        return
    refers_elsewhere = InvalidInput("logo", _l("The drawing refers to other files."))
    if tag in SVG_EMBEDDING:
        raise InvalidInput("logo", _l("The drawing contains scripts or embedded content."))
    if namespace not in ("", SVG) or tag not in SVG_ELEMENTS:
        raise InvalidInput("logo", _l("A logo may not contain the element “%(name)s”.", name=tag))
    for name, value in element.attrib.items():
        attribute_namespace, local = _split(name)
        if local.startswith("on"):
            raise InvalidInput("logo", _l("The drawing contains scripts or embedded content."))
        if attribute_namespace in EDITOR_NAMESPACES:
            continue
        known = attribute_namespace in ("", XML) or (
            attribute_namespace == XLINK and local == "href"
        )
        if not known or local not in SVG_ATTRIBUTES:
            raise InvalidInput(
                "logo", _l("A logo may not contain the attribute “%(name)s”.", name=local)
            )
        if local == "href":
            embedded = tag == "image" and EMBEDDED_IMAGE.match(value)
            if tag not in HREF_ELEMENTS or not (LOCAL_REFERENCE.match(value) or embedded):
                raise refers_elsewhere
        elif _refers_elsewhere(value):
            raise refers_elsewhere
    if tag == "style" and _refers_elsewhere(element.text or ""):
        raise refers_elsewhere


def check_svg(content: bytes) -> None:
    """Accept an SVG drawing made only of allowed elements and attributes.

    Nothing may run, link, animate, embed or load anything outside the file: references
    point to parts of the drawing (``#id``) or to PNG and JPEG images inside it.
    """
    try:
        root = ElementTree.fromstring(content, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as error:
        raise InvalidInput("logo", _l("The file is not a valid SVG drawing.")) from error
    if _split(root.tag) not in (("", "svg"), (SVG, "svg")):
        raise InvalidInput("logo", _l("The file is not a valid SVG drawing."))

    # A stack, not recursion: a deeply nested file must be refused, not crash the check.
    stack = [(root, False)]
    while stack:
        element, inside_metadata = stack.pop()
        _check_svg_element(element, inside_metadata)
        inside = inside_metadata or _split(element.tag) == (SVG, "metadata")
        stack.extend((child, inside) for child in element)


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
