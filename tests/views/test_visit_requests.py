"""A guest city asks a host for a visit; both offices answer in turn until it is settled."""

from datetime import date

import pytest
from sqlalchemy import select

from planner.enums import GuestState, Language, RequestState, Role, VisitStatus
from planner.extensions import db
from planner.models import AuditEntry, OutboxMessage, VisitGuest, VisitRequest
from tests import factories
from tests.helpers import page_text


@pytest.fixture
def offices():
    """Wuppertal's planner asks; Bochum (English-speaking office) hosts; Dortmund looks on."""
    bochum = factories.organisation("Bochum")
    bochum.locale = Language.EN
    wuppertal = factories.organisation("Wuppertal")
    steles = factories.module(bochum, minutes=45, title_de="Digitale Stelen",
                              title_en="Digital steles demo")  # fmt: skip
    navi = factories.module(bochum, minutes=30, title_de="Rathaus Navi",
                            title_en="Rathaus Navi walkthrough")  # fmt: skip
    people = {
        "guest": factories.user(wuppertal, Role.PLANNER, name="Uwe Wupper",
                                email="uwe@wuppertal.example"),
        "guest_viewer": factories.user(wuppertal, Role.VIEWER, name="Vera Wupper"),
        "host": factories.user(bochum, Role.PLANNER, name="Petra Protokoll",
                               email="petra@bochum.example"),
        "host_admin": factories.user(bochum, Role.ADMIN, name="Anna Admin",
                                     email="anna@bochum.example"),
        "other": factories.user(factories.organisation("Dortmund"), Role.ADMIN),
    }  # fmt: skip
    db.session.commit()
    return {"bochum": bochum, "wuppertal": wuppertal, "modules": [steles, navi], **people}


def _request_form(offices, **changes) -> dict:
    data = {
        "host": str(offices["bochum"].id),
        "title": "Smart-City-Austausch",
        "purpose": "Erfahrungen mit digitalen Stelen",
        "options-0-first_day": "2027-03-01",
        "options-0-last_day": "2027-03-02",
        "options-1-first_day": "2027-03-08",
        "options-1-last_day": "2027-03-08",
        "delegation_size": "6",
        "head_of_delegation": "Uwe Schneidewind, Oberbürgermeister",
        "modules": [str(module.id) for module in offices["modules"]],
        "wishes": "Ein Gespräch mit der Innovation Unit",
        "languages": ["de"],
        "other_languages": "Polnisch",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _ask(client, login, offices, **changes) -> VisitRequest:
    login(offices["guest"])
    response = client.post("/requests/new", data=_request_form(offices, **changes))
    assert response.status_code == 302, page_text(response)
    client.post("/logout")
    return db.session.scalars(select(VisitRequest).order_by(VisitRequest.id.desc())).first()


def _fresh(visit_request: VisitRequest) -> VisitRequest:
    db.session.expire_all()
    return db.session.get(VisitRequest, visit_request.id)


def _notices() -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == "visit-request")
            .order_by(OutboxMessage.id)
        )
    )


