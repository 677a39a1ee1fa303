"""Invitations through the outbox, delivered to a real SMTP server in the test process."""

import threading
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select, update

from planner.enums import ItemStatus, Language, OutboxStatus, RsvpStatus, VisitStatus
from planner.extensions import db
from planner.models import OutboxMessage, Participation, Person
from planner.models.types import utcnow
from planner.services.answers import RSVP_SALT, rsvp_token
from planner.services.demo import load_demo_data
from planner.services.invitations import (
    draft_invitations,
    draft_updates,
    draft_visit_cancellation,
    outdated_invitations,
)
from planner.services.outbox import claim, send_one, send_pending
from planner.services.planning import change_status
from planner.services.versions import Changes, issue_version, latest_version, load_for_snapshot
from tests import factories
from tests.helpers import page_text
from tests.smtp import free_port, smtp_server


@pytest.fixture
def smtp(app):
    with smtp_server() as (collector, port):
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_SECURITY="none")
        yield collector


@pytest.fixture
def demo(app):
    visit = load_demo_data().visit
    guest = next(p.person for p in visit.participations if p.person.last_name == "Albers")
    guest.language = Language.EN
    db.session.commit()
    return visit


def _release() -> None:
    for message in db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == "draft")):
        message.status = OutboxStatus.PENDING
    db.session.commit()


def _invite_and_send(visit) -> None:
    draft_invitations(visit, latest_version(visit.id))
    db.session.commit()
    _release()
    send_pending()


def _issue(visit, comment="Neue Fassung"):
    version = issue_version(load_for_snapshot(visit.id), None, comment)
    drafted = draft_updates(visit, version, Changes.from_dict(version.changes))
    db.session.commit()
    return version, drafted


def _calendar(mail) -> Calendar:
    part = next(p for p in mail.walk() if p.get_content_type() == "text/calendar")
    return Calendar.from_ical(part.get_content())


def _itip(mail) -> tuple[str, list[str]]:
    """Return the METHOD and the UIDs of a message's calendar."""
    calendar = _calendar(mail)
    return str(calendar["METHOD"]), [str(e["UID"]) for e in calendar.walk("VEVENT")]


def _to(smtp, prefix: str) -> list:
    return [m for m in smtp.messages if str(m["To"]).startswith(prefix)]


def _text(mail) -> str:
    return next(p for p in mail.walk() if p.get_content_type() == "text/plain").get_content()


def test_invitations_go_as_a_cover_letter_then_one_request_per_item(smtp, demo):
    _invite_and_send(demo)

    items = sorted(demo.items, key=lambda item: item.starts_at)
    people = {p.person.email for p in demo.participations}
    assert {str(mail["To"]) for mail in smtp.messages} == people
    assert len(smtp.messages) == len(people) * (1 + len(items))
    german = _to(smtp, "uwe.schneidewind")
    english = _to(smtp, "miriam.albers")

    letter = german[0]
    assert str(letter["Subject"]) == f"Einladung: {demo.title}"
    assert [p.get_content_type() for p in letter.walk()] == [
        "multipart/mixed", "multipart/alternative", "text/plain", "text/html", "text/calendar"
    ]  # fmt: skip
    attachment = list(letter.walk())[-1]
    assert attachment.get_filename() == "programm.ics"
    assert attachment.get_param("method") == "PUBLISH"
    programme = Calendar.from_ical(attachment.get_content())
    assert str(programme["METHOD"]) == "PUBLISH"
    assert {str(e["UID"]) for e in programme.walk("VEVENT")} == {item.uid for item in items}
    assert all("ATTENDEE" not in event for event in programme.walk("VEVENT"))
    body = _text(letter)
    assert body.startswith("Sehr geehrter Herr Oberbürgermeister Prof. Dr. Schneidewind,")
    assert f"Sie erhalten {len(items)} Kalendereinladungen in eigenen Nachrichten" in body
    assert "Alle Zeiten: Europe/Berlin" in body
    assert "10:00–10:30  Begrüßung durch den Oberbürgermeister" in body
    assert "/rsvp/" in body

    requests = german[1:]
    assert [_itip(mail) for mail in requests] == [("REQUEST", [item.uid]) for item in items]
    first = requests[0]
    assert str(first["Subject"]) == f"Einladung: {items[0].title_de} – {demo.title}"
    alternative = first.get_payload()[0]
    parts = alternative.get_payload()
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html", "text/calendar"]
    assert parts[2].get_param("method") == "REQUEST"
    assert first.get_payload()[1].get_filename() == "invite.ics"
    [event] = _calendar(first).walk("VEVENT")
    assert int(event["SEQUENCE"]) == 0
    assert str(event["ATTENDEE"]) == "mailto:uwe.schneidewind@wuppertal.example"
    assert str(event["ORGANIZER"]) == "mailto:protokoll@planner.test"
    assert str(event["URL"]).startswith("http://planner.test/rsvp/")
    assert f"&item={items[0].id}" in _text(first)
    assert str(first["Reply-To"]) == "protokoll@bochum.example"

    assert str(english[0]["Subject"]) == f"Invitation: {demo.title}"
    assert _text(english[0]).startswith("Dear Ms Albers,")
    assert f"You receive {len(items)} calendar invitations in separate messages" in _text(
        english[0]
    )
    assert list(english[0].walk())[-1].get_filename() == "programme.ics"


