"""Helpers for tests: counting SQL statements, reading pages."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser

from sqlalchemy import event
from sqlalchemy.engine import Engine


@dataclass
class QueryCount:
    """The SQL statements seen while counting."""

    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Return how many statements were executed."""
        return len(self.statements)


# What a confirmation page sends (planner/forms/confirm.py); a bare POST is not confirmed.
CONFIRMED = {"confirm": "yes"}


@contextmanager
def count_queries(engine: Engine) -> Iterator[QueryCount]:
    """Count the SQL statements that ``engine`` executes inside the block."""
    seen = QueryCount()

    def record(_conn, _cursor, statement, _parameters, _context, _executemany):
        seen.statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def page_text(response) -> str:
    """Return a page's text as a reader sees it: tags removed, white space folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


class _FormReader(HTMLParser):
    """Collect what a browser would send from each form of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []  # {"id", "action", "fields": [(name, value)]}
        self.loose: list[tuple[str, str, str]] = []  # (form id, name, value) via form="…"
        self._form: dict | None = None
        self._select: tuple[str, list[str], list[str]] | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self._attrs: dict = {}

    def _add(self, attrs: dict, name: str, value: str) -> None:
        if "form" in attrs:
            self.loose.append((attrs["form"], name, value))
        elif self._form is not None:
            self._form["fields"].append((name, value))

    def handle_starttag(self, tag, attrs):
        attrs = {key: value if value is not None else "" for key, value in attrs}
        if tag == "form":
            self._form = {"id": attrs.get("id"), "action": attrs.get("action"), "fields": []}
            self.forms.append(self._form)
        elif tag == "input" and "name" in attrs and "disabled" not in attrs:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._add(attrs, attrs["name"], attrs.get("value", "on"))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self._add(attrs, attrs["name"], attrs.get("value", ""))
        elif tag == "select" and "name" in attrs and "disabled" not in attrs:
            self._select = (attrs["name"], [], [])
            self._attrs = attrs
        elif tag == "option" and self._select is not None:
            self._select[1].append(attrs.get("value", ""))
            if "selected" in attrs:
                self._select[2].append(attrs.get("value", ""))
        elif tag == "textarea" and "name" in attrs and "disabled" not in attrs:
            self._textarea = (attrs["name"], [])
            self._attrs = attrs

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            name, options, chosen = self._select
            for value in chosen or options[:1]:
                self._add(self._attrs, name, value)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, parts = self._textarea
            self._add(self._attrs, name, "".join(parts).removeprefix("\n"))
            self._textarea = None


def form_values(response, form_id: str | None = None, action: str | None = None) -> dict:
    """Return what a browser sends from a page's form, as data for the test client.

    The form is chosen by its id, else by its action, else the first form without an
    action (the page's own). Fields named more than once become lists.
    """
    reader = _FormReader()
    reader.feed(response.get_data(as_text=True))
    if form_id is not None:
        form = next(form for form in reader.forms if form["id"] == form_id)
    elif action is not None:
        form = next(form for form in reader.forms if form["action"] == action)
    else:
        form = next(form for form in reader.forms if not form["action"])
    pairs = list(form["fields"])
    if form["id"]:
        pairs += [(name, value) for owner, name, value in reader.loose if owner == form["id"]]
    collected: dict[str, list[str]] = {}
    for name, value in pairs:
        collected.setdefault(name, []).append(value)
    return {name: values[0] if len(values) == 1 else values for name, values in collected.items()}
