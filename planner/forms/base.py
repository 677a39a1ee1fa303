"""The base of every form: text hygiene for all text fields."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField

from planner.services.text import clean_text


def _single_line(value):
    if value is None:
        return value
    return clean_text(value if isinstance(value, str) else str(value))


def _multi_line(value):
    if value is None:
        return value
    return clean_text(value if isinstance(value, str) else str(value), multiline=True)


def _as_text(value):
    # Passwords keep every character, but must be text (JSON may send numbers or lists).
    return value if value is None or isinstance(value, str) else str(value)


class Form(FlaskForm):
    """A form whose text fields strip control characters pasted from word processors."""

    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            field_class = unbound_field.field_class
            text_filter = None
            if issubclass(field_class, PasswordField):
                text_filter = _as_text
            elif issubclass(field_class, TextAreaField):
                text_filter = _multi_line
            elif issubclass(field_class, StringField):
                text_filter = _single_line
            if text_filter is not None:
                options["filters"] = (*unbound_field.kwargs.get("filters", ()), text_filter)
            return super().bind_field(form, unbound_field, options)