def test_the_organizer_is_the_configured_mailbox_for_replies(app, smtp, demo):
    app.config["ORGANIZER_EMAIL"] = "antworten@bochum.example"
    _invite_and_send(demo)

    requests = [m for m in smtp.messages if _itip(m)[0] == "REQUEST"]
    assert requests
    for mail in requests:
        [event] = _calendar(mail).walk("VEVENT")
        assert str(event["ORGANIZER"]) == "mailto:antworten@bochum.example"
        assert event["ORGANIZER"].params["CN"] == "Lena Hoffmann"


def test_an_update_raises_the_sequence_of_the_moved_items_and_reaches_only_those_affected(
    smtp, demo
):
    selective = next(p for p in demo.participations if p.person.last_name == "Reuter")
    selective.attends_all_items = False
    selective.items = [demo.items[0]]
    db.session.commit()
    _issue(demo, "Reuter nur zur Begrüßung")
    _invite_and_send(demo)
    smtp.messages.clear()

    moved = demo.items[3]  # the Innovation Unit session, which Reuter does not attend
    moved.starts_at, moved.ends_at = datetime(2023, 2, 23, 12, 30), datetime(2023, 2, 23, 13, 45)
    demo.items[4].starts_at = datetime(2023, 2, 23, 13, 45)
    demo.items[4].ends_at = datetime(2023, 2, 23, 14, 15)
    db.session.commit()
    version, drafted = _issue(demo)
    _release()
    send_pending()

    recipients = {str(m["To"]) for m in smtp.messages}
    assert "jonas.reuter@wuppertal.example" not in recipients
    assert len(recipients) == len(demo.participations) - 1 == drafted
    mails = _to(smtp, "uwe.")
    assert str(mails[0]["Subject"]) == f"Aktualisiert: {demo.title}"  # two items: a letter
    assert "Sie erhalten 2 Kalendereinladungen" in _text(mails[0])
    assert [_itip(m) for m in mails[1:]] == [
        ("REQUEST", [moved.uid]), ("REQUEST", [demo.items[4].uid])
    ]  # fmt: skip
    [event] = _calendar(mails[1]).walk("VEVENT")
    assert int(event["SEQUENCE"]) == 1
    assert "Smart City Innovation Unit: das „Bochumer Modell“ wurde von 12:00 auf 12:30" in (
        _text(mails[1])
    )
    reuter = db.session.get(Participation, selective.id)
    assert reuter.invited_version == version.number
    assert outdated_invitations(demo.id, version.number) == 0


