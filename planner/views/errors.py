"""Error pages in the interface's language."""

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException


def register(app: Flask) -> None:
    """Render HTTP errors, unexpected ones (500) included, with the base layout."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_template("errors/error.html", error=error), error.code
