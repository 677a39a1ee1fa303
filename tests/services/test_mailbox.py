"""Reading replies from an IMAP mailbox, against a real IMAP server (dovecot)."""

import logging
import os
import signal
import threading
import time
from collections.abc import Iterator

import pytest
from flask import Flask

from planner.services.mailbox import (
    FetchResult,
    MailboxError,
    MailboxLoginFailed,
    MailboxNotConfigured,
    UnreadableMessage,
    fetch_new,
    run_loop,
)
from tests.conftest import make_app
from tests.imap_server import ImapServer, TestMailbox, start_or_skip
from tests.smtp import free_port


def _message(subject: str, body: str = "Accepted.", padding: int = 0) -> bytes:
    text = (
        "From: miriam.albers@wuppertal.example\r\n"
        "To: protokoll@planner.test\r\n"
        f"Subject: {subject}\r\n"
        f"Message-ID: <{subject.replace(' ', '-')}@wuppertal.example>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        f"{body}\r\n"
    )
    return text.encode() + b"x" * padding + (b"\r\n" if padding else b"")


class Collector:
    """A handler that keeps what it is given and answers as told."""

    def __init__(self, answer: bool | None = True) -> None:
        self.received: list[bytes] = []
        self.answer = answer

    def __call__(self, raw: bytes) -> bool | None:
        self.received.append(raw)
        return self.answer


@pytest.fixture
def app(imap_mailbox: TestMailbox, tmp_path) -> Iterator[Flask]:
    """An app that reads the test mailbox; the mailbox reader needs no database."""
    app = make_app("sqlite://", tmp_path, **imap_mailbox.settings)
    with app.app_context():
        yield app


def test_new_messages_are_handed_over_in_order_and_filed_as_processed(app, imap_mailbox):
    first, second = _message("Accepted: Welcome"), _message("Declined: Lunch")
    imap_mailbox.deliver(first)
    imap_mailbox.deliver(second)
    handler = Collector()

    result = fetch_new(handler)

    assert handler.received == [first, second]
    assert result == FetchResult(handled=2)
    assert str(result) == "2 handled, 0 ignored, 0 unreadable, 0 too large, 0 failed"
    assert imap_mailbox.messages("INBOX") == []
    assert imap_mailbox.messages("Planner/Processed") == [first, second]
    assert imap_mailbox.folders() == ["INBOX", "Planner/Processed"]


def test_messages_the_handler_ignores_are_filed_as_processed_too(app, imap_mailbox):
    newsletter = _message("Our newsletter")
    imap_mailbox.deliver(newsletter)

    result = fetch_new(Collector(answer=False))

    assert result == FetchResult(ignored=1)
    assert imap_mailbox.messages("INBOX") == []
    assert imap_mailbox.messages("Planner/Processed") == [newsletter]


def test_an_unreadable_message_goes_to_the_unreadable_folder(app, imap_mailbox):
    garbled, reply = _message("garbled"), _message("Accepted: Welcome")
    imap_mailbox.deliver(garbled)
    imap_mailbox.deliver(reply)

    def handle(raw: bytes) -> bool:
        if b"garbled" in raw:
            raise UnreadableMessage("no text/calendar part")
        return True

    result = fetch_new(handle)

    assert result == FetchResult(handled=1, unreadable=1)
    assert imap_mailbox.messages("INBOX") == []
    assert imap_mailbox.messages("Planner/Unreadable") == [garbled]
    assert imap_mailbox.messages("Planner/Processed") == [reply]


def test_a_message_over_the_size_limit_is_not_downloaded_and_goes_to_unreadable(app, imap_mailbox):
    app.config["MAIL_MAX_BYTES"] = 2000
    huge, reply = _message("huge", padding=5000), _message("Accepted: Welcome")
    imap_mailbox.deliver(huge)
    imap_mailbox.deliver(reply)
    handler = Collector()

    result = fetch_new(handler)

    assert handler.received == [reply]
    assert result == FetchResult(handled=1, too_large=1)
    assert imap_mailbox.messages("Planner/Unreadable") == [huge]
    assert imap_mailbox.messages("Planner/Processed") == [reply]