def test_a_cancelled_item_is_cancelled_for_exactly_those_invited_to_it(smtp, demo):
    selective = next(p for p in demo.participations if p.person.last_name == "Reuter")
    selective.attends_all_items = False
    selective.items = [demo.items[0]]
    db.session.commit()
    _issue(demo, "Reuter nur zur Begrüßung")
    _invite_and_send(demo)
    smtp.messages.clear()

    demo.items[2].status = ItemStatus.CANCELLED
    db.session.commit()
    _issue(demo)
    _release()
    send_pending()

    # One item: the cancellation travels alone, no cover letter.
    assert {str(m["To"]) for m in smtp.messages} == {
        p.person.email for p in demo.participations if p.id != selective.id
    }
    assert [_itip(m) for m in smtp.messages] == [("CANCEL", [demo.items[2].uid])] * len(
        smtp.messages
    )
    event = _calendar(smtp.messages[0]).walk("VEVENT")[0]
    assert (str(event["STATUS"]), int(event["SEQUENCE"])) == ("CANCELLED", 1)
    assert smtp.messages[0].get_payload()[0].get_payload()[2].get_param("method") == "CANCEL"
    german = next(
        m
        for m in smtp.messages
        for p in demo.participations
        if str(m["To"]) == p.person.email and p.person.language == Language.DE
    )
    assert str(german["Subject"]).startswith(f"Abgesagt: {demo.items[2].title_de} – ")


def test_a_person_removed_from_an_item_gets_a_cancellation_of_it(smtp, demo):
    _invite_and_send(demo)
    smtp.messages.clear()
    mayor = next(p for p in demo.participations if p.person.last_name == "Schneidewind")
    mayor.attends_all_items = False
    mayor.items = list(demo.items[:-1])
    db.session.commit()

    _issue(demo)
    _release()
    send_pending()

    assert [str(m["To"]) for m in smtp.messages] == ["uwe.schneidewind@wuppertal.example"]
    assert _itip(smtp.messages[0]) == ("CANCEL", [demo.items[-1].uid])


def test_a_cancelled_visit_cancels_every_item_in_its_own_message(smtp, demo):
    demo.status = VisitStatus.CONFIRMED
    db.session.commit()
    _invite_and_send(demo)
    smtp.messages.clear()

    change_status(demo, VisitStatus.CANCELLED)
    draft_visit_cancellation(demo, latest_version(demo.id))
    db.session.commit()
    _release()
    send_pending()

    assert len(smtp.messages) == len(demo.participations) * (1 + len(demo.items))
    mails = _to(smtp, "uwe.")
    assert str(mails[0]["Subject"]) == f"Abgesagt: {demo.title}"
    assert "Der Besuch ist abgesagt." in _text(mails[0])
    assert not [p for p in mails[0].walk() if p.get_content_type() == "text/calendar"]
    assert sorted(_itip(m)[1][0] for m in mails[1:]) == sorted(i.uid for i in demo.items)
    assert {_itip(m)[0] for m in mails[1:]} == {"CANCEL"}


def test_a_refusing_server_leaves_messages_waiting_with_the_error_until_it_accepts(smtp, demo):
    smtp.refuse = True
    draft_invitations(demo, latest_version(demo.id))
    db.session.commit()
    _release()
    message_ids = set(db.session.scalars(select(OutboxMessage.message_id)))

    sent, failed = send_pending()

    assert sent == 0
    assert failed >= 1
    waiting = db.session.scalars(select(OutboxMessage).where(OutboxMessage.attempts > 0)).all()
    assert waiting
    assert all(m.status == OutboxStatus.PENDING for m in waiting)
    assert all("554" in m.last_error for m in waiting)
    assert all(m.next_attempt_at > utcnow() for m in waiting)

    smtp.refuse = False
    for message in db.session.scalars(select(OutboxMessage)):
        message.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    send_pending()

    assert {str(m["Message-ID"]) for m in smtp.messages} == message_ids
    assert set(db.session.scalars(select(OutboxMessage.status))) == {OutboxStatus.SENT}


def test_a_server_that_is_down_leaves_messages_waiting(app, demo):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())
    draft_invitations(demo, latest_version(demo.id))
    db.session.commit()
    _release()

    send_pending()

    message = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
    assert message.status == OutboxStatus.PENDING
    assert "ConnectionRefusedError" in message.last_error


def test_a_message_stays_failed_after_the_maximum_attempts(app, demo):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), OUTBOX_MAX_ATTEMPTS=2)
    draft_invitations(demo, latest_version(demo.id))
    db.session.commit()
    _release()
    for _ in range(2):
        for message in db.session.scalars(select(OutboxMessage)):
            message.next_attempt_at = None
        db.session.commit()
        send_pending(batch=100)
    statuses = set(db.session.scalars(select(OutboxMessage.status)))
    assert statuses == {OutboxStatus.FAILED}


