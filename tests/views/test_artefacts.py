"""Downloads of issued versions from storage, and feeds that answer 304 with one query."""

import pytest
from sqlalchemy import func, select

from planner.enums import Role
from planner.extensions import db
from planner.models import FeedToken, IssuedArtefact
from planner.services.demo import load_demo_data
from planner.services.versions import issue_version, load_for_snapshot
from tests import factories
from tests.helpers import count_queries

GONE = 410


@pytest.fixture
def demo(app):
    return load_demo_data().visit


def _stored() -> list[tuple[str, str, str]]:
    return sorted(
        db.session.execute(
            select(IssuedArtefact.kind, IssuedArtefact.audience, IssuedArtefact.document)
        ).all()
    )


def _feed(client, visit_id: int) -> str:
    client.post(f"/visits/{visit_id}/feeds")
    token = db.session.scalar(select(FeedToken.token).order_by(FeedToken.id.desc()))
    return f"/feeds/{token}.ics"


def _counted(client, url: str, **kwargs):
    with count_queries(db.engine) as counted:
        response = client.get(url, **kwargs)
    return response, counted.count


def test_a_repeat_calendar_download_is_served_from_storage(client, login, demo):
    login(factories.user(demo.guest_organisations[0], Role.VIEWER))
    url = f"/visits/{demo.id}/agenda.ics"

    first = client.get(url)
    again, queries = _counted(client, url)

    assert (again.status_code, again.data) == (200, first.data)
    assert again.headers["ETag"] == first.headers["ETag"]
    assert _stored() == [("calendar", "guest", "agenda")]
    # Session user, visit, its guests, the latest version, the stored calendar.
    assert queries == 5
    unchanged, queries = _counted(client, url, headers={"If-None-Match": first.headers["ETag"]})
    assert (unchanged.status_code, queries) == (304, 5)


def test_a_repeat_pdf_of_an_issued_version_is_served_from_storage(client, login, demo):
    login(factories.user(demo.host_organisation, Role.VIEWER))
    url = f"/visits/{demo.id}/versions/1/print/run-sheet.pdf"

    first = client.get(url)
    again, queries = _counted(client, url)

    assert (again.status_code, again.data) == (200, first.data)
    assert again.data.startswith(b"%PDF")
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Content-Disposition"] == first.headers["Content-Disposition"]
    assert _stored() == [("pdf", "host", "run-sheet")]
    # Session user, visit, the version's id, the stored PDF.
    assert queries == 4


def test_the_latest_versions_pdf_is_one_file_for_both_addresses(client, login, demo):
    login(factories.user(demo.guest_organisations[0], Role.VIEWER))

    current = client.get(f"/visits/{demo.id}/print/agenda.pdf")
    chosen = client.get(f"/visits/{demo.id}/versions/1/print/agenda.pdf")

    assert chosen.data == current.data
    assert current.headers["Content-Disposition"].endswith('Wuppertal-2023-02-23.pdf"')
    assert chosen.headers["Content-Disposition"].endswith('-2023-02-23-Version-1.pdf"')
    assert _stored() == [("pdf", "guest", "agenda")]


def test_a_draft_is_never_stored(client, login, demo):
    login(factories.user(demo.host_organisation, Role.PLANNER))
    demo.items[0].title_de = "Nur im Entwurf"
    db.session.commit()

    calendar = client.get(f"/visits/{demo.id}/agenda.ics?draft=1")
    run_sheet = client.get(f"/visits/{demo.id}/print/run-sheet.pdf")

    assert "Nur im Entwurf" in calendar.data.decode()
    assert run_sheet.status_code == 200
    assert _stored() == []


