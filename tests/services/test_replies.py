"""Answers from calendar programs (iMIP REPLY, COUNTER) through `mail receive` and `mail fetch`.

The messages are written after what Outlook/Exchange, Gmail, Apple Calendar and
Thunderbird send (tests/data/imip); they reach the app on standard input, as an MTA
pipe hands them over, and from a real IMAP server (dovecot).
"""

import base64
import quopri
from datetime import UTC, datetime
from email.header import Header
from pathlib import Path
from string import Template

import pytest
from sqlalchemy import select

from planner.enums import Language, OutboxStatus, Role, RsvpStatus, Side
from planner.extensions import db
from planner.models import InboundMessage, ItemAnswer, OutboxMessage, Participation
from planner.services.answers import answers_of
from planner.services.demo import load_demo_data
from planner.services.invitations import draft_invitations
from planner.services.outbox import send_pending
from planner.services.versions import latest_version
from tests import factories
from tests.helpers import page_text
from tests.smtp import smtp_server

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "imip"
ORGANIZER = "protokoll@planner.test"


@pytest.fixture
def demo(app):
    """The reference visit with every invitation sent (the calendars hold their items)."""
    visit = load_demo_data().visit
    for participation in visit.participations:
        participation.rsvp_status = RsvpStatus.NEEDS_ACTION
    db.session.commit()
    with smtp_server() as (_collector, port):
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_SECURITY="none")
        draft_invitations(visit, latest_version(visit.id))
        for message in db.session.scalars(select(OutboxMessage)):
            message.status = OutboxStatus.PENDING
        db.session.commit()
        send_pending(batch=200)
    return visit


def _person(visit, last_name) -> Participation:
    return next(p for p in visit.participations if p.person.last_name == last_name)


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def sample(
    program: str,
    item,
    participation,
    *,
    partstat="ACCEPTED",
    sequence=None,
    sender=None,
    attendee=None,
    dtstamp="20230220T101512Z",
    dtstart="20230223T100000",
    dtend="20230223T103000",
    kind="reply",
) -> bytes:
    """Return the message a calendar program sends when the person answers the item."""
    person = participation.person
    values = {
        "uid": item.uid,
        "sequence": item.sequence if sequence is None else sequence,
        "partstat": partstat,
        "name": person.display_name,
        "attendee": attendee or person.email,
        "sender": sender or person.email,
        "organizer": ORGANIZER,
        "summary": item.title_de,
        "dtstamp": dtstamp,
        "dtstart": dtstart,
        "dtend": dtend,
        "dtstart_utc": "20230223T090000Z",
        "dtend_utc": "20230223T093000Z",
        "method": "COUNTER" if kind == "counter" else "REPLY",
    }
    calendar = _crlf(Template((SAMPLES / f"{program}-{kind}.ics").read_text()).substitute(values))
    encoded = calendar.encode("utf-8")
    message = Template((SAMPLES / f"{program}-reply.eml").read_text()).substitute(
        values,
        summary=Header(item.title_de, "utf-8").encode(),
        calendar=calendar,
        calendar_base64=base64.encodebytes(encoded).decode("ascii"),
        calendar_qp=quopri.encodestring(encoded).decode("ascii"),
    )
    return _crlf(message).encode("utf-8")


def _answer(participation, item) -> ItemAnswer | None:
    db.session.expire_all()
    return answers_of(participation).get(item.id)


def _receive(runner, raw: bytes):
    return runner.invoke(args=["mail", "receive"], input=raw)


@pytest.mark.parametrize(
    ("program", "partstat", "expected"),
    [
        ("outlook", "ACCEPTED", RsvpStatus.ACCEPTED),
        ("gmail", "ACCEPTED", RsvpStatus.ACCEPTED),
        ("apple", "DECLINED", RsvpStatus.DECLINED),
        ("thunderbird", "TENTATIVE", RsvpStatus.TENTATIVE),
    ],
    ids=["outlook-accepts", "gmail-accepts", "apple-declines", "thunderbird-tentative"],
)
def test_a_calendar_programs_answer_is_recorded_for_that_item(
    runner, demo, program, partstat, expected
):
    mayor = _person(demo, "Schneidewind")
    item = demo.items[0]

    result = _receive(runner, sample(program, item, mayor, partstat=partstat))

    assert result.exit_code == 0, result.output
    assert "Message read: applied." in result.output
    answer = _answer(mayor, item)
    assert (answer.status, answer.source) == (expected, "calendar")
    assert answer.replied_at == datetime(2023, 2, 20, 10, 15, 12, tzinfo=UTC)
    others = [a for p in demo.participations for a in answers_of(p).values() if a is not answer]
    assert others == []  # nobody else's answer and no other item changed
    assert db.session.get(Participation, mayor.id).rsvp_status == expected


