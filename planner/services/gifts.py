"""The gift register of a visit: what the host's side gave and received, for compliance.

Public servants may accept gifts only within narrow limits: German federal and most state
rules ask for approval or a report of anything above a small amount. Received gifts whose
estimated value exceeds ``GIFT_REPORT_THRESHOLD_EUR`` are flagged on the page and in the
export; the register itself is the host's internal record, never shown to guests.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import current_app
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from planner.enums import GiftDirection
from planner.extensions import db
from planner.i18n import enum_labels
from planner.models import AgendaItem, Gift, Participation, Person, Visit
from planner.services.address import person_forms
from planner.services.branding import check_jpeg, check_png
from planner.services.errors import InvalidInput
from planner.services.item_texts import title_in
from planner.services.text import clean_text

MAX_PHOTO_BYTES = 2 * 1024 * 1024
# The most a form may send as a value: ten digits with two decimals fit the column.
MAX_VALUE_EUR = Decimal("99999999.99")


@dataclass(frozen=True)
class GiftValues:
    """A gift's values as a form hands them over; a person wins over a typed name."""

    direction: GiftDirection
    description: str
    giver_person_id: int | None = None
    giver_name: str = ""
    recipient_person_id: int | None = None
    recipient_name: str = ""
    item_id: int | None = None
    value_eur: Decimal | None = None
    kept_at: str = ""
    notes: str = ""


@dataclass(frozen=True)
class GiftRow:
    """A gift as the register lists it."""

    gift: Gift
    giver: str
    recipient: str
    occasion: str
    must_report: bool


def report_threshold() -> Decimal:
    """Return the value above which a received gift must be reported, in euros."""
    return current_app.config["GIFT_REPORT_THRESHOLD_EUR"]


def must_report(gift: Gift, threshold: Decimal) -> bool:
    """Return whether a received gift is worth more than the threshold."""
    return (
        gift.direction == GiftDirection.RECEIVED
        and gift.value_eur is not None
        and gift.value_eur > threshold
    )


def _language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "de"


def party_name(person: Person | None, typed: str, language: str) -> str:
    """Return a giver or recipient: the person in their form of address, or the typed name."""
    if person is None:
        return typed
    return f"{person_forms(person, language).card} ({person.affiliation})"


def _loaded(query: Select) -> list[Gift]:
    return list(
        db.session.scalars(
            query.options(
                joinedload(Gift.visit),
                joinedload(Gift.item),
                joinedload(Gift.giver_person).joinedload(Person.organisation),
                joinedload(Gift.recipient_person).joinedload(Person.organisation),
            )
        )
    )


def _rows(gifts: list[Gift]) -> list[GiftRow]:
    """Return gifts as the register lists them, with their flags."""
    language, threshold = _language(), report_threshold()
    rows = [
        GiftRow(
            gift=gift,
            giver=party_name(gift.giver_person, gift.giver_name, language),
            recipient=party_name(gift.recipient_person, gift.recipient_name, language),
            occasion=title_in(gift.item, language) if gift.item else "",
            must_report=must_report(gift, threshold),
        )
        for gift in gifts
    ]
    # Gifts handed over at an item by the item's time, the others after them.
    return sorted(rows, key=_handed_over)


def gifts_of(visit: Visit) -> list[GiftRow]:
    """Return the visit's gifts in the order they were handed over, with their flags."""
    return _rows(_loaded(select(Gift).where(Gift.visit_id == visit.id)))


def organisation_gifts(organisation_id: int, year: int) -> list[GiftRow]:
    """Return the gifts of the visits an organisation hosted that began in ``year``, visit
    by visit in the order of their days."""
    query = (
        select(Gift)
        .join(Visit, Visit.id == Gift.visit_id)
        .where(
            Visit.host_organisation_id == organisation_id,
            Visit.first_day >= date(year, 1, 1),
            Visit.first_day <= date(year, 12, 31),
        )
    )
    rows = _rows(_loaded(query))
    return sorted(rows, key=lambda row: (row.gift.visit.first_day, row.gift.visit_id))


def _handed_over(row: GiftRow) -> tuple:
    item = row.gift.item
    return (0, item.starts_at, row.gift.id) if item else (1, row.gift.id)


def _participant(visit: Visit, person_id: int | None, field: str) -> Person | None:
    if person_id is None:
        return None
    person = db.session.scalar(
        select(Person)
        .join(Participation, Participation.person_id == Person.id)
        .where(Participation.visit_id == visit.id, Person.id == person_id)
    )
    if person is None:
        raise InvalidInput(field, _l("This person does not take part in the visit."))
    return person


