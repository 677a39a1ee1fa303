"""Organisations known only by name, and the sign-up of their first planner."""

import re
import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from planner.enums import GuestState, OutboxStatus, Role
from planner.extensions import db
from planner.models import AuditEntry, OutboxMessage, User, VisitGuest
from planner.services.signup import SIGNUP_KIND, SIGNUP_SALT
from tests import factories
from tests.helpers import form_values, page_text

PASSWORD = "ein-sehr-langes-passwort"


@pytest.fixture
def visit(app):
    """A visit of Bochum to which the host named Hattingen, a city known only by name."""
    bochum = factories.organisation("Bochum")
    hattingen = factories.organisation("Hattingen")
    result = factories.visit(bochum, [], title="Stadtwerke-Austausch")
    result.guest_links.append(VisitGuest(organisation=hattingen, state=GuestState.INVITED))
    db.session.commit()
    return result


@pytest.fixture
def hattingen(visit):
    return visit.guest_links[0].organisation


@pytest.fixture
def host(visit, login):
    user = factories.user(visit.host_organisation, Role.PLANNER, name="Petra Protokoll")
    login(user)
    return user


def _invite(client, visit, organisation, email="anna.berg@hattingen.de"):
    url = f"/visits/{visit.id}/guests/{organisation.id}/first-planner"
    return client.post(url, data={"name": "Anna Berg", "email": email})


def _link(message: OutboxMessage) -> str:
    return re.search(r"http://\S+/signup/\S+", message.body_text).group(0)


def _path(link: str) -> str:
    return link.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def _sent(client, visit, hattingen) -> str:
    assert _invite(client, visit, hattingen).status_code == 302
    client.post("/logout")
    message = db.session.scalars(select(OutboxMessage).filter_by(kind=SIGNUP_KIND)).one()
    return _path(_link(message))


def test_the_visit_page_marks_a_guest_without_logins_as_name_only(client, host, visit):
    text = page_text(client.get(f"/visits/{visit.id}"))

    assert "Hattingen nur Name" in text
    assert "Erste Planerin oder ersten Planer einladen : Hattingen" in text


def test_a_guest_with_logins_is_not_name_only(client, host, visit, hattingen):
    factories.user(hattingen, Role.VIEWER)
    db.session.commit()

    assert "nur Name" not in page_text(client.get(f"/visits/{visit.id}"))


def test_the_invitation_goes_through_the_outbox_with_a_sign_up_link(client, host, visit, hattingen):
    hattingen.locale = "en"
    db.session.commit()

    response = _invite(client, visit, hattingen)

    assert response.status_code == 302
    message = db.session.scalars(select(OutboxMessage).filter_by(kind=SIGNUP_KIND)).one()
    assert (message.to_address, message.status, message.language) == (
        "anna.berg@hattingen.de", OutboxStatus.PENDING, "en")  # fmt: skip
    assert message.subject == "Bochum invites you to plan the visit Stadtwerke-Austausch"
    assert "/signup/" in message.body_text
    audited = db.session.scalars(
        select(AuditEntry).filter_by(object_type="OutboxMessage", object_id=message.id)
    ).all()
    assert [entry.user_id for entry in audited] == [host.id]


def test_the_sign_up_creates_a_planner_logs_in_and_shows_the_invitation(
    client, host, visit, hattingen
):
    path = _sent(client, visit, hattingen)
    page = client.get(path)
    assert "Anna Berg" in page.get_data(as_text=True)
    data = {**form_values(page), "password": PASSWORD, "password_again": PASSWORD}

    response = client.post(path, data=data)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/visits/{visit.id}/invitation"
    invitation = page_text(client.get(response.headers["Location"]))
    assert "Einladung annehmen" in invitation
    user = db.session.scalars(select(User).filter_by(email="anna.berg@hattingen.de")).one()
    assert (user.organisation_id, user.role, user.name) == (hattingen.id, Role.PLANNER, "Anna Berg")
    audited = db.session.scalars(select(AuditEntry).filter_by(object_type="User",
                                                              object_id=user.id)).all()  # fmt: skip
    assert len(audited) == 1