def test_outlooks_comment_travels_with_the_answer_and_the_planner_sees_it(
    runner, client, login, demo
):
    mayor = _person(demo, "Schneidewind")
    _receive(runner, sample("outlook", demo.items[0], mayor))
    login(factories.user(demo.host_organisation, Role.PLANNER))

    assert _answer(mayor, demo.items[0]).comment == "Ich komme gerne.\n"
    page = page_text(client.get(f"/visits/{demo.id}/outbox"))
    assert "Antworten aus Kalenderprogrammen" in page
    assert (
        "Prof. Dr. Uwe Schneidewind &lt;uwe.schneidewind@wuppertal.example&gt; "
        "Begrüßung durch den Oberbürgermeister Zugesagt"
    ) in page
    assert "Antwort übernommen" in page


def test_a_counter_proposal_is_shown_to_the_planners_and_changes_nothing(
    runner, client, login, demo
):
    mayor = _person(demo, "Schneidewind")
    item = demo.items[0]
    raw = sample("outlook", item, mayor, kind="counter", dtstart="20230223T103000",
                 dtend="20230223T110000")  # fmt: skip

    result = _receive(runner, raw)

    assert result.exit_code == 0, result.output
    assert _answer(mayor, item) is None
    record = db.session.scalar(select(InboundMessage))
    assert (record.outcome, record.proposed_start, record.proposed_end) == (
        "counter",
        datetime(2023, 2, 23, 9, 30, tzinfo=UTC),
        datetime(2023, 2, 23, 10, 0, tzinfo=UTC),
    )
    login(factories.user(demo.host_organisation, Role.PLANNER))
    page = page_text(client.get(f"/visits/{demo.id}/outbox"))
    assert "Gegenvorschlag: bitte antworten Sie der Person selbst" in page
    assert "Geht es eine halbe Stunde später?" in page


def _refused(runner, raw, outcome):
    result = _receive(runner, raw)
    assert result.exit_code == 0, result.output
    assert f"Message read: {outcome}." in result.output
    assert db.session.scalar(select(ItemAnswer)) is None
    return result


def test_a_reply_from_another_address_than_the_attendee_changes_nothing(runner, demo):
    mayor = _person(demo, "Schneidewind")
    forged = sample("gmail", demo.items[0], mayor, sender="mallory@evil.example.org")

    _refused(runner, forged, "forged")

    assert db.session.scalar(select(InboundMessage.sender)) == "mallory@evil.example.org"


def test_a_reply_for_someone_who_does_not_take_part_changes_nothing(runner, demo):
    mayor = _person(demo, "Schneidewind")
    stranger = "fremd@dortmund.example"
    raw = sample("thunderbird", demo.items[0], mayor, sender=stranger, attendee=stranger)

    _refused(runner, raw, "forged")


def test_a_reply_for_an_unknown_uid_changes_nothing(runner, demo):
    mayor = _person(demo, "Schneidewind")
    item = demo.items[0]
    raw = sample("apple", item, mayor).replace(item.uid.encode(), b"not-ours@elsewhere.example")

    _refused(runner, raw, "unknown-item")


def test_a_reply_to_an_item_the_person_was_never_invited_to_changes_nothing(runner, demo):
    newcomer = factories.person(demo.guest_organisations[0], "Neumann", language=Language.DE,
                                email="neumann@wuppertal.example")  # fmt: skip
    participation = factories.participation(demo, newcomer, side=Side.GUEST)
    db.session.commit()  # takes part now, but no invitation has gone out yet

    _refused(runner, sample("outlook", demo.items[0], participation), "not-invited")


def test_a_reply_to_an_older_sequence_than_the_latest_sent_changes_nothing(runner, demo):
    mayor = _person(demo, "Schneidewind")
    item = demo.items[0]
    # As if two updates of the item had gone out to the mayor since.
    for message in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.participation_id == mayor.id)
    ):
        if message.item_uids == [item.uid]:
            message.ical = message.ical.replace("SEQUENCE:0", "SEQUENCE:2")
    db.session.commit()

    _refused(runner, sample("gmail", item, mayor, sequence=1), "outdated")


