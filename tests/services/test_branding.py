"""The logo check: an SVG is a strict allow-list of elements and attributes."""

import pytest

from planner.services.branding import check_svg
from planner.services.errors import InvalidInput

HEAD = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
REFERS = "Die Zeichnung verweist auf andere Dateien."
RUNS = "Die Zeichnung enthält Skripte oder eingebettete Inhalte."
PNG_DATA = "data:image/png;base64,iVBORw0KGgo="


def _svg(body: str) -> bytes:
    return f"{HEAD}{body}</svg>".encode()


@pytest.mark.parametrize(
    "body",
    [
        '<defs><linearGradient id="g"><stop offset="0" stop-color="#0b4f8a"/></linearGradient>'
        '</defs><rect width="10" height="10" fill="url(#g)" style="stroke: url( \'#g\' )"/>',
        '<style>.a { fill: #0b4f8a; stroke: url("#g") }</style><path class="a" d="M0 0h5"/>',
        '<defs><path id="p" d="M0 0h5"/></defs><use xlink:href="#p"/><use href="#p" x="5"/>',
        f'<image width="4" height="4" href="{PNG_DATA}"/>',
        '<text x="1" y="9" font-family="Arial" xml:space="preserve">Stadt <tspan>Bochum</tspan>'
        "</text>",
    ],
    ids=["gradient-reference", "style-element", "use-of-own-part", "embedded-png", "text"],
)
def test_a_plain_drawing_is_accepted(app, body):
    check_svg(_svg(body))


def test_a_drawing_saved_by_inkscape_is_accepted(app):
    check_svg(
        b'<svg xmlns="http://www.w3.org/2000/svg" '
        b'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" '
        b'xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" '
        b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        b'xmlns:dc="http://purl.org/dc/elements/1.1/" inkscape:version="1.2" width="10">'
        b'<sodipodi:namedview id="nv" inkscape:zoom="1"/>'
        b"<metadata><rdf:RDF><dc:title>Wappen</dc:title></rdf:RDF></metadata>"
        b'<g inkscape:label="Ebene 1" inkscape:groupmode="layer"><rect width="10" height="5"/>'
        b"</g></svg>"
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('<rect style="fill: url(https://evil.example/x)"/>', REFERS),
        ('<rect style="fill: URL(//evil.example/x)"/>', REFERS),
        ('<rect style="fill: u\\72l(https://evil.example/x)"/>', REFERS),
        ('<rect style="fill: \\75 \\52 \\4c (https://evil.example/x)"/>', REFERS),
        ('<rect style="fill: u\\rl(https://evil.example/x)"/>', REFERS),
        ('<rect style="fill: url(/**/https://evil.example/x)"/>', REFERS),
        ('<rect fill="url(https://evil.example/x#g)"/>', REFERS),
        ("<style>@import 'https://evil.example/x.css';</style>", REFERS),
        ("<style>@\\69mport 'https://evil.example/x.css';</style>", REFERS),
        ("<style>@IM/**/PORT 'https://evil.example/x.css';</style>", REFERS),
        ("<style>@font-face { font-family: x; src: local(x) }</style>", REFERS),
        ("<style>rect { fill: image-set('https://evil.example/x.png' 1x) }</style>", REFERS),
        ("<style><![CDATA[rect { fill: url(http://evil.example/) }]]></style>", REFERS),
        ('<use href="https://evil.example/x.svg#p"/>', REFERS),
        ('<use xlink:href="other.svg#p"/>', REFERS),
        ('<image href="https://evil.example/x.png"/>', REFERS),
        ('<image href="data:image/svg+xml;base64,PHN2Zz4="/>', REFERS),
        ('<rect href="#r"/>', REFERS),
        ('<set attributeName="href" to="https://evil.example/"/>', None),
        ('<a href="#x"><animate attributeName="href" values="https://evil.example/"/></a>', None),
        ('<rect><animate attributeName="fill" to="url(https://evil.example/)"/></rect>', None),
        ("<script>alert(1)</script>", RUNS),
        ('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml"/></foreignObject>', RUNS),
        ('<rect onload="alert(1)"/>', RUNS),
        ('<filter><feImage href="https://evil.example/x.png"/></filter>', None),
        ('<rect xml:base="https://evil.example/"/>', None),
        ('<html:b xmlns:html="http://www.w3.org/1999/xhtml"/>', None),
    ],
    ids=[
        "style-url", "style-url-upper-case", "style-url-escaped-char", "style-url-hex-escapes",
        "style-url-escaped-letter", "style-url-comment", "attribute-url", "import",
        "import-escaped", "import-comment", "font-face", "image-set", "style-cdata",
        "use-other-site", "use-other-file", "image-other-site", "image-nested-svg",
        "href-on-rect", "set", "animate-link", "animate-fill", "script", "foreign-object",
        "event-handler", "fe-image", "xml-base", "html-element",
    ],
)  # fmt: skip
def test_a_drawing_that_could_run_or_load_anything_is_refused(app, body, message):
    with pytest.raises(InvalidInput) as refused:
        check_svg(_svg(body))
    if message is not None:
        assert str(refused.value.message) == message
    else:
        assert str(refused.value.message).startswith("Ein Logo darf ")


def test_the_refusal_names_the_element_that_is_not_allowed(app):
    with pytest.raises(InvalidInput) as refused:
        check_svg(_svg('<rect><animateMotion dur="1s"/></rect>'))
    assert (
        str(refused.value.message) == "Ein Logo darf das Element „animatemotion“ nicht enthalten."
    )


def test_a_deeply_nested_drawing_is_refused_or_accepted_without_crashing(app):
    check_svg(_svg("<g>" * 5000 + "</g>" * 5000))