def test_a_message_claimed_by_a_worker_that_died_is_sent_again_with_its_message_id(smtp, demo):
    draft_invitations(demo, latest_version(demo.id))
    db.session.commit()
    message = db.session.scalars(select(OutboxMessage)).first()
    message.status = OutboxStatus.SENDING
    message.claimed_by = "crashed-worker"
    message.claimed_at = utcnow() - timedelta(hours=1)
    db.session.commit()

    send_pending()

    assert [str(m["Message-ID"]) for m in smtp.messages] == [message.message_id]


def _waiting_messages(visit, count: int) -> list[OutboxMessage]:
    person = db.session.scalar(select(Person))
    messages = [
        OutboxMessage(
            visit=visit,
            person=person,
            status=OutboxStatus.PENDING,
            message_id=f"<claim-{n}@bochum.example>",
            to_address=f"p{n}@x.example",
            subject=f"Nachricht {n}",
            body_text="Text",
        )  # fmt: skip
        for n in range(count)
    ]
    db.session.add_all(messages)
    db.session.commit()
    return messages


def test_a_starting_worker_sends_a_crashed_workers_claims_after_seconds_not_minutes(smtp, demo):
    messages = _waiting_messages(demo, 20)
    for n, message in enumerate(messages):
        message.status = OutboxStatus.SENDING
        # The first ten were claimed by a worker that crashed a minute ago; the others
        # belong to a worker that renewed its claims ten seconds ago and is still sending.
        message.claimed_by = "crashed-worker" if n < 10 else "live-worker"
        message.claimed_at = utcnow() - timedelta(seconds=60 if n < 10 else 10)
    db.session.commit()

    assert send_pending(worker="new-worker") == (10, 0)

    assert sorted(str(m["Message-ID"]) for m in smtp.messages) == sorted(
        message.message_id for message in messages[:10]
    )
    assert set(db.session.scalars(select(OutboxMessage.claimed_by).where(
        OutboxMessage.status == OutboxStatus.SENDING
    ))) == {"live-worker"}  # fmt: skip


def test_a_worker_whose_claims_were_taken_over_sends_none_of_them_again(smtp, demo):
    _waiting_messages(demo, 3)
    slow = claim("slow-worker", 3)
    # The slow worker stalls longer than a claim lasts; another worker takes over.
    db.session.execute(update(OutboxMessage).values(claimed_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    assert send_pending(worker="other-worker") == (3, 0)

    outcomes = [send_one(message_id, "slow-worker", _must_not_send) for message_id in slow]

    assert outcomes == [None, None, None]
    assert len(smtp.messages) == 3
    assert set(db.session.scalars(select(OutboxMessage.status).where(
        OutboxMessage.message_id.like("<claim-%")
    ))) == {OutboxStatus.SENT}  # fmt: skip


def _must_not_send(mail) -> None:
    raise AssertionError(f"{mail['Message-ID']} sent a second time")


def test_a_sending_worker_renews_its_other_claims_before_each_message(smtp, demo):
    _waiting_messages(demo, 3)
    ids = claim("busy-worker", 3)
    db.session.execute(update(OutboxMessage).values(claimed_at=utcnow() - timedelta(seconds=45)))
    db.session.commit()

    send_one(ids[0], "busy-worker", lambda mail: None)

    # The two still waiting were renewed: no other worker may take them now.
    assert claim("other-worker", 3) == []
    ages = [
        utcnow() - message.claimed_at
        for message in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.SENDING)
        )
    ]
    assert len(ages) == 2
    assert all(age < timedelta(seconds=5) for age in ages)


def test_a_rolled_back_change_leaves_no_message(app, demo):
    demo.items[0].title_de = "Empfang"
    db.session.commit()
    _invite_and_send(demo)  # console backend: nothing leaves, the invites count as sent
    before = db.session.scalar(select(func.count()).select_from(OutboxMessage))

    version = issue_version(load_for_snapshot(demo.id), None, "Wird verworfen")
    draft_updates(demo, version, Changes.from_dict(version.changes))
    db.session.rollback()

    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == before
    assert latest_version(demo.id).number == 1


