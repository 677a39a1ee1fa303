"""URL converters."""

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL's integer columns hold no more


class IdConverter(IntegerConverter):
    """A database id in a URL: a positive integer that fits the id columns, else 404."""

    def __init__(self, url_map) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)
