"""The organisation's branding form."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField
from wtforms.validators import InputRequired

from planner.forms.base import Form
from planner.forms.locking import LockedForm


class BrandingForm(LockedForm, Form):
    """Logo and accent colour of the organisation's printouts."""

    accent_colour = StringField(
        _l("Accent colour"),
        validators=[InputRequired(message=_l("Please choose a colour."))],
        render_kw={"type": "color"},
    )
    logo = FileField(_l("Logo (PNG or SVG, at most 512 KB)"))
    remove_logo = BooleanField(_l("Remove the logo"))