def test_a_used_link_is_refused_kindly(client, host, visit, hattingen):
    path = _sent(client, visit, hattingen)
    data = {**form_values(client.get(path)), "password": PASSWORD, "password_again": PASSWORD}
    assert client.post(path, data=data).status_code == 302
    client.post("/logout")

    again = client.get(path)

    assert again.status_code == 400
    assert "Dieser Anmeldelink ist nicht gültig" in page_text(again)
    assert client.post(path, data=data).status_code == 400
    assert db.session.scalar(select(User.id).where(User.organisation_id == hattingen.id))


def test_a_weak_password_is_a_form_error(client, host, visit, hattingen):
    path = _sent(client, visit, hattingen)
    data = {**form_values(client.get(path)), "password": "kurz", "password_again": "kurz"}

    response = client.post(path, data=data)

    assert response.status_code == 422
    assert "mindestens 12 Zeichen" in page_text(response)
    assert db.session.scalar(select(User.id).where(User.organisation_id == hattingen.id)) is None


def _token(app, secret: str | None = None, age_days: int = 0, **data) -> str:
    class Dated(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - age_days * 86400

    serializer = URLSafeTimedSerializer(
        secret or app.config["SECRET_KEY"], salt=SIGNUP_SALT, signer=Dated
    )
    return serializer.dumps({"e": "anna.berg@hattingen.de", "n": "Anna Berg", **data})


def test_an_expired_link_is_refused(app, client, visit, hattingen):
    days = app.config["SIGNUP_LINK_MAX_AGE_DAYS"]
    fresh = _token(app, age_days=days - 1, v=visit.id, o=hattingen.id)
    stale = _token(app, age_days=days + 1, v=visit.id, o=hattingen.id)

    assert client.get(f"/signup/{fresh}").status_code == 200
    assert client.get(f"/signup/{stale}").status_code == 400


def test_a_forged_link_is_refused(app, client, visit, hattingen):
    forged = _token(app, secret="someone-elses-secret", v=visit.id, o=hattingen.id)

    assert client.get(f"/signup/{forged}").status_code == 400
    assert client.get("/signup/not-a-token").status_code == 400


def test_a_link_for_an_organisation_not_named_on_the_visit_is_refused(app, client, visit):
    other = factories.organisation("Witten")
    db.session.commit()

    assert client.get(f"/signup/{_token(app, v=visit.id, o=other.id)}").status_code == 400


def test_a_link_of_an_organisation_that_has_planners_meanwhile_is_refused(
    app, client, visit, hattingen
):
    token = _token(app, v=visit.id, o=hattingen.id)
    factories.user(hattingen, Role.PLANNER)
    db.session.commit()

    assert client.get(f"/signup/{token}").status_code == 400


def test_a_guest_with_planners_gets_no_sign_up_invitation(client, host, visit, hattingen):
    factories.user(hattingen, Role.PLANNER)
    db.session.commit()

    response = _invite(client, visit, hattingen)

    assert response.status_code == 200
    assert "hat bereits eigene" in page_text(response)
    assert db.session.scalars(select(OutboxMessage).filter_by(kind=SIGNUP_KIND)).all() == []


def test_an_address_that_has_a_login_is_refused(client, host, visit, hattingen):
    response = _invite(client, visit, hattingen, email=host.email)

    assert response.status_code == 422
    assert db.session.scalars(select(OutboxMessage).filter_by(kind=SIGNUP_KIND)).all() == []


def test_the_visit_history_tells_of_the_sign_up_invitation(client, host, visit, hattingen):
    assert _invite(client, visit, hattingen).status_code == 302

    history = client.get(f"/visits/{visit.id}/history")

    assert history.status_code == 200
    # A message to an office, not to a participant of the visit.
    assert "1 E-Mail an die Mitarbeitenden eines Büros wurde zum Versand eingereiht." in (
        page_text(history)
    )
