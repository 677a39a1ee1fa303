"""The forms of the seating editor: the layout to propose, the seats, a swap of two seats."""

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, RadioField, SelectField
from wtforms.validators import InputRequired, NumberRange

from planner.enums import HeadsCustom, SeatingLayout
from planner.forms.base import Form
from planner.forms.locking import LockedForm
from planner.forms.widgets import choices
from planner.services.seating import MAX_SEATS_PER_TABLE, MAX_TABLES

# A form field naming a seat or a person: a database id, never longer.
MAX_ID_DIGITS = 12


class LayoutForm(LockedForm, Form):
    """Tables to lay out and seat by precedence; replacing a plan must be confirmed."""

    layout = SelectField(
        _l("Layout"),
        choices=choices(
            [
                (SeatingLayout.LONG_TABLE.value, _l("Long table")),
                (SeatingLayout.ROUND_TABLES.value, _l("Round tables")),
                (SeatingLayout.U_SHAPE.value, _l("U-shape")),
                (SeatingLayout.THEATRE.value, _l("Theatre rows")),
            ]
        ),
        default=SeatingLayout.LONG_TABLE.value,
    )
    heads = RadioField(
        _l("Heads of delegation"),
        choices=choices(
            [
                (HeadsCustom.FACING.value, _l("Facing each other")),
                (HeadsCustom.SIDE_BY_SIDE.value, _l("Side by side")),
            ]
        ),
        default=HeadsCustom.FACING.value,
    )
    tables = IntegerField(
        _l("Tables (round tables) or rows (theatre)"),
        default=1,
        validators=[InputRequired(), NumberRange(min=1, max=MAX_TABLES)],
    )
    seats_per_table = IntegerField(
        _l("Seats per table or row"),
        default=8,
        validators=[InputRequired(), NumberRange(min=1, max=MAX_SEATS_PER_TABLE)],
    )
    replace = BooleanField(_l("Yes, replace the current seating with a new proposal"))


class SeatsForm(LockedForm, Form):
    """Who sits on which seat; the seats' choices are fields of their own (``seat-<id>``)."""


class SwapForm(LockedForm, Form):
    """Two seats whose people change places."""

    first = SelectField(_l("Seat"), coerce=int, choices=[], validate_choice=True)
    second = SelectField(_l("Swap with"), coerce=int, choices=[], validate_choice=True)


def _id(text: str | None) -> int | None:
    text = (text or "").strip()
    if text.isdecimal() and text.isascii() and len(text) <= MAX_ID_DIGITS:
        return int(text)
    return None


def sent_seats(data: Mapping[str, str], seat_ids: list[int]) -> dict[int, int | None] | None:
    """Return the person chosen for each seat the form sent (empty: nobody), or None when
    a choice is no id at all."""
    chosen: dict[int, int | None] = {}
    for seat_id in seat_ids:
        key = f"seat-{seat_id}"
        if key not in data:
            continue
        if data[key] == "":
            chosen[seat_id] = None
        elif (person_id := _id(data[key])) is not None:
            chosen[seat_id] = person_id
        else:
            return None
    return chosen


def sent_marks(data: Mapping[str, str], table_ids: list[int]) -> dict[int, tuple[bool, bool]]:
    """Return each table's marks as the form's checkboxes say (unchecked: unsuitable)."""
    return {
        table_id: (f"table-{table_id}-step-free" in data, f"table-{table_id}-service" in data)
        for table_id in table_ids
        if f"table-{table_id}-shown" in data
    }
