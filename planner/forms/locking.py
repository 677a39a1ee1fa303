"""The lock version an edit form carries, and the words a refused save shows.

Every form that changes a stored record inherits ``LockedForm``: it sends back the
record's ``lock_version`` in a hidden field; ``expected_version()`` reads only what the
browser sent, so a form without it counts as out of date. When the save is refused,
``refusal()`` puts the record's current version into the form (saving again then replaces
the other changes knowingly) and describes those changes with the form's own labels and
choices: "Karl Kollege: Titel: Begrüßung → Empfang".
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, Field, HiddenField, SelectFieldBase
from wtforms.csrf.core import CSRFTokenField
from wtforms.fields.choices import SelectChoice

from planner.i18n import enum_labels
from planner.services.audit import REDACTED
from planner.services.locking import EditConflict, OtherChange, parse_version

LONGEST_VALUE = 80


@dataclass(frozen=True)
class ShownChange:
    """One person's change as a refusal shows it: who, and a line per field."""

    who: str
    fields: list[tuple[str, str]]


@dataclass(frozen=True)
class Refusal:
    """What a refused save shows: the changes others made since the form was opened."""

    changes: list[ShownChange]
    version_missing: bool = False


@dataclass(frozen=True)
class Wording:
    """How a stored field is named and its values written in a refusal."""

    label: Any
    show: Callable[[Any], str]


def _plain(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    text = str(value)
    if len(text) == 19 and text[10:11] == "T":
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            return f"{format_date(moment.date(), 'medium')} {moment:%H:%M}"
    text = " ".join(text.split())
    return text if len(text) <= LONGEST_VALUE else text[: LONGEST_VALUE - 1] + "…"


def _day(value: Any) -> str:
    try:
        return format_date(date.fromisoformat(str(value)[:10]), "medium")
    except ValueError:
        return _plain(value)


def _named(names: dict[str, Any]) -> Callable[[Any], str]:
    def show(value: Any) -> str:
        return str(names.get(str(value), _plain(value))) if value is not None else "–"

    return show


def _choice_names(field: SelectFieldBase) -> dict[str, Any]:
    options = field.choices() if callable(field.choices) else field.choices or []
    pairs = (
        (option.value, option.label) if isinstance(option, SelectChoice) else option[:2]
        for option in options
    )
    return {str(value): label for value, label in pairs}


def wording_of(field: Field) -> Wording:
    """Return how a form field names and writes the stored values behind it."""
    if isinstance(field, SelectFieldBase):
        return Wording(field.label.text, _named(_choice_names(field)))
    if isinstance(field, BooleanField):
        return Wording(field.label.text, _plain)
    if isinstance(field, DateField):
        return Wording(field.label.text, _day)
    return Wording(field.label.text, _plain)


def _line(wording: Wording, values: Any) -> str:
    if isinstance(values, dict):
        parts = []
        if values.get("added"):
            parts.append(_("added: %(names)s", names=", ".join(map(wording.show, values["added"]))))
        if values.get("removed"):
            removed = ", ".join(map(wording.show, values["removed"]))
            parts.append(_("removed: %(names)s", names=removed))
        return "; ".join(parts)
    old, new = values
    if REDACTED in (old, new):
        return _("changed")
    return f"{wording.show(old)} → {wording.show(new)}"


def describe(changes: Iterable[OtherChange], wordings: dict[str, Wording]) -> list[ShownChange]:
    """Return others' changes in words; fields without a wording (technical ones) are left
    out."""
    shown: list[ShownChange] = []
    for change in changes:
        who = change.who or _("Someone without a login")
        lines = [
            (str(wordings[name].label), _line(wordings[name], values))
            for name, values in change.fields.items()
            if name in wordings
        ]
        if shown and shown[-1].who == who:
            # One save may take several flushes: the same person's changes in a row are one.
            lines = [*shown.pop().fields, *lines]
        shown.append(ShownChange(who, lines))
    return shown


def refusal_of(conflict: EditConflict, wordings: dict[str, Wording]) -> Refusal:
    """Return what a refused save shows."""
    return Refusal(describe(conflict.changes, wordings), conflict.version_missing)


class LockedForm:
    """A form that edits a stored record and carries the version it was opened at.

    ``stored_as`` names, for stored fields the form shows under another name, the form
    field whose label and choices describe them (``{"room_id": "room"}``).
    """

    lock_version = HiddenField()
    stored_as: ClassVar[dict[str, str]] = {}

    def expected_version(self) -> int | None:
        """Return the version the form was opened at, as the browser sent it back."""
        sent = self.lock_version.raw_data
        return parse_version(sent[0] if sent else None)

    def show_version(self, record: Any) -> None:
        """Carry the record's current version in the form."""
        self.lock_version.data = str(record.lock_version)

    def wordings(self) -> dict[str, Wording]:
        """Return how this form names the stored fields, keyed by stored name."""
        found = {
            field.short_name: wording_of(field)
            for field in self  # type: ignore[attr-defined] (a WTForms form is iterable)
            if not isinstance(field, HiddenField | CSRFTokenField)
        }
        for stored, shown in self.stored_as.items():
            if shown in found:
                found[stored] = found[shown]
        return found

    def refusal(self, conflict: EditConflict, record: Any) -> Refusal:
        """Take the record's current version and return what the refusal shows."""
        self.show_version(record)
        return refusal_of(conflict, self.wordings())


def participation_wordings(item_titles: dict[int, str]) -> dict[str, Wording]:
    """Return how the participants page and the attendance matrix name a participant's
    fields."""
    labels = enum_labels()
    return {
        "rank": Wording(_l("Rank"), _plain),
        "rsvp_status": Wording(
            _l("Answer"), _named({k.value: v for k, v in labels["rsvp"].items()})
        ),
        "attends_all_items": Wording(_l("Attends every item"), _plain),
        "items": Wording(_l("Attends"), _named({str(k): v for k, v in item_titles.items()})),
    }