def test_both_offices_settle_a_request_through_a_counter_proposal(client, login, offices):
    visit_request = _ask(client, login, offices)
    assert visit_request.state is RequestState.REQUESTED
    assert [(o.first_day, o.last_day) for o in visit_request.current_options] == [
        (date(2027, 3, 1), date(2027, 3, 2)),
        (date(2027, 3, 8), date(2027, 3, 8)),
    ]
    # The host's planner and admin hear of it, in English, with the link.
    asked = _notices()
    assert sorted(m.to_address for m in asked) == ["anna@bochum.example", "petra@bochum.example"]
    assert asked[0].subject == "Wuppertal asks for a visit: Smart-City-Austausch"
    assert asked[0].language == "en"
    assert f"http://planner.test/requests/{visit_request.id}" in asked[0].body_text
    assert "Mar 1, 2027 – Mar 2, 2027" in asked[0].body_text

    # The host sees it on its dashboard and proposes other days.
    login(offices["host"])
    assert "Smart-City-Austausch" in page_text(client.get("/"))
    response = client.post(f"/requests/{visit_request.id}/propose", data={
        "options-0-first_day": "2027-03-15", "options-0-last_day": "2027-03-16",
        "message": "Im März ist nur die dritte Woche frei.", "lock_version": "1"})  # fmt: skip
    assert response.status_code == 302, page_text(response)
    client.post("/logout")
    visit_request = _fresh(visit_request)
    assert visit_request.state is RequestState.COUNTER_PROPOSED
    proposal = _notices()[-1]
    assert proposal.to_address == "uwe@wuppertal.example"
    assert proposal.subject == "Bochum schlägt andere Tage vor: Smart-City-Austausch"
    assert "Im März ist nur die dritte Woche frei." in proposal.body_text

    # The guest agrees to the host's days: the visit is drafted at once.
    login(offices["guest"])
    page = page_text(client.get(f"/requests/{visit_request.id}"))
    assert "andere Tage vorgeschlagen" in page
    assert "Im März ist nur die dritte Woche frei." in page
    option = visit_request.current_options[0]
    response = client.post(f"/requests/{visit_request.id}/accept",
                           data={"option": str(option.id), "lock_version": "2"})  # fmt: skip
    assert response.status_code == 302, page_text(response)
    visit_request = _fresh(visit_request)
    visit = visit_request.visit
    assert visit_request.state is RequestState.ACCEPTED
    assert (visit.title, visit.purpose, visit.status) == (
        "Smart-City-Austausch", "Erfahrungen mit digitalen Stelen", VisitStatus.DRAFT)  # fmt: skip
    assert (visit.first_day, visit.last_day) == (date(2027, 3, 15), date(2027, 3, 16))
    assert visit.host_organisation_id == offices["bochum"].id
    link = db.session.get(VisitGuest, (visit.id, offices["wuppertal"].id))
    assert link.state is GuestState.ACCEPTED
    assert [(i.title_en, i.starts_at.strftime("%d %H:%M")) for i in visit.items] == [
        ("Digital steles demo", "15 10:00"),
        ("Rathaus Navi walkthrough", "15 10:45"),
    ]
    assert "Delegation: 6 people" in visit.internal_notes
    assert "Head of delegation: Uwe Schneidewind, Oberbürgermeister" in visit.internal_notes
    assert "Languages: German, Polnisch" in visit.internal_notes
    # The guest accepted: it sees the visit; the host hears of it.
    assert client.get(f"/visits/{visit.id}").status_code == 200
    accepted = _notices()[-2:]
    assert sorted(m.to_address for m in accepted) == ["anna@bochum.example", "petra@bochum.example"]
    assert accepted[0].subject == "Wuppertal accepted the visit request: Smart-City-Austausch"
    assert "Agreed days: Mar 15, 2027 – Mar 16, 2027" in accepted[0].body_text
    # Every step is on the page and in the audit trail.
    page = page_text(client.get(f"/requests/{visit_request.id}"))
    assert "Uwe Wupper (Wuppertal) hat um den Besuch gebeten" in page
    assert "Petra Protokoll (Bochum) hat andere Tage vorgeschlagen" in page
    assert "Uwe Wupper (Wuppertal) hat angenommen" in page
    steps = db.session.scalars(
        select(AuditEntry.object_id).where(AuditEntry.object_type == "VisitRequestEvent")
    ).all()
    assert len(steps) == 3
    client.post("/logout")
    login(offices["host"])
    history = client.get(f"/visits/{visit.id}/history")
    assert history.status_code == 200
    assert "Uwe Wupper" in page_text(history)
    client.post("/logout")
    login(offices["host_admin"])
    audit = page_text(client.get("/admin/audit"))
    assert (
        "Petra Protokoll hat andere Tage für die Besuchsanfrage „Smart-City-Austausch“ "
        "vorgeschlagen" in audit
    )


def test_the_host_accepts_one_of_the_requested_options(client, login, offices):
    visit_request = _ask(client, login, offices, modules=[])
    login(offices["host"])
    second = visit_request.current_options[1]

    response = client.post(f"/requests/{visit_request.id}/accept",
                           data={"option": str(second.id), "lock_version": "1"})  # fmt: skip

    visit_request = _fresh(visit_request)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/visits/{visit_request.visit_id}"
    assert visit_request.visit.first_day == date(2027, 3, 8)
    assert visit_request.visit.items == []
    assert _notices()[-1].to_address == "uwe@wuppertal.example"
    subject = "Bochum hat die Besuchsanfrage angenommen: Smart-City-Austausch"
    assert _notices()[-1].subject == subject


def test_the_host_declines_with_a_message(client, login, offices):
    visit_request = _ask(client, login, offices)
    login(offices["host"])

    response = client.post(f"/requests/{visit_request.id}/decline",
                           data={"message": "Leider ausgebucht.", "lock_version": "1"})  # fmt: skip

    assert response.status_code == 302
    visit_request = _fresh(visit_request)
    assert (visit_request.state, visit_request.visit_id) == (RequestState.DECLINED, None)
    notice = _notices()[-1]
    assert notice.to_address == "uwe@wuppertal.example"
    assert "Leider ausgebucht." in notice.body_text
    # Settled: nobody answers it any more.
    again = client.post(f"/requests/{visit_request.id}/accept", data={
        "option": str(visit_request.current_options[0].id), "lock_version": "2"})  # fmt: skip
    assert again.status_code == 409


def test_declining_without_a_reason_is_refused_at_the_message(client, login, offices):
    visit_request = _ask(client, login, offices)
    login(offices["host"])

    response = client.post(f"/requests/{visit_request.id}/decline",
                           data={"message": "  ", "lock_version": "1"})  # fmt: skip

    assert response.status_code == 422
    assert "Bitte teilen Sie dem Gast mit, warum Sie ablehnen." in page_text(response)
    assert _fresh(visit_request).state is RequestState.REQUESTED


