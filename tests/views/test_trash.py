"""Deleting asks first, goes into the trash, leaves every output, and comes back whole."""

from datetime import date

import pytest
from sqlalchemy import select

from planner.enums import OutboxStatus, Role, RsvpStatus, Side, VisitStatus
from planner.extensions import db
from planner.models import (
    AgendaItem,
    FeedToken,
    ItemAnswer,
    OutboxMessage,
    Participation,
    Person,
    TrashEntry,
    Visit,
)
from planner.services.conflicts import find_conflicts
from planner.services.demo import load_demo_data
from tests import factories
from tests.helpers import page_text

CONFIRM = {"confirm": "yes"}


@pytest.fixture
def demo(app):
    return load_demo_data().visit


@pytest.fixture
def planner(demo, login):
    user = factories.user(demo.host_organisation, Role.PLANNER, name="Lena Hoffmann")
    login(user)
    return user


class Scene:
    """A draft visit of Bochum on the demo visit's day that collides with it.

    Its first item books the demo's first room at the same time, and Petra Pflock (a
    host of Bochum) takes part in both visits at once: the demo visit shows a room and a
    person conflict. Uwe Gast of Wuppertal takes part in the draft only, with an answer.
    """

    def __init__(self, demo: Visit, planner) -> None:
        bochum, wuppertal = demo.host_organisation, demo.guest_organisations[0]
        self.demo = demo
        self.room = demo.items[0].room
        self.draft = factories.visit(
            bochum, [wuppertal], first_day=date(2023, 2, 23), title="Geheimnisvoller Entwurf"
        )
        self.item = factories.item(
            self.draft, "2023-02-23 10:00", "2023-02-23 10:30", "Zweitbelegung", room=self.room
        )
        self.other = factories.item(self.draft, "2023-02-23 11:00", "2023-02-23 11:30", "Nachlese")
        self.pflock = factories.person(
            bochum, "Pflock", first_name="Petra", email="petra.pflock@bochum.example"
        )
        self.item.responsible_person = self.pflock
        self.gast = factories.person(
            wuppertal, "Gast", first_name="Uwe", email="uwe.gast@wuppertal.example"
        )
        factories.participation(demo, self.pflock, side=Side.HOST)
        # Petra attends the colliding item only, Uwe every item.
        self.pflock_part = factories.participation(
            self.draft, self.pflock, side=Side.HOST, attends_all_items=False, items=[self.item]
        )
        self.gast_part = factories.participation(self.draft, self.gast)
        db.session.add_all(
            [
                ItemAnswer(participation=self.gast_part, item=self.item,
                           status=RsvpStatus.ACCEPTED, source="link"),
                ItemAnswer(participation=self.pflock_part, item=self.item,
                           status=RsvpStatus.TENTATIVE, source="link"),
                FeedToken(token="draft-feed", kind="visit", visit=self.draft, user=planner),
                FeedToken(token="pflock-feed", kind="person", visit=self.draft,
                          person=self.pflock, user=planner),
            ]
        )  # fmt: skip
        db.session.commit()
        self.ids = (self.draft.id, self.item.id, self.pflock.id, self.gast.id)

    def attendance(self) -> dict[str, tuple[bool, list[str]]]:
        """Return who takes part in the draft: all items, or which ones."""
        db.session.expire_all()
        participations = db.session.scalars(
            select(Participation).where(Participation.visit_id == self.ids[0])
        )
        return {
            p.person.last_name: (p.attends_all_items, sorted(i.title_de for i in p.items))
            for p in participations
        }

    def answers(self) -> list[tuple[str, str, str]]:
        """Return the answers of the draft's participants per item."""
        rows = db.session.execute(
            select(Person.last_name, AgendaItem.title_de, ItemAnswer.status)
            .join(Participation, ItemAnswer.participation_id == Participation.id)
            .join(Person, Participation.person_id == Person.id)
            .join(AgendaItem, ItemAnswer.agenda_item_id == AgendaItem.id)
            .order_by(Person.last_name)
        )
        return [(name, title, status.value) for name, title, status in rows]


@pytest.fixture
def scene(demo, planner):
    return Scene(demo, planner)


def _text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return page_text(response) if response.mimetype == "text/html" else response.get_data(True)


def _restore(client, kind: str, object_id: int):
    entry = db.session.scalar(
        select(TrashEntry).where(TrashEntry.kind == kind, TrashEntry.object_id == object_id)
    )
    return client.post(f"/trash/{entry.id}/restore")


