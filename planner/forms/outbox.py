"""The forms of the outbox: a draft message, and the text shared by all letters."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from planner.forms.base import Form
from planner.forms.locking import LockedForm

# A text area as tall as the text it holds, within what a screen shows.
FEWEST_ROWS = 10
MOST_ROWS = 40
# What one row of the editor surely holds at its full width (static/css/screen.css,
# Outbox), words wrapping whole.
CHARACTERS_PER_ROW = 90


def _rows_of(line: str) -> int:
    """Return the rows one line takes: a word that does not fit goes to the next row, and
    one longer than a row (an answer link) is broken there."""
    rows, used = 1, 0
    for word in line.split(" "):
        needed = len(word) if used == 0 else used + 1 + len(word)
        if needed <= CHARACTERS_PER_ROW:
            used = needed
            continue
        if used:
            rows += 1
        extra, used = divmod(len(word), CHARACTERS_PER_ROW)
        rows += extra - (1 if extra and not used else 0)
        used = used or (CHARACTERS_PER_ROW if extra else 0)
    return rows


def rows_for(text: str | None) -> int:
    """Return how many rows a text area needs to show a text whole (10 to 40), long lines
    counted as the rows they wrap into."""
    rows = sum(_rows_of(line) for line in (text or "").split("\n"))
    return min(MOST_ROWS, max(FEWEST_ROWS, rows + 1))


class MessageForm(LockedForm, Form):
    """Subject and text of a message before it is sent."""

    subject = StringField(
        _l("Subject"),
        validators=[InputRequired(message=_l("Please enter a subject.")), Length(max=500)],
    )
    body_text = TextAreaField(
        _l("Text"),
        validators=[InputRequired(message=_l("Please enter a text.")), Length(max=50_000)],
    )

    def fit_text(self) -> None:
        """Size the text area to the text it shows."""
        self.body_text.render_kw = {"rows": rows_for(self.body_text.data)}


class LetterTextForm(LockedForm, Form):
    """The text a planner writes once for every letter of a version, per language."""

    text_de = TextAreaField(
        _l("Text for letters in German"),
        validators=[Length(max=10_000)],
        render_kw={"rows": FEWEST_ROWS},
    )
    text_en = TextAreaField(
        _l("Text for letters in English"),
        validators=[Length(max=10_000)],
        render_kw={"rows": FEWEST_ROWS, "lang": "en"},
    )

    def texts(self) -> dict[str, str]:
        """Return the texts by language."""
        return {"de": self.text_de.data or "", "en": self.text_en.data or ""}
