"""Shared field helpers."""

from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget


class CheckboxListField(SelectMultipleField):
    """A multiple choice shown as a list of labelled checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def choices(pairs) -> list[SelectChoice]:
    """Return select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]