def test_rsvp_links_change_the_answer_and_bad_links_change_nothing(app, client, demo):
    mayor = next(p for p in demo.participations if p.person.last_name == "Schneidewind")
    mayor.rsvp_status = RsvpStatus.NEEDS_ACTION
    db.session.commit()
    token = rsvp_token(mayor)
    page = client.get(f"/rsvp/{token}?answer=declined")
    assert page.status_code == 200
    assert 'value="declined" checked' in page.get_data(as_text=True)
    db.session.refresh(mayor)
    assert mayor.rsvp_status == RsvpStatus.NEEDS_ACTION  # looking at a link changes nothing

    client.post(f"/rsvp/{token}", data={"answer": "declined"})
    db.session.refresh(mayor)
    assert mayor.rsvp_status == RsvpStatus.DECLINED

    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    old = _expired_token(app, mayor)
    for bad in (tampered, old, "nonsense"):
        response = client.post(f"/rsvp/{bad}", data={"answer": "accepted"})
        assert response.status_code == 400
        assert "Dieser Link ist nicht gültig" in response.get_data(as_text=True)
    db.session.refresh(mayor)
    assert mayor.rsvp_status == RsvpStatus.DECLINED


def _expired_token(app, participation) -> str:
    class Backdated(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - 400 * 86400

    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=RSVP_SALT, signer=Backdated)
    return serializer.dumps({"n": participation.rsvp_nonce})


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_two_workers_deliver_200_messages_exactly_once(app, smtp, demo):
    person = db.session.scalar(select(Person))
    db.session.add_all(
        OutboxMessage(
            visit=demo,
            person=person,
            status=OutboxStatus.PENDING,
            message_id=f"<load-{n}@planner.test>",
            to_address=f"p{n}@x.example",
            subject=f"Nachricht {n}",
            body_text="Text",
        )  # fmt: skip
        for n in range(200)
    )
    db.session.commit()
    errors = []

    def worker(name: str) -> None:
        try:
            with app.app_context():
                send_pending(batch=5, worker=name)
                db.session.remove()
        except Exception as error:  # noqa: BLE001 (reported to the test below)
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(f"worker-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    received = [str(m["Message-ID"]) for m in smtp.messages]
    assert len(received) == len(set(received)) == 200
    claimed_by = set(db.session.scalars(select(OutboxMessage.claimed_by).where(
        OutboxMessage.message_id.like("<load-%")
    )))  # fmt: skip
    assert claimed_by == {"worker-0", "worker-1"}


def test_an_invitation_not_yet_sent_is_replaced_by_one_with_the_new_agenda(smtp, demo):
    draft_invitations(demo, latest_version(demo.id))
    db.session.commit()
    moved = demo.items[3]
    moved.starts_at, moved.ends_at = datetime(2023, 2, 23, 12, 30), datetime(2023, 2, 23, 13, 45)
    demo.items[4].starts_at = datetime(2023, 2, 23, 13, 45)
    demo.items[4].ends_at = datetime(2023, 2, 23, 14, 15)
    db.session.commit()

    _issue(demo)
    _release()
    send_pending()

    # The waiting invitations went to nobody; the new ones carry the new time.
    assert len(smtp.messages) == len(demo.participations) * (1 + len(demo.items))
    to_moved = [m for m in smtp.messages if _itip(m) == ("REQUEST", [moved.uid])]
    assert len(to_moved) == len(demo.participations)
    for mail in to_moved:
        [event] = _calendar(mail).walk("VEVENT")
        assert event.decoded("DTSTART").strftime("%H:%M") == "12:30"
        assert int(event["SEQUENCE"]) == 1


def test_cancelling_a_visit_withdraws_invitations_still_waiting(smtp, demo):
    demo.status = VisitStatus.CONFIRMED
    draft_invitations(demo, latest_version(demo.id))
    _release()

    change_status(demo, VisitStatus.CANCELLED)
    draft_visit_cancellation(demo, latest_version(demo.id))
    db.session.commit()
    send_pending()

    assert smtp.messages == []
    statuses = set(db.session.scalars(select(OutboxMessage.status)))
    assert statuses == {OutboxStatus.DISCARDED}


def test_an_invitation_after_a_cancellation_carries_a_higher_sequence(smtp, demo):
    _invite_and_send(demo)
    mayor = next(p for p in demo.participations if p.person.last_name == "Schneidewind")
    last = demo.items[-1]
    mayor.attends_all_items = False
    mayor.items = list(demo.items[:-1])
    db.session.commit()
    _issue(demo, "Ohne Abschlussgespräch")
    _release()
    send_pending()
    mayor.attends_all_items = True
    mayor.items = []
    db.session.commit()
    _issue(demo, "Doch mit Abschlussgespräch")
    _release()
    smtp.messages.clear()
    send_pending()

    to_mayor = [m for m in smtp.messages if str(m["To"]).startswith("uwe.")]
    events = {str(e["UID"]): e for m in to_mayor for e in _calendar(m).walk("VEVENT")}
    assert int(events[last.uid]["SEQUENCE"]) >= 1  # the CANCEL before it carried 1


def test_a_waiting_cancellation_is_dropped_when_the_person_takes_part_again(smtp, demo):
    _invite_and_send(demo)
    smtp.messages.clear()
    mayor = next(p for p in demo.participations if p.person.last_name == "Schneidewind")
    mayor.attends_all_items = False
    mayor.items = list(demo.items[:-1])
    db.session.commit()
    _issue(demo, "Ohne Abschlussgespräch")  # the cancellation waits as a draft
    mayor.attends_all_items = True
    mayor.items = []
    db.session.commit()

    _issue(demo, "Doch mit Abschlussgespräch")
    _release()
    send_pending()

    # Their calendar still holds the item: nothing needs to reach them at all.
    assert [str(m["To"]) for m in smtp.messages] == []
    cancel = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "cancel"))
    assert cancel.status == OutboxStatus.DISCARDED


