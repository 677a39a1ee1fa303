"""Every route of the application, for every role and relation to the visit.

The rules below are the contract: a route added without a rule here fails the test.
"""

import pytest
from flask import Flask

from planner.enums import Role
from planner.extensions import db
from planner.services.demo import load_demo_data
from tests import factories

# Actors: relation of the user's organisation to the visit, and the user's role.
ACTORS = [
    ("anonymous", None),
    ("host", Role.ADMIN),
    ("host", Role.PLANNER),
    ("host", Role.HOST),
    ("host", Role.VIEWER),
    ("guest", Role.ADMIN),
    ("guest", Role.PLANNER),
    ("guest", Role.VIEWER),
    ("other", Role.ADMIN),
    ("other", Role.PLANNER),
]

LOGIN = 302  # anonymous users are sent to the login page


def public(ok: int):
    """Anyone gets ``ok``."""
    return lambda relation, role: ok


def logged_in(relation, role):
    """Any logged-in user."""
    return LOGIN if relation == "anonymous" else 200


def visit_readers(relation, role):
    """Host and guest organisations read; others must not learn that the visit exists."""
    return {"anonymous": LOGIN, "host": 200, "guest": 200}.get(relation, 404)


def visit_editors(relation, role):
    """The host's planners and admins; the visit's other readers are refused."""
    if relation == "anonymous":
        return LOGIN
    if relation == "other":
        return 404
    return 200 if relation == "host" and role in (Role.ADMIN, Role.PLANNER) else 403


def admins(relation, role):
    """Admins of any organisation, for their own organisation's logins."""
    if relation == "anonymous":
        return LOGIN
    return 200 if role == Role.ADMIN else 403


def host_admins(relation, role):
    """Admins of the organisation the target login belongs to (the host)."""
    if relation == "anonymous":
        return LOGIN
    if role != Role.ADMIN:
        return 403
    return 200 if relation == "host" else 404


def logged_in_redirect(relation, role):
    """The login page sends logged-in users on to the start page."""
    return 200 if relation == "anonymous" else 302


# (endpoint, method) → rule; POST bodies that a rule needs to be meaningful.
RULES = {
    ("static", "GET"): public(200),
    ("health.healthz", "GET"): public(200),
    ("auth.login", "GET"): logged_in_redirect,
    ("auth.login", "POST"): logged_in_redirect,
    ("auth.logout", "GET"): lambda relation, role: LOGIN if relation == "anonymous" else 200,
    ("auth.logout", "POST"): public(302),
    ("preferences.set_language", "POST"): public(302),
    ("visits.index", "GET"): logged_in,
    ("visits.show", "GET"): visit_readers,
    ("visits.history", "GET"): visit_editors,
    ("admin.users", "GET"): admins,
    ("admin.new_user", "GET"): admins,
    ("admin.new_user", "POST"): admins,
    ("admin.audit", "GET"): admins,
    ("admin.edit_user", "GET"): host_admins,
    ("admin.edit_user", "POST"): host_admins,
    ("admin.reset_password", "POST"): host_admins,
}
POST_DATA = {"preferences.set_language": {"lang": "de", "next": "/"}}
# Logging out ends the walk's session, so it goes last.
LAST = ("auth.logout", "POST")


def _routes(app: Flask) -> list[tuple[str, str, object]]:
    routes = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, method, rule))
    return sorted(routes, key=lambda route: (route[:2] == LAST, route[0], route[1]))


def test_every_route_has_a_permission_rule(app):
    routes = {(endpoint, method) for endpoint, method, _ in _routes(app)}
    assert routes - set(RULES) == set(), "add a rule for the new route to RULES"
    assert set(RULES) - routes == set(), "remove the rule of a route that no longer exists"


@pytest.mark.parametrize(
    ("relation", "role"), ACTORS, ids=[f"{rel}-{role or 'none'}" for rel, role in ACTORS]
)
def test_every_route_answers_each_actor_as_its_rule_says(app, client, login, relation, role):
    visit = load_demo_data().visit
    organisations = {
        "host": visit.host_organisation,
        "guest": visit.guest_organisations[0],
        "other": factories.organisation("Dortmund"),
    }
    target_user = factories.user(visit.host_organisation, Role.VIEWER, name="Ziel")
    if relation != "anonymous":
        login(factories.user(organisations[relation], role))
    db.session.commit()
    arguments = {"visit_id": visit.id, "user_id": target_user.id, "filename": "css/screen.css"}

    answers = {}
    for endpoint, method, rule in _routes(app):
        url = rule.build({name: arguments[name] for name in rule.arguments})[1]
        response = client.open(url, method=method, data=POST_DATA.get(endpoint, {}))
        answers[(endpoint, method)] = response.status_code
        response.close()

    expected = {route: rule(relation, role) for route, rule in RULES.items()}
    assert answers == expected


def test_guessing_the_id_of_another_citys_visit_reveals_nothing(client, login):
    visit = load_demo_data().visit
    login(factories.user(factories.organisation("Dortmund"), Role.ADMIN))

    known = client.get(f"/visits/{visit.id}")
    unknown = client.get("/visits/999999")

    assert known.status_code == unknown.status_code == 404
    # The pages differ only in the address they were asked for.
    assert known.get_data(as_text=True).replace(f"/visits/{visit.id}", "") == (
        unknown.get_data(as_text=True).replace("/visits/999999", "")
    )
    assert b"Smart-City" not in client.get("/").get_data()
