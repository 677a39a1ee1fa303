"""Which day the attendance matrix shows, and what a guest's ticks change."""

from datetime import date

import pytest

from planner.enums import Role, VisitStatus
from planner.extensions import db
from planner.services.attendance import choose_day, load_matrix, save_matrix
from tests import factories

DAYS = [date(2023, 2, 23), date(2023, 2, 24), date(2023, 2, 26)]


@pytest.mark.parametrize(
    ("wanted", "today", "shown"),
    [
        (date(2023, 2, 24), date(2023, 2, 26), date(2023, 2, 24)),
        (None, date(2023, 2, 26), date(2023, 2, 26)),
        (date(2023, 2, 25), date(2023, 2, 24), date(2023, 2, 24)),
        (None, date(2026, 11, 26), date(2023, 2, 23)),
        (date(2023, 2, 25), date(2023, 2, 25), date(2023, 2, 23)),
    ],
    ids=[
        "the-wanted-day",
        "today-while-the-visit-runs",
        "a-day-without-items-is-not-shown",
        "the-first-day-otherwise",
        "a-free-day-of-a-running-visit",
    ],  # fmt: skip
)
def test_the_matrix_shows_the_wanted_day_else_today_else_the_first(wanted, today, shown):
    assert choose_day(DAYS, wanted, today) == shown


def test_a_visit_without_items_has_no_day_to_show():
    assert choose_day([], date(2023, 2, 23), date(2023, 2, 23)) is None


def _guest_matrix_with_a_draft_item(app):
    """A guest planner's matrix of an open visit whose host added an item not yet issued."""
    host, guest = factories.organisation("Bochum"), factories.organisation("Wuppertal")
    visit = factories.visit(host, [guest], status=VisitStatus.CONFIRMED)
    shown = [
        factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Begrüßung"),
        factories.item(visit, "2023-02-23 12:00", "2023-02-23 13:00", "Mittagessen"),
    ]
    factories.issue(visit)
    draft = factories.item(visit, "2023-02-23 15:00", "2023-02-23 16:00", "Noch im Entwurf")
    planner = factories.user(guest, Role.PLANNER)
    return visit, shown, draft, planner, guest


def _save(planner, visit, participation, ticked):
    matrix = load_matrix(planner, visit.id)
    assert {item.title_de for item in matrix.items} == {"Begrüßung", "Mittagessen"}
    saved, refused = save_matrix(
        planner,
        matrix,
        {participation.id: {item.id for item in ticked}},
        {participation.id: participation.lock_version},
    )
    db.session.commit()
    assert (saved, refused) == (1, [])
    db.session.expire_all()


def test_a_guest_ticking_every_item_it_sees_does_not_sign_up_for_unseen_ones(app):
    visit, shown, draft, planner, guest = _guest_matrix_with_a_draft_item(app)
    member = factories.participation(
        visit, factories.person(guest, "Kühn"), attends_all_items=False
    )
    db.session.commit()

    _save(planner, visit, member, shown)

    # Every item the guest sees, but not the host's draft item nobody showed them.
    assert not member.attends_all_items
    assert {item.title_de for item in member.items} == {"Begrüßung", "Mittagessen"}


def test_a_guest_unticking_an_item_keeps_the_unseen_ones_the_host_chose(app):
    visit, shown, draft, planner, guest = _guest_matrix_with_a_draft_item(app)
    member = factories.participation(visit, factories.person(guest, "Kühn"), attends_all_items=True)
    db.session.commit()

    _save(planner, visit, member, shown[:1])

    assert not member.attends_all_items
    assert {item.title_de for item in member.items} == {"Begrüßung", "Noch im Entwurf"}
