"""Every route of the application, for every role and relation to the visit.

The policy is declared on the routes: every view names its rule in one line,
``@permission_required("visit.edit")`` (``planner/views/access.py``), a rule of
``planner/services/permissions.py:RULES``. The walk reads that name from each route and
expects what EXPECTED below says of the rule, for every actor.

To add a route: declare its rule on the view (``@permission_required("<rule>")`` in place
of ``@login_required``; a new rule goes into RULES and its expectation into EXPECTED);
if whom the rule lets through gets anything but 200 (a redirect after a POST, 422 for
input the walk does not send), put that into ANSWERS; give the walk what else it needs
(URL values in ``arguments`` or ``own_arguments``, form fields in POST_DATA). A route
without a declaration fails ``test_every_route_has_a_permission_rule``.
"""

import pytest
from flask import Flask
from sqlalchemy import select

from planner.enums import GuestState, ItemKind, OutboxStatus, Role, VehicleKind
from planner.extensions import db
from planner.models import (
    ConflictAcknowledgement,
    FeedToken,
    Gift,
    GoldenBookEntry,
    OutboxMessage,
    PendingImport,
    PressContact,
    ProgrammeModule,
    Vehicle,
    VisitGuest,
    VisitRequest,
    VisitRequestOption,
)
from planner.services.answers import rsvp_token
from planner.services.api_tokens import create_token
from planner.services.demo import load_demo_data
from planner.services.people import delete_person
from planner.services.permissions import RULES
from planner.services.personal import feed_token
from planner.services.press import publish
from planner.views.access import permission_required
from tests import factories

# Actors: relation of the user's organisation to the visit, and the user's role. An
# "invited" organisation was named as a guest by the host and has not accepted yet: it
# sees only the invitation, like "other" everything else.
ACTORS = [("anonymous", None)] + [
    (relation, role) for relation in ("host", "guest", "invited", "other") for role in Role
]
OUTSIDERS = ("invited", "other")

LOGIN = 302  # anonymous users are sent to the login page
# The smallest valid PNG: one transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6300010000050001"
    "0d0a2db40000000049454e44ae426082"
)
EDITORS = (Role.ADMIN, Role.PLANNER)


def anyone(relation, role, ok, arguments):
    """Anyone, logged in or not."""
    return ok


def logged_in(relation, role, ok, arguments):
    """Any logged-in user."""
    return LOGIN if relation == "anonymous" else ok


def visit_readers(relation, role, ok, arguments):
    """Host and guest organisations read; others must not learn that the visit exists."""
    return {"anonymous": LOGIN, "host": ok, "guest": ok}.get(relation, 404)


def host_readers(relation, role, ok, arguments):
    """The host's users read; the guests are refused; others must not learn of the visit."""
    return {"anonymous": LOGIN, "host": ok, "guest": 403}.get(relation, 404)


def visit_editors(relation, role, ok, arguments):
    """The host's planners and admins; the visit's other readers are refused."""
    if relation == "anonymous":
        return LOGIN
    if relation in OUTSIDERS:
        return 404
    return ok if relation == "host" and role in EDITORS else 403


def organisation_editors(relation, role, ok, arguments):
    """Planners and admins of any organisation, for their own catalogue and trash; what
    the URL names (a module, building, room, trash entry) is the host's."""
    if relation == "anonymous":
        return LOGIN
    if role not in EDITORS:
        return 403
    names_object = bool(set(arguments) - {"visit_id"})
    return 404 if names_object and relation != "host" else ok


def delegation_editors(relation, role, ok, arguments):
    """Planners and admins of the host or of a guest organisation; other readers refused."""
    if relation == "anonymous":
        return LOGIN
    if relation in OUTSIDERS:
        return 404
    return ok if role in EDITORS else 403


def person_editors(relation, role, ok, arguments):
    """A new person: any organisation's planners and admins; the walk's person (a guest
    participant): those of the host and of the guest."""
    if "person_id" in arguments:
        return delegation_editors(relation, role, ok, arguments)
    return organisation_editors(relation, role, ok, arguments)


