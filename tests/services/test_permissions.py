"""The permission rules, decided per object."""

import pytest

from planner.enums import Role, VisitStatus
from planner.extensions import db
from planner.services.permissions import (
    Relation,
    can_edit_delegation,
    can_edit_visit,
    can_manage_user,
    can_see_internal,
    can_view_visit,
    manages_delegation,
    relation,
)
from tests import factories


@pytest.fixture
def cities(app):
    """A visit of Wuppertal to Bochum, and Dortmund, which has nothing to do with it."""
    bochum, wuppertal = factories.organisation("Bochum"), factories.organisation("Wuppertal")
    dortmund = factories.organisation("Dortmund")
    visit = factories.visit(bochum, [wuppertal])
    db.session.commit()
    return visit, bochum, wuppertal, dortmund


CASES = [
    # city, role, relation, view, internal, edit visit, edit Bochum's list, edit Wuppertal's
    ("Bochum", Role.ADMIN, Relation.HOST, True, True, True, True, True),
    ("Bochum", Role.PLANNER, Relation.HOST, True, True, True, True, True),
    ("Bochum", Role.HOST, Relation.HOST, True, True, False, False, False),
    ("Bochum", Role.VIEWER, Relation.HOST, True, True, False, False, False),
    ("Wuppertal", Role.ADMIN, Relation.GUEST, True, False, False, False, True),
    ("Wuppertal", Role.PLANNER, Relation.GUEST, True, False, False, False, True),
    ("Wuppertal", Role.HOST, Relation.GUEST, True, False, False, False, False),
    ("Wuppertal", Role.VIEWER, Relation.GUEST, True, False, False, False, False),
    ("Dortmund", Role.ADMIN, Relation.NONE, False, False, False, False, False),
    ("Dortmund", Role.PLANNER, Relation.NONE, False, False, False, False, False),
]


@pytest.mark.parametrize(
    ("city", "role", "kind", "view", "internal", "edit", "edit_host_list", "edit_guest_list"),
    CASES,
    ids=[f"{case[0]}-{case[1]}" for case in CASES],
)
def test_what_each_role_of_each_city_may_do(
    cities, city, role, kind, view, internal, edit, edit_host_list, edit_guest_list
):
    visit, bochum, wuppertal, dortmund = cities
    organisation = {"Bochum": bochum, "Wuppertal": wuppertal, "Dortmund": dortmund}[city]
    user = factories.user(organisation, role)

    assert relation(user, visit) is kind
    assert can_view_visit(user, visit) is view
    assert can_see_internal(user, visit) is internal
    assert can_edit_visit(user, visit) is edit
    assert can_edit_delegation(user, visit, bochum) is edit_host_list
    assert can_edit_delegation(user, visit, wuppertal) is edit_guest_list


@pytest.mark.parametrize(
    ("status", "guest_may_edit"),
    [
        (VisitStatus.DRAFT, True),
        (VisitStatus.PLANNED, True),
        (VisitStatus.CONFIRMED, True),
        (VisitStatus.COMPLETED, False),
        (VisitStatus.CANCELLED, False),
    ],
    ids=lambda value: value.value if isinstance(value, VisitStatus) else str(value),
)
def test_a_guest_changes_its_list_only_while_the_visit_is_open(cities, status, guest_may_edit):
    visit, bochum, wuppertal, _ = cities
    visit.status = status
    guest = factories.user(wuppertal, Role.PLANNER)
    host = factories.user(bochum, Role.PLANNER)

    assert can_edit_delegation(guest, visit, wuppertal) is guest_may_edit
    assert can_edit_delegation(host, visit, wuppertal) is True
    # Its own people's contact details stay the guest's business after the visit.
    assert manages_delegation(guest, visit, wuppertal) is True


def test_a_deactivated_login_may_do_nothing(cities):
    visit, bochum, *_ = cities
    user = factories.user(bochum, Role.ADMIN, active=False)
    assert relation(user, visit) is Relation.NONE
    assert not can_edit_visit(user, visit)


def test_admins_manage_only_their_own_organisations_logins(cities):
    _, bochum, wuppertal, _ = cities
    bochum_admin = factories.user(bochum, Role.ADMIN)
    assert can_manage_user(bochum_admin, factories.user(bochum, Role.VIEWER))
    assert not can_manage_user(bochum_admin, factories.user(wuppertal, Role.VIEWER))
    assert not can_manage_user(factories.user(bochum, Role.PLANNER), factories.user(bochum))
