"""An invited person's own page, opened from the invitation without a login."""

from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from planner.enums import ItemKind, Language, Role, RsvpStatus
from planner.extensions import db
from planner.models import AuditEntry, OutboxMessage, Participation, Person
from planner.services.answers import answers_of, rsvp_token
from planner.services.invitations import draft_invitations
from planner.services.people import anonymise
from planner.services.personal import feed_addresses, feed_token
from tests import factories
from tests.calendars import read_both
from tests.helpers import form_values, page_text

ADDRESS = "Willy-Brandt-Platz 2–6, 44777 Bochum"


def personal_scene() -> dict:
    """Add a visit with a German and an English invitee, an internal hold and a note,
    and a third person whose needs nobody else may read; return its parts by name."""
    host = factories.organisation("Bochum")
    wuppertal = factories.organisation("Wuppertal")
    london = factories.organisation("London")
    london.timezone = "Europe/London"
    visit = factories.visit(host, [wuppertal, london], title="Smart-City-Austausch")
    room = factories.room(host, "Ratssaal")
    room.venue.address = ADDRESS
    welcome = factories.item(visit, "2023-02-23 10:00", "2023-02-23 10:30", "Begrüßung",
                             title_en="Welcome", room=room,
                             internal_notes="Parkplatz am Haupteingang freihalten")  # fmt: skip
    factories.item(visit, "2023-02-23 10:30", "2023-02-23 11:00", "Interne Abstimmung",
                   kind=ItemKind.INTERNAL_HOLD)  # fmt: skip
    lunch = factories.item(visit, "2023-02-23 12:00", "2023-02-23 13:00", "Mittagessen",
                           title_en="Lunch", room=room)  # fmt: skip
    anna = factories.person(wuppertal, "Arendt", first_name="Anna", language=Language.DE,
                            email="anna@wuppertal.example")  # fmt: skip
    john = factories.person(london, "Smith", first_name="John", language=Language.EN,
                            email="john@london.example")  # fmt: skip
    secret = factories.person(wuppertal, "Geheimrat", email="geheim@wuppertal.example",
                              dietary_needs="Erdnussallergie")  # fmt: skip
    factories.participation(visit, anna)
    factories.participation(visit, john, attends_all_items=False, items=[welcome])
    factories.participation(visit, secret)
    version = factories.issue(visit)
    db.session.commit()
    return {"visit": visit, "version": version, "welcome": welcome, "lunch": lunch,
            "anna": anna, "john": john, "host": host, "london": london}  # fmt: skip


@pytest.fixture
def scene(app) -> dict:
    """The visit of ``personal_scene``."""
    return personal_scene()


def _participation(person: Person) -> Participation:
    return db.session.scalar(select(Participation).where(Participation.person_id == person.id))


def _page(person: Person) -> str:
    return f"/rsvp/{rsvp_token(_participation(person))}"


def _needs(client, person: Person, **changes):
    """Send the needs form as the page shows it, with ``changes`` typed in."""
    page = client.get(_page(person))
    data = form_values(page, form_id="needs-form")
    data.update(changes)
    return client.post(f"{_page(person)}/needs", data={k: v for k, v in data.items() if v})


def test_the_link_of_a_sent_invitation_opens_the_page_without_a_login(client, scene):
    draft_invitations(scene["visit"], scene["version"])
    db.session.commit()
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == "anna@wuppertal.example")
    ).first()
    event = Calendar.from_ical(message.ical).walk("VEVENT")[0]
    link = urlsplit(str(event["URL"]))

    # The letter links to the same page (its token, signed a moment apart, names the
    # same participation).
    payload = link.path.split(".")[0]
    assert f"{link.scheme}://{link.netloc}{payload}." in message.body_text
    page = page_text(client.get(link.path))
    assert "Ihr Programm: Smart-City-Austausch" in page
    assert "Alle Zeiten: Europe/Berlin" in page
    assert "10:00–10:30 · Begrüßung" in page
    assert "Ort: Ratssaal, Rathaus" in page
    assert ADDRESS in page
    assert "Abmelden" not in page


def test_the_english_invitee_sees_their_own_items_in_english_with_their_home_zone(client, scene):
    page = page_text(client.get(_page(scene["john"])))

    assert "Your programme: Smart-City-Austausch" in page
    assert "All times: Europe/Berlin · In brackets: the time in Europe/London" in page
    assert "10:00–10:30 (09:00–09:30) · Welcome" in page
    assert ADDRESS in page
    assert "Lunch" not in page
    assert "Your needs and travel" in page


