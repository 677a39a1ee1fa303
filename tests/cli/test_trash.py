"""`flask --app planner trash empty` removes deleted things for good, only the old ones."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from planner.extensions import db
from planner.models import TrashEntry
from planner.models.types import utcnow
from planner.services.agenda import delete_item
from tests import factories


@pytest.fixture
def deleted_days_ago(app):
    """Three items deleted 40, 20 and 5 days ago."""
    visit = factories.visit(first_day=date(2026, 12, 10))
    items = [
        factories.item(visit, f"2026-12-10 1{n}:00", f"2026-12-10 1{n}:30", title)
        for n, title in enumerate(["Vierzig", "Zwanzig", "Fünf"])
    ]
    for item, days in zip(items, (40, 20, 5), strict=True):
        delete_item(item).deleted_at = utcnow() - timedelta(days=days)
    db.session.commit()


def _left() -> list[str]:
    db.session.expire_all()
    return db.session.scalars(select(TrashEntry.title).order_by(TrashEntry.id)).all()


@pytest.mark.usefixtures("deleted_days_ago")
def test_trash_empty_keeps_what_is_younger_than_the_configured_days(app, runner):
    result = runner.invoke(args=["trash", "empty"])

    assert result.exit_code == 0, result.output
    assert result.output == "Removed 1 deleted things for good (deleted more than 30 days ago).\n"
    assert _left() == ["Zwanzig", "Fünf"]


@pytest.mark.usefixtures("deleted_days_ago")
def test_trash_empty_older_than_overrides_the_configured_days(app, runner):
    result = runner.invoke(args=["trash", "empty", "--older-than", "10"])

    assert result.exit_code == 0, result.output
    assert _left() == ["Fünf"]


@pytest.mark.usefixtures("deleted_days_ago")
def test_trash_days_come_from_the_configuration(app, app_factory):
    other = app_factory(TRASH_DAYS="15")

    result = other.test_cli_runner().invoke(args=["trash", "empty"])

    assert "deleted more than 15 days ago" in result.output
    assert _left() == ["Fünf"]


def test_trash_empty_refuses_negative_days(runner):
    result = runner.invoke(args=["trash", "empty", "--older-than", "-1"])

    assert result.exit_code == 2