# --- asking first ---------------------------------------------------------------------------


def test_a_visit_with_an_issued_version_survives_a_delete_request(client, planner, demo):
    page = client.get(f"/visits/{demo.id}/delete")
    response = client.post(f"/visits/{demo.id}/delete", data=CONFIRM, follow_redirects=True)

    assert "Version 1 dieses Besuchs wurde herausgegeben, deshalb kann er nicht gelöscht " in (
        page_text(page)
    )
    assert "Sagen Sie ihn stattdessen ab, dann erhalten alle Eingeladenen eine Absage." in (
        page_text(response)
    )
    assert db.session.get(Visit, demo.id) is not None
    assert db.session.scalar(select(TrashEntry)) is None


def test_a_draft_still_at_draft_status_but_issued_is_not_deleted(client, planner):
    # Issuing makes a visit "planned", but a planner may set it back to "draft": the
    # status alone must not decide.
    visit = factories.visit(planner.organisation, title="Herausgegebener Entwurf")
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00")
    factories.issue(visit)
    visit.status = VisitStatus.DRAFT
    db.session.commit()

    page = _text(client, f"/visits/{visit.id}/delete")
    response = client.post(f"/visits/{visit.id}/delete", data=CONFIRM)

    assert "„Herausgegebener Entwurf“ kann nicht gelöscht werden" in page
    assert "Besuch absagen" in page
    assert response.headers["Location"] == f"/visits/{visit.id}"
    assert db.session.get(Visit, visit.id) is not None


def test_the_visit_page_offers_no_delete_for_an_issued_visit(client, planner, demo, scene):
    assert "Besuchsentwurf löschen" not in _text(client, f"/visits/{demo.id}")
    assert "Besuchsentwurf löschen" in _text(client, f"/visits/{scene.draft.id}")


def test_the_confirmation_names_what_goes_with_the_visit(client, planner):
    witten = factories.organisation("Witten")
    visit = factories.visit(planner.organisation, [witten], title="Großer Entwurf")
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00")
    factories.item(visit, "2023-02-23 11:00", "2023-02-23 12:00")
    for number in range(11):
        factories.participation(visit, factories.person(witten, f"Gast {number}"))
    for number in range(10):
        db.session.add(
            OutboxMessage(
                visit=visit,
                status=OutboxStatus.DRAFT,
                message_id=f"<{number}@t>",
                to_address=f"gast{number}@witten.example",
                subject="Einladung",
                body_text="Text",
            )  # fmt: skip
        )
    db.session.commit()

    text = _text(client, f"/visits/{visit.id}/delete")

    assert "„Großer Entwurf“ löschen?" in text
    assert "Mit in den Papierkorb: 2 Programmpunkte, 11 Teilnehmende, 10 Einladungsentwürfe." in (
        text
    )
    assert "30 Tage lang" in text


@pytest.mark.parametrize(
    "target",
    ["visit", "item", "person", "participant", "module", "anonymise"],
    ids=lambda target: target,
)
def test_every_delete_asks_first_and_a_bare_post_deletes_nothing(client, planner, scene, target):
    draft_id, item_id, pflock_id, _gast_id = scene.ids
    module = scene.demo.items[0].module
    url, heading = {
        "visit": (f"/visits/{draft_id}/delete", "„Geheimnisvoller Entwurf“ löschen?"),
        "item": (f"/visits/{draft_id}/items/{item_id}/delete", "„Zweitbelegung“ löschen?"),
        "person": (f"/people/{pflock_id}/delete", "„Petra Pflock“ löschen?"),
        "participant": (
            f"/visits/{draft_id}/participants/{scene.pflock_part.id}/remove",
            "Petra Pflock aus „Geheimnisvoller Entwurf“ entfernen?",
        ),
        "module": (f"/modules/{module.id}/delete", f"„{module.title_de}“ löschen?"),
        "anonymise": (f"/people/{pflock_id}/anonymise", "„Petra Pflock“ anonymisieren?"),
    }[target]

    page = client.get(url)
    bare = client.post(url)

    assert heading in page_text(page)
    assert 'name="confirm" type="hidden" value="yes"' in page.get_data(as_text=True)
    assert (bare.status_code, bare.headers["Location"]) == (302, url)
    db.session.expire_all()
    assert db.session.get(Visit, draft_id) is not None
    assert db.session.get(AgendaItem, item_id) is not None
    assert db.session.get(Participation, scene.pflock_part.id) is not None
    assert db.session.get(Person, pflock_id).last_name == "Pflock"
    assert db.session.get(type(module), module.id) is not None


