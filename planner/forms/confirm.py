"""The form of a confirmation page: nothing is deleted without it."""

from wtforms import HiddenField

from planner.forms.base import Form

CONFIRMED = "yes"


class ConfirmForm(Form):
    """A confirmation page's button; its hidden field proves that the page was seen.

    A bare POST to a deleting route (a stray click in an old page, a script) lacks the
    field and only leads to the confirmation page.
    """

    # No default: a POST without the field must not count as confirmed.
    confirm = HiddenField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_submitted():
            self.confirm.data = CONFIRMED

    def confirmed(self) -> bool:
        """Return whether the confirmation page was submitted, CSRF token included."""
        return self.validate_on_submit() and self.confirm.data == CONFIRMED
