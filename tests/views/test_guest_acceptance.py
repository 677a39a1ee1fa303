"""A guest organisation named by the host accepts, declines or leaves the visit."""

import pytest
from sqlalchemy import select

from planner.enums import GuestState, OutboxStatus, Role
from planner.extensions import db
from planner.models import FeedToken, OutboxMessage, VisitGuest
from planner.services.demo import DEMO_ADMIN_EMAIL, load_demo_data
from tests import factories
from tests.helpers import CONFIRMED, page_text


def _visit_form(visit, guest_ids: list[int]) -> dict:
    return {"title": visit.title, "first_day": visit.first_day.isoformat(),
            "last_day": visit.last_day.isoformat(), "timezone": visit.timezone,
            "language": visit.language.value,
            "guest_organisations": [str(org_id) for org_id in guest_ids],
            "contact_person": str(visit.contact_person_id or 0), "purpose": visit.purpose,
            "internal_notes": visit.internal_notes, "lock_version": str(visit.lock_version),
            }  # fmt: skip


@pytest.fixture
def invited(client, login):
    """The demo visit, to which Bochum's planner has just invited Essen through the form."""
    visit = load_demo_data().visit
    bochum = visit.host_organisation
    essen = factories.organisation("Essen")
    petra = factories.user(bochum, Role.PLANNER, name="Petra Protokoll",
                           email="petra@bochum.example")  # fmt: skip
    factories.user(bochum, Role.VIEWER, name="Vera Viewer", email="vera@bochum.example")
    planner = factories.user(essen, Role.PLANNER, name="Erik Essen", email="erik@essen.example")
    viewer = factories.user(essen, Role.VIEWER, name="Eva Essen", email="eva@essen.example")
    db.session.commit()
    login(petra)
    guests = [org.id for org in visit.guest_organisations] + [essen.id]
    response = client.post(f"/visits/{visit.id}/edit", data=_visit_form(visit, guests))
    assert response.status_code == 302, page_text(response)
    client.post("/logout")
    return {"visit": visit, "essen": essen, "petra": petra, "planner": planner,
            "viewer": viewer}  # fmt: skip


def _state(visit, organisation) -> GuestState | None:
    db.session.expire_all()
    return db.session.scalar(
        select(VisitGuest.state).where(
            VisitGuest.visit_id == visit.id, VisitGuest.organisation_id == organisation.id
        )
    )


def _notices(visit) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.visit_id == visit.id, OutboxMessage.kind == "guest-answer")
            .order_by(OutboxMessage.id)
        )
    )


VISIT_PAGES = [
    "",
    "/attendees",
    "/attendees.csv",
    "/agenda.ics",
    "/print/agenda",
    "/versions/1",
    "/plan",
    "/history",
]


def test_the_host_naming_a_guest_invites_it_and_keeps_the_others_accepted(invited):
    visit, essen = invited["visit"], invited["essen"]

    assert _state(visit, essen) == GuestState.INVITED
    assert [org.name for org in visit.guest_organisations] == ["Wuppertal"]


def test_the_invited_organisations_planners_get_an_e_mail_with_the_way_to_answer(invited):
    visit = invited["visit"]

    [message] = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.visit_id == visit.id, OutboxMessage.kind == "guest-invitation"
        )
    )
    # The planner, not the viewer: only planners and admins answer for their city.
    assert message.to_address == "erik@essen.example"
    assert message.subject == f"Bochum lädt Essen ein: {visit.title}"
    assert f"http://planner.test/visits/{visit.id}/invitation" in message.body_text
    assert message.status == OutboxStatus.PENDING


@pytest.mark.parametrize("page", VISIT_PAGES)
def test_an_invited_organisation_sees_nothing_of_the_visit_but_the_invitation(
    client, login, invited, page
):
    visit = invited["visit"]
    login(invited["planner"])

    assert client.get(f"/visits/{visit.id}{page}").status_code == 404