def test_a_crashing_handler_leaves_the_message_unread_in_the_inbox_for_the_next_run(
    app, imap_mailbox, caplog
):
    reply, other = _message("Accepted: Welcome"), _message("Declined: Lunch")
    uid = imap_mailbox.deliver(reply)
    imap_mailbox.deliver(other)

    def crash_on_welcome(raw: bytes) -> bool:
        if b"Welcome" in raw:
            raise RuntimeError("database is away")
        return True

    result = fetch_new(crash_on_welcome)

    assert result.failures == [f"UID {uid}: RuntimeError: database is away"]
    assert (result.handled, result.failed) == (1, 1)
    assert str(result) == "1 handled, 0 ignored, 0 unreadable, 0 too large, 1 failed"
    assert imap_mailbox.messages("INBOX") == [reply]
    assert "\\Seen" not in imap_mailbox.flags("INBOX")[0]
    assert f"Message UID {uid} not handled; it stays in INBOX" in caplog.text

    handler = Collector()
    assert fetch_new(handler) == FetchResult(handled=1)
    assert handler.received == [reply]
    assert imap_mailbox.messages("Planner/Processed") == [other, reply]


def test_a_second_run_does_not_see_handled_messages_again(app, imap_mailbox):
    imap_mailbox.deliver(_message("Accepted: Welcome"))
    fetch_new(Collector())
    later = _message("Tentative: Lunch")
    imap_mailbox.deliver(later)
    handler = Collector()

    result = fetch_new(handler)

    assert handler.received == [later]
    assert result == FetchResult(handled=1)
    assert fetch_new(handler) == FetchResult()
    assert len(imap_mailbox.messages("Planner/Processed")) == 2


def test_the_limit_per_run_holds_and_the_rest_waits_in_arrival_order(app, imap_mailbox):
    app.config["IMAP_MAX_MESSAGES"] = 2
    messages = [_message(f"Accepted: item {number}") for number in range(5)]
    for raw in messages:
        imap_mailbox.deliver(raw)
    handler = Collector()

    results = [fetch_new(handler), fetch_new(handler), fetch_new(handler)]

    assert results == [
        FetchResult(handled=2, more=True),
        FetchResult(handled=2, more=True),
        FetchResult(handled=1),
    ]
    assert handler.received == messages
    assert fetch_new(handler, limit=1) == FetchResult()


def test_the_limit_can_be_given_per_call(app, imap_mailbox):
    for number in range(3):
        imap_mailbox.deliver(_message(f"Accepted: item {number}"))

    assert fetch_new(Collector(), limit=1) == FetchResult(handled=1, more=True)
    assert len(imap_mailbox.messages("INBOX")) == 2


def test_a_wrong_password_is_a_clear_error_and_leaves_the_mail_alone(app, imap_mailbox):
    imap_mailbox.deliver(_message("Accepted: Welcome"))
    app.config["IMAP_PASSWORD"] = "not-the-password"

    with pytest.raises(MailboxLoginFailed) as raised:
        fetch_new(Collector())

    port = app.config["IMAP_PORT"]
    assert str(raised.value).startswith(
        f"IMAP planner@127.0.0.1:{port}: the server refused the login ("
    )
    assert str(raised.value).endswith("Check PLANNER_IMAP_USER and PLANNER_IMAP_PASSWORD.")
    assert "not-the-password" not in str(raised.value)
    assert isinstance(raised.value, MailboxError)
    assert len(imap_mailbox.messages("INBOX")) == 1


