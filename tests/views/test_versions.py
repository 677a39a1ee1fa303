"""Issued versions as documents: each version's page, print documents and calendar, and
the comparison of any two, for hosts and for guests."""

import re
from datetime import datetime

import pytest
from icalendar import Calendar
from sqlalchemy import select

from planner.enums import ItemKind, ItemStatus, Role, VisitStatus
from planner.extensions import db
from planner.models import Room, Visit
from planner.services.demo import INTERNAL_PARKING_NOTE, load_demo_data
from tests import factories
from tests.calendars import by_icalendar
from tests.helpers import page_text


@pytest.fixture
def demo(app):
    return load_demo_data().visit


@pytest.fixture
def planner(demo, login):
    user = factories.user(demo.host_organisation, Role.PLANNER, name="Lena Hoffmann")
    login(user)
    return user


@pytest.fixture
def guest(app, demo):
    """A client logged in as a viewer of the guest organisation, Wuppertal."""
    user = factories.user(demo.guest_organisations[0], Role.VIEWER)
    db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    return client


def _issue(client, visit, comment: str) -> None:
    response = client.post(
        f"/visits/{visit.id}/issue", data={"comment": comment, "acknowledge_conflicts": "y"}
    )
    assert response.status_code == 302, page_text(response)
    db.session.expire_all()


