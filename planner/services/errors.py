"""Errors that services raise for values that cannot be saved."""


class InvalidInput(ValueError):
    """A value that is impossible, named by the field it belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
