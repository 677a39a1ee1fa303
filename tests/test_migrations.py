"""The migrations build the schema from nothing and agree with the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from planner.extensions import db
from tests.conftest import DATABASES, make_app
from tests.databases import throwaway_database


@pytest.fixture(params=DATABASES)
def empty_app(request, tmp_path):
    """An app on a database with no tables at all."""
    with throwaway_database(request.param, tmp_path) as url:
        app = make_app(url, tmp_path)
        with app.app_context():
            yield app
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
