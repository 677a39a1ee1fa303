"""The filter of a history: which kind of change, made by whom."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from planner.forms.base import Form
from planner.services.history import PAGE_SIZE, HistoryPage, HistoryQuery


class HistoryFilterForm(Form):
    """Sent with GET: a history page is a link anyone may bookmark or share."""

    class Meta(Form.Meta):
        csrf = False

    kind = SelectField(_l("Kind of change"), choices=[], validate_choice=False)
    actor = SelectField(_l("Changed by"), choices=[], validate_choice=False)

    def query(self, before: str | None) -> HistoryQuery:
        """Return what the reader asked for; values that make no sense are left out."""
        cursor = before if before and before.isdecimal() and len(before) < 12 else None
        return HistoryQuery(
            kind=(self.kind.data or "")[:30],
            actor=(self.actor.data or "")[:12],
            before=int(cursor) if cursor else None,
            page_size=PAGE_SIZE,
        )

    def offer(self, page: HistoryPage) -> None:
        """Offer the kinds and people of the page's trail, with the reader's choice kept."""
        self.kind.choices = page.kinds
        self.actor.choices = page.actors
        self.kind.data = page.query.kind
        self.actor.data = page.query.actor
