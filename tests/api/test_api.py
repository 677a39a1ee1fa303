"""The JSON API as a script uses it: tokens, permissions, errors, caching and changes."""

import re
from datetime import timedelta

import pytest
from openapi_spec_validator import validate
from sqlalchemy import select

from planner.enums import Role
from planner.extensions import db
from planner.models import ApiToken, AuditEntry, Visit
from planner.models.types import utcnow
from planner.services.api_tokens import create_token
from planner.services.demo import load_demo_data
from tests import factories
from tests.helpers import CONFIRMED, form_values, page_text

PROBLEM = "application/problem+json"


@pytest.fixture
def demo(app):
    return load_demo_data().visit


def _token(user, scope: str = "read write", **kwargs) -> dict:
    _made, text = create_token(user, "Skript", scope, **kwargs)
    db.session.commit()
    return {"Authorization": f"Bearer {text}"}


@pytest.fixture
def host(demo):
    return _token(factories.user(demo.host_organisation, Role.PLANNER, name="Lena Hoffmann"))


@pytest.fixture
def guest(demo):
    return _token(factories.user(demo.guest_organisations[0], Role.PLANNER))


def test_without_a_token_the_api_answers_401_as_problem_details_even_when_logged_in(
    client, login, demo
):
    login(factories.user(demo.host_organisation, Role.ADMIN))

    response = client.get(f"/api/v1/visits/{demo.id}")

    assert response.status_code == 401
    assert response.mimetype == PROBLEM
    assert response.json["status"] == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    # The browser's session opens the pages, not the API.
    assert client.get(f"/visits/{demo.id}").status_code == 200


def test_a_revoked_or_expired_token_or_a_deactivated_user_is_refused(client, demo):
    user = factories.user(demo.host_organisation, Role.PLANNER)
    revoked = _token(user)
    expired = _token(user, days=1)
    db.session.execute(
        ApiToken.__table__.update().values(revoked_at=utcnow()).where(ApiToken.id == 1)
    )
    token = db.session.scalars(select(ApiToken).order_by(ApiToken.id.desc())).first()
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()

    assert client.get("/api/v1/visits", headers=revoked).status_code == 401
    assert client.get("/api/v1/visits", headers=expired).status_code == 401
    working = _token(user)
    assert client.get("/api/v1/visits", headers=working).status_code == 200
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/visits", headers=working).status_code == 401


def test_the_host_reads_internal_notes_and_a_guest_does_not_and_others_learn_nothing(
    client, demo, host, guest
):
    demo.internal_notes = "Parkplatz am Rathaus reservieren"
    db.session.commit()
    other = _token(factories.user(factories.organisation("Dortmund"), Role.ADMIN))

    as_host = client.get(f"/api/v1/visits/{demo.id}", headers=host)
    as_guest = client.get(f"/api/v1/visits/{demo.id}", headers=guest)

    assert as_host.json["internal_notes"] == "Parkplatz am Rathaus reservieren"
    assert as_host.json["host"]["name"] == "Bochum"
    assert "internal_notes" not in as_guest.json
    assert as_guest.json["title"] == demo.title
    assert client.get(f"/api/v1/visits/{demo.id}", headers=other).status_code == 404
    assert client.get("/api/v1/visits/999999", headers=other).json["status"] == 404
    assert client.get("/api/v1/visits", headers=other).json["visits"] == []


def test_visits_come_in_keyset_pages_with_filters(client, demo, host):
    for number in range(3):
        factories.visit(demo.host_organisation, title=f"Besuch {number}")
    db.session.commit()

    first = client.get("/api/v1/visits?limit=2", headers=host).json
    second = client.get(f"/api/v1/visits?limit=2&after={first['next_after']}", headers=host).json

    ids = [v["id"] for v in first["visits"] + second["visits"]]
    assert len(ids) == 4
    assert ids == sorted(ids)
    assert second["next_after"] is None
    found = client.get("/api/v1/visits?q=Besuch%201", headers=host).json["visits"]
    assert [v["title"] for v in found] == ["Besuch 1"]
    bad = client.get("/api/v1/visits?limit=0&from=gestern", headers=host)
    assert bad.status_code == 422
    assert bad.mimetype == PROBLEM
    assert set(bad.json["errors"]) == {"limit", "from"}