def test_the_confirmations_say_what_else_happens(client, planner, scene):
    draft_id, item_id, pflock_id, _gast_id = scene.ids

    item_page = _text(client, f"/visits/{draft_id}/items/{item_id}/delete")
    person_page = _text(client, f"/people/{pflock_id}/delete")
    removal_page = _text(client, f"/visits/{draft_id}/participants/{scene.gast_part.id}/remove")

    assert "Mit in den Papierkorb: die Teilnahme von 2 Personen, 2 Antworten." in item_page
    assert "Mit in den Papierkorb: 2 Teilnahmen an Besuchen, 1 Antwort, 1 Kalenderabonnement." in (
        person_page
    )
    assert "1 Programmpunkt hat keine verantwortliche Person" in person_page
    assert "Geheimnisvoller Entwurf" in person_page
    assert "Smart-City-Austausch" in person_page
    assert "Die Person nimmt an 2 Programmpunkten nicht mehr teil." in removal_page
    assert "1 Antwort der Person wird entfernt." in removal_page


def test_an_issued_item_is_deleted_only_after_the_hint_to_cancel_it(client, planner, demo):
    item = demo.items[-1]

    text = _text(client, f"/visits/{demo.id}/items/{item.id}/delete")

    assert "Der Programmpunkt steht in der herausgegebenen Version 1." in text
    assert "Stattdessen Programmpunkt absagen" in text


def test_a_person_in_visits_of_others_cannot_be_deleted(client, planner, demo):
    # Bochum may change the lists of its own visit, not those of Dortmund's.
    wuppertal = demo.guest_organisations[0]
    schneidewind = next(p.person for p in demo.participations if p.side == Side.GUEST)
    dortmund_visit = factories.visit(factories.organisation("Dortmund"), [wuppertal])
    factories.participation(dortmund_visit, schneidewind)
    db.session.commit()

    page = _text(client, f"/people/{schneidewind.id}/delete")
    client.post(f"/people/{schneidewind.id}/delete", data=CONFIRM)

    assert "Diese Person nimmt auch an Besuchen teil, die Sie nicht ändern können" in page
    assert "Person in den Papierkorb legen" not in page
    assert db.session.get(Person, schneidewind.id) is not None


def test_removing_a_participant_after_confirming_drafts_the_cancellations(client, planner, demo):
    mayor = next(p for p in demo.participations if p.person.last_name == "Schneidewind")
    mayor.invited_version = 1
    mayor.invited_uids = [item.uid for item in demo.items]
    db.session.commit()
    url = f"/visits/{demo.id}/participants/{mayor.id}/remove"

    page = _text(client, url)
    client.post(url, data=CONFIRM)

    items = len(demo.items)
    assert f"Absagen für {items} Programmpunkte werden im Postausgang entworfen" in page
    assert db.session.scalar(select(Participation).where(Participation.id == mayor.id)) is None
    kinds = db.session.scalars(select(OutboxMessage.kind).where(OutboxMessage.kind == "cancel"))
    assert len(kinds.all()) == items


# --- absent from every output, and back ---------------------------------------------------


def _outputs_of_the_draft(client, scene) -> dict[str, int]:
    draft_id, item_id, pflock_id, _gast_id = scene.ids
    urls = [
        f"/visits/{draft_id}",
        f"/visits/{draft_id}/agenda.ics",
        f"/visits/{draft_id}/items/{item_id}.ics",
        f"/visits/{draft_id}/people/{pflock_id}.ics",
        f"/visits/{draft_id}/print/agenda",
        f"/visits/{draft_id}/print/run-sheet",
        f"/visits/{draft_id}/attendees.csv",
        f"/visits/{draft_id}/participants",
    ]
    return {url: client.get(url).status_code for url in urls}