def host_members(relation, role, ok, arguments):
    """Anyone of the organisation that owns the room."""
    return {"anonymous": LOGIN, "host": ok}.get(relation, 404)


def person_calendar_readers(relation, role, ok, arguments):
    """The host reads every attendee's calendar; a guest only its own delegation's (the
    walk asks for a host participant's)."""
    return {"anonymous": LOGIN, "host": ok}.get(relation, 404)


def feed_managers(relation, role, ok, arguments):
    """The feed's creator only: the walk's feed is another user's, so no one finds it."""
    return LOGIN if relation == "anonymous" else 404


def invitation_readers(relation, role, ok, arguments):
    """The invited organisation's users; an accepted guest is sent on to the visit page."""
    return {"anonymous": LOGIN, "invited": ok, "guest": 302}.get(relation, 404)


def invitation_answerers(relation, role, ok, arguments):
    """The invited organisation's planners and admins (its other users read only); an
    accepted guest's planners are sent on to the visit, as having answered already."""
    if relation == "anonymous":
        return LOGIN
    if relation not in ("invited", "guest"):
        return 404
    if role not in EDITORS:
        return 403
    return ok if relation == "invited" else 302


def guest_editors(relation, role, ok, arguments):
    """An accepted guest organisation's planners and admins; the visit's others refused."""
    if relation == "anonymous":
        return LOGIN
    if relation in OUTSIDERS:
        return 404
    return ok if relation == "guest" and role in EDITORS else 403


def request_readers(relation, role, ok, arguments):
    """The users of the asking (the guest) and the asked organisation (the host)."""
    return {"anonymous": LOGIN, "host": ok, "guest": ok}.get(relation, 404)


def request_answerers(relation, role, ok, arguments):
    """The planners and admins of either office; their other users read only."""
    if relation == "anonymous":
        return LOGIN
    if relation in OUTSIDERS:
        return 404
    return ok if role in EDITORS else 403


def admins(relation, role, ok, arguments):
    """Admins of any organisation, for their own organisation's logins."""
    if relation == "anonymous":
        return LOGIN
    return ok if role == Role.ADMIN else 403


def host_admins(relation, role, ok, arguments):
    """Admins of the organisation the target login belongs to (the host)."""
    if relation == "anonymous":
        return LOGIN
    if role != Role.ADMIN:
        return 403
    return ok if relation == "host" else 404


# Rule (as the routes declare it) → what each actor gets.
EXPECTED = {
    "public": anyone,
    "token": anyone,
    "login": logged_in,
    "visit.view": visit_readers,
    # The walk prints the agenda, which guests may print too.
    "visit.print": visit_readers,
    "visit.create": organisation_editors,
    "visit.edit": visit_editors,
    "visit.history": visit_editors,
    "press.view": host_readers,
    "seating.view": host_readers,
    # The gift register and the Golden Book.
    "visit.internal": host_readers,
    "transport.view": host_readers,
    "invitation.view": invitation_readers,
    "invitation.answer": invitation_answerers,
    "visit.leave": guest_editors,
    # The thread: every user of the host and of the accepted guest reads, their planners
    # and admins write.
    "thread.view": visit_readers,
    "thread.write": delegation_editors,
    # The demo visit is completed: a guest's list of it is part of the record now, so only
    # the host changes it (a guest's planners change their list while a visit is open).
    "delegation.edit": visit_editors,
    "participation.remove": visit_editors,
    # The walk's person takes part in the visit as a guest.
    "person.view": visit_readers,
    "person.edit": person_editors,
    "person.calendar": person_calendar_readers,
    "person.feed": visit_editors,
    "feed.revoke": feed_managers,
    # Like feeds: the walk's token is another user's, so no one finds it.
    "api_token.revoke": feed_managers,
    "catalogue.edit": organisation_editors,
    "room.view": host_members,
    "catalogue.view": host_members,
    "trash.use": organisation_editors,
    # The walk's request: the guest city asks the host for a visit.
    "request.create": organisation_editors,
    "request.view": request_readers,
    "request.answer": request_answerers,
    # The host's branding: for the organisations that share a visit with it.
    "branding.view": visit_readers,
    "organisation.admin": admins,
    "user.manage": host_admins,
}