def test_the_guest_withdraws_its_request(client, login, offices):
    visit_request = _ask(client, login, offices)
    login(offices["guest"])

    response = client.post(f"/requests/{visit_request.id}/withdraw",
                           data={"message": "Termin entfällt.", "lock_version": "1"})  # fmt: skip

    assert response.status_code == 302
    assert _fresh(visit_request).state is RequestState.WITHDRAWN
    assert sorted(m.to_address for m in _notices()[-2:]) == [
        "anna@bochum.example", "petra@bochum.example"]  # fmt: skip
    assert _notices()[-1].subject == "Wuppertal withdrew the visit request: Smart-City-Austausch"


def test_a_guest_cannot_accept_its_own_request(client, login, offices):
    visit_request = _ask(client, login, offices)
    login(offices["guest"])
    response = client.post(f"/requests/{visit_request.id}/accept", data={
        "option": str(visit_request.current_options[0].id), "lock_version": "1"})  # fmt: skip
    assert response.status_code == 409
    assert _fresh(visit_request).state is RequestState.REQUESTED


def test_an_answer_from_an_out_of_date_page_is_refused(client, login, offices):
    visit_request = _ask(client, login, offices)
    login(offices["host_admin"])
    # A colleague proposed other days while this page was open at version 1.
    client.post(f"/requests/{visit_request.id}/propose", data={
        "options-0-first_day": "2027-04-01", "options-0-last_day": "2027-04-01",
        "lock_version": "1"})  # fmt: skip

    response = client.post(f"/requests/{visit_request.id}/decline",
                           data={"message": "Ausgebucht.", "lock_version": "1"})  # fmt: skip

    assert response.status_code == 409
    assert "Jemand anderes hat diese Anfrage inzwischen beantwortet" in page_text(response)
    assert _fresh(visit_request).state is RequestState.COUNTER_PROPOSED


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"options-0-first_day": None, "options-0-last_day": None, "options-1-first_day": None,
          "options-1-last_day": None}, "Bitte schlagen Sie mindestens einen Zeitraum vor."),
        ({"options-0-last_day": "2027-02-27"}, "Der letzte Tag kann nicht vor dem ersten liegen."),
        ({f"options-{n}-{end}_day": "2027-05-0" + str(n + 1) for n in range(6)
          for end in ("first", "last")}, "Bitte schlagen Sie höchstens 5 Zeiträume vor."),
        ({"title": "x" * 301}, "kann nicht länger als 300 Zeichen sein"),
        ({"wishes": "x" * 100_000}, "kann nicht länger als 5000 Zeichen sein"),
        ({"delegation_size": "100000"}, "Bitte geben Sie eine Zahl von 1 bis 500 ein."),
        ({"modules": ["999999"]}, "is not a valid choice"),
    ],
    ids=["no-options", "last-before-first", "too-many-options", "long-title", "huge-wishes",
         "huge-delegation", "unknown-module"],
)  # fmt: skip
def test_bad_requests_are_refused_at_the_field(client, login, offices, changes, message):
    login(offices["guest"])

    response = client.post("/requests/new", data=_request_form(offices, **changes))

    assert response.status_code == 422
    assert message in page_text(response)
    assert db.session.scalar(select(VisitRequest.id)) is None


def test_a_request_cannot_go_to_the_own_organisation(client, login, offices):
    login(offices["guest"])
    form = _request_form(offices, host=str(offices["wuppertal"].id))
    response = client.post("/requests/new", data=form)
    assert response.status_code == 422
    assert "Wählen Sie eine andere Organisation als Gastgeber." in page_text(response)
    assert db.session.scalar(select(VisitRequest.id)) is None


def test_an_unrelated_organisation_learns_nothing_of_a_request(client, login, offices):
    visit_request = _ask(client, login, offices)
    login(offices["other"])

    assert client.get(f"/requests/{visit_request.id}").status_code == 404
    assert client.post(f"/requests/{visit_request.id}/decline",
                       data={"lock_version": "1"}).status_code == 404  # fmt: skip
    assert "Smart-City-Austausch" not in page_text(client.get("/requests"))


def test_a_viewer_reads_the_request_but_does_not_answer(client, login, offices):
    visit_request = _ask(client, login, offices)
    login(offices["guest_viewer"])

    page = page_text(client.get(f"/requests/{visit_request.id}"))
    refused = client.post(f"/requests/{visit_request.id}/withdraw", data={"lock_version": "1"})

    assert "Smart-City-Austausch" in page
    assert "Anfrage zurückziehen" not in page
    assert refused.status_code == 403


def test_the_form_offers_the_hosts_catalogue_in_the_users_language(client, login, offices):
    login(offices["guest"])
    page = page_text(client.get(f"/requests/new?host={offices['bochum'].id}"))
    assert "Digitale Stelen" in page
    client.post("/language", data={"lang": "en", "next": "/"})
    page = page_text(client.get(f"/requests/new?host={offices['bochum'].id}"))
    assert "Digital steles demo" in page
