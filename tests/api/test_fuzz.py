"""Schemathesis fuzzes every operation of the OpenAPI description against the app itself
(WSGI, no network), once with a token that only reads and once with one that writes: no
answer may be a server error, and every answer must be one the description promises, with
its status, content type, headers and body schema.

New API modules are covered without touching this file: the operations come from the
description. A few examples per operation keep it fast; the seed makes a failure repeat.
"""

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.config import PositiveDataAcceptanceConfig
from sqlalchemy import select

from planner.enums import Role
from planner.extensions import db
from planner.models import (
    AgendaItem,
    AgendaVersion,
    OutboxMessage,
    Participation,
    ProgrammeModule,
    Room,
    Venue,
)
from planner.services.api_tokens import create_token
from planner.services.demo import load_demo_data
from tests import factories

PROBLEM = "application/problem+json"
SCOPES = {"read": "read", "write": "read write"}
EXAMPLES_PER_MODE = 25


@pytest.fixture
def demo(app, database):
    if database != "sqlite":
        pytest.skip("fuzzing checks the description, not the database: SQLite is enough")
    return load_demo_data().visit


@pytest.fixture(params=sorted(SCOPES))
def api_schema(request, app, demo):
    """The app's description, calling the app with a host planner's token of one scope on
    the demo data."""
    app.config["API_LIMIT_PER_TOKEN"] = "100000 per minute"
    planner = factories.user(demo.host_organisation, Role.PLANNER, name="Lena Hoffmann")
    _token, text = create_token(planner, "Fuzzer", SCOPES[request.param])
    db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)

    @schema.auth()
    class Bearer:
        """The token, as schemathesis's own credentials: its auth checks then also try
        each request without it and with a wrong one."""

        def get(self, case, context):
            return text

        def set(self, case, data, context):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    # A request the description allows may still break a rule it cannot state (the last
    # day before the first, a guest organisation that does not exist, a title of blanks,
    # a stale If-Match): those are refused with problem details, as promised.
    schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
        expected_statuses=["2xx", "3xx", 401, 403, 404, 409, 412, 422, 428, 429]
    )
    return schema


def test_every_operation_declares_its_problem_answers_as_problem_details(client):
    spec = client.get("/api/v1/openapi.json").json

    validate(spec)
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            if method == "parameters":
                continue
            responses = operation["responses"]
            assert {"401", "403", "429"} <= set(responses), f"{method} {path}"
            for status, response in responses.items():
                if status == "default" or int(status) >= 400:
                    assert set(_resolved(spec, response)["content"]) == {PROBLEM}, status


def _resolved(spec: dict, response: dict) -> dict:
    if "$ref" in response:
        return spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response


@pytest.fixture
def demo_ids(demo) -> dict[str, int]:
    """Ids of demo objects the host planner sees, by the URL values that name them: random
    ids alone would only ever meet 404."""
    host = demo.host_organisation_id
    values = {
        "visit_id": demo.id,
        "number": _first(AgendaVersion.number, AgendaVersion.visit_id == demo.id),
        "item_id": _first(AgendaItem.id, AgendaItem.visit_id == demo.id),
        "participation_id": _first(Participation.id, Participation.visit_id == demo.id),
        "person_id": _first(Participation.person_id, Participation.visit_id == demo.id),
        "message_id": _first(OutboxMessage.id, OutboxMessage.visit_id == demo.id),
        "venue_id": _first(Venue.id, Venue.organisation_id == host),
        "room_id": _first(
            Room.id, Room.venue_id.in_(select(Venue.id).filter_by(organisation_id=host))
        ),
        "module_id": _first(ProgrammeModule.id, ProgrammeModule.organisation_id == host),
    }
    return {name: value for name, value in values.items() if value is not None}


def _first(column, *where):
    return db.session.scalar(select(column).where(*where).order_by(column).limit(1))


def test_every_answer_is_one_the_description_promises(api_schema, demo_ids):
    failures = {}
    for result in api_schema.get_all_operations():
        operation = result.ok()
        named = set(re.findall(r"{(\w+)}", operation.path))
        known = {name: value for name, value in demo_ids.items() if name in named}
        for mode in GenerationMode:
            try:
                _fuzz(operation, mode, known)
            except Exception as error:  # noqa: BLE001 - collect all, report together
                failures[f"{operation.label} ({mode.value})"] = error
    assert not failures, "\n\n".join(f"{label}: {error}" for label, error in failures.items())


def _fuzz(operation, mode: GenerationMode, known: dict[str, int]) -> None:
    """Call the operation with generated requests, on random objects and on the demo's."""
    auth = operation.schema.auth
    strategy = operation.as_strategy(mode, auth_storage=auth)
    if known:
        strategy = st.one_of(
            strategy, operation.as_strategy(mode, auth_storage=auth, path_parameters=known)
        )

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES_PER_MODE,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def call(case):
        case.call_and_validate()

    call()


def test_linked_operations_keep_their_promises(api_schema):
    """Follow the description's links: create a visit, read it, change it with its ETag."""
    machine = api_schema.as_state_machine()
    machine.run(
        settings=settings(
            max_examples=EXAMPLES_PER_MODE,
            stateful_step_count=5,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