def _changes(response) -> list[str]:
    """Return the lines of the change list of a page, as a reader sees them."""
    html = response.get_data(as_text=True)
    listed = re.search(r'<ul class="change-list">(.*?)</ul>', html, re.S)
    assert listed, "no change list on the page"
    items = re.findall(r"<li>(.*?)</li>", listed.group(1), re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", item).split()) for item in items]


@pytest.fixture
def three_versions(client, planner, demo):
    """The demo visit with version 1 as loaded, then versions 2 and 3 issued."""
    welcome, _steles, navi, _unit, closing, _transfer = demo.items
    # Version 2: the welcome is renamed, the closing talk moves later and to another
    # room, and the hosts block half an hour for themselves.
    welcome.title_de = "Empfang im Ratssaal"
    closing.starts_at = datetime(2023, 2, 23, 13, 30)
    closing.ends_at = datetime(2023, 2, 23, 14, 0)
    closing.room = db.session.scalar(select(Room).where(Room.name == "Besprechungsraum 2.14"))
    factories.item(demo, "2023-02-23 09:30", "2023-02-23 10:00", "Vorbesprechung der Gastgeber",
                   kind=ItemKind.INTERNAL_HOLD, internal_notes="Sitzordnung klären")  # fmt: skip
    db.session.commit()
    _issue(client, demo, "Neue Zeiten für das Abschlussgespräch")
    # Version 3: the app walkthrough is cancelled, a press photo is added.
    navi.status = ItemStatus.CANCELLED
    factories.item(demo, "2023-02-23 13:15", "2023-02-23 13:30", "Pressefoto",
                   kind=ItemKind.PRESS)  # fmt: skip
    db.session.commit()
    _issue(client, demo, "Ohne Rundgang, mit Pressefoto")
    return demo


WELCOME = "Begrüßung durch den Oberbürgermeister"
NAVI = "Rundgang mit der App „Rathaus Navi“"
HOLD = "Vorbesprechung der Gastgeber"


def test_version_one_opens_as_issued_after_version_three(client, three_versions):
    visit = three_versions

    response = client.get(f"/visits/{visit.id}/versions/1")

    text = page_text(response)
    assert response.status_code == 200
    assert "Version 1: Smart-City-Austausch: Besuch der Stadt Wuppertal" in text
    assert "Nicht die aktuelle Version: Version 3 ersetzt sie." in text
    assert "Kommentar Programm für den Besuch am 23. Februar 2023" in text
    times = re.findall(r'<td class="time">([^<]+)</td>', response.get_data(as_text=True))
    assert times == [
        "10:00–10:30", "10:30–11:15", "11:15–12:00", "12:00–13:15", "13:15–13:45", "13:45–14:05",
    ]  # fmt: skip
    assert f"10:00–10:30 {WELCOME}" in text
    assert "13:15–13:45 Abschlussgespräch" in text
    for later in ("Empfang im Ratssaal", "Pressefoto", HOLD, "abgesagt"):
        assert later not in text
    # Hosts read the internal notes the version kept.
    assert INTERNAL_PARKING_NOTE in text


def test_the_latest_version_shows_what_it_changed(client, three_versions):
    visit = three_versions

    response = client.get(f"/visits/{visit.id}/versions/3")

    text = page_text(response)
    assert "Dies ist die zuletzt herausgegebene Version." in text
    assert "Herausgegeben 23.02.2023" not in text  # issued now, not on the visit's day
    assert "Lena Hoffmann Kommentar Ohne Rundgang, mit Pressefoto" in text
    assert "Änderungen seit Version 2" in text
    assert _changes(response) == ["Neu: „Pressefoto“, 2023-02-23 13:15", f"Abgesagt: „{NAVI}“"]
    assert "7 Personen betroffen: Miriam Albers, Thomas Eiskirch, Lena Hoffmann" in text


def test_comparing_version_one_with_three_lists_each_kind_of_change(client, three_versions):
    visit = three_versions

    response = client.get(f"/visits/{visit.id}/versions/compare?from=1&to=3")

    assert response.status_code == 200
    assert "Von Version 1 zu Version 3" in page_text(response)
    assert _changes(response) == [
        f"Neu: „{HOLD}“, 2023-02-23 09:30",
        "Neu: „Pressefoto“, 2023-02-23 13:15",
        "Verschoben: „Abschlussgespräch“ von 13:15 auf 13:30, Ort: Amtszimmer des "
        "Oberbürgermeisters, Rathaus Bochum → Besprechungsraum 2.14, Rathaus Bochum",
        f"Umbenannt: „{WELCOME}“ in „Empfang im Ratssaal“",
        f"Abgesagt: „{NAVI}“",
    ]
    assert (
        "7 Personen betroffen: Miriam Albers, Thomas Eiskirch, Lena Hoffmann, Sebastian "
        "Kopietz, Denes Kücük, Jonas Reuter, Prof. Dr. Uwe Schneidewind"
    ) in page_text(response)


def test_comparing_backwards_and_by_default(client, three_versions):
    visit = three_versions

    backwards = client.get(f"/visits/{visit.id}/versions/compare?from=3&to=2")
    default = client.get(f"/visits/{visit.id}/versions/compare")
    same = client.get(f"/visits/{visit.id}/versions/compare?from=2&to=2")

    # Going back, the cancelled walkthrough is on again and the press photo gone.
    assert _changes(backwards) == [f"Geändert: „{NAVI}“ (Status)", "Entfernt: „Pressefoto“"]
    assert "Von Version 2 zu Version 3" in page_text(default)
    assert _changes(default) == ["Neu: „Pressefoto“, 2023-02-23 13:15", f"Abgesagt: „{NAVI}“"]
    assert "Wählen Sie zwei verschiedene Versionen." in page_text(same)


@pytest.mark.parametrize(
    "path",
    [
        "versions/4",
        "versions/compare?from=1&to=4",
        "versions/compare?from=x",
        "versions/compare?to=99999999999",
        "versions/4/agenda.ics",
        "versions/4/print/agenda",
        "versions/1/print/attendees",
        "versions/1/print/badges.pdf",
    ],
)
def test_versions_that_do_not_exist_and_documents_not_kept_are_not_found(
    client, three_versions, path
):
    assert client.get(f"/visits/{three_versions.id}/{path}").status_code == 404


def test_guests_see_the_issued_versions_without_internal_holds_or_notes(
    client, guest, three_versions
):
    visit = three_versions
    # The draft moves on after version 3; guests never see it.
    visit.items[1].title_de = "Arbeitstitel für den Empfang"
    db.session.commit()

    pages = {
        path: guest.get(f"/visits/{visit.id}/{path}")
        for path in ("versions/1", "versions/2", "versions/3", "versions/compare?from=1&to=3",
                     "versions/2/print/agenda", "versions/2/agenda.ics")
    }  # fmt: skip

    assert {path: page.status_code for path, page in pages.items()} == dict.fromkeys(pages, 200)
    for path, page in pages.items():
        body = page.get_data(as_text=True)
        for hidden in (HOLD, "Sitzordnung", INTERNAL_PARKING_NOTE, "Arbeitstitel", "Entwurf"):
            assert hidden not in body, (path, hidden)
    assert "Empfang im Ratssaal" in page_text(pages["versions/2"])
    assert _changes(pages["versions/compare?from=1&to=3"])[0] == (
        "Neu: „Pressefoto“, 2023-02-23 13:15"
    )
    # The visit page lists the versions for guests too, each with its own page.
    listed = guest.get(f"/visits/{visit.id}").get_data(as_text=True)
    for number in (1, 2, 3):
        assert f'href="/visits/{visit.id}/versions/{number}"' in listed
    # The documents only hosts print stay theirs in every version.
    assert guest.get(f"/visits/{visit.id}/versions/1/print/run-sheet").status_code == 403


def test_hosts_compare_with_their_internal_holds(client, three_versions):
    response = client.get(f"/visits/{three_versions.id}/versions/compare?from=1&to=2")
    assert f"Neu: „{HOLD}“, 2023-02-23 09:30" in _changes(response)


def test_an_unrelated_organisation_learns_nothing_of_the_versions(app, three_versions):
    stranger = app.test_client()
    user = factories.user(factories.organisation("Dortmund"), Role.ADMIN)
    db.session.commit()
    stranger.post("/login", data={"email": user.email, "password": factories.PASSWORD})

    paths = ["versions/1", "versions/compare?from=1&to=3", "versions/1/agenda.ics",
             "versions/1/print/agenda", "versions/1/print/agenda.pdf"]  # fmt: skip

    assert [stranger.get(f"/visits/{three_versions.id}/{path}").status_code for path in paths] == [
        404
    ] * len(paths)


def test_an_old_versions_print_says_that_a_later_version_replaces_it(client, three_versions):
    visit = three_versions

    old = page_text(client.get(f"/visits/{visit.id}/versions/1/print/agenda"))
    latest = page_text(client.get(f"/visits/{visit.id}/versions/3/print/agenda"))
    run_sheet = page_text(client.get(f"/visits/{visit.id}/versions/1/print/run-sheet"))

    assert "Version 1 – überholt durch Version 3" in old
    assert WELCOME in old
    assert "Empfang im Ratssaal" not in old
    assert "überholt" not in latest
    assert "Empfang im Ratssaal" in latest
    # The host's run-sheet of a version prints that version, never the draft.
    assert "Version 1 – überholt durch Version 3" in run_sheet
    assert "Arbeitsentwurf" not in run_sheet
    assert WELCOME in run_sheet


def test_an_old_versions_pdf_carries_the_mark(client, three_versions):
    import io

    from pypdf import PdfReader

    response = client.get(f"/visits/{three_versions.id}/versions/2/print/agenda.pdf")

    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="Programm-Smart-City-Austausch-Besuch-der-Stadt-Wuppertal'
        '-2023-02-23-Version-2.pdf"'
    )
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "VERSION 2 – ÜBERHOLT DURCH VERSION 3" in text
    assert "Empfang im Ratssaal" in text