def test_a_read_carries_an_etag_and_an_unchanged_visit_answers_304(client, demo, host):
    first = client.get(f"/api/v1/visits/{demo.id}", headers=host)

    again = client.get(
        f"/api/v1/visits/{demo.id}", headers={**host, "If-None-Match": first.headers["ETag"]}
    )

    assert again.status_code == 304
    assert again.data == b""
    # A HEAD carries the same ETag, as the README's curl example reads it.
    assert (
        client.head(f"/api/v1/visits/{demo.id}", headers=host).headers["ETag"]
        == (first.headers["ETag"])
    )
    db.session.get(Visit, demo.id).purpose = "Neu"
    db.session.commit()
    changed = client.get(
        f"/api/v1/visits/{demo.id}", headers={**host, "If-None-Match": first.headers["ETag"]}
    )
    assert changed.status_code == 200


def test_a_change_needs_the_etag_of_the_last_read_and_is_audited_with_the_tokens_name(
    client, demo, host
):
    url = f"/api/v1/visits/{demo.id}"
    etag = client.get(url, headers=host).headers["ETag"]

    missing = client.patch(url, headers=host, json={"purpose": "Austausch"})
    changed = client.patch(url, headers={**host, "If-Match": etag}, json={"purpose": "Austausch"})
    stale = client.patch(url, headers={**host, "If-Match": etag}, json={"purpose": "Später"})

    assert missing.status_code == 428
    assert changed.status_code == 200
    assert changed.json["purpose"] == "Austausch"
    assert stale.status_code == 412
    db.session.expire_all()
    assert db.session.get(Visit, demo.id).purpose == "Austausch"
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "Visit").order_by(AuditEntry.id.desc())
    ).first()
    assert entry.via == "Skript"
    assert entry.user.name == "Lena Hoffmann"


def test_if_match_star_does_not_overwrite_a_visit_blindly(client, demo, host):
    url = f"/api/v1/visits/{demo.id}"

    blind = client.patch(url, headers={**host, "If-Match": "*"}, json={"purpose": "Blind"})

    assert blind.status_code == 428
    assert blind.mimetype == PROBLEM
    assert client.get(url, headers=host).json["purpose"] != "Blind"


def test_visit_days_the_calendars_cannot_hold_are_refused_not_a_server_error(client, demo, host):
    for day in ("9999-12-31", "0001-01-01"):
        answer = client.post(
            "/api/v1/visits",
            headers=host,
            json={"title": "Zeitreise", "first_day": day, "last_day": day},
        )

        assert answer.status_code == 422
        assert answer.mimetype == PROBLEM
        assert set(answer.json["errors"]) == {"first_day", "last_day"}


def test_a_read_token_may_not_write_and_a_guest_may_not_change_the_hosts_visit(client, demo, guest):
    reader = _token(factories.user(demo.host_organisation, Role.PLANNER), scope="read")
    url = f"/api/v1/visits/{demo.id}"

    refused = client.patch(url, headers={**reader, "If-Match": "*"}, json={"purpose": "x"})

    assert refused.status_code == 403
    assert refused.mimetype == PROBLEM
    assert client.patch(url, headers={**guest, "If-Match": "*"}, json={}).status_code == 403
    assert client.get(url, headers=reader).status_code == 200


def test_creating_a_visit_checks_its_fields_like_the_form(client, demo, host):
    created = client.post(
        "/api/v1/visits",
        headers=host,
        json={"title": "Besuch aus Essen", "first_day": "2026-12-01", "last_day": "2026-12-02"},
    )
    backwards = client.post(
        "/api/v1/visits",
        headers=host,
        json={"title": "Rückwärts", "first_day": "2026-12-02", "last_day": "2026-12-01"},
    )
    garbage = client.post(
        "/api/v1/visits", headers=host, data="{kein json", content_type="application/json"
    )

    assert created.status_code == 201
    assert created.headers["Location"].endswith(f"/api/v1/visits/{created.json['id']}")
    assert created.json["status"] == "draft"
    assert backwards.status_code == 422
    assert "last_day" in backwards.json["errors"]
    assert garbage.status_code in (400, 422)
    assert garbage.mimetype == PROBLEM