def test_a_deleted_visit_is_absent_from_every_output_and_comes_back_whole(
    client, planner, demo, scene
):
    draft_id, item_id, pflock_id, gast_id = scene.ids
    before = scene.attendance(), scene.answers()
    tokens = ("draft-feed", "pflock-feed")
    feeds = [client.get(f"/feeds/{token}.ics").status_code for token in tokens]
    assert len(find_conflicts([demo.id])[demo.id]) == 2
    assert "Zweitbelegung" in _text(client, f"/visits/{demo.id}")

    deleted = client.post(f"/visits/{draft_id}/delete", data=CONFIRM, follow_redirects=True)

    assert "„Geheimnisvoller Entwurf“ liegt jetzt im Papierkorb" in page_text(deleted)
    assert set(_outputs_of_the_draft(client, scene).values()) == {404}
    assert client.get("/feeds/draft-feed.ics").status_code == 410
    assert client.get("/feeds/pflock-feed.ics").status_code == 410
    occupancy = f"/rooms/{scene.room.id}/occupancy?day=2023-02-23"
    elsewhere = ["/", "/visits", "/visits?q=Geheimnis", "/month/2023/2", f"/people/{pflock_id}",
                 f"/visits/{demo.id}", occupancy]  # fmt: skip
    for url in elsewhere:
        text = _text(client, url)
        assert "Geheimnisvoller Entwurf" not in text, url
        assert "Zweitbelegung" not in text, url
    # Uwe Gast took part only in the deleted visit: Bochum no longer sees him at all.
    assert client.get(f"/people/{gast_id}").status_code == 404
    assert "Gast" not in _text(client, "/people?q=Gast")
    assert find_conflicts([demo.id])[demo.id] == []

    response = _restore(client, "visit", draft_id)

    assert response.headers["Location"] == f"/visits/{draft_id}"
    assert set(_outputs_of_the_draft(client, scene).values()) == {200}
    # Feeds carry issued versions only: of this draft, nothing yet, as before.
    assert feeds == [404, 404]
    assert [client.get(f"/feeds/{token}.ics").status_code for token in tokens] == feeds
    assert (scene.attendance(), scene.answers()) == before
    assert before == (
        {"Gast": (True, []), "Pflock": (False, ["Zweitbelegung"])},
        [("Gast", "Zweitbelegung", "accepted"), ("Pflock", "Zweitbelegung", "tentative")],
    )
    assert len(find_conflicts([demo.id])[demo.id]) == 2
    assert db.session.get(AgendaItem, item_id).responsible_person_id == pflock_id
    assert db.session.scalar(select(TrashEntry)) is None


def test_a_deleted_item_is_absent_from_every_output_and_comes_back_with_attendance(
    client, planner, demo, scene
):
    draft_id, item_id, _pflock_id, _gast_id = scene.ids
    before = scene.attendance(), scene.answers()
    urls = [
        f"/visits/{draft_id}",
        f"/visits/{draft_id}/agenda.ics",
        f"/visits/{draft_id}/print/agenda",
        f"/visits/{draft_id}/print/run-sheet",
        f"/visits/{draft_id}/attendance",
        f"/visits/{demo.id}",
        f"/rooms/{scene.room.id}/occupancy?day=2023-02-23",
    ]
    assert all("Zweitbelegung" in _text(client, url) for url in urls)

    deleted = client.post(
        f"/visits/{draft_id}/items/{item_id}/delete", data=CONFIRM, follow_redirects=True
    )

    assert "„Zweitbelegung“ liegt jetzt im Papierkorb" in page_text(deleted)
    for url in urls:
        assert "Zweitbelegung" not in _text(client, url), url
    assert client.get(f"/visits/{draft_id}/items/{item_id}.ics").status_code == 404
    assert find_conflicts([demo.id])[demo.id] == []
    assert scene.answers() == []

    response = _restore(client, "item", item_id)

    assert response.headers["Location"] == f"/visits/{draft_id}#item-{item_id}"
    assert all("Zweitbelegung" in _text(client, url) for url in urls)
    assert (scene.attendance(), scene.answers()) == before
    assert len(find_conflicts([demo.id])[demo.id]) == 2


