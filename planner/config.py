"""Configuration: defaults, then ``instance/config.py``, then ``PLANNER_*`` variables."""

import os
import secrets
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from flask import Flask

ENV_PREFIX = "PLANNER"

DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": None,  # None: SQLite file planner.db in the instance folder
    "SECRET_KEY": None,  # None: generated once and kept in instance/secret_key
    "ICAL_DOMAIN": "delegation-planner.invalid",
    "BASE_URL": "http://127.0.0.1:5000",
    # No host: messages are printed to the console, never sent by accident.
    "SMTP_HOST": "",
    "SMTP_PORT": 25,
    "SMTP_SECURITY": "none",
    "SMTP_USER": "",
    "SMTP_PASSWORD": "",
    "MAIL_FROM": "protokoll@delegation-planner.invalid",
    "MAIL_FROM_NAME": "",
    # The ORGANIZER of invitations: calendar programs send answers here, so it must be
    # a mailbox the planner reads (mail receive / mail fetch). Empty: MAIL_FROM.
    "ORGANIZER_EMAIL": "",
    "MAIL_BACKEND": None,  # "smtp" or "console"; by default smtp when SMTP_HOST is set
    "SMTP_TIMEOUT": 20,
    # A claim not renewed for this long belongs to a worker that is gone. Workers renew
    # before each message, so it must exceed one send (connect, log in, send: a few
    # SMTP_TIMEOUTs at worst); a crashed worker's messages wait this long, no longer.
    "OUTBOX_STALE_SECONDS": 50,
    "OUTBOX_MAX_ATTEMPTS": 8,
    "OUTBOX_RETRY_SECONDS": 60,  # doubles with each failed attempt
    "OUTBOX_LOOP_SECONDS": 15,
    # The organiser's mailbox, from which `mail fetch` reads replies. No host: not read.
    "IMAP_HOST": "",
    "IMAP_PORT": None,  # None: 993 with ssl, else 143
    "IMAP_SECURITY": "ssl",
    "IMAP_USER": "",
    "IMAP_PASSWORD": "",
    "IMAP_FOLDER": "INBOX",
    "IMAP_DONE_FOLDER": "Planner/Processed",  # "/" separates levels, whatever the server uses
    "IMAP_UNREADABLE_FOLDER": "Planner/Unreadable",
    "IMAP_TIMEOUT": 30,  # seconds for connecting and for each answer of the server
    "IMAP_MAX_MESSAGES": 100,  # per run; the rest waits for the next one
    "IMAP_LOOP_SECONDS": 60,
    "MAIL_MAX_BYTES": 2_000_000,  # larger messages are not downloaded: unreadable
    "RSVP_MAX_AGE_DAYS": 120,
    # A person's own page (and their feed) opens until this many days after the visit.
    "RSVP_LINK_DAYS_AFTER_VISIT": 30,
    "SIGNUP_LINK_MAX_AGE_DAYS": 14,  # how long a first planner's sign-up link works
    "REDIS_URL": None,
    "SECURE_COOKIES": False,
    "PROXY_COUNT": 0,  # reverse proxies in front of the app that set X-Forwarded-*
    "SESSION_LIFETIME_MINUTES": 480,
    "PASSWORD_HASH_METHOD": "scrypt",
    "LOGIN_LIMIT_PER_ACCOUNT": "5 per 15 minutes",
    "LOGIN_LIMIT_PER_ADDRESS": "20 per 15 minutes",
    "LOGIN_DELAY_SECONDS": 30,  # first wait once an account's failures are spent; doubles
    "API_LIMIT_PER_TOKEN": "600 per minute",  # requests per API token; 429 beyond
    "SQLITE_BUSY_TIMEOUT_MS": 5000,
    "TRANSFER_MINUTES": 15,
    "TRASH_DAYS": 30,  # how long deleted visits, items and people stay restorable
    "ICAL_ALARM_MINUTES": 15,
    # Received gifts worth more than this (estimated, in euros) are flagged for reporting
    # to the compliance office: guidance after the usual rules for public servants.
    "GIFT_REPORT_THRESHOLD_EUR": 25,  # reminder before each item in calendars; 0: none
    # Attendee list imports: files over a limit are refused with a message naming it.
    "IMPORT_MAX_BYTES": 5_000_000,
    "IMPORT_MAX_ROWS": 5000,
    "IMPORT_MAX_COLUMNS": 60,
    "IMPORT_MAX_CELL_CHARS": 2000,
    "IMPORT_MAX_UNPACKED_BYTES": 20_000_000,  # .xlsx: all its parts unpacked
    "IMPORT_MAX_COMPRESSION_RATIO": 100,  # .xlsx: unpacked to packed size of a part
    # Whole request bodies; a larger one is refused (413) before it is read, whatever the
    # route. None: room for an import of IMPORT_MAX_BYTES and the form around it.
    "MAX_CONTENT_LENGTH": None,
    "BABEL_DEFAULT_LOCALE": "de",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Berlin",
    "LANGUAGES": ["de", "en"],
    "SQLALCHEMY_TRACK_MODIFICATIONS": False,
}