def test_an_english_participant_gets_the_items_english_titles_in_every_mail(smtp, demo):
    _invite_and_send(demo)

    english, german = _to(smtp, "miriam.albers"), _to(smtp, "uwe.schneidewind")
    welcome = demo.items[0]

    assert "10:00–10:30  Welcome by the Lord Mayor – Amtszimmer des Oberbürgermeisters" in (
        _text(english[0])
    )
    assert "Begrüßung" not in _text(english[0])
    programme = {str(e["SUMMARY"]) for e in _calendar(english[0]).walk("VEVENT")}
    assert "Welcome by the Lord Mayor" in programme
    assert str(english[1]["Subject"]) == f"Invitation: Welcome by the Lord Mayor – {demo.title}"
    [event] = _calendar(english[1]).walk("VEVENT")
    assert (str(event["UID"]), str(event["SUMMARY"]), str(event["DESCRIPTION"])) == (
        welcome.uid,
        "Welcome by the Lord Mayor",
        "Reception of the delegation and signing of the Golden Book.",
    )

    assert str(german[1]["Subject"]) == (
        f"Einladung: Begrüßung durch den Oberbürgermeister – {demo.title}"
    )
    [event] = _calendar(german[1]).walk("VEVENT")
    assert (str(event["SUMMARY"]), str(event["DESCRIPTION"])) == (
        "Begrüßung durch den Oberbürgermeister",
        "Empfang der Delegation und Eintrag ins Goldene Buch.",
    )