def _login_page(relation):
    """The login page sends logged-in users on to the start page."""
    return 200 if relation == "anonymous" else 302


# What a route answers to whom its rule lets through, where that is not 200; a function
# of the actor's relation where the view itself tells actors apart.
ANSWERS = {
    ("/login", "GET"): _login_page,
    ("/login", "POST"): _login_page,
    # The logout page sends anonymous users to the login page.
    ("/logout", "GET"): lambda relation: 302 if relation == "anonymous" else 200,
    ("/logout", "POST"): 302,
    ("/language", "POST"): 302,
    ("/visits/<id:visit_id>/status", "POST"): 302,
    # Sent without an answer: refused as bad input once the permission is granted.
    ("/visits/<id:invitation_visit_id>/invitation", "POST"): 422,
    # A bare POST leads to the confirmation page.
    ("/visits/<id:visit_id>/leave", "POST"): 302,
    # Sent without a text: refused as bad input once the permission is granted.
    ("/visits/<id:visit_id>/thread", "POST"): 422,
    ("/visits/<id:visit_id>/delete", "POST"): 302,
    ("/visits/<id:visit_id>/conflicts/acknowledge", "POST"): 302,
    ("/visits/<id:visit_id>/conflicts/<id:acknowledgement_id>/withdraw", "POST"): 302,
    ("/visits/<id:visit_id>/items/<id:item_id>/cancel", "POST"): 302,
    ("/visits/<id:visit_id>/items/<id:item_id>/delete", "POST"): 302,
    # Sent without a time: refused as bad input once the permission is granted.
    ("/visits/<id:visit_id>/items/<id:item_id>/move", "POST"): 422,
    # Sent without layout, seats or lock version: refused once the permission is granted.
    ("/visits/<id:visit_id>/items/<id:item_id>/seating/propose", "POST"): 422,
    ("/visits/<id:visit_id>/items/<id:item_id>/seating/seats", "POST"): 409,
    ("/visits/<id:visit_id>/items/<id:item_id>/seating/swap", "POST"): 422,
    ("/modules/<id:module_id>/delete", "POST"): 302,
    ("/people/<id:person_id>/anonymise", "POST"): 302,
    ("/people/<id:person_id>/delete", "POST"): 302,
    ("/visits/<id:visit_id>/participants/ranks", "POST"): 302,
    ("/visits/<id:visit_id>/participants/<id:participation_id>/remove", "POST"): 302,
    ("/visits/<id:visit_id>/people/<id:person_id>/feed", "POST"): 302,
    ("/visits/<id:visit_id>/feeds", "POST"): 302,
    ("/account/feed", "POST"): 302,
    # The demo visit is over: the GET is the confirmation page, a bare POST leads to it.
    ("/visits/<id:visit_id>/invitations", "POST"): 302,
    ("/visits/<id:visit_id>/outbox/send", "POST"): 302,
    ("/visits/<id:visit_id>/outbox/<id:message_id>/discard", "POST"): 302,
    ("/visits/<id:visit_id>/outbox/<id:message_id>/retry", "POST"): 302,
    ("/trash/<id:entry_id>/restore", "POST"): 302,
    # Sent without the versions the page was opened at: refused, nothing overwritten.
    ("/rsvp/<token>/needs", "POST"): 409,
    # A bare POST leads to the confirmation page.
    ("/rsvp/<token>/consent", "POST"): 302,
    # Sent without a name and address: refused as bad input once the permission is granted.
    ("/visits/<id:visit_id>/guests/<id:guest_organisation_id>/first-planner", "POST"): 422,
    # The walk's token is no sign-up link.
    ("/signup/<token>", "GET"): 400,
    ("/signup/<token>", "POST"): 400,
    # Sent without the form's fields: refused as bad input once the permission is granted.
    # The API's writes sent without a body, or without the ETag of a read.
    ("/api/v1/visits", "POST"): 422,
    ("/api/v1/visits/<id:visit_id>", "PATCH"): 428,
    ("/api/v1/visits/<id:visit_id>/status", "POST"): 422,
    # A visit feed needs no body: it is made for whom the visit loads for.
    ("/api/v1/visits/<id:visit_id>/feeds", "POST"): 201,
    ("/api/v1/feeds/<id:feed_id>", "DELETE"): 204,
    ("/api/v1/visits/<id:visit_id>/participants", "POST"): 422,
    ("/api/v1/visits/<id:visit_id>/participants/<id:participation_id>", "DELETE"): 428,
    ("/api/v1/visits/<id:visit_id>/items", "POST"): 422,
    ("/api/v1/visits/<id:visit_id>/items/<id:item_id>", "PATCH"): 428,
    ("/api/v1/visits/<id:visit_id>/items/<id:item_id>/move", "POST"): 422,
    # Deleting needs the ETag of a read too: the walk deletes nothing.
    ("/api/v1/visits/<id:visit_id>/items/<id:item_id>", "DELETE"): 428,
    ("/requests/new", "POST"): 422,
    ("/requests/<id:request_id>/accept", "POST"): 422,
    ("/requests/<id:request_id>/propose", "POST"): 422,
    ("/requests/<id:request_id>/decline", "POST"): 422,
    ("/requests/<id:request_id>/withdraw", "POST"): 422,
    ("/visits/<id:visit_id>/press/people", "POST"): 302,
    ("/visits/<id:visit_id>/press/publish", "POST"): 302,
    ("/visits/<id:visit_id>/press/unpublish", "POST"): 302,
    # Bare POSTs lead to their confirmation pages.
    ("/visits/<id:visit_id>/press/new-link", "POST"): 302,
    ("/visits/<id:visit_id>/press/<id:contact_id>/delete", "POST"): 302,
    ("/visits/<id:visit_id>/press/release/regenerate", "POST"): 302,
    ("/visits/<id:visit_id>/gifts/<id:gift_id>/delete", "POST"): 302,
    # Sent without an item or a version: refused with a message on the Golden Book page.
    ("/visits/<id:visit_id>/golden-book", "POST"): 302,
    ("/visits/<id:visit_id>/golden-book/<id:golden_book_id>/order", "POST"): 302,
    ("/visits/<id:visit_id>/golden-book/<id:golden_book_id>/delete", "POST"): 302,
    # A bare POST to delete a vehicle leads to the confirmation page. (Seats sent without
    # the state the form was opened at are refused on the page itself: 200.)
    ("/visits/<id:visit_id>/vehicles/<id:vehicle_id>/delete", "POST"): 302,
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


def _rule_of(app: Flask, rule) -> str | None:
    """Return the name of the rule a route's view declares, None without a declaration."""
    return getattr(app.view_functions[rule.endpoint], "permission", None)


def test_every_route_has_a_permission_rule(app):
    undeclared = {rule.rule for _, _, rule in _routes(app) if _rule_of(app, rule) is None}
    assert undeclared == set(), "declare the rule: @permission_required(...) on the view"
    declared = {_rule_of(app, rule) for _, _, rule in _routes(app)}
    assert declared <= set(RULES)
    assert set(RULES) == set(EXPECTED), "say in EXPECTED what each actor gets of a rule"
    routes = {(path, method) for path, method, _ in _routes(app)}
    assert set(ANSWERS) - routes == set(), "remove the answer of a route that no longer exists"


def test_a_route_without_objects_to_load_cannot_leave_them_to_its_service():
    with pytest.raises(ValueError, match="visit.edit"):
        permission_required("visit.edit", loaded_by_service=True)


@pytest.mark.parametrize(
    ("relation", "role"), ACTORS, ids=[f"{rel}-{role or 'none'}" for rel, role in ACTORS]
)
def test_every_route_answers_each_actor_as_its_rule_says(app, client, login, relation, role):
    visit = load_demo_data().visit
    organisations = {
        "host": visit.host_organisation,
        "guest": visit.guest_organisations[0],
        "invited": factories.organisation("Essen"),
        "other": factories.organisation("Dortmund"),
    }
    db.session.add(
        VisitGuest(visit=visit, organisation=organisations["invited"], state=GuestState.INVITED)
    )
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
    # The demo's item with a seating plan.
    closing = next(item for item in visit.items if item.title_de == "Abschlussgespräch")
    # Something of the host's in the trash, for the route that restores it.
    trashed = delete_person(factories.person(visit.host_organisation, "Gelöscht"))
    draft, failed = (
        OutboxMessage(visit=visit, status=status, message_id=f"<{status}@walk>",
                      to_address="uwe@wuppertal.example", subject="Einladung", body_text="Text")
        for status in (OutboxStatus.DRAFT, OutboxStatus.FAILED)
    )  # fmt: skip
    db.session.add_all([draft, failed])
    programme = list(visit.items)
    # A transfer with a car, for the transport routes.
    transfer = factories.item(
        visit, "2023-02-23 14:00", "2023-02-23 14:30", "Transfer", kind=ItemKind.TRANSFER
    )
    vehicle = Vehicle(visit=visit, kind=VehicleKind.CAR, name="Dienstwagen", seats=3)
    db.session.add(vehicle)
    acknowledgement = ConflictAcknowledgement(
        visit=visit, fingerprint="0" * 64, kind="overlap", note="Passt so"
    )
    db.session.add(acknowledgement)
    visit_request = VisitRequest(
        requester_organisation=organisations["guest"], host_organisation=visit.host_organisation,
        title="Gegenbesuch", delegation_size=4,
        options=[VisitRequestOption(round=1, position=1, first_day=visit.first_day,
                                    last_day=visit.first_day)],
    )  # fmt: skip
    db.session.add(visit_request)
    press_contact = PressContact(visit=visit, outlet="WAZ")
    db.session.add(press_contact)
    press_page = publish(visit)
    db.session.commit()
    rsvp = rsvp_token(guest_participation)
    visit.host_organisation.logo = PNG
    visit.host_organisation.logo_mime = "image/png"
    gift = db.session.scalars(select(Gift).order_by(Gift.id)).first()
    gift.photo, gift.photo_mime = PNG, "image/png"
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
        "invitation_visit_id": visit.id,
        # Known only by its name: its first planner may be invited.
        "guest_organisation_id": organisations["invited"].id,
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
        "contact_id": press_contact.id,
        "day": "2023-02-23",
        "request_id": visit_request.id,
        "api_token_id": create_token(target_user, "Walk", "read")[0].id,
        # The demo's gift and Golden Book entry at the welcome.
        "gift_id": gift.id,
        "golden_book_id": db.session.scalars(select(GoldenBookEntry.id)).first(),
        "vehicle_id": vehicle.id,
    }
    # The API knows no sessions: the walk sends the actor's token, and the login page's
    # redirect is a 401 there.
    api_headers = {}
    if actor is not None:
        api_headers = {"Authorization": f"Bearer {create_token(actor, 'Walk', 'read write')[1]}"}
    db.session.commit()
    # Routes that remove their object get one of their own, so later routes find theirs.
    own_arguments = {
        ("/visits/<id:visit_id>/items/<id:item_id>/delete", "POST"): {"item_id": programme[-1].id},
        ("/visits/<id:visit_id>/items/<id:item_id>/cancel", "POST"): {"item_id": programme[-2].id},
        ("/modules/<id:module_id>/delete", "POST"): {"module_id": spare_module.id},
        **{
            (f"/visits/<id:visit_id>/items/<id:item_id>/seating{tail}", method): {
                "item_id": closing.id
            }
            for tail, method in (
                ("", "GET"),
                ("/propose", "POST"),
                ("/seats", "POST"),
                ("/swap", "POST"),
            )
        },  # fmt: skip
        ("/visits/<id:visit_id>/transfers/<id:item_id>", "GET"): {"item_id": transfer.id},
        ("/visits/<id:visit_id>/transfers/<id:item_id>", "POST"): {"item_id": transfer.id},
        ("/feeds/<token>.ics", "GET"): {"token": "walk-feed"},
        ("/press/<token>", "GET"): {"token": press_page.token},
        ("/rsvp/<token>", "GET"): {"token": rsvp},
        ("/rsvp/<token>", "POST"): {"token": rsvp},
        ("/rsvp/<token>/programme.ics", "GET"): {"token": rsvp},
        ("/rsvp/<token>/needs", "POST"): {"token": rsvp},
        ("/rsvp/<token>/consent", "GET"): {"token": rsvp},
        ("/rsvp/<token>/consent", "POST"): {"token": rsvp},
        ("/rsvp/feeds/<token>.ics", "GET"): {"token": feed_token(guest_participation)},
        ("/visits/<id:visit_id>/outbox/<id:message_id>/retry", "POST"): {"message_id": failed.id},
        ("/visits/<id:visit_id>/people/<id:person_id>.ics", "GET"): {"person_id": host_person},
        ("/visits/<id:visit_id>/people/<id:person_id>/feed", "POST"): {"person_id": host_person},
        ("/api/v1/visits/<id:visit_id>/people/<id:person_id>/items", "GET"): {
            "person_id": host_person
        },
    }

    answers, expected = {}, {}
    for path, method, rule in _routes(app):
        values = {**arguments, **own_arguments.get((path, method), {})}
        url = rule.build({name: values[name] for name in rule.arguments})[1]
        api = path.startswith("/api/v1/")
        response = client.open(
            url, method=method, data=POST_DATA.get(path, {}), headers=api_headers if api else {}
        )
        answers[(path, method)] = response.status_code
        response.close()
        ok = ANSWERS.get((path, method), 200)
        ok = ok(relation) if callable(ok) else ok
        wanted = EXPECTED[_rule_of(app, rule)](relation, role, ok, rule.arguments)
        expected[(path, method)] = 401 if api and wanted == LOGIN else wanted

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