SMTP_SECURITY_CHOICES = ("none", "starttls", "ssl")
IMAP_SECURITY_CHOICES = SMTP_SECURITY_CHOICES


def load_config(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Fill ``app.config`` from defaults, the instance file, the environment and overrides."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    for key, value in os.environ.items():
        if key.startswith(f"{ENV_PREFIX}_"):
            app.config[key.removeprefix(f"{ENV_PREFIX}_")] = value
    if overrides:
        app.config.from_mapping(overrides)

    app.config["SMTP_PORT"] = int(app.config["SMTP_PORT"])
    if app.config["SMTP_SECURITY"] not in SMTP_SECURITY_CHOICES:
        raise ValueError(
            f"PLANNER_SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY_CHOICES)}, "
            f"not {app.config['SMTP_SECURITY']!r}"
        )
    if app.config["IMAP_SECURITY"] not in IMAP_SECURITY_CHOICES:
        raise ValueError(
            f"PLANNER_IMAP_SECURITY must be one of {', '.join(IMAP_SECURITY_CHOICES)}, "
            f"not {app.config['IMAP_SECURITY']!r}"
        )
    if app.config["IMAP_PORT"] in (None, ""):
        app.config["IMAP_PORT"] = 993 if app.config["IMAP_SECURITY"] == "ssl" else 143
    app.config["IMAP_PORT"] = int(app.config["IMAP_PORT"])
    app.config["TRASH_DAYS"] = int(app.config["TRASH_DAYS"])
    app.config["RSVP_LINK_DAYS_AFTER_VISIT"] = int(app.config["RSVP_LINK_DAYS_AFTER_VISIT"])
    app.config["SIGNUP_LINK_MAX_AGE_DAYS"] = int(app.config["SIGNUP_LINK_MAX_AGE_DAYS"])
    app.config["GIFT_REPORT_THRESHOLD_EUR"] = gift_threshold(
        app.config["GIFT_REPORT_THRESHOLD_EUR"]
    )
    app.config["IMPORT_MAX_BYTES"] = int(app.config["IMPORT_MAX_BYTES"])
    app.config["MAX_CONTENT_LENGTH"] = int(
        app.config["MAX_CONTENT_LENGTH"] or app.config["IMPORT_MAX_BYTES"] + 1_000_000
    )
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"] or (
        "sqlite:///" + str(Path(app.instance_path) / "planner.db")
    )
    app.config["SECRET_KEY"] = app.config["SECRET_KEY"] or instance_secret_key(app)


def gift_threshold(value: Any) -> Decimal:
    """Return the gift reporting threshold as euros, refusing what is not an amount."""
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"PLANNER_GIFT_REPORT_THRESHOLD_EUR must be an amount, not {value!r}")
    return amount


def instance_secret_key(app: Flask) -> str:
    """Return the key kept in the instance folder, generating it on first use."""
    path = Path(app.instance_path) / "secret_key"
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # O_EXCL: when two processes start at once, one writes and the other reads its key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key