def test_an_old_versions_calendar_is_that_version_and_says_so(client, three_versions):
    visit = three_versions

    response = client.get(f"/visits/{visit.id}/versions/1/agenda.ics")

    assert response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="smart-city-austausch-besuch-der-stadt-wuppertal-version-1.ics"'
    )
    assert str(Calendar.from_ical(response.data)["X-WR-CALNAME"]) == (
        "Smart-City-Austausch: Besuch der Stadt Wuppertal (Version 1, überholt durch Version 3)"
    )
    events = sorted(by_icalendar(response.data).values(), key=lambda event: event["start"])
    assert [(e["start"][11:16], e["summary"], e["status"], e["sequence"]) for e in events] == [
        ("09:00", WELCOME, "CONFIRMED", 0),
        ("09:30", "Vorführung der digitalen Infostelen", "CONFIRMED", 0),
        ("10:15", NAVI, "CONFIRMED", 0),
        ("11:00", "Smart City Innovation Unit: das „Bochumer Modell“", "CONFIRMED", 0),
        ("12:15", "Abschlussgespräch", "CONFIRMED", 0),
        ("12:45", "Transfer zum Hauptbahnhof", "CONFIRMED", 0),
    ]
    again = client.get(
        f"/visits/{visit.id}/versions/1/agenda.ics",
        headers={"If-None-Match": response.get_etag()[0]},
    )
    assert again.status_code == 304