def test_guests_read_the_issued_agenda_without_notes_and_the_host_its_draft(
    client, demo, host, guest
):
    issued = client.get(f"/api/v1/visits/{demo.id}/agenda", headers=guest).json
    draft = client.get(f"/api/v1/visits/{demo.id}/agenda?draft=true", headers=host).json

    assert issued["version"] >= 1
    assert draft["version"] is None
    assert issued["items"], "the demo has an issued agenda"
    first = issued["items"][0]
    assert "internal_notes" not in first
    assert first["starts"]["local"].endswith("+01:00")
    assert first["starts"]["utc"].endswith("Z")
    assert "internal_notes" in draft["items"][0]
    refused = client.get(f"/api/v1/visits/{demo.id}/agenda?draft=true", headers=guest)
    assert refused.status_code == 403
    versions = client.get(f"/api/v1/visits/{demo.id}/versions", headers=guest).json["versions"]
    number = versions[0]["number"]
    one = client.get(f"/api/v1/visits/{demo.id}/versions/{number}", headers=guest).json
    assert [i["uid"] for i in one["items"]] == [i["uid"] for i in issued["items"]]


def test_too_many_requests_with_one_token_are_refused_with_retry_after(app, client, demo, host):
    app.config["API_LIMIT_PER_TOKEN"] = "3 per minute"

    answers = [client.get("/api/v1/visits", headers=host).status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    refused = client.get("/api/v1/visits", headers=host)
    assert int(refused.headers["Retry-After"]) >= 1
    other = _token(factories.user(demo.host_organisation, Role.VIEWER))
    assert client.get("/api/v1/visits", headers=other).status_code == 200


def test_the_openapi_description_validates_and_its_page_lists_every_operation(client):
    spec = client.get("/api/v1/openapi.json").json

    validate(spec)
    assert spec["openapi"].startswith("3.1")
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    text = page_text(page)
    for path, methods in spec["paths"].items():
        for method in methods:
            if method != "parameters":
                assert f"{method.upper()} {path}" in text


def test_a_token_is_made_shown_once_and_revoked_on_the_account_page(client, login, demo):
    user = factories.user(demo.host_organisation, Role.VIEWER)
    login(user)

    made = client.post("/account/api-tokens", data={"name": "Website", "scope": "read", "days": ""})

    token = re.search(r'id="new-token"[^>]*value="(dvp_[^"]+)"', made.get_data(as_text=True))[1]
    header = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/visits", headers=header).status_code == 200
    listing = page_text(client.get("/account/api-tokens"))
    assert "Website" in listing
    assert token not in listing
    stored = db.session.scalar(select(ApiToken).where(ApiToken.name == "Website"))
    assert token not in stored.token_hash
    revoke_url = f"/account/api-tokens/{stored.id}/revoke"
    form = form_values(client.get(revoke_url))
    assert client.post(revoke_url, data={**form, **CONFIRMED}).status_code == 302
    assert client.get("/api/v1/visits", headers=header).status_code == 401


def test_the_command_line_prints_a_token_once(runner, demo):
    user = factories.user(demo.host_organisation, Role.PLANNER, email="lena@bochum.example")
    db.session.commit()

    result = runner.invoke(
        args=["api-tokens", "create", "--email", user.email, "--name", "Exchange", "--scope",
              "write", "--days", "30"]
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    text = result.stdout.strip().splitlines()[0]
    assert text.startswith("dvp_")
    stored = db.session.scalar(select(ApiToken).where(ApiToken.name == "Exchange"))
    assert stored.scope == "read write"
    assert stored.expires_at is not None
    unknown = runner.invoke(
        args=["api-tokens", "create", "--email", "x@bochum.example", "--name", "x"]
    )
    assert unknown.exit_code != 0
