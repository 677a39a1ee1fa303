"""Delivering the outbox: claim, send over SMTP, retry with growing back-off.

Messages are rows written in the transaction of the change that caused them. Workers
claim a message before sending it, so two workers never send the same one (on
PostgreSQL with ``FOR UPDATE SKIP LOCKED``). A worker renews its claims (``claimed_at``)
as it goes, before each message it sends, and sends a message only while its claim still
holds; a claim not renewed for ``OUTBOX_STALE_SECONDS`` (longer than one send can take
with ``SMTP_TIMEOUT``) belongs to a worker that is gone, and any worker, including one
that just started, claims the message again and sends it with its original Message-ID,
so a duplicate would be recognisable. Failures keep the last error and wait ever longer,
up to a maximum of attempts.
"""

import logging
import smtplib
import socket
import ssl
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from flask import current_app
from sqlalchemy import or_, select, update

from planner.database import write_intent
from planner.enums import OutboxStatus
from planner.extensions import db
from planner.models import OutboxMessage
from planner.models.types import utcnow
from planner.services.audit import one_change_set
from planner.services.invitations import delivered

log = logging.getLogger(__name__)


def stale_claim() -> timedelta:
    """Return how old an unrenewed claim must be before its worker counts as gone."""
    return timedelta(seconds=float(current_app.config["OUTBOX_STALE_SECONDS"]))


def compose(message: OutboxMessage) -> EmailMessage:
    """Return the MIME message.

    An iTIP message (one REQUEST or CANCEL) has text, HTML and the calendar as
    alternatives, and the calendar again as an invite.ics attachment; a cover letter
    has text and HTML and the whole programme as a .ics file (PUBLISH) to keep.
    """
    config = current_app.config
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = formataddr((config.get("MAIL_FROM_NAME") or "", config["MAIL_FROM"]))
    mail["To"] = message.to_address
    if message.reply_to:
        mail["Reply-To"] = message.reply_to
    mail["Message-ID"] = message.message_id
    mail["Date"] = format_datetime(utcnow())
    mail["Content-Language"] = message.language
    mail.set_content(message.body_text)
    if message.body_html:
        mail.add_alternative(message.body_html, subtype="html")
    if message.ical and message.ical_method == "PUBLISH":
        # The whole programme to keep: a file, not an invitation to act on.
        mail.add_attachment(
            message.ical.encode("utf-8"),
            maintype="text",
            subtype="calendar",
            params={"method": "PUBLISH", "charset": "UTF-8"},
            filename="programm.ics" if message.language == "de" else "programme.ics",
        )
    elif message.ical:
        method = message.ical_method or "REQUEST"
        mail.add_alternative(
            message.ical.encode("utf-8"),
            maintype="text",
            subtype="calendar",
            params={"method": method, "charset": "UTF-8"},
        )
        # Some programs show only attachments; mixed around the alternatives.
        mail.add_attachment(
            message.ical.encode("utf-8"),
            maintype="application",
            subtype="ics",
            filename="invite.ics",
        )
    return mail


def _smtp() -> smtplib.SMTP:
    config = current_app.config
    host, port = config["SMTP_HOST"], int(config["SMTP_PORT"])
    timeout = float(config["SMTP_TIMEOUT"])
    if config["SMTP_SECURITY"] == "ssl":
        server = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(host, port, timeout=timeout)
        if config["SMTP_SECURITY"] == "starttls":
            server.starttls(context=ssl.create_default_context())
    if config["SMTP_USER"]:
        server.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
    return server


def _console(mail: EmailMessage) -> None:
    """Development delivery: print the message instead of sending it anywhere."""
    print(f"----- outbox (console, nothing sent) -----\n{mail.as_string()}\n", flush=True)  # noqa: T201 (the console backend's purpose)


def mail_backend() -> str:
    """Return how mail leaves: "smtp" when an SMTP host is configured, else "console"."""
    backend = current_app.config.get("MAIL_BACKEND")
    if backend in ("smtp", "console"):
        return backend
    return "smtp" if current_app.config["SMTP_HOST"] else "console"


