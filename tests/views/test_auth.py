"""Logging in and out, sessions, CSRF, security headers and login throttling."""

import re
import uuid
from pathlib import Path

import pytest
import redis
from sqlalchemy import select

from planner.enums import Role
from planner.extensions import db
from planner.models import User
from planner.services.demo import INTERNAL_PARKING_NOTE, load_demo_data
from tests import factories
from tests.factories import PASSWORD
from tests.helpers import page_text

ROOT = Path(__file__).resolve().parents[2]


def _csrf_token(response) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', response.get_data(True))[1]


def test_login_form_labels_its_fields_in_german_and_in_english(client):
    german = client.get("/login").get_data(as_text=True)
    english = client.get("/login?lang=en").get_data(as_text=True)

    assert re.search(r'<label for="email">E-Mail</label>', german)
    assert re.search(r'<label for="password">Passwort</label>', german)
    assert re.search(r'<label for="email">Email</label>', english)
    assert re.search(r'<label for="password">Password</label>', english)


def test_pages_send_anonymous_users_to_the_login_and_back(client):
    user = factories.user(factories.organisation())
    db.session.commit()

    response = client.get("/visits/1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Fvisits%2F1"

    response = client.post(
        "/login?next=%2Fvisits%2F1", data={"email": user.email.upper(), "password": PASSWORD}
    )
    assert response.headers["Location"] == "/visits/1"


def test_login_does_not_redirect_to_another_site(client):
    user = factories.user(factories.organisation())
    db.session.commit()
    response = client.post(
        "/login?next=https://evil.example/", data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_wrong_password_is_refused_with_a_message(client):
    user = factories.user(factories.organisation())
    db.session.commit()

    response = client.post("/login", data={"email": user.email, "password": "falsch-falsch"})

    assert response.status_code == 200
    assert "Die E-Mail-Adresse oder das Passwort ist falsch." in page_text(response)
    assert client.get("/").status_code == 302


def test_unknown_address_gets_the_same_message_as_a_wrong_password(client):
    response = client.post("/login", data={"email": "nobody@x.example", "password": PASSWORD})
    assert "Die E-Mail-Adresse oder das Passwort ist falsch." in page_text(response)


def test_deactivated_login_cannot_log_in(client):
    user = factories.user(factories.organisation(), active=False)
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_login_records_the_time_and_starts_a_fresh_session(client):
    user = factories.user(factories.organisation())
    db.session.commit()
    with client.session_transaction() as session:
        session["left_over"] = "from before the login"
        session["lang"] = "en"

    client.post("/login", data={"email": user.email, "password": PASSWORD})

    with client.session_transaction() as session:
        assert "left_over" not in session
        assert session["lang"] == "en"
        assert session.permanent
    db.session.expire_all()
    assert db.session.get(User, user.id).last_login_at is not None


def test_session_cookie_is_http_only_and_same_site_lax(client, login):
    response = login(factories.user(factories.organisation()))
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_when_configured(app_factory):
    user = factories.user(factories.organisation())
    db.session.commit()
    secure_app = app_factory(SECURE_COOKIES="1")

    response = secure_app.test_client().post(
        "/login", data={"email": user.email, "password": PASSWORD}
    )

    assert "; Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_logout_needs_a_post_and_ends_the_session(client, login):
    login(factories.user(factories.organisation()))

    confirm = client.get("/logout")
    assert confirm.status_code == 200
    assert client.get("/").status_code == 200  # a GET changes nothing

    assert client.post("/logout").headers["Location"] == "/login"
    assert client.get("/").status_code == 302


def test_security_headers_on_every_response(client):
    for response in (client.get("/login"), client.get("/healthz"), client.get("/nowhere")):
        policy = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["X-Frame-Options"] == "DENY"


def test_templates_have_no_inline_scripts_styles_or_event_handlers():
    offending = []
    for template in (ROOT / "templates").rglob("*.html"):
        if template.parent.name == "email":
            continue  # mail programs need inline styles; no browser policy applies there
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=", text):
            offending.append(template.name)
    assert offending == []


def test_guest_city_sees_the_agenda_without_internal_notes_or_phones(client, login):
    visit = load_demo_data().visit
    login(factories.user(visit.guest_organisations[0], Role.PLANNER))

    text = page_text(client.get(f"/visits/{visit.id}"))
    attendees = page_text(client.get(f"/visits/{visit.id}/attendees"))

    assert "Begrüßung durch den Oberbürgermeister" in text
    assert "Empfang der Delegation und Eintrag ins Goldene Buch." in text
    assert INTERNAL_PARKING_NOTE not in text
    assert "Intern" not in text
    assert "Verlauf der Änderungen" not in text
    assert "Thomas Eiskirch" in attendees
    assert "+49 234 555 0142" not in text + attendees
    assert "(intern)" not in attendees


def test_host_staff_see_internal_notes_and_internal_phones(client, login):
    visit = load_demo_data().visit
    login(factories.user(visit.host_organisation, Role.VIEWER))

    text = page_text(client.get(f"/visits/{visit.id}"))
    attendees = page_text(client.get(f"/visits/{visit.id}/attendees"))

    assert INTERNAL_PARKING_NOTE in text
    assert "+49 234 555 0142 (intern)" in attendees


def test_guests_do_not_see_the_hosts_internal_holds(client, login):
    from planner.enums import ItemKind

    visit = factories.visit()
    factories.item(visit, "2023-02-23 09:00", "2023-02-23 09:30", "Vorbesprechung Protokoll",
                   kind=ItemKind.INTERNAL_HOLD)  # fmt: skip
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang")
    factories.issue(visit)
    login(factories.user(visit.guest_organisations[0], Role.VIEWER))

    text = page_text(client.get(f"/visits/{visit.id}"))

    assert "Empfang" in text
    assert "Vorbesprechung Protokoll" not in text


@pytest.fixture
def csrf_client(app_factory):
    """A client of an app with CSRF protection on, as in production."""
    return app_factory(WTF_CSRF_ENABLED=True).test_client()


def test_post_without_csrf_token_is_refused(csrf_client):
    user = factories.user(factories.organisation(), Role.ADMIN)
    db.session.commit()

    refused = csrf_client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert refused.status_code == 400
    assert csrf_client.get("/").status_code == 302

    token = _csrf_token(csrf_client.get("/login"))
    accepted = csrf_client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert accepted.status_code == 302

    form = {"email": "neu@x.example", "name": "Neu", "role": "viewer",
            "password": PASSWORD, "password_again": PASSWORD}  # fmt: skip
    assert csrf_client.post("/admin/users/new", data=form).status_code == 400
    assert db.session.scalar(select(User).where(User.email == "neu@x.example")) is None


def _fail(client, email: str):
    return client.post("/login", data={"email": email, "password": "falsch-falsch"})


ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}
VICTIM = {"REMOTE_ADDR": "198.51.100.20"}


def _try(client, email: str, password: str, address: dict):
    return client.post("/login", data={"email": email, "password": password}, environ_base=address)


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_failed_logins_of_one_account_make_the_next_tries_from_that_address_wait(client):
    user = factories.user(factories.organisation())
    other = factories.user(factories.organisation())
    db.session.commit()

    answers = [_fail(client, user.email).status_code for _ in range(5)]
    throttled = client.post("/login", data={"email": user.email, "password": PASSWORD})

    assert answers == [200] * 5
    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"] == "30"
    assert (
        "Dieses Konto hatte zu viele fehlgeschlagene Anmeldungen. "
        "Bitte warten Sie 30 Sekunden, bevor Sie es erneut versuchen." in page_text(throttled)
    )
    assert client.get("/").status_code == 302
    # Another account from the same address may still log in.
    assert (
        client.post("/login", data={"email": other.email, "password": PASSWORD}).status_code == 302
    )


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_the_wait_doubles_with_each_further_failure_of_the_account(client):
    user = factories.user(factories.organisation())
    db.session.commit()
    for _ in range(5):
        _try(client, user.email, "falsch-falsch", ATTACKER)
    assert _try(client, user.email, PASSWORD, ATTACKER).headers["Retry-After"] == "30"

    # A wrong password from an address that had not failed is checked and counts.
    assert _try(client, user.email, "falsch-falsch", VICTIM).status_code == 200

    for address in (ATTACKER, VICTIM):
        response = _try(client, user.email, PASSWORD, address)
        assert (response.status_code, response.headers["Retry-After"]) == (429, "60")


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_control_character_variants_of_an_address_share_one_account_budget(client):
    factories.user(factories.organisation(), email="victim@bochum.example")
    db.session.commit()
    variants = [
        "vic\x01tim@bochum.example",
        "VICTIM@bochum.example",
        "victim\x00@bochum.example",
        " victim@bochum.example\t",
        "vic\x7ftim@Bochum.Example",
    ]
    answers = [_try(client, email, "falsch-falsch", ATTACKER).status_code for email in variants]
    retry = _try(client, "victim\x1f@bochum.example", PASSWORD, ATTACKER)

    assert answers == [200] * 5
    assert retry.status_code == 429


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_an_attacked_account_logs_in_with_the_right_password_from_another_address(client):
    victim = factories.user(factories.organisation())
    db.session.commit()
    answers = [_try(client, victim.email, "falsch-falsch", ATTACKER).status_code for _ in range(12)]
    assert answers == [200] * 5 + [429] * 7

    response = _try(client, victim.email, PASSWORD, VICTIM)

    assert response.status_code == 302
    assert client.get("/").status_code == 200
    # The owner's login forgets the failures: the attacker starts again with a budget.
    client.post("/logout")
    assert _try(client, victim.email, "falsch-falsch", ATTACKER).status_code == 200


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_failed_logins_from_one_address_are_throttled(app_factory):
    client = app_factory(LOGIN_LIMIT_PER_ADDRESS="3 per hour").test_client()
    answers = [_fail(client, f"person{n}@x.example") for n in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert 3590 <= int(answers[-1].headers["Retry-After"]) <= 3600
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in page_text(answers[-1])


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_successful_logins_are_not_throttled(client):
    user = factories.user(factories.organisation())
    db.session.commit()
    for _ in range(8):
        assert (
            client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code
            == 302
        )
        client.post("/logout")


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_throttling_is_shared_between_workers_through_redis(app_factory):
    connection = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    prefix = f"planner-test-{uuid.uuid4().hex}"
    config = {"REDIS_URL": "redis://127.0.0.1:6379/0", "RATELIMIT_KEY_PREFIX": prefix}
    worker_one = app_factory(**config)
    worker_two = app_factory(**config)
    try:
        for _ in range(5):
            _fail(worker_one.test_client(), "lena@bochum.example")
        assert _fail(worker_two.test_client(), "lena@bochum.example").status_code == 429
        assert connection.keys(f"*{prefix}*") != []
    finally:
        for key in connection.scan_iter(f"*{prefix}*"):
            connection.delete(key)
        connection.close()


def test_a_copied_session_cookie_stops_working_after_logout(app, client, login):
    login(factories.user(factories.organisation()))
    stolen = client.get_cookie("session").value

    client.post("/logout")

    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/").status_code == 302


def test_reactivating_a_login_does_not_revive_its_old_sessions(app, client, login):
    from planner.services.auth import update_user

    admin = factories.user(factories.organisation(), Role.ADMIN)
    colleague = factories.user(admin.organisation, Role.PLANNER)
    login(colleague)
    update_user(admin, colleague, name=colleague.name, role="planner", active=False)
    db.session.commit()
    update_user(admin, colleague, name=colleague.name, role="planner", active=True)
    db.session.commit()

    assert client.get("/").status_code == 302


def test_control_characters_in_the_login_are_no_error(client):
    response = client.post("/login", data={"email": "lena\x00@bochum.example", "password": "x\x00"})
    assert response.status_code == 200
    assert "Die E-Mail-Adresse oder das Passwort ist falsch." in page_text(response)


def test_a_json_login_with_odd_values_is_refused_cleanly(client):
    response = client.post("/login", json={"email": 123, "password": ["a", "b"]})
    assert response.status_code == 200
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_failed_json_logins_count_for_their_account(client):
    user = factories.user(factories.organisation())
    other = factories.user(factories.organisation())
    db.session.commit()
    for _ in range(5):
        client.post("/login", json={"email": user.email, "password": "falsch-falsch"})

    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 429
    )
    assert (
        client.post("/login", data={"email": other.email, "password": PASSWORD}).status_code == 302
    )


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_behind_a_proxy_each_client_address_is_throttled_on_its_own(app_factory):
    client = app_factory(PROXY_COUNT=1, LOGIN_LIMIT_PER_ADDRESS="2 per hour").test_client()

    def attempt(address: str, n: int) -> int:
        return client.post(
            "/login",
            data={"email": f"person{n}@x.example", "password": "falsch-falsch"},
            headers={"X-Forwarded-For": address},
        ).status_code

    assert [attempt("203.0.113.7", n) for n in range(3)] == [200, 200, 429]
    assert attempt("198.51.100.4", 9) == 200
