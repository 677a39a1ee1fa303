"""SQLite is opened the way a web server with several workers needs it."""

import pytest
from sqlalchemy import text

from planner.extensions import db


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_busy_timeout(app):
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_sqlite_never_gives_a_deleted_visits_id_to_a_new_one(app):
    from tests import factories

    first = factories.visit()
    first_id = first.id
    db.session.delete(first)
    db.session.commit()

    assert factories.visit().id != first_id
