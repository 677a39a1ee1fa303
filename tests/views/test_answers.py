"""A person's own answer page (no login), and answers per item on staff pages and exports."""

import csv
import io

import pytest
from icalendar import Calendar
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from planner.enums import ItemStatus, Role, RsvpStatus
from planner.extensions import db
from planner.models import ItemAnswer, Participation
from planner.services.answers import RSVP_SALT, answer_item, answers_of, rsvp_token
from planner.services.demo import load_demo_data
from tests import factories
from tests.helpers import page_text


@pytest.fixture
def demo(app):
    visit = load_demo_data().visit
    for participation in visit.participations:
        participation.rsvp_status = RsvpStatus.NEEDS_ACTION
    db.session.commit()
    return visit


def _mayor(visit) -> Participation:
    return next(p for p in visit.participations if p.person.last_name == "Schneidewind")


def _statuses(participation) -> dict[int, RsvpStatus]:
    db.session.expire_all()
    return {item_id: answer.status for item_id, answer in answers_of(participation).items()}


def test_the_answer_page_shows_the_persons_issued_programme_without_internal_notes(client, demo):
    page = page_text(client.get(f"/rsvp/{rsvp_token(_mayor(demo))}"))

    assert "Ihr Programm: Smart-City-Austausch: Besuch der Stadt Wuppertal" in page
    assert "Alle Zeiten: Europe/Berlin" in page
    assert "10:00–10:30 · Begrüßung durch den Oberbürgermeister" in page
    assert "Parkplatz" not in page  # the welcome's internal note
    assert page.count("Ja, ich nehme teil") == len(demo.items)


def test_a_link_for_one_item_preselects_only_that_item(client, demo):
    item = demo.items[2]
    token = rsvp_token(_mayor(demo))

    html = client.get(f"/rsvp/{token}?answer=declined&item={item.id}").get_data(as_text=True)

    assert html.count('value="declined" checked') == 1
    assert f'id="item-{item.id}-declined" name="item-{item.id}" value="declined" checked' in html
    assert _statuses(_mayor(demo)) == {}  # looking changes nothing


def test_answers_per_item_are_saved_and_the_overall_answer_follows(client, demo):
    mayor = _mayor(demo)
    first, second = demo.items[0], demo.items[1]

    response = client.post(
        f"/rsvp/{rsvp_token(mayor)}",
        data={f"item-{first.id}": "accepted", f"item-{second.id}": "declined"},
    )

    assert "Vielen Dank. Ihre Antworten wurden gespeichert." in page_text(response)
    assert _statuses(mayor) == {first.id: RsvpStatus.ACCEPTED, second.id: RsvpStatus.DECLINED}
    assert db.session.get(Participation, mayor.id).rsvp_status == RsvpStatus.ACCEPTED


def test_one_answer_for_all_applies_to_every_item_that_takes_place(client, demo):
    mayor = _mayor(demo)

    client.post(f"/rsvp/{rsvp_token(mayor)}", data={"answer": "tentative"})

    assert _statuses(mayor) == {item.id: RsvpStatus.TENTATIVE for item in demo.items}


def test_the_link_of_a_removed_person_stops_working(client, login, demo):
    mayor = _mayor(demo)
    token = rsvp_token(mayor)
    login(factories.user(demo.host_organisation, Role.PLANNER))

    client.post(f"/visits/{demo.id}/participants/{mayor.id}/remove", data={"confirm": "yes"})

    response = client.post(f"/rsvp/{token}", data={"answer": "accepted"})
    assert response.status_code == 400
    assert "Dieser Link ist nicht gültig" in page_text(response)
    assert db.session.scalar(select(ItemAnswer)) is None


def test_links_name_a_random_value_not_the_row_id(app, demo):
    mayor = _mayor(demo)
    other = next(p for p in demo.participations if p.id != mayor.id)
    reader = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=RSVP_SALT)

    assert reader.loads(rsvp_token(mayor)) == {"n": mayor.rsvp_nonce}
    assert len(mayor.rsvp_nonce) >= 20
    assert mayor.rsvp_nonce != other.rsvp_nonce


def test_the_person_downloads_their_own_programme(client, demo):
    response = client.get(f"/rsvp/{rsvp_token(_mayor(demo))}/programme.ics")

    assert response.status_code == 200
    calendar = Calendar.from_ical(response.data)
    events = calendar.walk("VEVENT")
    assert {str(e["UID"]) for e in events} == {item.uid for item in demo.items}
    assert all(str(e["URL"]).startswith("http://planner.test/rsvp/") for e in events)
    assert b"ATTENDEE" not in response.data


def test_participants_page_and_exports_show_the_answer_per_item_with_its_time(client, login, demo):
    mayor = _mayor(demo)
    welcome, demo_item = demo.items[0], demo.items[1]
    answer_item(mayor, welcome, RsvpStatus.ACCEPTED, source="calendar")
    answer_item(mayor, demo_item, RsvpStatus.DECLINED, source="link")
    demo.items[4].status = ItemStatus.CANCELLED  # not issued yet: still answerable
    db.session.commit()
    login(factories.user(demo.host_organisation, Role.PLANNER))

    page = page_text(client.get(f"/visits/{demo.id}/participants"))
    assert f"{welcome.title_de}: zugesagt (" in page
    assert "Kalenderprogramm)" in page
    assert f"{demo_item.title_de}: abgesagt (" in page
    assert f"{demo.items[2].title_de}: keine Antwort" in page

    rows = list(csv.reader(io.StringIO(
        client.get(f"/visits/{demo.id}/attendees.csv").get_data(as_text=True).lstrip("\ufeff")
    ), delimiter=";"))  # fmt: skip
    header = rows[0]
    assert header[-len(demo.items) :] == [f"Antwort: {item.title_de}" for item in demo.items]
    row = next(r for r in rows if r[5] == "Schneidewind")
    cells = row[-len(demo.items) :]
    assert cells[0].startswith("zugesagt (20")
    assert cells[1].startswith("abgesagt (20")
    assert cells[2:] == ["keine Antwort"] * (len(demo.items) - 2)
