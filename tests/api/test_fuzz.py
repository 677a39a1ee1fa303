"""Schemathesis fuzzes every operation of the OpenAPI description against the app itself
(WSGI, no network), once with a token that only reads and once with one that writes: no
answer may be a server error, and every answer must be one the description promises, with
its status, content type, headers and body schema.

New API modules are covered without touching this file: the operations come from the
description. A few examples per operation keep it fast; the seed makes a failure repeat.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.config._checks import PositiveDataAcceptanceConfig

from planner.enums import Role
from planner.extensions import db
from planner.services.api_tokens import create_token
from planner.services.demo import load_demo_data
from tests import factories

SCOPES = {"read": "read", "write": "read write"}


@pytest.fixture(params=sorted(SCOPES))
def api_schema(request, app, database):
    """The app's description, calling the app with a host planner's token of one scope on
    the demo data."""
    if database != "sqlite":
        pytest.skip("fuzzing checks the description, not the database: SQLite is enough")
    app.config["API_LIMIT_PER_TOKEN"] = "100000 per minute"
    demo = load_demo_data().visit
    planner = factories.user(demo.host_organisation, Role.PLANNER, name="Lena Hoffmann")
    _token, text = create_token(planner, "Fuzzer", SCOPES[request.param])
    db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    schema.config.update(headers={"Authorization": f"Bearer {text}"})
    # A request the description allows may still break a rule it cannot state (the last
    # day before the first, a guest organisation that does not exist, a title of blanks,
    # a stale If-Match): those are refused with problem details, as promised.
    schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
        expected_statuses=["2xx", "3xx", 401, 403, 404, 409, 412, 422, 428, 429]
    )
    return schema


def test_every_answer_is_one_the_description_promises(api_schema):
    failures = {}
    for result in api_schema.get_all_operations():
        operation = result.ok()
        try:
            _fuzz(operation)
        except Exception as error:  # noqa: BLE001 - collect all, report together
            failures[operation.label] = error
    assert not failures, "\n\n".join(f"{label}: {error}" for label, error in failures.items())


def _fuzz(operation) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=30,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def call(case):
        case.call_and_validate()

    call()
