"""Errors that services raise for values that cannot be saved."""


class InvalidInput(ValueError):
    """A value that is impossible, named by the field it belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class UnreadableMessage(ValueError):
    """An incoming e-mail that cannot be understood: not MIME, no usable calendar, garbled.

    Whoever reads incoming mail raises it; the mailbox reader then files the message among
    the unreadable ones instead of trying it again.
    """
