"""Error pages in the interface's language."""

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException, InternalServerError

from planner.extensions import db


def register(app: Flask) -> None:
    """Render HTTP errors, unexpected ones (500) included, with the base layout."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if isinstance(error, InternalServerError):
            # The failed transaction must not take the error page down with it.
            db.session.rollback()
        return render_template("errors/error.html", error=error), error.code
