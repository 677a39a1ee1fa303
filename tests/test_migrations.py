"""The migrations build the schema from nothing and agree with the models."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from planner.extensions import db
from planner.models import Visit
from planner.services.visits import title_contains
from tests.conftest import DATABASES, make_app
from tests.databases import NO_POSTGRES, POSTGRES_URL, throwaway_database

# Rows as the schema of 0007_branding takes them, for tests of later data migrations.
ORGANISATION = (
    "INSERT INTO organisation (id, name, timezone, locale, created_at, accent_colour)"
    " VALUES (1, 'Bochum', 'Europe/Berlin', 'de', '2026-01-01 00:00:00', '#0b4f8a')"
)
VISIT = (
    "INSERT INTO visit (id, host_organisation_id, title, purpose, first_day, last_day,"
    " timezone, language, status, internal_notes, created_at, updated_at) VALUES (1, 1,"
    " 'Besuch', '', '2026-02-23', '2026-02-23', 'Europe/Berlin', 'de', 'planned', '',"
    " '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
)


@pytest.fixture(params=DATABASES)
def empty_app(request, tmp_path):
    """An app on a database with no tables at all."""
    with throwaway_database(request.param, tmp_path) as url:
        app = make_app(url, tmp_path)
        with app.app_context():
            yield app
            # The session's connection first: a connection still checked out when the
            # database is dropped would be closed by the garbage collector, in another test.
            db.session.remove()
            db.engine.dispose()


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_from_nothing_creates_every_table_of_the_models(empty_app):
    assert _tables() == set()
    upgrade()
    assert _tables() == set(db.metadata.tables)


def test_models_and_migrations_agree(empty_app):
    upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "compare_server_default": True, "render_as_batch": True},
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_downgrade_to_nothing_and_back(empty_app):
    upgrade()
    downgrade(revision="base")
    assert _tables() == set()
    upgrade()
    assert _tables() == set(db.metadata.tables)


def test_feeds_of_one_visit_keep_their_reminders_and_feeds_of_all_visits_lose_them(empty_app):
    upgrade(revision="0007_branding")
    statements = [
        ORGANISATION,
        "INSERT INTO user_account (id, organisation_id, email, name, password_hash, role,"
        " active, created_at) VALUES (1, 1, 'p@bochum.example', 'P', 'x', 'planner', TRUE,"
        " '2026-01-01 00:00:00')",
        VISIT,
        "INSERT INTO feed_token (id, token, kind, visit_id, user_id, created_at) VALUES"
        " (1, 'v', 'visit', 1, 1, '2026-01-01 00:00:00'),"
        " (2, 'u', 'user', NULL, 1, '2026-01-01 00:00:00')",
    ]
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))

    upgrade()

    with db.engine.connect() as connection:
        rows = connection.execute(text("SELECT kind, reminders FROM feed_token ORDER BY id"))
        assert [(kind, bool(reminders)) for kind, reminders in rows] == [
            ("visit", True),
            ("user", False),
        ]


def test_ids_are_never_reused_and_rebuilding_tables_loses_no_row_that_refers_to_them(empty_app):
    upgrade(revision="0007_branding")
    statements = [
        ORGANISATION,
        "INSERT INTO venue (id, organisation_id, name, address, accessibility_notes)"
        " VALUES (1, 1, 'Rathaus', 'Willy-Brandt-Platz 2', '')",
        # Without an explicit id, so that PostgreSQL's sequence counts it too.
        "INSERT INTO room (venue_id, name, accessibility_notes) VALUES (1, 'Saal', '')",
        VISIT,
        "INSERT INTO agenda_item (id, visit_id, starts_at, ends_at, setup_minutes,"
        " teardown_minutes, kind, title, description, internal_notes, room_id, status, uid,"
        " sequence, created_at, updated_at) VALUES (1, 1, '2026-02-23 10:00:00',"
        " '2026-02-23 11:00:00', 0, 0, 'session', 'Empfang', '', '', 1, 'confirmed', 'u1', 0,"
        " '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
        "INSERT INTO person (id, organisation_id, salutation, academic_title, first_name,"
        " last_name, office_title, function, phone, phone_internal, language, dietary_needs,"
        " accessibility_needs, needs_escort, needs_parking, created_at, updated_at)"
        " VALUES (1, 1, '', '', 'Uwe', 'Muster', '', '', '', FALSE, 'de', '', '', FALSE, FALSE,"
        " '2026-01-01 00:00:00', '2026-01-01 00:00:00'),"
        " (2, 1, '', '', 'Eva', 'Muster', '', '', '', FALSE, 'de', '', '', FALSE, FALSE,"
        " '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
        "INSERT INTO participation (id, visit_id, person_id, side, rsvp_status,"
        " attends_all_items, invited_uids, created_at) VALUES (1, 1, 1, 'guest', 'accepted',"
        " FALSE, '[]', '2026-01-01 00:00:00'), (2, 1, 2, 'host', 'accepted', TRUE, '[]',"
        " '2026-01-01 00:00:00')",
        "INSERT INTO participation_item (participation_id, agenda_item_id) VALUES (1, 1)",
    ]
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))

    upgrade()

    with db.engine.begin() as connection:
        counts = [
            connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()  # noqa: S608 (fixed names)
            for table in ("room", "agenda_item", "participation_item")
        ]
        assert counts == [1, 1, 1]
        nonces = connection.execute(text("SELECT rsvp_nonce FROM participation")).scalars().all()
        assert len(set(nonces)) == 2
        assert all(len(nonce) >= 20 for nonce in nonces)
        # A deleted room's id is not handed out again.
        connection.execute(text("DELETE FROM agenda_item"))
        connection.execute(text("DELETE FROM room"))
        connection.execute(
            text("INSERT INTO room (venue_id, name, accessibility_notes) VALUES (1, 'Neu', '')")
        )
        assert connection.execute(text("SELECT id FROM room")).scalar() == 2


def test_item_titles_move_into_the_visits_language_and_back(empty_app):
    upgrade(revision="0010_wall_clock_folds")
    visit = (
        "INSERT INTO visit (id, host_organisation_id, title, purpose, first_day, last_day,"
        " timezone, language, status, internal_notes, created_at, updated_at) VALUES ({}, 1,"
        " 'Besuch', '', '2026-02-23', '2026-02-23', 'Europe/Berlin', '{}', 'planned', '',"
        " '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
    )
    item = (
        "INSERT INTO agenda_item (id, visit_id, module_id, starts_at, ends_at, setup_minutes,"
        " teardown_minutes, kind, title, description, internal_notes, status, uid, sequence,"
        " created_at, updated_at) VALUES ({}, {}, {}, '2026-02-23 12:00:00',"
        " '2026-02-23 13:00:00', 0, 0, 'meal', '{}', '{}', '', 'confirmed', 'item-{}', 0,"
        " '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
    )
    statements = [
        "INSERT INTO organisation (id, name, timezone, locale, created_at, accent_colour)"
        " VALUES (1, 'Bochum', 'Europe/Berlin', 'de', '2026-01-01 00:00:00', '#0b4f8a')",
        "INSERT INTO programme_module (id, organisation_id, key, kind, title_de, title_en,"
        " description_de, description_en, default_duration_minutes) VALUES (1, 1, 'lunch',"
        " 'meal', 'Mittagessen', 'Lunch', 'Gemeinsames Essen.', 'Lunch together.', 60)",
        visit.format(1, "de"),
        visit.format(2, "en"),
        # Still the module's texts: readers of English were given the module's English.
        item.format(1, 1, 1, "Mittagessen", "Gemeinsames Essen.", 1),
        item.format(2, 1, 1, "Mittagessen im Ratssaal", "", 2),
        item.format(3, 2, "NULL", "Lunch at the city hall", "With the mayor.", 3),
    ]
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))

    upgrade()

    with db.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT id, title_de, title_en, description_de, description_en"
                " FROM agenda_item ORDER BY id"
            )
        ).all()
    assert [tuple(row) for row in rows] == [
        (1, "Mittagessen", "Lunch", "Gemeinsames Essen.", "Lunch together."),
        (2, "Mittagessen im Ratssaal", "", "", ""),
        (3, "", "Lunch at the city hall", "", "With the mayor."),
    ]

    downgrade(revision="0010_wall_clock_folds")

    with db.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id, title, description FROM agenda_item ORDER BY id")
        ).all()
    assert [tuple(row) for row in rows] == [
        (1, "Mittagessen", "Gemeinsames Essen."),
        (2, "Mittagessen im Ratssaal", ""),
        (3, "Lunch at the city hall", "With the mayor."),
    ]


def test_no_table_reuses_ids_on_sqlite_after_all_the_rebuilds(empty_app):
    # A batch migration rebuilds a SQLite table from its reflection, which forgets
    # AUTOINCREMENT: each migration that rebuilds a table must ask for it again.
    if db.engine.dialect.name != "sqlite":
        pytest.skip("AUTOINCREMENT is SQLite's")
    upgrade()

    wanted = sorted(
        table.name for table in db.metadata.tables.values()
        if table.dialect_options["sqlite"].get("autoincrement")
    )  # fmt: skip
    with db.engine.connect() as connection:
        created = dict(
            connection.execute(
                text("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
            ).all()
        )
    assert [name for name in wanted if "AUTOINCREMENT" not in created[name]] == []
    assert len(wanted) >= 14


def test_visit_titles_get_a_trigram_index_on_postgresql_and_a_plain_one_on_sqlite(empty_app):
    upgrade()

    if db.engine.dialect.name == "postgresql":
        definition = db.session.scalar(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_visit_title_search'")
        )
        assert definition == (
            "CREATE INDEX ix_visit_title_search ON public.visit USING gin (title gin_trgm_ops)"
        )
    else:
        indexes = {
            index["name"]: index["column_names"]
            for index in inspect(db.engine).get_indexes("visit")
        }
        assert indexes["ix_visit_title_search"] == ["title"]
    downgrade(revision="0018_outbox_shared_text")
    assert "ix_visit_title_search" not in {
        index["name"] for index in inspect(db.engine).get_indexes("visit")
    }


def test_the_title_search_is_one_the_trigram_index_serves(empty_app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("pg_trgm is PostgreSQL's")
    upgrade()
    query = select(Visit.id).where(title_contains("Köln"))
    statement = query.compile(db.engine)

    connection = db.session.connection()
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    plan = connection.exec_driver_sql(f"EXPLAIN {statement}", statement.params).scalars().all()

    assert "visit.title ILIKE" in str(statement)
    assert any("Bitmap Index Scan on ix_visit_title_search" in line for line in plan), plan


def test_without_the_right_to_create_pg_trgm_the_title_gets_a_plain_index(tmp_path):
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    role = f"planner_plain_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with throwaway_database("postgresql", tmp_path) as url:
        name = make_url(url).database
        with admin.connect() as connection:
            # The role may build tables in the database but may not create extensions in it.
            connection.execute(text(f"CREATE ROLE {role} LOGIN"))
        owner = create_engine(url, isolation_level="AUTOCOMMIT")
        with owner.connect() as connection:
            connection.execute(text(f"GRANT CREATE, USAGE ON SCHEMA public TO {role}"))
            connection.execute(text(f'REVOKE CREATE ON DATABASE "{name}" FROM PUBLIC'))
        owner.dispose()
        try:
            app = make_app(make_url(url).set(username=role).render_as_string(False), tmp_path)
            with app.app_context():
                upgrade()
                definition = db.session.scalar(
                    text(
                        "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_visit_title_search'"
                    )
                )
                installed = db.session.scalar(
                    text("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'")
                )
                db.session.remove()
                db.engine.dispose()
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                connection.execute(text(f"DROP ROLE IF EXISTS {role}"))
            admin.dispose()

    assert (installed, definition) == (
        0,
        "CREATE INDEX ix_visit_title_search ON public.visit USING btree (title)",
    )


def test_guests_named_before_acceptance_existed_are_accepted(empty_app):
    upgrade(revision="0021_issued_artefacts")
    with db.engine.begin() as connection:
        connection.execute(text(ORGANISATION))
        connection.execute(
            text(
                "INSERT INTO organisation (id, name, timezone, locale, created_at, accent_colour)"
                " VALUES (2, 'Wuppertal', 'Europe/Berlin', 'de', '2026-01-01 00:00:00',"
                " '#0b4f8a')"
            )
        )
        connection.execute(text(VISIT))
        connection.execute(
            text("INSERT INTO visit_guest_organisation (visit_id, organisation_id) VALUES (1, 2)")
        )

    upgrade()

    with db.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT visit_id, organisation_id, state, message FROM visit_guest_organisation")
        ).all()
    assert [tuple(row) for row in rows] == [(1, 2, "accepted", "")]