def test_the_page_shows_no_internal_notes_holds_or_other_peoples_data(client, scene):
    page = page_text(client.get(_page(scene["anna"])))

    assert "12:00–13:00 · Mittagessen" in page
    for hidden in ("Parkplatz am Haupteingang", "Interne Abstimmung", "Erdnussallergie",
                   "Geheimrat", "Smith", "john@london.example"):  # fmt: skip
        assert hidden not in page


def test_answers_per_item_are_saved(client, scene):
    welcome, lunch = scene["welcome"], scene["lunch"]

    chosen = {f"item-{welcome.id}": "accepted", f"item-{lunch.id}": "declined"}
    client.post(_page(scene["anna"]), data=chosen)

    db.session.expire_all()
    answers = answers_of(_participation(scene["anna"]))
    assert {item: answer.status for item, answer in answers.items()} == {
        welcome.id: RsvpStatus.ACCEPTED,
        lunch.id: RsvpStatus.DECLINED,
    }


def test_health_needs_are_saved_with_consent(client, scene):
    response = _needs(client, scene["anna"], dietary_needs="vegetarisch", needs_escort="y",
                      accessibility_needs="Rollstuhl", health_consent="y")  # fmt: skip

    assert "Ihre Angaben zu Bedarf und Reise wurden gespeichert" in page_text(response)
    db.session.expire_all()
    anna = db.session.get(Person, scene["anna"].id)
    assert (anna.dietary_needs, anna.accessibility_needs, anna.needs_escort) == (
        "vegetarisch", "Rollstuhl", True,
    )  # fmt: skip
    assert anna.health_consent_at is not None
    assert "Sie haben am" in page_text(response)  # the consent, with its time


def test_health_needs_without_consent_are_refused_and_nothing_is_saved(client, scene):
    response = _needs(client, scene["anna"], dietary_needs="vegetarisch", needs_parking="y")

    assert response.status_code == 422
    assert "Bitte stimmen Sie zu" in page_text(response)
    db.session.expire_all()
    anna = db.session.get(Person, scene["anna"].id)
    assert (anna.dietary_needs, anna.needs_parking, anna.health_consent_at) == ("", False, None)


def test_withdrawing_consent_deletes_the_health_needs_after_a_confirmation(client, scene):
    _needs(client, scene["anna"], dietary_needs="vegetarisch", health_consent="y",
           needs_parking="y")  # fmt: skip
    address = f"{_page(scene['anna'])}/consent"

    assert client.post(address).status_code == 302  # a bare POST deletes nothing
    db.session.expire_all()
    assert db.session.get(Person, scene["anna"].id).dietary_needs == "vegetarisch"
    confirmation = client.get(address)
    assert "Ihre Angaben zu Ernährung und Barrierefreiheit werden" in page_text(confirmation)
    response = client.post(address, data=form_values(confirmation))

    assert "Ihre Einwilligung wurde widerrufen" in page_text(response)
    db.session.expire_all()
    anna = db.session.get(Person, scene["anna"].id)
    assert (anna.dietary_needs, anna.accessibility_needs, anna.health_consent_at) == ("", "", None)
    assert anna.needs_parking is True  # not health data: kept


def test_arrival_and_departure_are_saved_and_shown_to_the_host_planner_only(client, login, scene):
    _needs(client, scene["anna"], arrival_means="train", arrival_at="2023-02-23T09:12",
           arrival_reference="ICE 123", departure_means="car",
           departure_at="2023-02-23T16:30", departure_note="Abholung durch Fahrer")  # fmt: skip
    stored = _participation(scene["anna"])
    assert (stored.arrival_means, stored.arrival_at, stored.arrival_reference) == (
        "train", datetime(2023, 2, 23, 9, 12), "ICE 123",
    )  # fmt: skip

    login(factories.user(scene["host"], Role.PLANNER))
    page = page_text(client.get(f"/visits/{scene['visit'].id}/attendees"))
    assert "Anreise: Zug, ICE 123, Donnerstag, 23. Februar 2023 09:12" in page
    assert "Abreise: Auto, Donnerstag, 23. Februar 2023 16:30, Abholung durch Fahrer" in page
    assert "Ernährung: Erdnussallergie" in page

    client.post("/logout")
    login(factories.user(scene["london"], Role.PLANNER))
    other_guest = page_text(client.get(f"/visits/{scene['visit'].id}/attendees"))
    assert "Arendt" in other_guest
    assert "ICE 123" not in other_guest
    assert "Erdnussallergie" not in other_guest


