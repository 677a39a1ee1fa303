"""Calendar downloads and feeds over HTTP: types, names, tokens and conditional requests."""

import re

import pytest
from sqlalchemy import select

from planner.enums import Role
from planner.extensions import db
from planner.models import FeedToken
from planner.services.demo import INTERNAL_PARKING_NOTE, load_demo_data
from planner.services.versions import issue_version, load_for_snapshot
from tests import factories
from tests.calendars import read_both
from tests.helpers import page_text


@pytest.fixture
def demo(app):
    return load_demo_data().visit


def _feed_url(client, visit_id: int) -> str:
    client.post(f"/visits/{visit_id}/feeds")
    token = db.session.scalar(select(FeedToken.token).order_by(FeedToken.id.desc()))
    return f"/feeds/{token}.ics"


def test_visit_download_is_a_calendar_attachment(client, login, demo):
    login(factories.user(demo.guest_organisations[0], Role.VIEWER))

    response = client.get(f"/visits/{demo.id}/agenda.ics")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="smart-city-austausch-besuch-der-stadt-wuppertal.ics"'
    )
    assert len(read_both(response.data)) == len(demo.items)


def test_calendar_file_names_spell_umlauts_out(client, login, demo):
    login(factories.user(demo.host_organisation, Role.VIEWER))
    kuecuek = next(p.person for p in demo.participations if p.person.last_name == "Kücük")
    demo.title = "Mobilität & Klimaschutz – Café Łódź"
    db.session.commit()

    visit = client.get(f"/visits/{demo.id}/agenda.ics")
    person = client.get(f"/visits/{demo.id}/people/{kuecuek.id}.ics")

    assert visit.headers["Content-Disposition"] == (
        'attachment; filename="mobilitaet-klimaschutz-cafe-lodz.ics"'
    )
    assert person.headers["Content-Disposition"] == (
        'attachment; filename="kuecuek-mobilitaet-klimaschutz-cafe-lodz.ics"'
    )


def test_guests_get_no_internal_notes_in_downloads_or_feeds(client, login, demo):
    login(factories.user(demo.guest_organisations[0], Role.PLANNER))

    download = client.get(f"/visits/{demo.id}/agenda.ics").data.decode()
    feed = client.get(_feed_url(client, demo.id)).data.decode()

    for text in (download, feed):
        assert "INTERN" not in text
        assert INTERNAL_PARKING_NOTE not in text
        assert "ATTENDEE" not in text
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in feed
    assert "X-PUBLISHED-TTL:PT1H" in feed