def _item(visit: Visit, item_id: int | None) -> AgendaItem | None:
    if item_id is None:
        return None
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.visit_id != visit.id:
        raise InvalidInput("item", _l("This item is not on the agenda of the visit."))
    return item


def save_gift(visit: Visit, values: GiftValues, gift: Gift | None = None) -> Gift:
    """Create or change a gift of the visit; the caller commits."""
    giver = _participant(visit, values.giver_person_id, "giver_person")
    recipient = _participant(visit, values.recipient_person_id, "recipient_person")
    giver_name = "" if giver else clean_text(values.giver_name)
    recipient_name = "" if recipient else clean_text(values.recipient_name)
    if giver is None and not giver_name:
        raise InvalidInput("giver_name", _l("Please name who gave the gift."))
    if recipient is None and not recipient_name:
        raise InvalidInput("recipient_name", _l("Please name who received the gift."))
    description = clean_text(values.description)
    if not description:
        raise InvalidInput("description", _l("Please describe the gift."))
    if values.value_eur is not None and not Decimal(0) <= values.value_eur <= MAX_VALUE_EUR:
        raise InvalidInput("value_eur", _l("Enter an amount in euros."))
    if gift is None:
        gift = Gift(visit=visit)
        db.session.add(gift)
    gift.direction = GiftDirection(values.direction)
    gift.item = _item(visit, values.item_id)
    gift.giver_person, gift.giver_name = giver, giver_name
    gift.recipient_person, gift.recipient_name = recipient, recipient_name
    gift.description = description
    gift.value_eur = values.value_eur
    gift.kept_at = clean_text(values.kept_at)
    gift.notes = clean_text(values.notes, multiline=True)
    return gift


def check_photo(filename: str, content: bytes) -> str:
    """Return the MIME type of an uploaded photo, a real PNG or JPEG of a bounded size."""
    if len(content) > MAX_PHOTO_BYTES:
        raise InvalidInput("photo", _l("The photo may be at most 2 MB."))
    name = filename.lower()
    if name.endswith(".png"):
        check_png(content, "photo")
        return "image/png"
    if name.endswith((".jpg", ".jpeg")):
        check_jpeg(content, "photo")
        return "image/jpeg"
    raise InvalidInput("photo", _l("Please upload a photo as JPEG or PNG."))


def set_photo(gift: Gift, filename: str, content: bytes) -> None:
    """Store a checked photo of the gift."""
    gift.photo_mime = check_photo(filename, content)
    gift.photo = content


def remove_photo(gift: Gift) -> None:
    """Remove the gift's photo."""
    gift.photo, gift.photo_mime = None, None


def delete_gift(gift: Gift) -> None:
    """Remove a gift from the register; the audit trail keeps what it was."""
    db.session.delete(gift)


def format_value(value: Decimal | None) -> str:
    """Return an amount in euros as the reader writes it: "80,00" (German), "80.00"."""
    return "" if value is None else format_decimal(value, format="#,##0.00")


def _header() -> list[str]:
    return [
        _("Direction"), _("Handed over at"), _("From"), _("To"), _("Gift"),
        _("Estimated value (EUR)"), _("To be reported"), _("Kept at"), _("Photo"), _("Notes"),
    ]  # fmt: skip


def _cells(row: GiftRow) -> list[str]:
    directions = enum_labels()["gift_direction"]
    yes, no = _("yes"), _("no")
    return [
        str(directions[row.gift.direction]),
        row.occasion,
        row.giver,
        row.recipient,
        row.gift.description,
        format_value(row.gift.value_eur),
        yes if row.must_report else no,
        row.gift.kept_at,
        yes if row.gift.photo_mime else no,
        row.gift.notes,
    ]


def export_rows(visit: Visit) -> tuple[list[str], list[list[str]]]:
    """Return the header and rows of the register for the compliance office."""
    return _header(), [_cells(row) for row in gifts_of(visit)]


def _day(row: GiftRow) -> str:
    """Return the day a gift was handed over: its item's, else the visit's first."""
    item = row.gift.item
    return (item.starts_at.date() if item else row.gift.visit.first_day).isoformat()


def organisation_export_rows(organisation_id: int, year: int) -> tuple[list[str], list[list[str]]]:
    """Return the header and rows of a year's register across the organisation's visits."""
    header = [_("Visit"), _("Day"), *_header()]
    rows = [
        [row.gift.visit.title, _day(row), *_cells(row)]
        for row in organisation_gifts(organisation_id, year)
    ]
    return header, rows