def test_the_invitation_tells_title_days_host_purpose_and_contact(client, login, invited):
    visit = invited["visit"]
    login(invited["planner"])

    text = page_text(client.get(f"/visits/{visit.id}/invitation"))

    assert f"Einladung: {visit.title}" in text
    assert "Bochum lädt Essen als Gast zu diesem Besuch ein." in text
    assert visit.purpose in text
    assert visit.contact_person.display_name in text
    assert "Einladung annehmen" in text
    assert "Einladung ablehnen" in text


def test_the_dashboard_lists_the_invitation_apart_from_the_visits(client, login, invited):
    visit = invited["visit"]
    login(invited["viewer"])

    text = page_text(client.get("/"))

    invitations, rest = text.split("Bevorstehende Besuche")
    assert "Einladungen" in invitations
    assert visit.title in invitations
    assert visit.title not in rest
    assert visit.title not in page_text(client.get("/month/2023/2"))


def test_a_viewer_reads_the_invitation_but_cannot_accept(client, login, invited):
    visit = invited["visit"]
    login(invited["viewer"])

    text = page_text(client.get(f"/visits/{visit.id}/invitation"))
    refused = client.post(f"/visits/{visit.id}/invitation", data={"answer": "accept"})

    assert "Einladung annehmen" not in text
    assert refused.status_code == 403
    assert _state(visit, invited["essen"]) == GuestState.INVITED


def test_another_organisation_cannot_see_nor_accept_the_invitation(client, login, invited):
    visit = invited["visit"]
    login(factories.user(factories.organisation("Dortmund"), Role.ADMIN))
    db.session.commit()

    assert client.get(f"/visits/{visit.id}/invitation").status_code == 404
    response = client.post(f"/visits/{visit.id}/invitation", data={"answer": "accept"})
    assert response.status_code == 404
    assert _state(visit, invited["essen"]) == GuestState.INVITED


def test_accepting_opens_the_visit_and_tells_the_hosts_planners(client, login, invited):
    visit, essen = invited["visit"], invited["essen"]
    login(invited["planner"])

    response = client.post(f"/visits/{visit.id}/invitation", data={"answer": "accept"})
    again = client.post(f"/visits/{visit.id}/invitation", data={"answer": "accept"})

    assert response.status_code == again.status_code == 302
    assert response.headers["Location"] == f"/visits/{visit.id}"
    assert _state(visit, essen) == GuestState.ACCEPTED
    for page in ("", "/attendees", "/agenda.ics", "/print/agenda", "/versions/1"):
        assert client.get(f"/visits/{visit.id}{page}").status_code == 200, page
    notices = _notices(visit)
    # One e-mail to each of the host's planners and admins (accepting twice tells once);
    # Bochum's viewer hears nothing.
    assert [m.to_address for m in notices] == [DEMO_ADMIN_EMAIL, "petra@bochum.example"]
    assert notices[0].status == OutboxStatus.PENDING
    assert notices[0].subject == f"Essen hat die Einladung zu {visit.title} angenommen"
    assert f"/visits/{visit.id}" in notices[0].body_text


def test_declining_hides_the_visit_and_tells_the_host_with_the_message(client, login, invited):
    visit, essen = invited["visit"], invited["essen"]
    login(invited["planner"])

    response = client.post(
        f"/visits/{visit.id}/invitation",
        data={"answer": "decline", "message": "Leider keine Zeit im Februar."},
    )

    assert response.status_code == 302
    assert _state(visit, essen) == GuestState.DECLINED
    assert client.get(f"/visits/{visit.id}/invitation").status_code == 404
    assert client.get(f"/visits/{visit.id}").status_code == 404
    assert visit.title not in page_text(client.get("/"))
    [_admin, notice] = _notices(visit)
    assert notice.to_address == "petra@bochum.example"
    assert notice.subject == f"Essen hat die Einladung zu {visit.title} abgelehnt"
    assert "Leider keine Zeit im Februar." in notice.body_text