def test_the_latest_versions_calendar_is_named_after_its_number(client, three_versions):
    body = client.get(f"/visits/{three_versions.id}/versions/3/agenda.ics").data
    assert str(Calendar.from_ical(body)["X-WR-CALNAME"]) == (
        "Smart-City-Austausch: Besuch der Stadt Wuppertal (Version 3)"
    )


def test_the_visit_page_links_every_version_and_offers_a_comparison(client, three_versions):
    visit = three_versions

    html = client.get(f"/visits/{visit.id}").get_data(as_text=True)

    for number in (1, 2, 3):
        assert f'href="/visits/{visit.id}/versions/{number}"' in html
    assert f'action="/visits/{visit.id}/versions/compare"' in html
    assert '<label for="compare-from">Von Version</label>' in html
    assert '<option value="2" selected>Version 2</option>' in html
    assert '<option value="3" selected>Version 3</option>' in html


def test_a_version_page_costs_the_same_queries_for_5_and_for_60_items(client, planner):
    from tests.helpers import count_queries

    counts = []
    for size in (5, 60):
        visit = factories.visit(planner.organisation, title=f"Besuch mit {size} Punkten")
        for n in range(size):
            factories.item(visit, f"2023-02-23 {8 + n // 6:02}:{n % 6 * 10:02}",
                           f"2023-02-23 {8 + n // 6:02}:{n % 6 * 10 + 5:02}")  # fmt: skip
        db.session.commit()
        _issue(client, visit, "Erste Fassung")
        visit.items[0].title_de = "Neu benannt"
        db.session.commit()
        _issue(client, visit, "Zweite Fassung")
        with count_queries(db.engine) as queries:
            assert client.get(f"/visits/{visit.id}/versions/1").status_code == 200
            assert client.get(f"/visits/{visit.id}/versions/compare").status_code == 200
        counts.append(queries.count)

    assert counts[0] == counts[1]


def _draft_visit(planner):
    visit = factories.visit(planner.organisation, title="Besuch aus Dortmund")
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 10:30", "Begrüßung")
    db.session.commit()
    return visit


def _issue_link(client, visit) -> list[str]:
    """Return the issue links of the visit page with their classes."""
    html = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    return re.findall(rf'<a class="([^"]*)" href="/visits/{visit.id}/issue">([^<]*)</a>', html)


def test_issuing_the_first_version_moves_a_visit_in_preparation_to_planned(client, planner):
    visit = _draft_visit(planner)
    before = page_text(client.get(f"/visits/{visit.id}"))

    _issue(client, visit, "Erste Fassung")

    after = page_text(client.get(f"/visits/{visit.id}"))
    assert "Status des Besuchs In Vorbereitung" in before
    assert "Status des Besuchs Geplant" in after
    assert db.session.get(Visit, visit.id).status == VisitStatus.PLANNED


def test_the_visit_status_and_the_working_draft_have_different_words(client, planner):
    visit = _draft_visit(planner)

    text = page_text(client.get(f"/visits/{visit.id}"))

    assert "Status des Besuchs In Vorbereitung" in text
    assert "Programm Arbeitsentwurf" in text
    assert "Entwurf " not in text.replace("Arbeitsentwurf ", "")


def test_issue_version_is_the_primary_button_only_while_the_draft_differs(client, planner):
    visit = _draft_visit(planner)
    never_issued = _issue_link(client, visit)
    _issue(client, visit, "Erste Fassung")
    issued = _issue_link(client, visit)
    issued_text = page_text(client.get(f"/visits/{visit.id}"))
    visit.items[0].title_de = "Empfang"
    db.session.commit()
    edited = _issue_link(client, visit)

    assert never_issued == [("button-link primary", "Version herausgeben")]
    assert issued == []
    assert "Der Arbeitsentwurf entspricht Version 1." in issued_text
    assert edited == [("button-link primary", "Version herausgeben")]


def test_a_visit_brought_back_from_cancellation_can_be_issued_again(client, planner):
    visit = _draft_visit(planner)
    _issue(client, visit, "Erste Fassung")
    for status in ("cancelled", "draft"):
        client.post(f"/visits/{visit.id}/status", data={"status": status})
    db.session.expire_all()

    assert _issue_link(client, visit) == [("button-link primary", "Version herausgeben")]