def test_a_password_beyond_ascii_logs_in(app, imap_server):
    mailbox = imap_server.mailbox("umlaut")
    mailbox.empty()
    app.config.update(mailbox.settings)
    reply = _message("Zugesagt: Empfang")
    mailbox.deliver(reply)

    assert fetch_new(Collector()) == FetchResult(handled=1)
    assert mailbox.messages("Planner/Processed") == [reply]


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_tls_from_the_start_or_by_starttls_checks_the_certificate(
    app, imap_server, imap_mailbox, monkeypatch, security
):
    app.config.update(imap_server.settings(security=security))
    monkeypatch.setenv("SSL_CERT_FILE", str(imap_server.ca_file))
    reply = _message("Accepted: Welcome")
    imap_mailbox.deliver(reply)

    assert fetch_new(Collector()) == FetchResult(handled=1)
    assert imap_mailbox.messages("Planner/Processed") == [reply]


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_a_certificate_nobody_trusts_is_a_mailbox_error(app, imap_server, imap_mailbox, security):
    app.config.update(imap_server.settings(security=security))
    imap_mailbox.deliver(_message("Accepted: Welcome"))

    with pytest.raises(MailboxError, match=r": TLS failed \(.*CERTIFICATE_VERIFY_FAILED"):
        fetch_new(Collector())
    assert len(imap_mailbox.messages("INBOX")) == 1


def test_a_folder_that_does_not_exist_is_a_mailbox_error(app):
    app.config["IMAP_FOLDER"] = "Replies"

    with pytest.raises(MailboxError, match=r": SELECT Replies refused: Mailbox doesn't exist"):
        fetch_new(Collector())


def test_a_server_that_does_not_answer_is_a_mailbox_error(app):
    app.config["IMAP_PORT"] = free_port()

    with pytest.raises(MailboxError, match=r"^IMAP planner@127\.0\.0\.1:\d+: cannot connect"):
        fetch_new(Collector())


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"IMAP_HOST": ""}, "PLANNER_IMAP_HOST is not set: there is no mailbox to read."),
        (
            {"IMAP_DONE_FOLDER": "inbox"},
            "PLANNER_IMAP_DONE_FOLDER must differ from PLANNER_IMAP_FOLDER ('INBOX'), "
            "or messages would be read again and again.",
        ),
        (
            {"IMAP_FOLDER": "Replies", "IMAP_UNREADABLE_FOLDER": "/Replies"},
            "PLANNER_IMAP_UNREADABLE_FOLDER must differ from PLANNER_IMAP_FOLDER ('Replies'), "
            "or messages would be read again and again.",
        ),
    ],
    ids=["no-host", "done-is-inbox", "unreadable-is-the-folder-read"],
)
def test_settings_that_cannot_work_are_refused_before_connecting(app, settings, message):
    app.config.update(settings)

    with pytest.raises(MailboxNotConfigured) as raised:
        fetch_new(Collector())

    assert str(raised.value) == message


def test_folder_names_follow_the_servers_separator_and_may_leave_ascii(app, imap_mailbox):
    app.config.update(
        IMAP_FOLDER="Antworten/Eingang", IMAP_DONE_FOLDER="Antworten/Geprüft & fertig"
    )
    imap_mailbox.deliver(_message("Accepted: Welcome"), folder="INBOX")
    with imap_mailbox.connection() as imap:
        # The server separates levels with "." (maildir); the settings always say "/".
        assert imap.create('"Antworten.Eingang"')[0] == "OK"
    reply = _message("Declined: Lunch")
    imap_mailbox.deliver(reply, folder="Antworten/Eingang")

    assert fetch_new(Collector()) == FetchResult(handled=1)
    assert imap_mailbox.messages("Antworten/Geprüft & fertig") == [reply]
    assert imap_mailbox.messages("Antworten/Eingang") == []
    assert len(imap_mailbox.messages("INBOX")) == 1


def test_a_lost_connection_after_handling_means_the_message_is_handled_again(
    app, imap_mailbox, imap_server
):
    reply = _message("Accepted: Welcome")
    imap_mailbox.deliver(reply)
    received = []

    def handle_then_lose_the_connection(raw: bytes) -> bool:
        received.append(raw)
        if len(received) == 1:
            imap_server.kick()
        return True

    with pytest.raises(MailboxError, match="connection lost") as raised:
        fetch_new(handle_then_lose_the_connection)
    assert raised.value.result == FetchResult()
    assert imap_mailbox.messages("INBOX") == [reply]

    assert fetch_new(handle_then_lose_the_connection) == FetchResult(handled=1)
    assert received == [reply, reply]
    assert imap_mailbox.messages("Planner/Processed") == [reply]


