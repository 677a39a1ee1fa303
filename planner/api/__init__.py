"""The JSON API, ``/api/v1/``: the pages' services and permissions for scripts.

- **Tokens only.** A request names its personal API token (``Authorization: Bearer``);
  a browser session's cookie counts for nothing here, so no other site can make a
  logged-in browser call the API, and CSRF stays where the forms are.
- **The same permissions.** Every route declares a rule of ``services/permissions.py``
  with ``@permission_required``, as pages do; the token acts as its user. Writes need
  a "read write" token.
- **Throttled per token** (``API_LIMIT_PER_TOKEN``) in the login throttle's storage.
- **Errors** are RFC 9457 problem details; reads carry an ``ETag`` and answer
  ``If-None-Match`` with 304; changes of a visit need ``If-Match``.

The OpenAPI 3.1 description is made from the code by flask-smorest
(``/api/v1/openapi.json``) and shown as a page (``/api/v1/docs``).
"""

import hashlib
from http import HTTPStatus

from apispec import BasePlugin
from flask import Flask, Response, g, jsonify, request
from flask_babel import gettext as _
from flask_smorest import Api
from limits import parse as parse_limit
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from planner.converters import MAX_ID, IdConverter
from planner.extensions import csrf, db, login
from planner.models.types import utcnow
from planner.services.api_tokens import find_token
from planner.services.audit import set_actor

PREFIX = "/api/v1"
PROBLEM = "application/problem+json"
# Tokens are marked used at most this often: reading must not write on every request.
USED_EVERY_SECONDS = 3600
READING = frozenset({"GET", "HEAD", "OPTIONS"})


# How the description states optimistic locking, for any change of a lockable object: a
# read's ETag header, and the If-Match a change requires.
ETAG = {"description": "Send it as If-Match to change what you read.", "schema": {"type": "string"}}
IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "schema": {"type": "string"},
    "description": "The ETag of your last read: 428 without it, 412 if it changed since.",
}

# Answers any operation may give, whatever it does: no or a bad token, a read token
# writing or a permission refused, too many requests.
COMMON_ERRORS = (401, 403, 429)


class PlannerApi(Api):
    """flask-smorest's Api, leaving errors to the app's handler (``problem``) and
    describing them as what they are: problem details."""

    def _register_error_handlers(self):
        pass

    def _register_responses(self):
        from planner.api.schemas import Problem

        for status in HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["content"] = {PROBLEM: {"schema": Problem}}
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "An error.", "content": {PROBLEM: {"schema": Problem}}}
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, default, lazy=True)


class ProblemAnswers(BasePlugin):
    """Make the description honest about errors in one place: every operation declares the
    answers any request may get (and 404 where the URL names objects, 304 for reads), and
    every error answer is declared as problem details, as ``problem`` sends it."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        for method, operation in (operations or {}).items():
            responses = operation.setdefault("responses", {})
            for status in _common_answers(path, method):
                if status not in responses and str(status) not in responses:
                    responses[status] = HTTPStatus(status).name
            for status, response in responses.items():
                if str(status).isdigit() and int(status) >= 400:
                    _as_problem(response)


def _common_answers(path: str, method: str) -> list[int]:
    answers = list(COMMON_ERRORS)
    if "{" in path:
        answers.append(404)
    if method == "get":
        answers.append(304)
    return answers


def _as_problem(response) -> None:
    """Declare an error response given as JSON as the problem details it is."""
    content = response.get("content", {}) if isinstance(response, dict) else {}
    if "application/json" in content:
        content[PROBLEM] = content.pop("application/json")


def api_of(app: Flask) -> PlannerApi:
    """Return the app's API object, which holds its OpenAPI description."""
    return app.extensions["flask-smorest"]["apis"][""]["ext_obj"]


def is_api_request() -> bool:
    """Return whether the request is for the API (its errors are problem details)."""
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


def problem(status: int, detail: str = "", errors: dict | None = None, **headers) -> Response:
    """Answer with RFC 9457 problem details."""
    title = HTTP_STATUS_CODES.get(status, "Error")
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM
    response.headers.update(headers)
    return response


def precondition(current: str, missing: str, stale: str) -> Response | None:
    """Refuse a change that does not name the read it was made from: without If-Match
    (or with "*", which would overwrite whatever someone saved since) 428 and ``missing``,
    with another ETag than ``current`` 412 and ``stale``; None lets it through."""
    if not request.if_match or request.if_match.star_tag:
        return problem(428, missing)
    if not request.if_match.contains(current):
        return problem(412, stale)
    return None