def claim(worker: str, limit: int) -> list[int]:
    """Claim up to ``limit`` due messages for this worker; return their ids.

    Due are pending messages whose time has come and messages whose claim went stale.
    """
    now = utcnow()
    stale_before = now - stale_claim()
    due = (
        select(OutboxMessage.id)
        .where(
            or_(
                (OutboxMessage.status == OutboxStatus.PENDING)
                & or_(
                    OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now
                ),
                (OutboxMessage.status == OutboxStatus.SENDING)
                & (OutboxMessage.claimed_at < stale_before),
            )
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(due))
    if not ids:
        db.session.commit()
        return []
    # The status condition makes the claim safe where SKIP LOCKED does not exist (SQLite
    # serialises writers): a message another worker claimed first is not taken again.
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(ids),
            or_(
                OutboxMessage.status == OutboxStatus.PENDING,
                (OutboxMessage.status == OutboxStatus.SENDING)
                & (OutboxMessage.claimed_at < stale_before),
            ),
        )
        # A new lock version: a planner's discard based on the message as it was before
        # the claim fails, not this worker's record of the delivery.
        .values(
            status=OutboxStatus.SENDING,
            claimed_by=worker,
            claimed_at=now,
            lock_version=OutboxMessage.lock_version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if result.rowcount != len(ids):
        ids = list(
            db.session.scalars(
                select(OutboxMessage.id).where(
                    OutboxMessage.id.in_(ids),
                    OutboxMessage.claimed_by == worker,
                    OutboxMessage.status == OutboxStatus.SENDING,
                )
            )
        )
    return ids


def _backoff(attempts: int) -> timedelta:
    base = int(current_app.config["OUTBOX_RETRY_SECONDS"])
    return timedelta(seconds=min(base * 2 ** (attempts - 1), 6 * 3600))


def renew_claims(worker: str) -> None:
    """Mark the worker's claims as alive, so that no other worker takes them over."""
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.claimed_by == worker, OutboxMessage.status == OutboxStatus.SENDING)
        .values(claimed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def send_one(
    message_id: int, worker: str, transport: Callable[[EmailMessage], None]
) -> bool | None:
    """Send one claimed message and record the outcome; return whether it went out.

    None: the claim passed to another worker (or the message is gone), nothing was tried.
    """
    # Renewing first: a claim that went stale while earlier messages were sent may have
    # passed to another worker, and the renewal (conditional on the claim) tells.
    renew_claims(worker)
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.claimed_by != worker or message.status != OutboxStatus.SENDING:
        db.session.rollback()
        return None
    try:
        transport(compose(message))
    except (TimeoutError, smtplib.SMTPException, OSError) as error:
        message.attempts += 1
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        if message.attempts >= int(current_app.config["OUTBOX_MAX_ATTEMPTS"]):
            message.status = OutboxStatus.FAILED
        else:
            message.status = OutboxStatus.PENDING
            message.next_attempt_at = utcnow() + _backoff(message.attempts)
        message.claimed_by = None
        db.session.commit()
        log.warning("Outbox message %s not sent: %s", message.id, message.last_error)
        return False
    message.attempts += 1
    message.status = OutboxStatus.SENT
    message.sent_at = utcnow()
    message.last_error = ""
    delivered(message)
    db.session.commit()
    return True


def send_pending(batch: int = 20, worker: str | None = None) -> tuple[int, int]:
    """Send every due message once; return how many were sent and how many failed."""
    # Claims and results are writes: on SQLite, take the lock when a transaction begins.
    intent = write_intent.set(True)
    try:
        # Each message is sent in a transaction of its own; the history tells the round.
        with one_change_set(db.session):
            return _send_pending(batch, worker)
    finally:
        db.session.commit()
        write_intent.reset(intent)


def _send_pending(batch: int, worker: str | None) -> tuple[int, int]:
    worker = worker or f"{socket.gethostname()}-{uuid.uuid4().hex[:8]}"
    backend = mail_backend()
    sent = failed = 0
    server: smtplib.SMTP | None = None

    def transport(mail: EmailMessage) -> None:
        nonlocal server
        if backend == "console":
            _console(mail)
            return
        if server is None:
            server = _smtp()
        try:
            server.send_message(mail)
        except smtplib.SMTPServerDisconnected:
            server = None
            raise

    try:
        while ids := claim(worker, batch):
            for message_id in ids:
                outcome = send_one(message_id, worker, transport)
                if outcome:
                    sent += 1
                elif outcome is False:
                    failed += 1
            if failed and not sent:
                break
    finally:
        if server is not None:
            try:
                server.quit()
            except smtplib.SMTPException:
                server.close()
    return sent, failed


def run_loop(interval: float, should_stop: Callable[[], bool] = lambda: False) -> None:
    """Send due messages again and again, resting ``interval`` seconds when idle."""
    while not should_stop():
        sent, failed = send_pending()
        if not sent:
            time.sleep(interval)
