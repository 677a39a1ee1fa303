"""The gift register: recorded by the host's planners, flagged above the reporting
threshold, exported for the compliance office, never shown to guests."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from planner.config import gift_threshold
from planner.enums import GiftDirection, Role
from planner.extensions import db
from planner.models import Gift, Person
from planner.services.demo import load_demo_data
from tests import factories
from tests.helpers import page_text
from tests.views.test_permissions import PNG

HEADER = [
    "Richtung", "Überreicht bei", "Von", "An", "Geschenk", "Geschätzter Wert (EUR)",
    "Meldepflichtig", "Aufbewahrungsort", "Foto", "Anmerkungen",
]  # fmt: skip
# The smallest JPEG the check reads: start of image, a baseline frame header of 1 × 1
# pixels, end of image.
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffc0000b080001000101011100ffd9")


@pytest.fixture
def demo(app):
    return load_demo_data().visit


@pytest.fixture
def planner(demo, login):
    user = factories.user(demo.host_organisation, Role.PLANNER)
    login(user)
    return user


def _person(last_name: str) -> Person:
    return db.session.scalars(select(Person).where(Person.last_name == last_name)).one()


def _form(demo, **fields) -> dict:
    values = {
        "direction": "received",
        "description": "Bildband über das Ruhrgebiet",
        "item": str(next(i.id for i in demo.items if i.title_de == "Abschlussgespräch")),
        "giver_person": "0",
        "giver_name": "Stadt Wuppertal",
        "recipient_person": str(_person("Kopietz").id),
        "recipient_name": "",
        "value_eur": "",
        "kept_at": "",
        "notes": "",
    }
    return {**values, **fields}


def _upload(client, demo, name: str, content: bytes):
    """Send the new-gift form with a photo, encoded here: the test client would keep a
    large body in a temporary file that it never closes."""
    boundary, body = encode_multipart(
        {**_form(demo), "photo": FileStorage(io.BytesIO(content), filename=name)}
    )
    return client.post(
        f"/visits/{demo.id}/gifts/new",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def _rows(response) -> list[list[str]]:
    text = response.data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_demo_gifts_of_the_welcome_are_listed_and_the_received_one_flagged(
    client, demo, planner
):
    text = page_text(client.get(f"/visits/{demo.id}/gifts"))

    assert "Erhaltene Geschenke mit einem Wert über 25,00 EUR" in text
    welcome = "Begrüßung durch den Oberbürgermeister"
    assert (
        "Grubenlampe (Geleucht) mit Gravur des Bochumer Stadtwappens überreicht "
        f"Thomas Eiskirch (Bochum) Prof. Dr. Uwe Schneidewind (Wuppertal) {welcome} 80,00 –"
    ) in text
    assert (
        "Modell der Wuppertaler Schwebebahn meldepflichtig erhalten "
        f"Prof. Dr. Uwe Schneidewind (Wuppertal) Thomas Eiskirch (Bochum) {welcome} 40,00 "
        "Amtszimmer des Oberbürgermeisters, Vitrine"
    ) in text
    assert text.count("meldepflichtig") == 2  # the explanation, and the model


def test_a_planner_records_a_received_gift_and_the_history_tells_it(client, demo, planner):
    response = client.post(
        f"/visits/{demo.id}/gifts/new", data=_form(demo, value_eur="1.234,50", kept_at="Archiv")
    )

    assert response.status_code == 302
    gift = db.session.scalars(select(Gift).where(Gift.description.like("Bildband%"))).one()
    assert (gift.direction, gift.giver_name, gift.recipient_person.last_name) == (
        GiftDirection.RECEIVED, "Stadt Wuppertal", "Kopietz",
    )  # fmt: skip
    assert gift.value_eur == Decimal("1234.50")
    text = page_text(client.get(f"/visits/{demo.id}/gifts"))
    assert (
        "Bildband über das Ruhrgebiet meldepflichtig erhalten Stadt Wuppertal "
        "Sebastian Kopietz (Bochum) Abschlussgespräch 1.234,50 Archiv"
    ) in text
    history = page_text(client.get(f"/visits/{demo.id}/history"))
    assert "das Geschenk „Bildband über das Ruhrgebiet“ erfasst" in history


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"value_eur": "viel"}, "Bitte geben Sie einen Betrag in Euro an, z. B. 80 oder 39,90."),
        ({"value_eur": "12,3456"}, "Bitte geben Sie einen Betrag in Euro an"),
        ({"description": ""}, "Bitte beschreiben Sie das Geschenk."),
        ({"giver_name": ""}, "Bitte geben Sie an, wer das Geschenk überreicht hat."),
        ({"recipient_person": "0"}, "Bitte geben Sie an, wer das Geschenk erhalten hat."),
        ({"recipient_person": "999999"}, "Keine gültige Auswahl"),
        ({"direction": "stolen"}, "Keine gültige Auswahl"),
    ],
    ids=["no-amount", "three-decimals", "no-description", "no-giver", "no-recipient",
         "unknown-person", "unknown-direction"],
)  # fmt: skip
def test_bad_input_is_shown_at_the_field_and_nothing_is_saved(
    client, demo, planner, fields, message
):
    response = client.post(f"/visits/{demo.id}/gifts/new", data=_form(demo, **fields))

    assert response.status_code == 200
    assert message.lower() in page_text(response).lower()
    assert db.session.scalar(select(Gift).where(Gift.description.like("Bildband%"))) is None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("lampe.png", b"not an image at all", "Die Datei ist kein PNG-Bild."),
        ("lampe.jpg", PNG, "Die Datei ist kein JPEG-Bild."),
        ("lampe.gif", b"GIF89a" + bytes(20), "Bitte laden Sie ein Foto als JPEG oder PNG hoch."),
        ("lampe.jpg", JPEG + bytes(2 * 1024 * 1024), "Das Foto darf höchstens 2 MB groß sein."),
    ],
    ids=["text-as-png", "png-as-jpeg", "gif", "too-big"],
)
def test_a_photo_that_is_no_image_or_too_big_is_refused(client, demo, planner, name, content,
                                                       message):  # fmt: skip
    response = _upload(client, demo, name, content)

    assert response.status_code == 200
    assert message in page_text(response)
    assert db.session.scalar(select(Gift).where(Gift.description.like("Bildband%"))) is None


@pytest.mark.parametrize(("name", "content", "mime"), [("a.png", PNG, "image/png"),
                                                       ("b.JPEG", JPEG, "image/jpeg")])  # fmt: skip
def test_a_real_image_is_kept_and_served_as_what_it_is(client, demo, planner, name, content,
                                                      mime):  # fmt: skip
    _upload(client, demo, name, content)
    gift = db.session.scalars(select(Gift).where(Gift.description.like("Bildband%"))).one()

    photo = client.get(f"/visits/{demo.id}/gifts/{gift.id}/photo")

    assert (photo.status_code, photo.mimetype, photo.data) == (200, mime, content)
    assert photo.headers["X-Content-Type-Options"] == "nosniff"


def test_removing_a_gift_asks_first(client, demo, planner):
    gift_id = db.session.scalars(select(Gift.id).order_by(Gift.id)).first()
    url = f"/visits/{demo.id}/gifts/{gift_id}/delete"

    bare = client.post(url)
    assert bare.status_code == 302
    assert bare.location.endswith(url)
    assert db.session.get(Gift, gift_id) is not None
    question = page_text(client.get(url))
    assert "„Grubenlampe (Geleucht) mit Gravur des Bochumer Stadtwappens“ aus dem" in question

    assert client.post(url, data={"confirm": "yes"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Gift, gift_id) is None
    assert "das Geschenk „Grubenlampe" in page_text(client.get(f"/visits/{demo.id}/history"))


@pytest.mark.parametrize(
    ("relation", "role", "status"),
    [("guest", Role.ADMIN, 403), ("guest", Role.VIEWER, 403), ("other", Role.ADMIN, 404)],
)
def test_guests_and_other_cities_learn_nothing_of_the_register(
    client, demo, login, relation, role, status
):
    gift = db.session.scalars(select(Gift).order_by(Gift.id)).first()
    organisation = (
        demo.guest_organisations[0] if relation == "guest" else factories.organisation("Essen")
    )
    login(factories.user(organisation, role))
    base = f"/visits/{demo.id}/gifts"

    for url in (base, f"{base}.csv", f"{base}.xlsx", f"{base}/{gift.id}/photo",
                f"{base}/new", f"{base}/{gift.id}/edit", f"{base}/{gift.id}/delete"):  # fmt: skip
        assert client.get(url).status_code == status, url
    assert client.post(f"{base}/new", data=_form(demo)).status_code == status
    assert client.post(f"{base}/{gift.id}/delete", data={"confirm": "yes"}).status_code == status
    assert db.session.scalar(select(Gift).where(Gift.description.like("Bildband%"))) is None
    assert "Geschenke" not in page_text(client.get(f"/visits/{demo.id}"))


def test_host_viewers_read_the_register_but_change_nothing(client, demo, login):
    login(factories.user(demo.host_organisation, Role.VIEWER))

    page = page_text(client.get(f"/visits/{demo.id}/gifts"))

    assert "Modell der Wuppertaler Schwebebahn" in page
    assert "Geschenk erfassen" not in page
    assert client.post(f"/visits/{demo.id}/gifts/new", data=_form(demo)).status_code == 403


def test_the_csv_export_has_the_columns_and_flags_what_must_be_reported(client, demo, planner):
    response = client.get(f"/visits/{demo.id}/gifts.csv")

    assert response.mimetype == "text/csv"
    assert "geschenke-besuch" in response.headers["Content-Disposition"]
    header, *rows = _rows(response)
    assert header == HEADER
    welcome = "Begrüßung durch den Oberbürgermeister"
    eiskirch, schneidewind = "Thomas Eiskirch (Bochum)", "Prof. Dr. Uwe Schneidewind (Wuppertal)"
    assert rows == [
        ["überreicht", welcome, eiskirch, schneidewind,
         "Grubenlampe (Geleucht) mit Gravur des Bochumer Stadtwappens", "80,00", "nein", "",
         "nein", ""],
        ["erhalten", welcome, schneidewind, eiskirch,
         "Modell der Wuppertaler Schwebebahn", "40,00", "ja",
         "Amtszimmer des Oberbürgermeisters, Vitrine", "nein", ""],
    ]  # fmt: skip


def test_the_threshold_is_configurable(app, client, demo, planner):
    app.config["GIFT_REPORT_THRESHOLD_EUR"] = Decimal("40")

    _header, *rows = _rows(client.get(f"/visits/{demo.id}/gifts.csv"))

    # Worth exactly the threshold: not above it.
    assert [row[6] for row in rows] == ["nein", "nein"]
    # Only the explanation names it.
    assert page_text(client.get(f"/visits/{demo.id}/gifts")).count("meldepflichtig") == 1


def test_the_xlsx_export_opens_with_the_columns_and_keeps_formulas_as_text(client, demo, planner):
    client.post(
        f"/visits/{demo.id}/gifts/new",
        data=_form(demo, description='=HYPERLINK("http://evil.example")', value_eur="30"),
    )

    response = client.get(f"/visits/{demo.id}/gifts.xlsx")

    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == HEADER
    assert rows[-1][4] == '=HYPERLINK("http://evil.example")'
    assert sheet.cell(row=len(rows), column=5).data_type == "s"
    assert rows[-1][5:7] == ["30,00", "ja"]
    _header, *csv_rows = _rows(client.get(f"/visits/{demo.id}/gifts.csv"))
    assert csv_rows[-1][4] == '\'=HYPERLINK("http://evil.example")'


def test_the_visit_page_links_the_register_for_the_host(client, demo, planner):
    page = client.get(f"/visits/{demo.id}").get_data(as_text=True)

    assert f'href="/visits/{demo.id}/gifts"' in page
    assert f'href="/visits/{demo.id}/golden-book"' in page


@pytest.mark.parametrize(
    ("value", "expected"), [(25, Decimal(25)), ("12,50", Decimal("12.50")), ("0", Decimal(0))]
)
def test_the_threshold_setting_reads_amounts(value, expected):
    assert gift_threshold(value) == expected


@pytest.mark.parametrize("value", ["viel", "-5", "nan", "inf"])
def test_the_threshold_setting_refuses_what_is_no_amount(value):
    with pytest.raises(ValueError, match="GIFT_REPORT_THRESHOLD_EUR"):
        gift_threshold(value)


def test_a_years_register_across_the_organisations_visits(client, demo, planner):
    other = factories.visit(
        demo.host_organisation, [factories.organisation("Essen")], first_day=date(2023, 5, 4),
        title="Besuch aus Essen",
    )  # fmt: skip
    db.session.add(
        Gift(visit=other, direction=GiftDirection.RECEIVED, giver_name="Stadt Essen",
             recipient_name="Stadt Bochum", description="Zollverein-Bildband",
             value_eur=Decimal("19.90"))
    )  # fmt: skip
    next_year = factories.visit(demo.host_organisation, [], first_day=date(2024, 1, 10))
    db.session.add(
        Gift(visit=next_year, direction=GiftDirection.GIVEN, giver_name="Stadt Bochum",
             recipient_name="Gäste", description="Im nächsten Jahr")
    )  # fmt: skip
    db.session.commit()

    header, *rows = _rows(client.get("/gifts.csv?year=2023"))

    assert header == ["Besuch", "Tag", *HEADER]
    assert [(row[0], row[1], row[6], row[8]) for row in rows] == [
        (demo.title, "2023-02-23", "Grubenlampe (Geleucht) mit Gravur des Bochumer Stadtwappens",
         "nein"),
        (demo.title, "2023-02-23", "Modell der Wuppertaler Schwebebahn", "ja"),
        ("Besuch aus Essen", "2023-05-04", "Zollverein-Bildband", "nein"),
    ]  # fmt: skip
    sheet = load_workbook(io.BytesIO(client.get("/gifts.xlsx?year=2023").data)).active
    assert sheet.max_row == 4


@pytest.mark.parametrize("year", ["20x3", "99999", "1200"])
def test_a_years_register_refuses_what_is_no_year(client, demo, planner, year):
    assert client.get(f"/gifts.csv?year={year}").status_code == 400


def test_a_guest_city_finds_no_gifts_of_visits_it_attended(client, demo, login):
    login(factories.user(demo.guest_organisations[0], Role.ADMIN))

    _header, *rows = _rows(client.get("/gifts.csv?year=2023"))

    assert rows == []