def _public(path: str) -> bool:
    return path in (f"{PREFIX}/openapi.json", f"{PREFIX}/docs")


def _authenticate() -> Response | None:
    """Make the request's token its user, or refuse it; pages' sessions never count."""
    if not is_api_request():
        return None
    g.api_request = True
    if _public(request.path):
        return None
    header = request.headers.get("Authorization", "")
    scheme, _space, text = header.partition(" ")
    token = find_token(text.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        # No cookie may stand in for a token: the API forgets any session user.
        g._login_user = login.anonymous_user()
        return problem(
            401,
            _("Send a valid API token: Authorization: Bearer <token>."),
            **{"WWW-Authenticate": 'Bearer realm="planner"'},
        )
    g._login_user = token.user
    g.api_token = token
    set_actor(db.session, token.user_id, via=token.name)
    if request.method not in READING and not token.writes:
        return problem(403, _("This token may only read: make a token for reading and writing."))
    limited = _throttle(token.id)
    if limited is not None:
        return limited
    if token.last_used_at is None or (utcnow() - token.last_used_at).total_seconds() > (
        USED_EVERY_SECONDS
    ):
        token.last_used_at = utcnow()
        db.session.commit()
    return None


def _throttle(token_id: int) -> Response | None:
    from flask import current_app

    limiter = current_app.extensions["login_limiter"]
    limit = parse_limit(current_app.config["API_LIMIT_PER_TOKEN"])
    key = ("api-token", str(token_id))
    if limiter.limiter.hit(limit, *key):
        return None
    reset, _remaining = limiter.limiter.get_window_stats(limit, *key)
    wait = max(1, int(reset - utcnow().timestamp()))
    return problem(429, _("Too many requests with this token."), **{"Retry-After": str(wait)})


def _conditional(response: Response) -> Response:
    """Give every successful read an ETag and answer a matching If-None-Match with 304."""
    if not getattr(g, "api_request", False):
        return response
    response.headers.setdefault("Cache-Control", "no-store")
    response.vary.add("Authorization")
    reading = request.method in ("GET", "HEAD")
    if reading and response.status_code == 200 and not response.direct_passthrough:
        response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:32])
        response.make_conditional(request)
    return response


def init_api(app: Flask) -> None:
    """Attach the API to the app: routes, description, tokens, errors."""
    from planner.api import agenda, docs, operations, people, places, visits
    from planner.views.access import permission_required

    app.config.setdefault("API_TITLE", "Delegation Visit Planner")
    app.config.setdefault("API_VERSION", "1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    api = PlannerApi()
    api.init_app(
        app,
        spec_kwargs={
            "info": {"description": __doc__},
            "components": {
                "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
            },
            "security": [{"token": []}],
            "extra_plugins": [ProblemAnswers()],
        },
    )
    api.register_converter(
        IdConverter, lambda _converter: {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    )
    for module in (visits, agenda, operations, people, places):
        api.register_blueprint(module.blp)
        # Tokens only, never cookies: nothing for a forged cross-site form to ride on.
        csrf.exempt(module.blp)
    app.register_blueprint(docs.bp)
    app.view_functions["api-docs.openapi_json"] = permission_required("public")(
        app.view_functions["api-docs.openapi_json"]
    )
    app.before_request(_authenticate)
    app.after_request(_conditional)


def problem_of(error: HTTPException) -> Response:
    """Answer an HTTP error of an API request as problem details, with the messages per
    field that request parsing (webargs) attached."""
    messages = (getattr(error, "data", None) or {}).get("messages") or {}
    errors = {}
    for location in messages.values():
        for field, texts in location.items() if isinstance(location, dict) else ():
            errors[field] = [str(text) for text in _flat(texts)]
    detail = _("Check the fields named in errors.") if errors else ""
    headers = dict(getattr(error, "data", {}).get("headers", {}) or {})
    if error.code == 405 and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    return problem(error.code or 500, detail, errors, **headers)


def _flat(texts) -> list:
    if isinstance(texts, dict):
        return [f"{key}: {text}" for key, inner in texts.items() for text in _flat(inner)]
    if isinstance(texts, list):
        return [text for inner in texts for text in _flat(inner)]
    return [texts]
