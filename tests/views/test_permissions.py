"""Every route of the application, for every role and relation to the visit.

The rules below are the contract: a route added without a rule here fails the test.
"""

import pytest
from flask import Flask
from sqlalchemy import select

from planner.enums import OutboxStatus, Role
from planner.extensions import db
from planner.models import (
    ConflictAcknowledgement,
    FeedToken,
    OutboxMessage,
    PendingImport,
    ProgrammeModule,
)
from planner.services.answers import rsvp_token
from planner.services.demo import load_demo_data
from planner.services.people import delete_person
from tests import factories

# Actors: relation of the user's organisation to the visit, and the user's role.
ACTORS = [("anonymous", None)] + [
    (relation, role) for relation in ("host", "guest", "other") for role in Role
]

LOGIN = 302  # anonymous users are sent to the login page
# The smallest valid PNG: one transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6300010000050001"
    "0d0a2db40000000049454e44ae426082"
)
EDITORS = (Role.ADMIN, Role.PLANNER)


def public(ok: int):
    """Anyone gets ``ok``."""
    return lambda relation, role: ok


def logged_in(ok: int = 200):
    """Any logged-in user gets ``ok``."""
    return lambda relation, role: LOGIN if relation == "anonymous" else ok


def visit_readers(relation, role):
    """Host and guest organisations read; others must not learn that the visit exists."""
    return {"anonymous": LOGIN, "host": 200, "guest": 200}.get(relation, 404)


def visit_editors(ok: int = 200):
    """The host's planners and admins; the visit's other readers are refused."""

    def rule(relation, role):
        if relation == "anonymous":
            return LOGIN
        if relation == "other":
            return 404
        return ok if relation == "host" and role in EDITORS else 403

    return rule


def catalogue_editors(relation, role):
    """Planners and admins of any organisation, for their own catalogue."""
    if relation == "anonymous":
        return LOGIN
    return 200 if role in EDITORS else 403


def host_catalogue_editors(ok: int = 200):
    """Planners and admins of the organisation that owns the module, building or room."""

    def rule(relation, role):
        if relation == "anonymous":
            return LOGIN
        if role not in EDITORS:
            return 403
        return ok if relation == "host" else 404

    return rule


def delegation_editors(ok: int = 200):
    """Planners and admins of the host or of a guest organisation; other readers refused."""

    def rule(relation, role):
        if relation == "anonymous":
            return LOGIN
        if relation == "other":
            return 404
        return ok if role in EDITORS else 403

    return rule


def host_members(relation, role):
    """Anyone of the organisation that owns the room."""
    return {"anonymous": LOGIN, "host": 200}.get(relation, 404)


def person_calendar_readers(relation, role):
    """The host reads every attendee's calendar; a guest only its own delegation's (the
    walk asks for a host participant's)."""
    return {"anonymous": LOGIN, "host": 200}.get(relation, 404)


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


