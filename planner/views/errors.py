"""Error pages in the interface's language."""

from flask import Flask, render_template
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import Conflict, HTTPException, InternalServerError

from planner.api import is_api_request, problem_of
from planner.extensions import db


def register(app: Flask) -> None:
    """Render HTTP errors, unexpected ones (500) included, with the base layout."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if isinstance(error, InternalServerError):
            # The failed transaction must not take the error page down with it.
            db.session.rollback()
        if is_api_request():
            return problem_of(error)
        return render_template("errors/error.html", error=error), error.code

    @app.errorhandler(StaleDataError)
    def changed_meanwhile(_error: StaleDataError):
        # A button (cancel, discard, remove) pressed on a record someone else saved at
        # the same moment: edit forms refuse this with the changes, the rest lands here.
        db.session.rollback()
        if is_api_request():
            return problem_of(Conflict())
        return render_template("errors/error.html", error=Conflict()), 409