def test_updates_name_the_items_in_the_readers_language_and_fall_back_to_german(smtp, demo):
    _invite_and_send(demo)
    smtp.messages.clear()
    steles, session = demo.items[1], demo.items[3]
    steles.title_de, steles.title_en = "Stelen-Vorführung im Foyer", ""
    session.starts_at = datetime(2023, 2, 23, 12, 30)
    session.ends_at = datetime(2023, 2, 23, 13, 45)
    demo.items[4].starts_at = datetime(2023, 2, 23, 13, 45)
    demo.items[4].ends_at = datetime(2023, 2, 23, 14, 15)
    db.session.commit()
    _issue(demo)
    _release()
    send_pending()

    # Folding a long subject may double a space: compare words.
    english = {" ".join(str(m["Subject"]).split()): _text(m) for m in _to(smtp, "miriam.albers")}
    german = {" ".join(str(m["Subject"]).split()): _text(m) for m in _to(smtp, "uwe.schneidewind")}

    # No English title: English readers get the German one.
    steles_mail = english[f"Updated: Stelen-Vorführung im Foyer – {demo.title}"]
    assert "- Stelen-Vorführung im Foyer has changed." in steles_mail
    assert "10:30–11:15  Stelen-Vorführung im Foyer – Foyer" in steles_mail
    session_mail = english[
        f'Updated: Smart City Innovation Unit: the "Bochumer Modell" – {demo.title}'
    ]
    assert (
        '- Smart City Innovation Unit: the "Bochumer Modell" moved from 12:00 to 12:30, '
        "Besprechungsraum 2.14, Rathaus Bochum." in session_mail
    )
    assert list(english) == [
        f"Updated: {demo.title}",
        f"Updated: Stelen-Vorführung im Foyer – {demo.title}",
        f'Updated: Smart City Innovation Unit: the "Bochumer Modell" – {demo.title}',
        f"Updated: Closing exchange – {demo.title}",
    ]
    german_steles = german[f"Aktualisiert: Stelen-Vorführung im Foyer – {demo.title}"]
    assert "- Stelen-Vorführung im Foyer wurde geändert." in german_steles


def test_the_answer_page_and_calendar_of_an_english_guest_name_the_items_in_english(client, demo):
    albers = next(p for p in demo.participations if p.person.last_name == "Albers")
    mayor = next(p for p in demo.participations if p.person.last_name == "Schneidewind")

    english = page_text(client.get(f"/rsvp/{rsvp_token(albers)}"))
    chosen_german = page_text(client.get(f"/rsvp/{rsvp_token(albers)}?lang=de"))
    german = page_text(client.get(f"/rsvp/{rsvp_token(mayor)}"))
    programme = Calendar.from_ical(client.get(f"/rsvp/{rsvp_token(albers)}/programme.ics").data)

    assert "10:00–10:30 · Welcome by the Lord Mayor" in english
    assert "Reception of the delegation and signing of the Golden Book." in english
    assert "Begrüßung" not in english
    assert "10:00–10:30 · Begrüßung durch den Oberbürgermeister" in chosen_german
    assert "10:00–10:30 · Begrüßung durch den Oberbürgermeister" in german
    assert "Empfang der Delegation und Eintrag ins Goldene Buch." in german
    assert [str(event["SUMMARY"]) for event in programme.walk("VEVENT")] == [
        "Welcome by the Lord Mayor",
        "Digital information steles demo",
        "Rathaus Navi app walkthrough",
        'Smart City Innovation Unit: the "Bochumer Modell"',
        "Closing exchange",
        "Transfer to the main station",
    ]


def test_mails_show_an_item_over_midnight_and_a_repeated_time_as_typed(app, smtp):
    bochum = factories.organisation("Bochum")
    visit = factories.visit(bochum, first_day=date(2026, 10, 24), last_day=date(2026, 10, 25))
    guest = factories.person(visit.guest_organisations[0], "Albers", email="m@wuppertal.example",
                             language=Language.DE)  # fmt: skip
    factories.participation(visit, guest)
    reception = factories.item(visit, "2026-10-24 19:00", "2026-10-25 00:30", "Abendempfang")
    transfer = factories.item(visit, "2026-10-25 02:30", "2026-10-25 03:15", "Nachtfahrt",
                              starts_fold=1)  # fmt: skip
    db.session.commit()
    version = issue_version(load_for_snapshot(visit.id), None, "Programm")
    db.session.commit()
    _invite_and_send(visit)

    letter, *requests = smtp.messages
    assert "19:00–00:30 (+1 Tag)  Abendempfang" in _text(letter)
    assert "02:30 (UTC+01:00)–03:15  Nachtfahrt" in _text(letter)
    events = {str(e["UID"]): e for m in requests for e in _calendar(m).walk("VEVENT")}
    assert events[reception.uid].decoded("DTEND") - events[reception.uid].decoded(
        "DTSTART"
    ) == timedelta(hours=5, minutes=30)
    # The second 02:30 of the night the clocks go back: 01:30 UTC, written in UTC.
    assert events[transfer.uid].decoded("DTSTART") == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert version.number == 1