# (URL rule, method) → rule.
RULES = {
    ("/static/<path:filename>", "GET"): public(200),
    ("/healthz", "GET"): public(200),
    ("/login", "GET"): logged_in_redirect,
    ("/login", "POST"): logged_in_redirect,
    ("/logout", "GET"): logged_in(),
    ("/logout", "POST"): public(302),
    ("/language", "POST"): public(302),
    ("/", "GET"): logged_in(),
    ("/month", "GET"): logged_in(),
    ("/visits", "GET"): logged_in(),
    ("/month/<int:year>/<int:month>", "GET"): logged_in(),
    ("/visits/new", "GET"): catalogue_editors,
    ("/visits/new", "POST"): catalogue_editors,
    ("/visits/<id:visit_id>", "GET"): visit_readers,
    ("/visits/<id:visit_id>/attendees", "GET"): visit_readers,
    ("/visits/<id:visit_id>/edit", "GET"): visit_editors(),
    ("/visits/<id:visit_id>/edit", "POST"): visit_editors(),
    ("/visits/<id:visit_id>/status", "POST"): visit_editors(302),
    ("/visits/<id:visit_id>/duplicate", "GET"): visit_editors(),
    ("/visits/<id:visit_id>/duplicate", "POST"): visit_editors(),
    ("/visits/<id:visit_id>/delete", "GET"): visit_editors(),
    ("/visits/<id:visit_id>/delete", "POST"): visit_editors(302),
    ("/visits/<id:visit_id>/issue", "GET"): visit_editors(),
    ("/visits/<id:visit_id>/issue", "POST"): visit_editors(),
    ("/visits/<id:visit_id>/history", "GET"): visit_editors(),
    ("/visits/<id:visit_id>/conflicts/acknowledge", "POST"): visit_editors(302),
    ("/visits/<id:visit_id>/conflicts/<id:acknowledgement_id>/withdraw", "POST"): (
        visit_editors(302)
    ),
    ("/visits/<id:visit_id>/versions/<id:number>", "GET"): visit_readers,
    ("/visits/<id:visit_id>/versions/compare", "GET"): visit_readers,
    ("/visits/<id:visit_id>/versions/<id:number>/agenda.ics", "GET"): visit_readers,
    ("/visits/<id:visit_id>/versions/<id:number>/print/<document>", "GET"): visit_readers,
    ("/visits/<id:visit_id>/versions/<id:number>/print/<document>.pdf", "GET"): visit_readers,
    ("/visits/<id:visit_id>/items/new", "GET"): visit_editors(),
    ("/visits/<id:visit_id>/items/new", "POST"): visit_editors(),
    ("/visits/<id:visit_id>/items/<id:item_id>/edit", "GET"): visit_editors(),
    ("/visits/<id:visit_id>/items/<id:item_id>/edit", "POST"): visit_editors(),
    ("/visits/<id:visit_id>/items/<id:item_id>/cancel", "POST"): visit_editors(302),
    ("/visits/<id:visit_id>/items/<id:item_id>/delete", "GET"): visit_editors(),
    ("/visits/<id:visit_id>/items/<id:item_id>/delete", "POST"): visit_editors(302),
    ("/visits/<id:visit_id>/plan", "GET"): visit_readers,
    ("/visits/<id:visit_id>/plan/<day>", "GET"): visit_readers,
    # Sent without a time: refused as bad input once the permission is granted.
    ("/visits/<id:visit_id>/items/<id:item_id>/move", "POST"): visit_editors(422),
    ("/modules", "GET"): logged_in(),
    ("/modules/new", "GET"): catalogue_editors,
    ("/modules/new", "POST"): catalogue_editors,
    ("/modules/<id:module_id>/edit", "GET"): host_catalogue_editors(),
    ("/modules/<id:module_id>/edit", "POST"): host_catalogue_editors(),
    ("/modules/<id:module_id>/delete", "GET"): host_catalogue_editors(),
    ("/modules/<id:module_id>/delete", "POST"): host_catalogue_editors(302),
    ("/rooms", "GET"): logged_in(),
    ("/rooms/venues/new", "GET"): catalogue_editors,
    ("/rooms/venues/new", "POST"): catalogue_editors,
    ("/rooms/venues/<id:venue_id>/edit", "GET"): host_catalogue_editors(),
    ("/rooms/venues/<id:venue_id>/edit", "POST"): host_catalogue_editors(),
    ("/rooms/new", "GET"): catalogue_editors,
    ("/rooms/new", "POST"): catalogue_editors,
    ("/rooms/<id:room_id>/edit", "GET"): host_catalogue_editors(),
    ("/rooms/<id:room_id>/edit", "POST"): host_catalogue_editors(),
    ("/rooms/<id:room_id>/occupancy", "GET"): host_members,
    ("/people", "GET"): logged_in(),
    ("/people/new", "GET"): catalogue_editors,
    ("/people/new", "POST"): catalogue_editors,
    ("/people/<id:person_id>", "GET"): visit_readers,
    ("/people/<id:person_id>/edit", "GET"): delegation_editors(),
    ("/people/<id:person_id>/edit", "POST"): delegation_editors(),
    ("/people/<id:person_id>/export.json", "GET"): delegation_editors(),
    ("/people/<id:person_id>/anonymise", "GET"): delegation_editors(),
    ("/people/<id:person_id>/anonymise", "POST"): delegation_editors(302),
    ("/people/<id:person_id>/delete", "GET"): delegation_editors(),
    ("/people/<id:person_id>/delete", "POST"): delegation_editors(302),
    # The demo visit is completed: a guest's list of it is part of the record now, so only
    # the host changes it (a guest's planners change their list while a visit is open).
    ("/visits/<id:visit_id>/participants", "GET"): visit_editors(),
    ("/visits/<id:visit_id>/participants/add", "POST"): visit_editors(),
    ("/visits/<id:visit_id>/participants/new", "POST"): visit_editors(),
    ("/visits/<id:visit_id>/participants/ranks", "POST"): visit_editors(302),
    ("/visits/<id:visit_id>/participants/<id:participation_id>/remove", "GET"): (visit_editors()),
    ("/visits/<id:visit_id>/participants/<id:participation_id>/remove", "POST"): (
        visit_editors(302)
    ),
    ("/visits/<id:visit_id>/attendance", "GET"): visit_editors(),
    # Sent without the rows' lock versions, the matrix is refused and shown again.
    ("/visits/<id:visit_id>/attendance", "POST"): visit_editors(),
    ("/visits/<id:visit_id>/import", "GET"): visit_editors(),
    ("/visits/<id:visit_id>/import", "POST"): visit_editors(),
    ("/visits/<id:visit_id>/import/<token>", "GET"): visit_editors(),
    ("/visits/<id:visit_id>/import/<token>", "POST"): visit_editors(),
    ("/visits/<id:visit_id>/attendees.csv", "GET"): visit_readers,
    ("/visits/<id:visit_id>/attendees.xlsx", "GET"): visit_readers,
    ("/visits/<id:visit_id>/agenda.ics", "GET"): visit_readers,
    ("/visits/<id:visit_id>/items/<id:item_id>.ics", "GET"): visit_readers,
    ("/visits/<id:visit_id>/people/<id:person_id>.ics", "GET"): person_calendar_readers,
    ("/visits/<id:visit_id>/people/<id:person_id>/feed", "POST"): visit_editors(302),
    ("/visits/<id:visit_id>/feeds", "POST"): lambda relation, role: {
        "anonymous": LOGIN,
        "host": 302,
        "guest": 302,
    }.get(relation, 404),
    ("/feeds/<token>.ics", "GET"): public(200),
    ("/feeds/<id:feed_id>/revoke", "POST"): logged_in(404),
    ("/account/feed", "POST"): logged_in(302),
    ("/visits/<id:visit_id>/outbox", "GET"): visit_editors(),
    # The demo visit is over: the GET is the confirmation page, a bare POST leads to it.
    ("/visits/<id:visit_id>/invitations", "GET"): visit_editors(),
    ("/visits/<id:visit_id>/invitations", "POST"): visit_editors(302),
    ("/visits/<id:visit_id>/outbox/send", "POST"): visit_editors(302),
    ("/visits/<id:visit_id>/outbox/<id:message_id>", "GET"): visit_editors(),
    ("/visits/<id:visit_id>/outbox/<id:message_id>", "POST"): visit_editors(),
    ("/visits/<id:visit_id>/outbox/<id:message_id>/preview", "GET"): visit_editors(),
    ("/visits/<id:visit_id>/outbox/letter-text", "GET"): visit_editors(),
    ("/visits/<id:visit_id>/outbox/letter-text", "POST"): visit_editors(),
    ("/visits/<id:visit_id>/outbox/<id:message_id>/discard", "POST"): visit_editors(302),
    ("/visits/<id:visit_id>/outbox/<id:message_id>/retry", "POST"): visit_editors(302),
    ("/rsvp/<token>", "GET"): public(200),
    ("/rsvp/<token>", "POST"): public(200),
    ("/rsvp/<token>/programme.ics", "GET"): public(200),
    ("/visits/<id:visit_id>/print/<document>", "GET"): visit_readers,
    ("/visits/<id:visit_id>/print/<document>.pdf", "GET"): visit_readers,
    # The host's branding: for the organisations that share a visit with it.
    ("/branding/<id:organisation_id>/logo", "GET"): visit_readers,
    ("/branding/<id:organisation_id>/theme.css", "GET"): visit_readers,
    ("/admin/branding", "GET"): admins,
    ("/admin/branding", "POST"): admins,
    ("/admin/users", "GET"): admins,
    ("/admin/users/new", "GET"): admins,
    ("/admin/users/new", "POST"): admins,
    ("/admin/audit", "GET"): admins,
    ("/admin/users/<id:user_id>", "GET"): host_admins,
    ("/admin/users/<id:user_id>", "POST"): host_admins,
    ("/admin/users/<id:user_id>/password", "POST"): host_admins,
    ("/trash", "GET"): catalogue_editors,
    ("/trash/<id:entry_id>/restore", "POST"): host_catalogue_editors(302),
}
POST_DATA = {"/language": {"lang": "de", "next": "/"}, "/rsvp/<token>": {"answer": "accepted"}}
# Logging out ends the walk's session, so it goes last.
LAST = ("/logout", "POST")