def test_a_late_reply_does_not_overwrite_a_newer_answer(runner, demo):
    mayor = _person(demo, "Schneidewind")
    item = demo.items[0]
    _receive(
        runner, sample("outlook", item, mayor, partstat="DECLINED", dtstamp="20230221T080000Z")
    )

    result = _receive(runner, sample("gmail", item, mayor, dtstamp="20230220T080000Z"))

    assert "Message read: outdated." in result.output
    assert _answer(mayor, item).status == RsvpStatus.DECLINED


def test_the_same_message_twice_changes_nothing_the_second_time(runner, demo):
    mayor = _person(demo, "Schneidewind")
    raw = sample("apple", demo.items[1], mayor, partstat="DECLINED")
    _receive(runner, raw)
    _receive(runner, sample("gmail", demo.items[1], mayor, dtstamp="20230222T080000Z"))

    again = _receive(runner, raw)

    assert again.exit_code == 0
    assert "seen before; nothing changed" in again.output
    assert _answer(mayor, demo.items[1]).status == RsvpStatus.ACCEPTED
    assert len(db.session.scalars(select(InboundMessage)).all()) == 2


def test_a_message_without_a_calendar_is_ignored_with_exit_code_zero(runner, demo):
    raw = (
        b"From: Uwe Schneidewind <uwe.schneidewind@wuppertal.example>\r\n"
        b"To: protokoll@planner.test\r\nSubject: Abwesenheitsnotiz\r\n\r\n"
        b"Ich bin bis zum 27. Februar nicht im Haus.\r\n"
    )

    result = _receive(runner, raw)

    assert result.exit_code == 0
    assert "Message read: ignored." in result.output
    assert db.session.scalar(select(InboundMessage.outcome)) == "ignored"


@pytest.mark.parametrize(
    "raw",
    [
        b"\x00\xff" * 100,
        b"From: a@b.example\r\nContent-Type: text/calendar; method=REPLY\r\n\r\n"
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:2023-02\r\n",
    ],
    ids=["binary", "broken-calendar"],
)
def test_a_message_that_cannot_be_read_exits_non_zero_and_changes_nothing(runner, demo, raw):
    result = _receive(runner, raw)

    assert result.exit_code == 65, result.output
    assert db.session.scalar(select(InboundMessage)) is None


def test_a_message_over_the_size_limit_is_not_read(app, runner, demo):
    app.config["MAIL_MAX_BYTES"] = 10_000
    mayor = _person(demo, "Schneidewind")
    raw = sample("outlook", demo.items[0], mayor) + b"x" * 20_000

    result = _receive(runner, raw)

    assert result.exit_code == 65
    assert "too large" in result.output
    assert _answer(mayor, demo.items[0]) is None


def test_mail_fetch_reads_replies_from_the_imap_mailbox_and_files_them(
    app, runner, demo, imap_mailbox
):
    app.config.update(imap_mailbox.settings)
    mayor, albers = _person(demo, "Schneidewind"), _person(demo, "Albers")
    imap_mailbox.deliver(sample("outlook", demo.items[0], mayor))
    imap_mailbox.deliver(sample("apple", demo.items[2], albers, partstat="DECLINED"))
    imap_mailbox.deliver(sample("gmail", demo.items[0], mayor, sender="mallory@evil.example.org"))
    imap_mailbox.deliver(b"\x00\xff" * 100)

    result = runner.invoke(args=["mail", "fetch"])

    assert result.exit_code == 0, result.output
    assert "3 handled, 0 ignored, 1 unreadable" in result.output
    assert _answer(mayor, demo.items[0]).status == RsvpStatus.ACCEPTED
    assert _answer(albers, demo.items[2]).status == RsvpStatus.DECLINED
    assert imap_mailbox.messages("INBOX") == []
    assert len(imap_mailbox.messages("Planner/Processed")) == 3
    assert len(imap_mailbox.messages("Planner/Unreadable")) == 1
    outcomes = sorted(db.session.scalars(select(InboundMessage.outcome)))
    assert outcomes == ["applied", "applied", "forged"]

    # A second run finds nothing new and changes nothing.
    again = runner.invoke(args=["mail", "fetch"])
    assert "0 handled" in again.output
    assert len(db.session.scalars(select(InboundMessage)).all()) == 3


def test_mail_fetch_with_a_wrong_password_says_so_without_a_traceback(app, runner, imap_mailbox):
    app.config.update({**imap_mailbox.settings, "IMAP_PASSWORD": "wrong"})

    result = runner.invoke(args=["mail", "fetch"])

    assert result.exit_code == 1
    assert "Error:" in result.output
    assert "Traceback" not in result.output
    assert "wrong" not in result.output