def test_a_travel_time_far_from_the_visit_is_refused(client, scene):
    response = _needs(client, scene["anna"], arrival_at="2024-02-23T09:12")

    assert response.status_code == 422
    assert "Bitte geben Sie eine Zeit zwischen" in page_text(response)
    assert _participation(scene["anna"]).arrival_at is None


def test_a_form_opened_before_another_save_is_refused(client, scene):
    stale = form_values(client.get(_page(scene["anna"])), form_id="needs-form")
    _needs(client, scene["anna"], arrival_reference="ICE 123")

    stale["arrival_reference"] = "RE 7"
    response = client.post(f"{_page(scene['anna'])}/needs", data=stale)

    assert response.status_code == 409
    assert "Jemand ohne Anmeldung" in page_text(response)
    db.session.expire_all()
    assert _participation(scene["anna"]).arrival_reference == "ICE 123"


def test_the_link_and_the_feed_stop_when_the_person_is_removed(client, login, scene):
    participation = _participation(scene["anna"])
    page, feed = _page(scene["anna"]), urlsplit(feed_addresses(participation)[0]).path
    login(factories.user(scene["host"], Role.PLANNER))

    client.post(f"/visits/{scene['visit'].id}/participants/{participation.id}/remove",
                data={"confirm": "yes"})  # fmt: skip

    assert client.get(page).status_code == 400
    assert client.get(feed).status_code == 410


@pytest.mark.parametrize(("days_ago", "status"), [(30, 200), (31, 410)], ids=["last-day", "after"])
def test_the_link_ends_a_configured_period_after_the_visit(app, client, scene, days_ago, status):
    app.config["RSVP_LINK_DAYS_AFTER_VISIT"] = 30
    visit = scene["visit"]
    today = datetime.now(ZoneInfo(visit.timezone)).date()
    visit.first_day = visit.last_day = today - timedelta(days=days_ago)
    db.session.commit()

    response = client.get(_page(scene["anna"]))

    assert response.status_code == status
    if status == 410:
        assert "Der Besuch ist vorbei und dieser Link ist abgelaufen" in page_text(response)
        feed = urlsplit(feed_addresses(_participation(scene["anna"]))[0]).path
        assert client.get(feed).status_code == 410


def test_the_feed_holds_only_the_persons_issued_items_and_opens_not_the_page(client, scene):
    participation = _participation(scene["john"])
    https, webcal = feed_addresses(participation)
    assert webcal in client.get(_page(scene["john"])).get_data(as_text=True)

    response = client.get(urlsplit(https).path)

    assert response.status_code == 200
    # Both parsers (icalendar and Mozilla's ical.js) read the same single event.
    assert list(read_both(response.data)) == [scene["welcome"].uid]
    assert b"ATTENDEE" not in response.data
    assert b"Parkplatz" not in response.data
    assert client.get(f"/rsvp/{feed_token(participation)}").status_code == 400


def test_the_downloaded_programme_links_each_event_to_the_page(client, scene):
    response = client.get(f"{_page(scene['john'])}/programme.ics")

    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert [str(event["UID"]) for event in events] == [scene["welcome"].uid]
    assert str(events[0]["URL"]).startswith("http://planner.test/rsvp/")


def test_anonymising_the_person_forgets_their_journey_and_consent(client, scene):
    _needs(client, scene["anna"], dietary_needs="vegetarisch", health_consent="y",
           arrival_means="train", arrival_reference="ICE 123")  # fmt: skip

    db.session.expire_all()
    anonymise(db.session.get(Person, scene["anna"].id))
    db.session.commit()

    participation = _participation(scene["anna"])
    assert (participation.arrival_means, participation.arrival_reference) == ("", "")
    assert participation.person.health_consent_at is None
    trail = db.session.scalars(select(AuditEntry.changes)).all()
    assert not [changes for changes in trail if "ICE 123" in str(changes)]
