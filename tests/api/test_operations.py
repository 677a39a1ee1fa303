"""Operations on a visit through the API: its status, its outbox and its feeds."""

import pytest
from sqlalchemy import select

from planner.enums import OutboxStatus, Role, VisitStatus
from planner.extensions import db
from planner.models import AuditEntry, FeedToken, OutboxMessage
from planner.services.demo import load_demo_data
from planner.services.invitations import draft_invitations
from planner.services.outbox import send_pending
from planner.services.versions import latest_version
from tests import factories
from tests.helpers import count_queries
from tests.smtp import smtp_server

PROBLEM = "application/problem+json"


@pytest.fixture
def demo(app):
    return load_demo_data().visit


def _token(user, scope: str = "read write") -> dict:
    from planner.services.api_tokens import create_token

    _made, text = create_token(user, "Skript", scope)
    db.session.commit()
    return {"Authorization": f"Bearer {text}"}


@pytest.fixture
def host(demo):
    return _token(factories.user(demo.host_organisation, Role.PLANNER))


@pytest.fixture
def smtp(app):
    with smtp_server() as (collector, port):
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_SECURITY="none")
        yield collector


def _etag(client, visit, headers) -> str:
    return client.get(f"/api/v1/visits/{visit.id}", headers=headers).headers["ETag"]


def _set_status(client, visit, headers, status: str, etag: str):
    return client.post(
        f"/api/v1/visits/{visit.id}/status",
        headers={**headers, "If-Match": etag},
        json={"status": status},
    )


# --- status ------------------------------------------------------------------------------


def test_a_planner_moves_a_visit_along_the_pages_transitions_with_the_etag_of_a_read(
    client, demo, host
):
    demo.status = VisitStatus.PLANNED
    db.session.commit()

    changed = _set_status(client, demo, host, "confirmed", _etag(client, demo, host))

    assert changed.status_code == 200
    assert changed.json["visit"]["status"] == "confirmed"
    assert changed.json["cancellations_drafted"] == 0
    # The answer's ETag is that of the next read: the script may go on with it.
    assert changed.headers["ETag"] == _etag(client, demo, host)
    db.session.refresh(demo)
    assert demo.status == VisitStatus.CONFIRMED
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "Visit").order_by(AuditEntry.id.desc())
    ).first()
    assert entry.via == "Skript"


def test_a_change_the_page_does_not_offer_is_refused_with_the_field_named(client, demo, host):
    # The demo visit is completed: nothing follows that.
    refused = _set_status(client, demo, host, "draft", _etag(client, demo, host))
    unknown = _set_status(client, demo, host, "archived", _etag(client, demo, host))

    assert refused.status_code == 422
    assert refused.mimetype == PROBLEM
    assert list(refused.json["errors"]) == ["status"]
    assert unknown.status_code == 422
    assert "status" in unknown.json["errors"]
    db.session.refresh(demo)
    assert demo.status == VisitStatus.COMPLETED


def test_a_status_change_on_a_stale_read_or_without_one_is_refused(client, demo, host):
    demo.status = VisitStatus.PLANNED
    db.session.commit()
    old = _etag(client, demo, host)
    assert _set_status(client, demo, host, "confirmed", old).status_code == 200

    stale = _set_status(client, demo, host, "draft", old)
    bare = client.post(f"/api/v1/visits/{demo.id}/status", headers=host, json={"status": "draft"})

    assert stale.status_code == 412
    assert stale.mimetype == PROBLEM
    assert bare.status_code == 428
    db.session.refresh(demo)
    assert demo.status == VisitStatus.CONFIRMED


def test_cancelling_drafts_the_cancellations_as_the_page_does_and_sends_nothing(
    client, demo, host, smtp
):
    demo.status = VisitStatus.CONFIRMED
    db.session.commit()
    draft_invitations(demo, latest_version(demo.id))
    for message in db.session.scalars(select(OutboxMessage)):
        message.status = OutboxStatus.PENDING
    db.session.commit()
    send_pending()
    sent = len(smtp.messages)

    cancelled = _set_status(client, demo, host, "cancelled", _etag(client, demo, host))

    assert cancelled.status_code == 200
    drafted = cancelled.json["cancellations_drafted"]
    assert drafted > 0
    outbox = client.get(f"/api/v1/visits/{demo.id}/outbox?limit=200", headers=host).json
    drafts = [m for m in outbox["messages"] if m["status"] == "draft"]
    assert {m["kind"] for m in drafts} >= {"cancel"}
    assert all("abgesagt" in m["subject"].lower() for m in drafts if m["kind"] != "cancel")
    # The drafts wait for a planner, as on the page.
    assert len(smtp.messages) == sent


def test_guests_viewers_and_others_cannot_change_the_status(client, demo):
    guest = _token(factories.user(demo.guest_organisations[0], Role.PLANNER))
    viewer = _token(factories.user(demo.host_organisation, Role.VIEWER))
    other = _token(factories.user(factories.organisation("Dortmund"), Role.ADMIN))

    answers = [
        _set_status(client, demo, headers, "draft", "*").status_code
        for headers in (guest, viewer, other)
    ]

    assert answers == [403, 403, 404]


# --- outbox ------------------------------------------------------------------------------