def _routes(app: Flask) -> list[tuple[str, str, object]]:
    routes = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((rule.rule, method, rule))
    return sorted(routes, key=lambda route: (route[:2] == LAST, route[0], route[1]))


def test_every_route_has_a_permission_rule(app):
    routes = {(path, method) for path, method, _ in _routes(app)}
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
    module = db.session.scalars(select(ProgrammeModule).order_by(ProgrammeModule.id)).first()
    spare_module = factories.module(visit.host_organisation)
    room = visit.items[0].room
    guest_participation = next(p for p in visit.participations if p.side == "guest")
    actor = None
    if relation != "anonymous":
        actor = factories.user(organisations[relation], role)
        login(actor)
    pending = PendingImport(
        token="walk-token",
        visit_id=visit.id,
        user_id=(actor or target_user).id,
        filename="liste.csv",
        content=b"Vorname;Nachname\nUwe;Schneidewind\n",
    )
    db.session.add(pending)
    feed = FeedToken(token="walk-feed", kind="visit", visit=visit, user=target_user)
    db.session.add(feed)
    host_person = next(p.person_id for p in visit.participations if p.side == "host")
    # Something of the host's in the trash, for the route that restores it.
    trashed = delete_person(factories.person(visit.host_organisation, "Gelöscht"))
    draft, failed = (
        OutboxMessage(visit=visit, status=status, message_id=f"<{status}@walk>",
                      to_address="uwe@wuppertal.example", subject="Einladung", body_text="Text")
        for status in (OutboxStatus.DRAFT, OutboxStatus.FAILED)
    )  # fmt: skip
    db.session.add_all([draft, failed])
    acknowledgement = ConflictAcknowledgement(
        visit=visit, fingerprint="0" * 64, kind="overlap", note="Passt so"
    )
    db.session.add(acknowledgement)
    db.session.commit()
    rsvp = rsvp_token(guest_participation)
    visit.host_organisation.logo = PNG
    visit.host_organisation.logo_mime = "image/png"
    db.session.commit()
    arguments = {
        "document": "agenda",
        "number": 1,
        "organisation_id": visit.host_organisation_id,
        "message_id": draft.id,
        "feed_id": feed.id,
        "person_id": guest_participation.person_id,
        "participation_id": guest_participation.id,
        "token": "walk-token",
        "visit_id": visit.id,
        "item_id": visit.items[0].id,
        "user_id": target_user.id,
        "module_id": module.id,
        "venue_id": room.venue_id,
        "room_id": room.id,
        "year": 2023,
        "month": 2,
        "filename": "css/screen.css",
        "entry_id": trashed.id,
        "acknowledgement_id": acknowledgement.id,
        "day": "2023-02-23",
    }
    # Routes that remove their object get one of their own, so later routes find theirs.
    own_arguments = {
        ("/visits/<id:visit_id>/items/<id:item_id>/delete", "POST"): {
            "item_id": visit.items[-1].id
        },
        ("/visits/<id:visit_id>/items/<id:item_id>/cancel", "POST"): {
            "item_id": visit.items[-2].id
        },
        ("/modules/<id:module_id>/delete", "POST"): {"module_id": spare_module.id},
        ("/feeds/<token>.ics", "GET"): {"token": "walk-feed"},
        ("/rsvp/<token>", "GET"): {"token": rsvp},
        ("/rsvp/<token>", "POST"): {"token": rsvp},
        ("/rsvp/<token>/programme.ics", "GET"): {"token": rsvp},
        ("/visits/<id:visit_id>/outbox/<id:message_id>/retry", "POST"): {"message_id": failed.id},
        ("/visits/<id:visit_id>/people/<id:person_id>.ics", "GET"): {"person_id": host_person},
        ("/visits/<id:visit_id>/people/<id:person_id>/feed", "POST"): {"person_id": host_person},
    }

    answers = {}
    for path, method, rule in _routes(app):
        values = {**arguments, **own_arguments.get((path, method), {})}
        url = rule.build({name: values[name] for name in rule.arguments})[1]
        response = client.open(url, method=method, data=POST_DATA.get(path, {}))
        answers[(path, method)] = response.status_code
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


