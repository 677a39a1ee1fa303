"""The outbox pages and the `outbox send` command."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from planner.enums import OutboxStatus, Role, VisitStatus
from planner.extensions import db
from planner.models import OutboxMessage
from planner.services.demo import load_demo_data
from tests import factories
from tests.helpers import CONFIRMED, page_text
from tests.smtp import smtp_server


@pytest.fixture
def demo(app):
    return load_demo_data().visit


@pytest.fixture
def planner(demo, login):
    user = factories.user(demo.host_organisation, Role.PLANNER)
    login(user)
    return user


def test_send_invitations_drafts_them_for_review_in_the_outbox(client, planner, demo):
    response = client.post(f"/visits/{demo.id}/invitations", data=CONFIRMED)

    assert response.headers["Location"] == f"/visits/{demo.id}/outbox"
    drafts = db.session.scalars(select(OutboxMessage)).all()
    assert {m.status for m in drafts} == {OutboxStatus.DRAFT}
    # Per person: a cover letter, then one invitation per item (five in the demo).
    assert len(drafts) == len(demo.participations) * 6
    page = page_text(client.get(f"/visits/{demo.id}/outbox"))
    assert "Alle Entwürfe senden" in page
    assert "Prof. Dr. Uwe Schneidewind &lt;uwe.schneidewind@wuppertal.example&gt;" in page
    assert page.count("6 Nachrichten: 1 Anschreiben, 5 Einladungen") == len(demo.participations)
    assert "Einladung: Smart-City-Austausch" in page
    assert "Einladung: Begrüßung durch den Oberbürgermeister – Smart-City-Austausch" in page
    assert f"Entwürfe: {len(drafts)}" in page_text(client.get(f"/visits/{demo.id}"))

    # A second click drafts nothing twice.
    client.post(f"/visits/{demo.id}/invitations", data=CONFIRMED)
    assert len(db.session.scalars(select(OutboxMessage)).all()) == len(drafts)


def test_inviting_to_a_visit_that_is_over_asks_first(client, planner, demo):
    # The demo visit is marked completed; a visit merely past asks just the same.
    demo.status = VisitStatus.CONFIRMED
    db.session.commit()
    # The button on the visit page sends a bare POST: it drafts nothing yet.
    response = client.post(f"/visits/{demo.id}/invitations")
    assert response.headers["Location"] == f"/visits/{demo.id}/invitations"
    assert db.session.scalars(select(OutboxMessage)).all() == []

    page = page_text(client.get(f"/visits/{demo.id}/invitations"))
    assert "Der Besuch endete am 23. Februar 2023." in page
    assert "Einladungen trotzdem entwerfen" in page

    client.post(f"/visits/{demo.id}/invitations", data=CONFIRMED)
    assert len(db.session.scalars(select(OutboxMessage)).all()) == len(demo.participations) * 6

    # A visit still to come is invited at once, and has no confirmation page ...
    demo.last_day = demo.first_day = datetime.now(UTC).date() + timedelta(days=30)
    db.session.commit()
    assert client.get(f"/visits/{demo.id}/invitations").headers["Location"] == f"/visits/{demo.id}"
    # ... unless it is marked completed.
    demo.status = VisitStatus.COMPLETED
    db.session.commit()
    page = page_text(client.get(f"/visits/{demo.id}/invitations"))
    assert "Der Besuch ist als abgeschlossen markiert." in page


def test_a_draft_can_be_edited_and_discarded_before_it_goes(client, planner, demo):
    client.post(f"/visits/{demo.id}/invitations", data=CONFIRMED)
    first, second = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()[:2]

    client.post(
        f"/visits/{demo.id}/outbox/{first.id}",
        data={
            "subject": "Einladung nach Bochum",
            "body_text": "Liebe Gäste,\n\n<b>bis bald</b>",
            "lock_version": str(first.lock_version),
        },
    )
    client.post(f"/visits/{demo.id}/outbox/{second.id}/discard")

    db.session.expire_all()
    edited = db.session.get(OutboxMessage, first.id)
    assert edited.subject == "Einladung nach Bochum"
    assert "<p>Liebe Gäste,</p>" in edited.body_html
    assert "&lt;b&gt;bis bald&lt;/b&gt;" in edited.body_html
    assert db.session.get(OutboxMessage, second.id).status == OutboxStatus.DISCARDED


def test_send_all_releases_drafts_and_the_command_delivers_them(app, client, runner, planner, demo):
    client.post(f"/visits/{demo.id}/invitations", data=CONFIRMED)
    client.post(f"/visits/{demo.id}/outbox/send")
    with smtp_server() as (collector, port):
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
        result = runner.invoke(args=["outbox", "send"])

    assert result.exit_code == 0, result.output
    assert f"Sent {len(demo.participations) * 6} messages, 0 not sent (smtp)." in result.output
    assert len(collector.messages) == len(demo.participations) * 6


def test_without_an_smtp_host_messages_are_printed_not_sent(app, runner, client, planner, demo):
    app.config.update(SMTP_HOST="")
    client.post(f"/visits/{demo.id}/invitations", data=CONFIRMED)
    client.post(f"/visits/{demo.id}/outbox/send")

    result = runner.invoke(args=["outbox", "send"])

    assert "(console)" in result.output
    assert "outbox (console, nothing sent)" in result.output
    assert "Subject: Einladung: Smart-City-Austausch" in result.output


def test_a_failed_message_can_be_sent_again(client, planner, demo):
    message = OutboxMessage(visit=demo, status=OutboxStatus.FAILED, message_id="<x@planner.test>",
                            to_address="a@x.example", subject="S", body_text="T", attempts=8,
                            last_error="SMTPRecipientsRefused: 550")  # fmt: skip
    db.session.add(message)
    db.session.commit()
    assert "SMTPRecipientsRefused: 550" in page_text(client.get(f"/visits/{demo.id}/outbox"))

    client.post(f"/visits/{demo.id}/outbox/{message.id}/retry")

    db.session.expire_all()
    again = db.session.get(OutboxMessage, message.id)
    assert (again.status, again.attempts) == (OutboxStatus.PENDING, 0)


def test_a_guest_planner_cannot_see_the_hosts_outbox(client, login, demo):
    login(factories.user(demo.guest_organisations[0], Role.PLANNER))
    assert client.get(f"/visits/{demo.id}/outbox").status_code == 403
    assert client.post(f"/visits/{demo.id}/invitations", data=CONFIRMED).status_code == 403
    assert db.session.scalars(select(OutboxMessage)).all() == []
