"""Helpers the blueprints share for redirects and form errors."""

from urllib.parse import urlsplit

from flask import url_for
from wtforms import Field

from planner.services.errors import InvalidInput


def local_target(target: str | None, fallback_endpoint: str = "visits.index") -> str:
    """Return ``target`` if it is a path of this site, else the fallback page's URL.

    An absolute URL here would make the redirect an open redirect.
    """
    parts = urlsplit(target or "")
    if not target or not target.startswith("/") or target.startswith("//") or parts.netloc:
        return url_for(fallback_endpoint)
    if parts.scheme or "\\" in target:
        return url_for(fallback_endpoint)
    return target


def show_error(form, error: InvalidInput) -> None:
    """Show a service's refusal at the field it names, else at the form's first field."""
    field = getattr(form, error.field, None)
    if not isinstance(field, Field):
        field = next(f for f in form if f.type not in ("CSRFTokenField", "HiddenField"))
    field.errors = [*field.errors, error.message]