# The visit page's service loads the visit; the other routes' declarations do.
@pytest.mark.parametrize("page", ["", "/edit", "/agenda.ics"], ids=["page", "edit", "calendar"])
def test_a_hidden_visit_costs_the_same_queries_as_a_missing_one(app, client, login, page):
    from tests.helpers import count_queries

    visit_id = load_demo_data().visit.id
    login(factories.user(factories.organisation("Dortmund"), Role.ADMIN))

    with count_queries(db.engine) as hidden:
        assert client.get(f"/visits/{visit_id}{page}").status_code == 404
    with count_queries(db.engine) as missing:
        assert client.get(f"/visits/999999{page}").status_code == 404

    assert hidden.statements == missing.statements


def test_a_guest_learns_nothing_of_draft_items_from_their_addresses(client, login):
    visit = load_demo_data().visit
    draft = factories.item(visit, "2023-02-23 18:00", "2023-02-23 19:00", "Noch geheim")
    db.session.commit()
    login(factories.user(visit.guest_organisations[0], Role.PLANNER))

    # Refused before the item is looked up: the same answer whether it exists or not.
    assert client.get(f"/visits/{visit.id}/items/{draft.id}/edit").status_code == 403
    assert client.get(f"/visits/{visit.id}/items/999999/edit").status_code == 403


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
