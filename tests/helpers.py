"""Helpers for tests: counting SQL statements, reading pages."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

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
