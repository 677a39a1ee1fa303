"""The thread of a visit: who reads which message, who is told by e-mail, what is new."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from planner.enums import AuditAction, GuestState, ItemKind, Language, OutboxStatus, Role
from planner.extensions import db
from planner.models import AuditEntry, OutboxMessage, VisitGuest, VisitMessage
from tests import factories
from tests.helpers import count_queries, page_text


@pytest.fixture
def offices():
    """A visit of Bochum with two accepted guests (Wuppertal, Essen), one invited
    (Dortmund) and an unrelated city (Herne), each with a planner."""
    bochum, wuppertal, essen = (factories.organisation(name) for name in
                                ("Bochum", "Wuppertal", "Essen"))  # fmt: skip
    dortmund, herne = factories.organisation("Dortmund"), factories.organisation("Herne")
    essen.locale = Language.EN
    first_day = date.today() + timedelta(days=10)  # noqa: DTZ011 (upcoming on the dashboard)
    visit = factories.visit(bochum, [wuppertal, essen], first_day=first_day, title="Smart City")
    db.session.add(VisitGuest(visit=visit, organisation=dortmund, state=GuestState.INVITED))
    people = {
        "host": factories.user(bochum, name="Petra Protokoll", email="petra@bochum.example"),
        "host2": factories.user(bochum, name="Hans Host", email="hans@bochum.example"),
        "host_viewer": factories.user(bochum, Role.VIEWER, email="vera@bochum.example"),
        "a": factories.user(wuppertal, name="Anna Wupper", email="anna@wuppertal.example"),
        "a2": factories.user(wuppertal, Role.ADMIN, email="admin@wuppertal.example"),
        "a_viewer": factories.user(wuppertal, Role.VIEWER, email="view@wuppertal.example"),
        "b": factories.user(essen, name="Ben Essen", email="ben@essen.example"),
        "invited": factories.user(dortmund, email="dora@dortmund.example"),
        "other": factories.user(herne, email="hero@herne.example"),
    }
    db.session.commit()
    return {"visit": visit, "bochum": bochum, "wuppertal": wuppertal, "essen": essen, **people}


def _write(client, visit, body: str, addressee: str = "all", **fields):
    data = {"addressee": addressee, "body": body, "item": "0", "version": "0", **fields}
    return client.post(f"/visits/{visit.id}/thread", data=data)


def _as(client, login, user):
    client.post("/logout")
    login(user)


def _thread_text(client, visit) -> str:
    response = client.get(f"/visits/{visit.id}/thread")
    assert response.status_code == 200
    return page_text(response)


def _notices(visit) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.visit_id == visit.id, OutboxMessage.kind == "thread-message")
            .order_by(OutboxMessage.id)
        )
    )


def test_a_guests_message_to_the_host_is_not_read_by_the_other_guest(client, login, offices):
    visit, wuppertal = offices["visit"], offices["wuppertal"]
    login(offices["a"])

    response = _write(client, visit, "Wir kommen mit dem Zug.", str(wuppertal.id))
    _as(client, login, offices["b"])
    other_guest = _thread_text(client, visit)
    _as(client, login, offices["host"])
    host = _thread_text(client, visit)

    assert response.status_code == 302
    assert "Wir kommen mit dem Zug." not in other_guest
    assert "Wir kommen mit dem Zug." in host
    assert "Anna Wupper (Wuppertal)" in host
    assert "Nur zwischen Bochum und Wuppertal" in host


def test_a_message_to_everyone_is_read_by_the_host_and_every_guest(client, login, offices):
    visit = offices["visit"]
    login(offices["b"])
    _write(client, visit, "Hello from Essen to all.")

    for reader in ("host", "host_viewer", "a", "a_viewer", "b"):
        _as(client, login, offices[reader])
        assert "Hello from Essen to all." in _thread_text(client, visit), reader


def test_the_host_reads_every_pair_of_its_visit(client, login, offices):
    visit, wuppertal, essen = offices["visit"], offices["wuppertal"], offices["essen"]
    login(offices["host"])
    _write(client, visit, "Nur an Essen.", str(essen.id))
    _as(client, login, offices["a"])
    _write(client, visit, "Nur an Bochum.", str(wuppertal.id))

    _as(client, login, offices["host2"])
    host = _thread_text(client, visit)
    _as(client, login, offices["a"])
    guest = _thread_text(client, visit)

    assert "Nur an Essen." in host
    assert "Nur an Bochum." in host
    assert "Nur an Essen." not in guest
    assert "Nur an Bochum." in guest


@pytest.mark.parametrize("who", ["invited", "other"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_unaccepted_and_unrelated_organisations_find_no_thread(client, login, offices, who, method):
    visit = offices["visit"]
    login(offices[who])

    response = client.open(f"/visits/{visit.id}/thread", method=method, data={"body": "Hallo"})

    assert response.status_code == 404
    assert db.session.scalar(select(VisitMessage.id)) is None


def test_a_guest_that_left_no_longer_reads_the_thread(client, login, offices):
    visit, essen = offices["visit"], offices["essen"]
    login(offices["host"])
    _write(client, visit, "An alle.")
    link = db.session.get(VisitGuest, (visit.id, essen.id))
    link.state = GuestState.LEFT
    db.session.commit()
    _as(client, login, offices["b"])

    assert client.get(f"/visits/{visit.id}/thread").status_code == 404


def test_viewers_read_but_do_not_write(client, login, offices):
    visit = offices["visit"]
    login(offices["a_viewer"])

    text = _thread_text(client, visit)
    refused = _write(client, visit, "Darf ich?")

    assert "Nachricht senden" not in text
    assert refused.status_code == 403
    assert db.session.scalar(select(VisitMessage.id)) is None


def test_a_guest_cannot_write_to_the_pair_of_another_guest(client, login, offices):
    visit, essen = offices["visit"], offices["essen"]
    login(offices["a"])

    response = _write(client, visit, "Heimlich an Essen.", str(essen.id))

    assert response.status_code == 422
    assert "Keine gültige Auswahl." in page_text(response)
    assert db.session.scalar(select(VisitMessage.id)) is None


def test_a_guest_chooses_between_everyone_and_the_host(client, login, offices):
    login(offices["a"])

    text = _thread_text(client, offices["visit"])

    assert "Alle: der Gastgeber und alle Gastorganisationen" in text
    assert "Nur der Gastgeber, Bochum" in text
    assert "Nur Essen" not in text


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"body": ""}, "Bitte schreiben Sie eine Nachricht."),
        ({"body": "   \n "}, "Bitte schreiben Sie eine Nachricht."),
        ({"body": "x" * 4001}, "Bitte schreiben Sie höchstens 4000 Zeichen."),
        ({"addressee": "everyone-and-more"}, "Keine gültige Auswahl."),
        ({"item": "999999"}, "Keine gültige Auswahl."),
        ({"version": "abc"}, "Ungültige Auswahl"),
    ],
    ids=["empty", "blank", "too-long", "addressee", "item", "version"],
)
def test_bad_input_is_told_at_the_field_and_nothing_is_written(client, login, offices, data, error):
    visit = offices["visit"]
    login(offices["host"])

    response = _write(client, visit, **{"body": "Gut", **data})

    assert response.status_code == 422
    assert "field-error" in response.get_data(as_text=True)
    assert error in page_text(response)
    assert db.session.scalar(select(VisitMessage.id)) is None
    assert _notices(visit) == []


def test_an_item_of_another_visit_is_refused(client, login, offices):
    visit = offices["visit"]
    elsewhere = factories.visit(offices["bochum"], [])
    foreign = factories.item(elsewhere, "2023-02-23 10:00", "2023-02-23 11:00", "Fremd")
    own = factories.item(visit, f"{visit.first_day} 10:00", f"{visit.first_day} 11:00", "Eigen")
    login(offices["host"])

    refused = _write(client, visit, "Zu diesem Punkt", item=str(foreign.id))
    accepted = _write(client, visit, "Zu diesem Punkt", item=str(own.id))

    assert refused.status_code == 422
    assert accepted.status_code == 302
    text = _thread_text(client, visit)
    assert "Betrifft: " in text
    assert "Eigen" in text


def test_a_guest_does_not_learn_the_title_of_an_unpublished_item(client, login, offices):
    visit = offices["visit"]
    secret = factories.item(visit, f"{visit.first_day} 10:00", f"{visit.first_day} 11:00",
                            "Geheimer Empfang", kind=ItemKind.INTERNAL_HOLD)  # fmt: skip
    login(offices["host"])
    _write(client, visit, "Bitte vormerken.", item=str(secret.id))
    _as(client, login, offices["a"])

    text = _thread_text(client, visit)

    assert "Bitte vormerken." in text
    assert "Geheimer Empfang" not in text
    assert "ein noch nicht veröffentlichter Programmpunkt" in text


def test_a_message_is_e_mailed_to_the_readers_planners_but_its_author(client, login, offices):
    visit, wuppertal = offices["visit"], offices["wuppertal"]
    login(offices["a"])

    _write(client, visit, "Wir kommen mit dem Zug.", str(wuppertal.id))

    notices = _notices(visit)
    # The host's planners and the author's colleague; not the author, not Essen, no viewer.
    assert sorted(notice.to_address for notice in notices) == [
        "admin@wuppertal.example", "hans@bochum.example", "petra@bochum.example"]  # fmt: skip
    for notice in notices:
        assert notice.status == OutboxStatus.PENDING
        assert f"http://planner.test/visits/{visit.id}/thread" in notice.body_text
        assert "Wir kommen mit dem Zug." in notice.body_text
    assert notices[0].subject == "Neue Nachricht zu Smart City von Wuppertal"


def test_a_message_to_everyone_reaches_each_guest_in_its_language(client, login, offices):
    visit = offices["visit"]
    login(offices["host"])

    _write(client, visit, "Das Programm steht.")

    by_address = {notice.to_address: notice for notice in _notices(visit)}
    assert set(by_address) == {"hans@bochum.example", "anna@wuppertal.example",
                               "admin@wuppertal.example", "ben@essen.example"}  # fmt: skip
    assert by_address["ben@essen.example"].subject == "New message about Smart City from Bochum"
    assert by_address["ben@essen.example"].language == "en"
    assert by_address["anna@wuppertal.example"].language == "de"


def test_a_message_is_kept_in_the_audit_trail_without_its_text(client, login, offices):
    visit = offices["visit"]
    login(offices["host"])
    _write(client, visit, "Vertraulich genug.")

    [entry] = db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "VisitMessage")
    ).all()
    history = page_text(client.get(f"/visits/{visit.id}/history"))

    assert entry.action == AuditAction.CREATE
    assert entry.user_id == offices["host"].id
    assert entry.changes["body"] == [None, "[redacted]"]
    assert "hat eine Nachricht im Nachrichtenverlauf des Besuchs" in history


def test_new_messages_are_counted_per_user_until_they_open_the_thread(client, login, offices):
    visit = offices["visit"]
    login(offices["a"])
    _write(client, visit, "Erste Frage.")
    _write(client, visit, "Zweite Frage.")
    own = page_text(client.get(f"/visits/{visit.id}"))

    _as(client, login, offices["host"])
    before = page_text(client.get(f"/visits/{visit.id}"))
    dashboard = page_text(client.get("/"))
    thread = _thread_text(client, visit)
    after = page_text(client.get(f"/visits/{visit.id}"))
    _as(client, login, offices["host2"])
    colleague = page_text(client.get(f"/visits/{visit.id}"))

    assert "Nachrichten (2 neu)" not in own  # one's own messages are not new
    assert "Nachrichten (2 neu)" in before
    assert "2 neue Nachrichten" in dashboard
    assert thread.count("Neu ") == 2
    assert "neu)" not in after
    assert "Nachrichten" in after
    assert "Nachrichten (2 neu)" in colleague


def test_a_pair_message_is_not_counted_for_the_other_guest(client, login, offices):
    visit, wuppertal = offices["visit"], offices["wuppertal"]
    login(offices["a"])
    _write(client, visit, "Nur an Bochum.", str(wuppertal.id))
    _as(client, login, offices["b"])

    assert "neu)" not in page_text(client.get(f"/visits/{visit.id}"))


def test_the_thread_page_costs_the_same_queries_for_2_and_20_messages(client, login, offices):
    visit, wuppertal = offices["visit"], offices["wuppertal"]
    item = factories.item(visit, f"{visit.first_day} 10:00", f"{visit.first_day} 11:00")
    factories.issue(visit)
    db.session.commit()
    login(offices["a"])

    def costs() -> int:
        with count_queries(db.engine) as counted:
            assert client.get(f"/visits/{visit.id}/thread").status_code == 200
        return counted.count

    for number in range(2):
        _write(client, visit, f"Nachricht {number}", str(wuppertal.id), item=str(item.id))
    few = costs()
    for number in range(18):
        _write(client, visit, f"Nachricht {number}", "all", item=str(item.id))
    many = costs()

    assert many == few
    assert few <= 15


def test_the_dashboard_counts_new_messages_in_one_query_for_all_visits(client, login, offices):
    visit = offices["visit"]
    others = [
        factories.visit(offices["bochum"], [offices["wuppertal"]], first_day=visit.first_day)
        for _ in range(3)
    ]
    db.session.commit()
    login(offices["a"])
    _write(client, visit, "Eins.")
    _as(client, login, offices["host"])

    with count_queries(db.engine) as one:
        client.get("/")
    _as(client, login, offices["a"])
    for other in others:
        _write(client, other, "Noch eine.")
    _as(client, login, offices["host"])
    with count_queries(db.engine) as four:
        text = page_text(client.get("/"))

    assert text.count("1 neue Nachricht") == 4
    assert four.count == one.count