def test_a_deleted_person_is_absent_from_every_output_and_comes_back_with_participations(
    client, planner, demo, scene
):
    draft_id, item_id, pflock_id, _gast_id = scene.ids
    before = scene.attendance(), scene.answers()
    feed = client.get("/feeds/pflock-feed.ics").status_code
    urls = [
        f"/visits/{draft_id}",
        f"/visits/{demo.id}",
        f"/visits/{draft_id}/participants",
        f"/visits/{draft_id}/attendance",
        f"/visits/{draft_id}/attendees.csv",
        f"/visits/{draft_id}/print/attendees",
        f"/visits/{draft_id}/print/badges",
        f"/visits/{draft_id}/print/run-sheet",
        f"/visits/{demo.id}/print/run-sheet",
        "/people?q=Pflock",
    ]
    assert all("Pflock" in _text(client, url) for url in urls)

    deleted = client.post(f"/people/{pflock_id}/delete", data=CONFIRM, follow_redirects=True)

    assert "„Petra Pflock“ liegt jetzt im Papierkorb" in page_text(deleted)
    for url in urls:
        assert "Pflock" not in _text(client, url), url
    assert client.get(f"/people/{pflock_id}").status_code == 404
    assert client.get(f"/visits/{draft_id}/people/{pflock_id}.ics").status_code == 404
    assert client.get("/feeds/pflock-feed.ics").status_code == 410
    # The room is still booked twice; the person is no longer in two places at once.
    assert [c.kind for c in find_conflicts([demo.id])[demo.id]] == ["room"]

    response = _restore(client, "person", pflock_id)

    assert response.headers["Location"] == f"/people/{pflock_id}"
    assert all("Pflock" in _text(client, url) for url in urls)
    assert (scene.attendance(), scene.answers()) == before
    assert client.get("/feeds/pflock-feed.ics").status_code == feed
    assert db.session.get(AgendaItem, item_id).responsible_person_id == pflock_id
    assert sorted(c.kind for c in find_conflicts([demo.id])[demo.id]) == ["person", "room"]


# --- the trash page -------------------------------------------------------------------------


def test_the_trash_lists_what_when_and_by_whom_for_the_organisation_only(
    app, client, login, planner, demo, scene
):
    other_id = scene.other.id
    client.post(f"/visits/{scene.draft.id}/items/{other_id}/delete", data=CONFIRM)
    client.post(f"/people/{scene.gast.id}/delete", data=CONFIRM)

    text = _text(client, "/trash")

    assert "Programmpunkt: Nachlese" in text
    assert "Besuch: Geheimnisvoller Entwurf" in text
    assert "Person: Uwe Gast" in text
    assert "1 Teilnahme an einem Besuch, 1 Antwort" in text
    assert text.count("Lena Hoffmann") == 1 + 2  # the header, then who deleted each
    assert "Endgültig entfernt ab" in text

    # Wuppertal's planners see their person (deleted by Bochum), not Bochum's item.
    wuppertal = app.test_client()
    guest_planner = factories.user(demo.guest_organisations[0], Role.PLANNER)
    db.session.commit()
    wuppertal.post("/login", data={"email": guest_planner.email, "password": factories.PASSWORD})
    guest_text = _text(wuppertal, "/trash")
    item_entry = db.session.scalar(select(TrashEntry).where(TrashEntry.kind == "item"))
    assert "Person: Uwe Gast" in guest_text
    assert "Nachlese" not in guest_text
    assert wuppertal.post(f"/trash/{item_entry.id}/restore").status_code == 404
    assert db.session.scalar(select(AgendaItem).where(AgendaItem.id == other_id)) is None


def test_hosts_and_viewers_have_no_trash(client, login, demo):
    login(factories.user(demo.host_organisation, Role.VIEWER))
    assert client.get("/trash").status_code == 403


def test_an_empty_trash_says_so(client, planner):
    assert "Der Papierkorb ist leer." in _text(client, "/trash")


def test_an_item_of_a_visit_in_the_trash_waits_for_its_visit(client, planner, scene):
    draft_id, item_id, _pflock_id, _gast_id = scene.ids
    client.post(f"/visits/{draft_id}/items/{item_id}/delete", data=CONFIRM)
    client.post(f"/visits/{draft_id}/delete", data=CONFIRM)

    refused = _restore(client, "item", item_id)
    text = _text(client, "/trash")

    assert refused.headers["Location"] == "/trash"
    assert "„Geheimnisvoller Entwurf“ liegt im Papierkorb: Stellen Sie es zuerst wieder her." in (
        text
    )
    _restore(client, "visit", draft_id)
    _restore(client, "item", item_id)
    assert scene.answers() == [
        ("Gast", "Zweitbelegung", "accepted"), ("Pflock", "Zweitbelegung", "tentative")
    ]  # fmt: skip