# -- servers without MOVE, or without UIDPLUS as well -----------------------------------


@pytest.fixture(scope="module", params=["MOVE", "MOVE UIDPLUS"], ids=["no-move", "no-uidplus"])
def limited_server(request, imap_server, tmp_path_factory) -> Iterator[ImapServer]:
    """A second server that announces what the first does, less some extensions."""
    with imap_server.mailbox().connection() as imap:
        announced = imap.capability()[1][0].decode().split()
    missing = request.param.split()
    capability = " ".join(word for word in announced if word not in missing)
    server = start_or_skip(tmp_path_factory.mktemp("dovecot-limited"), capability=capability)
    yield server
    server.stop()


def test_servers_without_move_get_copy_and_expunge(app, limited_server):
    mailbox = limited_server.mailbox()
    mailbox.empty()
    app.config.update(mailbox.settings)
    with mailbox.connection() as imap:
        assert "MOVE" not in imap.capability()[1][0].decode().split()
    first, second = _message("Accepted: Welcome"), _message("Declined: Lunch")
    mailbox.deliver(first)
    mailbox.deliver(second)

    assert fetch_new(Collector()) == FetchResult(handled=2)
    assert mailbox.messages("INBOX") == []
    assert mailbox.messages("Planner/Processed") == [first, second]
    assert all("\\Deleted" not in flags for flags in mailbox.flags("Planner/Processed"))


# -- the loop ---------------------------------------------------------------------------


def test_the_loop_survives_a_server_that_is_away_and_tries_again(app, imap_mailbox, caplog):
    port = app.config["IMAP_PORT"]
    app.config["IMAP_PORT"] = free_port()
    reply = _message("Accepted: Welcome")
    imap_mailbox.deliver(reply)
    handler = Collector()
    rounds = []

    def should_stop() -> bool:
        rounds.append(len(handler.received))
        if len(rounds) == 2:
            app.config["IMAP_PORT"] = port  # the server is back
        return len(rounds) > 3

    with caplog.at_level(logging.ERROR, logger="planner.services.mailbox"):
        run_loop(0.01, handler, should_stop=should_stop)

    assert handler.received == [reply]
    assert "Mailbox not read, trying again in 0.01 s: IMAP planner@127.0.0.1" in caplog.text
    assert "cannot connect" in caplog.text
    assert imap_mailbox.messages("Planner/Processed") == [reply]


def test_the_loop_does_not_wait_for_settings_that_cannot_work(app):
    app.config["IMAP_HOST"] = ""

    with pytest.raises(MailboxNotConfigured):
        run_loop(600, Collector())


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_the_loop_after_the_message_at_hand(app, imap_mailbox, signum):
    first, second = _message("Accepted: Welcome"), _message("Declined: Lunch")
    imap_mailbox.deliver(first)
    imap_mailbox.deliver(second)
    received = []

    def handle_and_get_terminated(raw: bytes) -> bool:
        received.append(raw)
        os.kill(os.getpid(), signum)
        return True

    before = signal.getsignal(signum)
    # A long rest: only the signal can end the loop in time.
    run_loop(600, handle_and_get_terminated, should_stop=lambda: len(received) > 1)

    assert received == [first]
    assert imap_mailbox.messages("Planner/Processed") == [first]
    assert imap_mailbox.messages("INBOX") == [second]
    assert signal.getsignal(signum) is before


def test_sigterm_ends_the_rest_of_an_idle_loop_at_once(app, imap_mailbox):
    terminate = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM))
    started = time.monotonic()
    terminate.start()
    try:
        run_loop(600, Collector())
    finally:
        terminate.cancel()

    assert time.monotonic() - started < 10
