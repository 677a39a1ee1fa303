"""Fixtures: an app on a clean SQLite or PostgreSQL database per test, client, runner."""

import contextvars
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from sqlalchemy import text

from planner import create_app
from planner.extensions import db
from tests.databases import NO_POSTGRES, POSTGRES_URL, throwaway_database
from tests.factories import PASSWORD
from tests.imap_server import ImapServer, TestMailbox, start_or_skip

DATABASES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=pytest.mark.skipif(not POSTGRES_URL, reason=NO_POSTGRES),
    ),
]


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own application context.

    The ``app`` fixture keeps a context open for the test's own queries; without this,
    requests would share it (and its database session) instead of starting afresh as
    they do in production.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


class IsolatedCliRunner(FlaskCliRunner):
    """A command-line runner whose commands run in their own application context."""

    def invoke(self, *args, **kwargs):
        return contextvars.Context().run(super().invoke, *args, **kwargs)


def make_app(database_url: str, instance_path, **overrides) -> Flask:
    """Create an app for tests on the given database."""
    config = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key",
        "INSTANCE_PATH": str(instance_path),
        "WTF_CSRF_ENABLED": False,
        "ICAL_DOMAIN": "planner.test",
        "BASE_URL": "http://planner.test",
        "MAIL_FROM": "protokoll@planner.test",
        # Fast hashing: the tests log in hundreds of times.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # The tests' visits lie in February 2023: their personal links stay open; the
        # tests of the links' end set the period themselves.
        "RSVP_LINK_DAYS_AFTER_VISIT": 36500,
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    app.test_cli_runner_class = IsolatedCliRunner
    return app


@pytest.fixture(scope="session")
def migrated_databases(tmp_path_factory) -> Iterator[dict[str, str]]:
    """Build one schema per database kind from the migrations, shared by the session."""
    directory = tmp_path_factory.mktemp("databases")
    urls: dict[str, str] = {}
    contexts = []
    for kind in ("sqlite", "postgresql"):
        if kind == "postgresql" and not POSTGRES_URL:
            continue
        context = throwaway_database(kind, directory)
        urls[kind] = context.__enter__()
        contexts.append(context)
        app = make_app(urls[kind], directory)
        with app.app_context():
            upgrade()
            db.engine.dispose()
    yield urls
    for context in reversed(contexts):
        context.__exit__(None, None, None)


# Restart the sequences that were used, as TRUNCATE ... RESTART IDENTITY would.
_RESTART_USED_SEQUENCES = """
DO $$
DECLARE used record;
BEGIN
  FOR used IN SELECT sequencename FROM pg_sequences
              WHERE schemaname = current_schema() AND last_value IS NOT NULL LOOP
    EXECUTE format('ALTER SEQUENCE %I RESTART', used.sequencename);
  END LOOP;
END $$
"""


def _empty_all_tables() -> None:
    """Remove every row and start ids at 1 again, so each test begins alike.

    DELETE, not TRUNCATE: on the few rows a test leaves, TRUNCATE's new files for every
    table cost a quarter of a second per PostgreSQL test.
    """
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(_RESTART_USED_SEQUENCES))
    else:
        db.session.execute(text("DELETE FROM sqlite_sequence"))
    db.session.commit()


@pytest.fixture(params=DATABASES)
def database(request) -> str:
    """The kind of database this test runs on."""
    return request.param


# One app per database and test process, with the settings it was made with. Making an
# app per test cost about a third of the suite's time: every URL rule, template and SQL
# statement was compiled afresh. Tests change settings freely; they are restored after
# each test, and the database is emptied.
_APPS: dict[str, tuple[Flask, dict]] = {}


def _shared_app(database: str, url: str, tmp_path_factory) -> Flask:
    if database not in _APPS:
        made = make_app(url, tmp_path_factory.mktemp(f"instance-{database}"))
        _APPS[database] = (made, dict(made.config))
    return _APPS[database][0]


@pytest.fixture
def app(database: str, migrated_databases: dict[str, str], tmp_path_factory) -> Iterator[Flask]:
    """An app with an application context, on an empty migrated database."""
    if database not in migrated_databases:
        pytest.skip(NO_POSTGRES)
    app = _shared_app(database, migrated_databases[database], tmp_path_factory)
    with app.app_context():
        try:
            yield app
        finally:
            db.session.rollback()
            _empty_all_tables()
            db.session.remove()
            db.engine.dispose()
            app.config.clear()
            app.config.update(_APPS[database][1])
            # Failed logins are counted in the app's (in-memory) rate-limit storage.
            app.extensions["login_limiter"].storage.reset()


@pytest.fixture
def app_factory(app: Flask, database: str, migrated_databases: dict[str, str], tmp_path):
    """Make further apps on the test's database with other settings (e.g. a second worker)."""
    made: list[Flask] = []

    def make(**overrides) -> Flask:
        instance = tmp_path / f"instance-{len(made)}"
        made.append(make_app(migrated_databases[database], instance, **overrides))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A command-line runner of the app, in an English shell unless a test says otherwise."""
    return app.test_cli_runner(env={"LC_ALL": None, "LC_MESSAGES": None, "LANG": "C.UTF-8"})


@pytest.fixture
def login(client: FlaskClient):
    """Log ``user`` in through the login form (committing the test's data first)."""

    def log_in(user, password: str = PASSWORD):
        db.session.commit()
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return log_in


@pytest.fixture(scope="session")
def imap_server(tmp_path_factory) -> Iterator[ImapServer]:
    """A real IMAP server (dovecot) on a free local port, shared by the session."""
    server = start_or_skip(tmp_path_factory.mktemp("dovecot"))
    yield server
    server.stop()


@pytest.fixture
def imap_mailbox(imap_server: ImapServer) -> TestMailbox:
    """The test user's mailbox, emptied; ``app.config.update(imap_mailbox.settings)`` reads it."""
    mailbox = imap_server.mailbox()
    mailbox.empty()
    return mailbox


def pytest_report_header() -> list[str]:
    """Say at the top of every run which databases the tests use, and why not both."""
    if POSTGRES_URL:
        return [f"databases: SQLite and PostgreSQL ({POSTGRES_URL.split('@')[-1]})"]
    return [f"databases: SQLite only — {NO_POSTGRES}"]
