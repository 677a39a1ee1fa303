"""A guest organisation's place on a visit: invited, accepted, declined, left."""

import pytest
from sqlalchemy import select

from planner.enums import GuestState, Language, Role
from planner.extensions import db
from planner.models import IssuedArtefact, OutboxMessage, Visit, VisitGuest
from planner.services.artefacts import Identity, store
from planner.services.guests import (
    InvitationGone,
    accept,
    decline,
    invitation_of,
    leave,
    name_guests,
    named_guest_ids,
    pending_invitations,
)
from planner.services.permissions import can_view_visit, visible_visit_ids
from tests import factories


@pytest.fixture
def scene(app):
    """Bochum hosts a visit with Wuppertal as an accepted guest and has just invited Essen."""
    bochum = factories.organisation("Bochum")
    wuppertal = factories.organisation("Wuppertal")
    essen = factories.organisation("Essen")
    visit = factories.visit(bochum, [wuppertal], title="Austausch")
    host_planner = factories.user(bochum, Role.PLANNER, email="petra@bochum.example")
    factories.user(bochum, Role.HOST, email="hans@bochum.example")
    essen_planner = factories.user(essen, Role.PLANNER, name="Erik Essen")
    db.session.commit()
    name_guests(visit, [wuppertal, essen])
    db.session.commit()
    return {"visit": visit, "bochum": bochum, "wuppertal": wuppertal, "essen": essen,
            "host_planner": host_planner, "essen_planner": essen_planner}  # fmt: skip


def _states(visit: Visit) -> dict[str, GuestState]:
    db.session.expire_all()
    return {link.organisation.name: link.state for link in visit.guest_links}


def test_naming_a_guest_invites_it_and_leaves_an_accepted_one_accepted(scene):
    visit = scene["visit"]

    assert _states(visit) == {"Essen": GuestState.INVITED, "Wuppertal": GuestState.ACCEPTED}
    assert [org.name for org in visit.guest_organisations] == ["Wuppertal"]
    assert sorted(named_guest_ids(visit)) == sorted([scene["wuppertal"].id, scene["essen"].id])


def test_an_invited_organisation_sees_only_its_invitation(scene):
    visit, planner = scene["visit"], scene["essen_planner"]

    assert not can_view_visit(planner, visit)
    assert visit.id not in set(db.session.scalars(visible_visit_ids(planner)))
    assert [v.title for v in pending_invitations(planner)] == ["Austausch"]
    assert invitation_of(planner, visit.id).state == GuestState.INVITED


def test_accepting_twice_accepts_once_and_tells_the_host_once(scene):
    visit, planner = scene["visit"], scene["essen_planner"]
    link = invitation_of(planner, visit.id)

    assert accept(link, planner) is True
    db.session.commit()
    assert accept(invitation_of(planner, visit.id), planner) is False
    db.session.commit()

    assert _states(visit)["Essen"] == GuestState.ACCEPTED
    assert can_view_visit(planner, visit)
    assert pending_invitations(planner) == []
    notices = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "guest-answer"))
    # The host's planners and admins hear of it, its other users do not.
    assert [(m.to_address, m.subject) for m in notices] == [
        ("petra@bochum.example", "Essen hat die Einladung zu Austausch angenommen")
    ]


def test_the_notice_is_in_the_host_organisations_language(scene):
    visit, planner = scene["visit"], scene["essen_planner"]
    scene["bochum"].locale = Language.EN
    db.session.commit()

    decline(invitation_of(planner, visit.id), planner, "Not this year.")
    db.session.commit()

    [notice] = db.session.scalars(select(OutboxMessage))
    assert notice.subject == "Essen declined the invitation to Austausch"
    assert notice.body_text.splitlines()[:4] == [
        "Erik Essen declined for Essen the invitation to Austausch.",
        "",
        "Their message:",
        "Not this year.",
    ]
    assert notice.body_text.endswith(f"/visits/{visit.id}")


def test_a_declined_guest_named_again_is_invited_anew_and_kept_when_not_named(scene):
    visit, planner = scene["visit"], scene["essen_planner"]
    decline(invitation_of(planner, visit.id), planner, "Nein")
    db.session.commit()

    name_guests(visit, [scene["wuppertal"]])
    db.session.commit()
    assert _states(visit)["Essen"] == GuestState.DECLINED
    name_guests(visit, [scene["wuppertal"], scene["essen"]])
    db.session.commit()

    link = db.session.get(VisitGuest, (visit.id, scene["essen"].id))
    assert (link.state, link.message, link.answered_at) == (GuestState.INVITED, "", None)


def test_an_invitation_withdrawn_by_the_host_can_no_longer_be_answered(scene):
    visit, planner = scene["visit"], scene["essen_planner"]
    link = invitation_of(planner, visit.id)

    name_guests(visit, [scene["wuppertal"]])
    db.session.commit()

    assert "Essen" not in _states(visit)
    with pytest.raises(InvitationGone):
        accept(link, planner)
    db.session.rollback()
    assert invitation_of(planner, visit.id) is None


def test_leaving_keeps_the_delegation_and_hides_the_visit(scene):
    visit, wuppertal = scene["visit"], scene["wuppertal"]
    planner = factories.user(wuppertal, Role.ADMIN)
    person = factories.person(wuppertal, "Schneidewind")
    factories.participation(visit, person)
    factories.issue(visit)
    db.session.commit()

    leave(visit, planner, "")
    db.session.commit()

    assert _states(visit)["Wuppertal"] == GuestState.LEFT
    assert not can_view_visit(planner, visit)
    assert [p.person.last_name for p in visit.participations] == ["Schneidewind"]
    with pytest.raises(InvitationGone):
        leave(visit, planner, "")


def test_an_answer_forgets_the_visits_stored_files(scene):
    visit, planner = scene["visit"], scene["essen_planner"]
    version = factories.issue(visit)
    db.session.commit()
    store(Identity(visit.id, version.id, "pdf", "guest", "de", "agenda"), b"%PDF", "a/b")
    db.session.commit()
    assert db.session.scalar(select(IssuedArtefact.id)) is not None

    accept(invitation_of(planner, visit.id), planner)
    db.session.commit()

    # Printouts name the visit's guests: the stored ones are built again.
    assert db.session.scalar(select(IssuedArtefact.id)) is None