def test_a_hidden_visit_costs_the_same_queries_as_a_missing_one(app, client, login):
    from tests.helpers import count_queries

    visit_id = load_demo_data().visit.id
    login(factories.user(factories.organisation("Dortmund"), Role.ADMIN))

    with count_queries(db.engine) as hidden:
        assert client.get(f"/visits/{visit_id}").status_code == 404
    with count_queries(db.engine) as missing:
        assert client.get("/visits/999999").status_code == 404

    assert hidden.statements == missing.statements


@pytest.mark.parametrize(
    "path", ["/visits/99999999999999999999", "/visits/0", "/visits/-1", "/admin/users/3000000000"]
)
def test_impossible_ids_are_not_found(client, login, path):
    login(factories.user(factories.organisation(), Role.ADMIN))
    assert client.get(path).status_code == 404


def test_guests_see_no_titles_of_visits_they_have_no_part_in(app, client, login):
    from datetime import date

    from planner.enums import Side

    visit = load_demo_data().visit
    bochum = visit.host_organisation
    mayor = next(p.person for p in visit.participations if p.person.last_name == "Eiskirch")
    dortmund_visit = factories.visit(
        factories.organisation("Dortmund"),
        [factories.organisation("Essen")],
        first_day=date(2023, 2, 23),
        title="Geheimer Besuch",
    )
    factories.participation(dortmund_visit, mayor, side=Side.GUEST)
    factories.item(dortmund_visit, "2023-02-23 10:00", "2023-02-23 11:00", "Geheime Sitzung")
    login(factories.user(bochum, Role.PLANNER))

    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)

    assert "nimmt zur selben Zeit an „anderer Termin“ (anderer Besuch) teil" in page
    assert "Geheim" not in page