def _messages(visit, count: int, first: int = 0) -> None:
    person = factories.person(visit.host_organisation, "Albers")
    db.session.add_all(
        OutboxMessage(
            visit=visit, person=person if number % 2 else None, message_id=f"<{number}@test>",
            to_address=f"gast{number}@example.org", subject=f"Einladung {number}",
            body_text="Geheimer Text", status=OutboxStatus.SENT if number else OutboxStatus.FAILED,
            attempts=number % 3, last_error="" if number else "Postfach voll",
        )
        for number in range(first, first + count)
    )  # fmt: skip
    db.session.commit()


def test_host_planners_read_the_outbox_in_pages_without_the_texts(client, demo, host):
    _messages(demo, 5)

    first = client.get(f"/api/v1/visits/{demo.id}/outbox?limit=3", headers=host)
    rest = client.get(
        f"/api/v1/visits/{demo.id}/outbox?limit=3&after={first.json['next_after']}", headers=host
    )

    assert first.status_code == 200
    messages = first.json["messages"] + rest.json["messages"]
    assert [m["subject"] for m in messages] == [f"Einladung {n}" for n in range(5)]
    assert rest.json["next_after"] is None
    failed = messages[0]
    assert failed["status"] == "failed"
    assert failed["recipient"] == "gast0@example.org"
    assert failed["last_error"] == "Postfach voll"
    assert failed["person"] is None
    assert "Albers" in messages[1]["person"]["name"]
    assert "Geheimer Text" not in first.get_data(as_text=True)


def test_the_outbox_is_the_host_planners_as_on_its_page(client, demo):
    _messages(demo, 1)
    guest = _token(factories.user(demo.guest_organisations[0], Role.PLANNER))
    viewer = _token(factories.user(demo.host_organisation, Role.VIEWER))
    other = _token(factories.user(factories.organisation("Dortmund"), Role.ADMIN))
    url = f"/api/v1/visits/{demo.id}/outbox"

    answers = [client.get(url, headers=headers).status_code for headers in (guest, viewer, other)]

    assert answers == [403, 403, 404]
    assert client.get(url).status_code == 401


def test_a_page_of_the_outbox_costs_the_same_queries_however_many_messages(client, demo, host):
    url = f"/api/v1/visits/{demo.id}/outbox?limit=200"
    client.get(url, headers=host)  # the token's first use is recorded once
    _messages(demo, 2)
    with count_queries(db.engine) as few:
        assert client.get(url, headers=host).status_code == 200
    _messages(demo, 30, first=2)
    with count_queries(db.engine) as many:
        assert len(client.get(url, headers=host).json["messages"]) >= 32

    assert len(many.statements) == len(few.statements)


# --- feeds -------------------------------------------------------------------------------


def test_a_feed_made_through_the_api_serves_its_calendar_until_revoked(client, demo, host):
    made = client.post(f"/api/v1/visits/{demo.id}/feeds", headers=host, json={"reminders": True})
    again = client.post(f"/api/v1/visits/{demo.id}/feeds", headers=host)

    assert made.status_code == 201
    feed = made.json
    assert feed["webcal"].startswith("webcal://")
    assert feed["reminders"] is True
    assert again.status_code == 200
    assert again.json["id"] == feed["id"]
    path = "/" + feed["https"].split("://", 1)[1].split("/", 1)[1]
    calendar = client.get(path)
    assert calendar.status_code == 200
    assert b"BEGIN:VCALENDAR" in calendar.get_data()

    listed = client.get("/api/v1/feeds", headers=host).json
    assert [f["id"] for f in listed["feeds"]] == [feed["id"]]
    assert listed["next_after"] is None

    assert client.delete(f"/api/v1/feeds/{feed['id']}", headers=host).status_code == 204
    assert client.get(path).status_code == 410
    assert client.get("/api/v1/feeds", headers=host).json["feeds"] == []
    # Revoking stops the feed; the record stays, and revoking again changes nothing.
    revoked = db.session.get(FeedToken, feed["id"])
    db.session.refresh(revoked)
    when = revoked.revoked_at
    assert when is not None
    assert client.delete(f"/api/v1/feeds/{feed['id']}", headers=host).status_code == 204
    db.session.refresh(revoked)
    assert revoked.revoked_at == when


def test_a_read_token_cannot_make_or_revoke_a_feed(client, demo):
    user = factories.user(demo.host_organisation, Role.PLANNER)
    reader = _token(user, "read")
    writer = _token(user)
    feed = client.post(f"/api/v1/visits/{demo.id}/feeds", headers=writer).json

    made = client.post(f"/api/v1/visits/{demo.id}/feeds", headers=reader)
    revoked = client.delete(f"/api/v1/feeds/{feed['id']}", headers=reader)

    assert made.status_code == revoked.status_code == 403
    assert made.mimetype == PROBLEM
    assert [f["id"] for f in client.get("/api/v1/feeds", headers=reader).json["feeds"]] == [
        feed["id"]
    ]


def test_guests_get_feeds_of_the_visit_and_no_one_revokes_anothers_feed(client, demo, host):
    guest = _token(factories.user(demo.guest_organisations[0], Role.VIEWER))
    other = _token(factories.user(factories.organisation("Dortmund"), Role.ADMIN))
    feed = client.post(f"/api/v1/visits/{demo.id}/feeds", headers=guest).json

    assert client.post(f"/api/v1/visits/{demo.id}/feeds", headers=other).status_code == 404
    assert client.delete(f"/api/v1/feeds/{feed['id']}", headers=host).status_code == 404
    assert client.get("/api/v1/feeds", headers=host).json["feeds"] == []
    assert db.session.get(FeedToken, feed["id"]).revoked_at is None