def test_the_host_sees_each_guests_answer_and_can_invite_a_declined_one_again(
    client, login, invited
):
    visit, essen = invited["visit"], invited["essen"]
    login(invited["planner"])
    client.post(f"/visits/{visit.id}/invitation", data={"answer": "decline", "message": "Nein."})
    client.post("/logout")
    login(invited["petra"])

    text = page_text(client.get(f"/visits/{visit.id}"))
    db.session.expire_all()
    response = client.post(
        f"/visits/{visit.id}/edit",
        data=_visit_form(visit, [org.id for org in visit.guest_organisations] + [essen.id]),
    )

    assert "Essen abgelehnt" in text
    assert "Wuppertal angenommen" in text
    assert response.status_code == 302
    assert _state(visit, essen) == GuestState.INVITED


def test_leaving_asks_first_then_hides_the_visit_and_tells_the_host(client, login, invited):
    visit, essen = invited["visit"], invited["essen"]
    login(invited["planner"])
    client.post(f"/visits/{visit.id}/invitation", data={"answer": "accept"})
    erik_person = factories.person(essen, "Essen", first_name="Erik")
    factories.participation(visit, erik_person)
    db.session.commit()

    confirmation = client.get(f"/visits/{visit.id}/leave")
    bare = client.post(f"/visits/{visit.id}/leave")
    assert _state(visit, essen) == GuestState.ACCEPTED
    response = client.post(f"/visits/{visit.id}/leave", data={**CONFIRMED, "message": "Tschüss"})

    assert confirmation.status_code == 200
    assert "Besuch verlassen" in page_text(confirmation)
    assert bare.status_code == 302
    assert response.status_code == 302
    assert _state(visit, essen) == GuestState.LEFT
    assert client.get(f"/visits/{visit.id}").status_code == 404
    assert client.get(f"/visits/{visit.id}/agenda.ics").status_code == 404
    # The delegation stays for the host's record.
    db.session.expire_all()
    assert erik_person.id in [p.person_id for p in visit.participations]
    notices = _notices(visit)
    assert [n.subject for n in notices] == [
        *[f"Essen hat die Einladung zu {visit.title} angenommen"] * 2,
        *[f"Essen hat den Besuch {visit.title} verlassen"] * 2,
    ]
    assert "Tschüss" in notices[-1].body_text


def test_a_viewer_of_an_accepted_guest_cannot_leave(client, login, invited):
    visit = invited["visit"]
    login(invited["planner"])
    client.post(f"/visits/{visit.id}/invitation", data={"answer": "accept"})
    client.post("/logout")
    login(invited["viewer"])

    assert client.get(f"/visits/{visit.id}").status_code == 200
    assert client.post(f"/visits/{visit.id}/leave", data=CONFIRMED).status_code == 403


def test_accepting_after_the_host_withdrew_the_invitation_is_not_found(client, login, invited):
    visit, essen = invited["visit"], invited["essen"]
    login(invited["petra"])
    db.session.expire_all()
    withdrawn = client.post(
        f"/visits/{visit.id}/edit",
        data=_visit_form(visit, [org.id for org in visit.guest_organisations]),
    )
    assert withdrawn.status_code == 302
    client.post("/logout")
    login(invited["planner"])

    response = client.post(f"/visits/{visit.id}/invitation", data={"answer": "accept"})

    assert response.status_code == 404
    assert _state(visit, essen) is None


def test_a_feed_of_all_visits_leaves_out_an_unaccepted_visit(client, login, invited):
    visit = invited["visit"]
    feed = FeedToken(token="essen-feed", kind="user", user=invited["planner"])
    db.session.add(feed)
    db.session.commit()

    body = client.get("/feeds/essen-feed.ics").get_data(as_text=True)

    assert "BEGIN:VCALENDAR" in body
    assert "BEGIN:VEVENT" not in body
    assert visit.items[0].uid not in body


def test_the_history_tells_the_invitation_and_the_answer(client, login, invited):
    visit = invited["visit"]
    login(invited["planner"])
    client.post(f"/visits/{visit.id}/invitation", data={"answer": "accept"})
    client.post("/logout")
    login(invited["petra"])

    text = page_text(client.get(f"/visits/{visit.id}/history"))

    assert f"Petra Protokoll hat Essen als Gast des Besuchs „{visit.title}“ eingeladen." in text
    assert f"Erik Essen hat die Einladung zum Besuch „{visit.title}“ für Essen angenommen." in text