def test_a_feed_304_costs_one_query_and_a_repeat_answer_two(client, login, demo):
    login(factories.user(demo.host_organisation, Role.VIEWER))
    url = _feed(client, demo.id)
    reader = client.application.test_client()

    first = reader.get(url)
    unchanged, for_304 = _counted(reader, url, headers={"If-None-Match": first.headers["ETag"]})
    since, for_since = _counted(
        reader, url, headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    again, for_full = _counted(reader, url)

    assert (unchanged.status_code, unchanged.data, for_304) == (304, b"", 1)
    assert (since.status_code, for_since) == (304, 1)
    assert (again.status_code, again.data, for_full) == (200, first.data, 2)
    assert again.headers["ETag"] == first.headers["ETag"]


def test_a_feed_of_all_visits_answers_304_with_one_query(client, login, demo):
    login(factories.user(demo.host_organisation, Role.VIEWER))
    client.post("/account/feed", data={"next": "/"})
    token = db.session.scalar(select(FeedToken.token).where(FeedToken.kind == "user"))
    reader = client.application.test_client()
    url = f"/feeds/{token}.ics"

    first = reader.get(url)
    unchanged, queries = _counted(reader, url, headers={"If-None-Match": first.headers["ETag"]})

    assert (unchanged.status_code, queries) == (304, 1)
    assert reader.get(url).data == first.data


def test_a_new_version_changes_every_feed_at_once(client, login, demo):
    planner = factories.user(demo.host_organisation, Role.PLANNER)
    login(planner)
    visit_feed = _feed(client, demo.id)
    client.post("/account/feed", data={"next": "/"})
    token = db.session.scalar(select(FeedToken.token).where(FeedToken.kind == "user"))
    reader = client.application.test_client()
    tags = {url: reader.get(url).headers["ETag"] for url in (visit_feed, f"/feeds/{token}.ics")}

    demo.items[0].title_de = "Empfang im Ratssaal"
    db.session.commit()
    issue_version(load_for_snapshot(demo.id), planner, "Neuer Titel")
    db.session.commit()

    for url, tag in tags.items():
        changed = reader.get(url, headers={"If-None-Match": tag})
        assert changed.status_code == 200, url
        assert "Empfang im Ratssaal" in changed.data.decode()


def test_a_removed_attendee_and_a_revoked_token_end_the_feed_at_once(client, login, demo):
    login(factories.user(demo.host_organisation, Role.PLANNER))
    participation = demo.participations[0]
    client.post(f"/visits/{demo.id}/people/{participation.person_id}/feed")
    person_feed = db.session.scalar(select(FeedToken).where(FeedToken.kind == "person"))
    visit_url = _feed(client, demo.id)
    visit_feed = db.session.scalar(select(FeedToken).where(FeedToken.kind == "visit"))
    reader = client.application.test_client()
    person_url = f"/feeds/{person_feed.token}.ics"
    tags = {url: reader.get(url).headers["ETag"] for url in (person_url, visit_url)}

    db.session.delete(participation)
    db.session.commit()
    client.post(f"/feeds/{visit_feed.id}/revoke")

    for url, tag in tags.items():
        assert reader.get(url, headers={"If-None-Match": tag}).status_code == GONE, url
        assert reader.get(url).status_code == GONE, url


def test_a_removed_guest_organisation_gets_no_stored_file_and_no_feed(client, login, demo):
    guest = demo.guest_organisations[0]
    login(factories.user(guest, Role.PLANNER))
    url = _feed(client, demo.id)
    reader = client.application.test_client()
    tag = reader.get(url).headers["ETag"]
    client.get(f"/visits/{demo.id}/agenda.ics")
    client.get(f"/visits/{demo.id}/versions/1/print/agenda.pdf")
    assert len(_stored()) == 3

    demo.guest_organisations = []
    db.session.commit()

    assert _stored() == []
    assert client.get(f"/visits/{demo.id}/agenda.ics").status_code == 404
    assert client.get(f"/visits/{demo.id}/versions/1/print/agenda.pdf").status_code == 404
    assert reader.get(url, headers={"If-None-Match": tag}).status_code == GONE


def test_a_deactivated_owner_ends_the_feed_even_for_a_client_with_the_etag(client, login, demo):
    owner = factories.user(demo.host_organisation, Role.VIEWER)
    login(owner)
    url = _feed(client, demo.id)
    reader = client.application.test_client()
    tag = reader.get(url).headers["ETag"]

    owner.active = False
    db.session.commit()

    assert reader.get(url, headers={"If-None-Match": tag}).status_code == GONE


def test_a_cancelled_visit_changes_the_stored_calendar(client, login, demo):
    from planner.enums import VisitStatus
    from planner.services.planning import change_status

    demo.status = VisitStatus.CONFIRMED
    login(factories.user(demo.guest_organisations[0], Role.VIEWER))
    url = f"/visits/{demo.id}/agenda.ics"
    before = client.get(url)

    change_status(demo, VisitStatus.CANCELLED)
    db.session.commit()
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})

    assert after.status_code == 200
    assert after.data.decode().count("STATUS:CANCELLED") == len(demo.items)
    assert db.session.scalar(select(func.count()).select_from(IssuedArtefact)) == 1