def test_feed_answers_304_while_nothing_changed_and_200_after_a_new_version(client, login, demo):
    planner = factories.user(demo.host_organisation, Role.PLANNER)
    login(planner)
    url = _feed_url(client, demo.id)
    anonymous = client.application.test_client()

    first = anonymous.get(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = anonymous.get(url, headers={"If-None-Match": etag})
    since = anonymous.get(url, headers={"If-Modified-Since": modified})

    assert (first.status_code, again.status_code, since.status_code) == (200, 304, 304)
    assert again.data == b""

    demo.items[0].title_de = "Empfang im Ratssaal"
    db.session.commit()
    assert anonymous.get(url, headers={"If-None-Match": etag}).status_code == 304  # draft only
    issue_version(load_for_snapshot(demo.id), planner, "Neuer Titel")
    db.session.commit()
    changed = anonymous.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert "Empfang im Ratssaal" in changed.data.decode()


GONE = (410, "text/plain; charset=utf-8", "Diese Abonnement-Adresse gilt nicht (mehr).\n")


def _answer(response) -> tuple[int, str, str]:
    return response.status_code, response.content_type, response.get_data(as_text=True)


def test_a_revoked_or_unknown_feed_is_gone_and_both_answer_alike(client, login, demo):
    login(factories.user(demo.host_organisation, Role.VIEWER))
    url = _feed_url(client, demo.id)
    feed = db.session.scalar(select(FeedToken))
    assert client.get(url).status_code == 200

    client.post(f"/feeds/{feed.id}/revoke")

    assert _answer(client.get(url)) == GONE
    assert _answer(client.get("/feeds/not-a-token.ics")) == GONE
    assert _answer(client.get(f"/feeds/{'x' * 80}.ics")) == GONE


def test_a_feed_ends_when_its_owner_loses_access(client, login, demo):
    viewer = factories.user(demo.guest_organisations[0], Role.VIEWER)
    login(viewer)
    url = _feed_url(client, demo.id)
    viewer.active = False
    db.session.commit()
    assert _answer(client.application.test_client().get(url)) == GONE


def test_the_user_feed_has_every_issued_visit_of_the_organisation(client, login, demo):
    other = factories.visit(demo.host_organisation, title="Besuch aus Dortmund")
    factories.item(other, "2023-02-23 15:00", "2023-02-23 16:00", "Austausch")
    factories.visit(demo.host_organisation, title="Nie herausgegeben")
    db.session.commit()
    issue_version(load_for_snapshot(other.id), None, "Erste Fassung")
    db.session.commit()
    login(factories.user(demo.host_organisation, Role.VIEWER))

    client.post("/account/feed", data={"next": "/"})
    token = db.session.scalar(select(FeedToken.token).where(FeedToken.kind == "user"))
    body = client.application.test_client().get(f"/feeds/{token}.ics").data

    assert len(read_both(body)) == len(demo.items) + 1
    assert body.decode().count("BEGIN:VTIMEZONE") == 1


def test_a_visit_never_issued_has_no_calendar_for_guests_but_a_draft_for_hosts(client, login, demo):
    visit = factories.visit(demo.host_organisation, [demo.guest_organisations[0]])
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang")
    db.session.commit()
    guest = client.application.test_client()
    guest_user = factories.user(demo.guest_organisations[0], Role.VIEWER)
    db.session.commit()
    guest.post("/login", data={"email": guest_user.email, "password": factories.PASSWORD})
    login(factories.user(demo.host_organisation, Role.VIEWER))

    assert guest.get(f"/visits/{visit.id}/agenda.ics").status_code == 404
    draft = client.get(f"/visits/{visit.id}/agenda.ics")
    assert draft.status_code == 200
    assert f"X-WR-CALNAME:{visit.title} (Arbeitsentwurf)" in draft.data.decode()


def test_an_item_download_has_just_that_item(client, login, demo):
    login(factories.user(demo.guest_organisations[0], Role.VIEWER))
    item = demo.items[2]
    response = client.get(f"/visits/{demo.id}/items/{item.id}.ics")
    assert list(read_both(response.data)) == [item.uid]


def test_an_attendee_calendar_needs_a_participant(client, login, demo):
    login(factories.user(demo.host_organisation, Role.VIEWER))
    outsider = factories.person(demo.host_organisation, "Niemand")
    db.session.commit()
    assert client.get(f"/visits/{demo.id}/people/{outsider.id}.ics").status_code == 404
    member = demo.participations[0].person_id
    assert client.get(f"/visits/{demo.id}/people/{member}.ics").status_code == 200


def test_a_guest_reads_only_its_own_delegations_calendars(client, login, demo):
    login(factories.user(demo.guest_organisations[0], Role.PLANNER))
    by_side = {p.side: p.person_id for p in demo.participations}
    own = client.get(f"/visits/{demo.id}/people/{by_side['guest']}.ics")
    assert own.status_code == 200
    assert "BEGIN:VEVENT" in own.get_data(as_text=True)
    # The host's staff are not the guest's to read: not found, as for a stranger.
    assert client.get(f"/visits/{demo.id}/people/{by_side['host']}.ics").status_code == 404


def test_a_cancellation_is_not_hidden_behind_if_modified_since(client, login, demo):
    from planner.enums import VisitStatus
    from planner.services.planning import change_status

    demo.status = VisitStatus.CONFIRMED
    login(factories.user(demo.host_organisation, Role.VIEWER))
    url = _feed_url(client, demo.id)
    anonymous = client.application.test_client()
    modified = anonymous.get(url).headers["Last-Modified"]

    import time

    time.sleep(1.1)  # Last-Modified counts whole seconds
    change_status(demo, VisitStatus.CANCELLED)
    db.session.commit()

    response = anonymous.get(url, headers={"If-Modified-Since": modified})
    assert response.status_code == 200
    assert "STATUS:CANCELLED" in response.data.decode()


def _reminder_box(page: str, field_id: str) -> str:
    match = re.search(rf'<input type="checkbox" id="{field_id}"[^>]*>', page)
    assert match is not None, field_id
    return match.group(0)


def test_the_feed_forms_offer_reminders_off_for_all_visits_and_on_for_one_visit(
    client, login, demo
):
    login(factories.user(demo.host_organisation, Role.PLANNER))
    person = demo.participations[0].person_id

    index = client.get("/").get_data(as_text=True)
    visit_page = client.get(f"/visits/{demo.id}").get_data(as_text=True)
    participants = client.get(f"/visits/{demo.id}/participants").get_data(as_text=True)

    assert 'for="user-feed-reminders">Erinnerung vor jedem Termin</label>' in index
    assert "checked" not in _reminder_box(index, "user-feed-reminders")
    assert "checked" in _reminder_box(visit_page, "visit-feed-reminders")
    assert "checked" in _reminder_box(participants, f"feed-reminders-{person}")


def _feed_body(client, kind: str) -> str:
    token = db.session.scalar(
        select(FeedToken.token).where(FeedToken.kind == kind).order_by(FeedToken.id.desc())
    )
    return client.application.test_client().get(f"/feeds/{token}.ics").data.decode()


def test_a_staff_feed_of_all_visits_has_reminders_only_when_ticked(client, login, demo):
    login(factories.user(demo.host_organisation, Role.VIEWER))

    client.post("/account/feed", data={"next": "/"})
    plain = _feed_body(client, "user")
    page = page_text(client.get("/"))
    feed = db.session.scalar(select(FeedToken).where(FeedToken.kind == "user"))
    client.post(f"/feeds/{feed.id}/revoke")
    client.post("/account/feed", data={"next": "/", "reminders": "1"})
    reminded = _feed_body(client, "user")

    items = len(demo.items)
    assert (plain.count("BEGIN:VEVENT"), plain.count("BEGIN:VALARM")) == (items, 0)
    assert "Ohne Erinnerungen." in page
    assert (reminded.count("BEGIN:VEVENT"), reminded.count("TRIGGER:-PT15M")) == (items, items)
    assert "Mit Erinnerung 15 Minuten vor jedem Termin." in page_text(client.get("/"))


def test_a_visit_feed_keeps_the_reminder_choice_made_when_it_was_opened(client, login, demo):
    login(factories.user(demo.host_organisation, Role.VIEWER))

    client.post(f"/visits/{demo.id}/feeds", data={"reminders": "1"})
    reminded = _feed_body(client, "visit")
    feed = db.session.scalar(select(FeedToken).where(FeedToken.kind == "visit"))
    client.post(f"/feeds/{feed.id}/revoke")
    client.post(f"/visits/{demo.id}/feeds")
    plain = _feed_body(client, "visit")

    assert reminded.count("TRIGGER:-PT15M") == len(demo.items)
    assert "VALARM" not in plain


def test_a_feed_form_offers_no_reminder_when_reminders_are_switched_off(app_factory, demo):
    app = app_factory(ICAL_ALARM_MINUTES=0)
    client = app.test_client()
    user = factories.user(demo.host_organisation, Role.VIEWER)
    db.session.commit()
    client.post("/login", data={"email": user.email, "password": factories.PASSWORD})

    page = client.get(f"/visits/{demo.id}").get_data(as_text=True)
    client.post(f"/visits/{demo.id}/feeds", data={"reminders": "1"})
    body = _feed_body(client, "visit")

    assert "Erinnerung vor jedem Termin" not in page
    assert "Ohne Erinnerungen." in page_text(client.get(f"/visits/{demo.id}"))
    assert "VALARM" not in body
