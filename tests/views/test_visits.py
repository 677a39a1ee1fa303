"""The start page and the visit page."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from planner.enums import ItemStatus, Role, RsvpStatus, Side
from planner.extensions import db
from planner.services.demo import INTERNAL_PARKING_NOTE, load_demo_data
from tests import factories
from tests.helpers import count_queries, page_text


def _demo_as_host(login, role: Role = Role.VIEWER):
    """Load the demo and log in as a user of Bochum, its host."""
    visit = load_demo_data().visit
    login(factories.user(visit.host_organisation, role))
    db.session.commit()
    return visit


def _visit_as_host(login, **fields):
    visit = factories.visit(**fields)
    login(factories.user(visit.host_organisation, Role.VIEWER))
    db.session.commit()
    return visit


def test_start_page_lists_upcoming_visits_before_past_ones(client, login):
    today = date.today()  # noqa: DTZ011 (the page decides by the server's calendar day)
    bochum = factories.organisation("Bochum")
    factories.visit(bochum, title="Besuch aus Dortmund", first_day=today + timedelta(days=10))
    factories.visit(bochum, title="Besuch aus Essen", first_day=today + timedelta(days=3))
    factories.visit(bochum, title="Besuch aus Hagen", first_day=today - timedelta(days=30))
    login(factories.user(bochum))
    db.session.commit()

    text = page_text(client.get("/"))

    upcoming, past = text.split("Vergangene Besuche")
    assert upcoming.index("Besuch aus Essen") < upcoming.index("Besuch aus Dortmund")
    assert "Besuch aus Hagen" not in upcoming
    assert "Besuch aus Hagen" in past


def test_visit_page_shows_the_demo_agenda_by_day_with_its_time_zone(client, login):
    visit = _demo_as_host(login)

    response = client.get(f"/visits/{visit.id}")

    assert response.status_code == 200
    text = page_text(response)
    assert "Alle Zeiten: Europe/Berlin" in text
    assert "Donnerstag, 23. Februar 2023" in text
    assert "10:00–10:30 Begrüßung durch den Oberbürgermeister" in text
    assert "12:00–13:15 Smart City Innovation Unit: das „Bochumer Modell“" in text
    assert "Besprechungsraum 2.14, Rathaus Bochum" in text
    assert text.index("Rundgang mit der App") < text.index("Abschlussgespräch")


def test_attendee_list_shows_delegation_then_hosts_in_protocol_order(client, login):
    visit = _visit_as_host(login)
    guests, hosts = visit.guest_organisations[0], visit.host_organisation
    for name, rank in [("Zander", 2), ("Adler", None), ("Meier", 1)]:
        factories.participation(visit, factories.person(guests, name, precedence_rank=rank))
    factories.participation(
        visit,
        factories.person(hosts, "Eiskirch", first_name="Thomas", office_title="Oberbürgermeister"),
        side=Side.HOST,
        rsvp_status=RsvpStatus.ACCEPTED,
    )
    db.session.commit()

    text = page_text(client.get(f"/visits/{visit.id}/attendees"))

    delegation, hosts_part = text.split("Delegation", 1)[1].split("Gastgebende", 1)
    assert delegation.index("Meier") < delegation.index("Zander") < delegation.index("Adler")
    assert "Thomas Eiskirch Oberbürgermeister" in hosts_part
    assert "Zugesagt" in hosts_part
    assert "Seiten der Teilnehmendenliste" not in text


def test_visit_page_sums_up_the_attendees_of_each_organisation_with_its_head(client, login):
    visit = _visit_as_host(login)
    guests, hosts = visit.guest_organisations[0], visit.host_organisation
    second = factories.organisation("Solingen")
    visit.guest_organisations.append(second)
    for name, rank, answer in [
        ("Zander", 2, RsvpStatus.ACCEPTED),
        ("Adler", None, RsvpStatus.DECLINED),
        ("Meier", 1, RsvpStatus.ACCEPTED),
        ("Brandt", 1, RsvpStatus.NEEDS_ACTION),
    ]:
        person = factories.person(guests, name, precedence_rank=rank, office_title=f"Amt {name}")
        factories.participation(visit, person, rsvp_status=answer)
    factories.participation(visit, factories.person(hosts, "Eiskirch"), side=Side.HOST, rank=5)
    factories.participation(visit, factories.person(hosts, "Kopietz"), side=Side.HOST)
    db.session.commit()

    text = page_text(client.get(f"/visits/{visit.id}"))

    assert "6 Personen nehmen teil. Vollständige Teilnehmendenliste" in text
    assert (
        f"{guests.name} Gast 4 Noch keine Antwort: 1, Zugesagt: 2, Abgesagt: 1 Brandt, Amt Brandt"
        in text
    )
    assert "Solingen Gast 0 – –" in text
    assert f"{hosts.name} Gastgeber 2 Noch keine Antwort: 2 Eiskirch" in text
    assert "Zander" not in text


def test_attendee_list_comes_in_pages_of_fifty(client, login):
    visit = _visit_as_host(login)
    for number in range(120):
        person = factories.person(visit.guest_organisations[0], f"Gast {number:03}")
        factories.participation(visit, person)
    db.session.commit()
    url = f"/visits/{visit.id}/attendees"

    first = client.get(url).get_data(as_text=True)
    third = page_text(client.get(f"{url}?page=3"))

    assert "Gast 049" in page_text(client.get(url))
    assert "Gast 050" not in page_text(client.get(url))
    assert "Gast 100" in third
    assert "Gast 099" not in third
    assert "Diese Seite zeigt die Nummern 101 bis 120" in third
    assert '<nav class="pagination" aria-label="Seiten der Teilnehmendenliste">' in first
    assert f'<a href="{url}?page=1" aria-current="page">' in first
    assert f'<a href="{url}?page=2" rel="next">Nächste Seite</a>' in first
    # Pages beyond the end show the last one; odd numbers the first.
    assert page_text(client.get(f"{url}?page=99")) == third
    assert page_text(client.get(f"{url}?page=zwei")) == page_text(client.get(url))
    assert page_text(client.get(f"{url}?page=-1")) == page_text(client.get(url))


@pytest.mark.parametrize(
    ("role", "links"),
    [
        (Role.PLANNER, ["Teilnehmende verwalten", "Wer nimmt woran teil", "Liste importieren"]),
        (Role.VIEWER, []),
    ],
    ids=["planner", "viewer"],
)
def test_attendee_list_links_to_the_delegation_tools_for_those_who_may_change_it(
    client, login, role, links
):
    visit = factories.visit()
    login(factories.user(visit.host_organisation, role))
    db.session.commit()

    text = page_text(client.get(f"/visits/{visit.id}/attendees"))

    tools = ["Teilnehmende verwalten", "Wer nimmt woran teil", "Liste importieren"]
    assert [tool for tool in tools if tool in text] == links
    assert "CSV exportieren" in text


def test_attendee_list_of_a_visit_the_user_may_not_see_is_not_found(client, login):
    visit = factories.visit()
    login(factories.user(factories.organisation()))
    db.session.commit()

    assert client.get(f"/visits/{visit.id}/attendees").status_code == 404


def test_visit_page_marks_cancelled_and_tentative_items(client, login):
    visit = _visit_as_host(login)
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Pressefoto",
                   status=ItemStatus.CANCELLED)  # fmt: skip
    factories.item(visit, "2023-02-23 11:00", "2023-02-23 12:00", "Mittagessen",
                   status=ItemStatus.TENTATIVE)  # fmt: skip
    db.session.commit()

    text = page_text(client.get(f"/visits/{visit.id}"))

    assert "Pressefoto abgesagt" in text
    assert "Mittagessen vorläufig" in text


def test_visit_page_in_english(client, login):
    visit = _demo_as_host(login)

    text = page_text(client.get(f"/visits/{visit.id}?lang=en"))

    assert "All times: Europe/Berlin" in text
    assert "Thursday, 23 February 2023" in text
    assert "10:00–10:30 Welcome by the Lord Mayor" in text
    assert "Attendees" in text


def test_english_pages_write_british_dates_and_24_hour_times_without_seconds(client, login):
    visit = load_demo_data().visit
    admin = factories.user(visit.host_organisation, Role.ADMIN, name="Anna Admin")
    login(admin)  # records the login time the list of logins shows

    page = page_text(client.get(f"/visits/{visit.id}?lang=en"))
    logins = page_text(client.get("/admin/users?lang=en"))

    assert "Thursday, 23 February 2023" in page
    assert "12:00–13:15" in page
    # The list of logins shows when Anna last logged in: day first, 24-hour clock.
    assert re.search(r"Anna Admin .* \d{2}/\d{2}/\d{4}, \d{2}:\d{2} ", logins)
    for text in (page, logins):
        assert not re.search(r"\d:\d{2}:\d{2}|\b[AP]M\b", text)


def test_german_times_carry_no_seconds_either(client, login):
    visit = load_demo_data().visit
    person = visit.participations[0].person
    login(factories.user(visit.host_organisation, Role.ADMIN))
    person.anonymised_at = datetime(2027, 3, 10, 11, 58, 27, tzinfo=UTC)
    db.session.commit()

    text = page_text(client.get(f"/people/{person.id}"))

    assert "10.03.2027, 12:58" in text
    assert "12:58:27" not in text


def test_english_dates_of_the_visit_list_are_british(client, login):
    _demo_as_host(login)

    text = page_text(client.get("/visits?lang=en"))

    assert "23 Feb 2023" in text
    assert "Feb 23, 2023" not in text


def test_language_switch_keeps_english_for_later_pages(client, login):
    visit = _demo_as_host(login)

    response = client.post("/language", data={"lang": "en", "next": f"/visits/{visit.id}"})

    assert response.status_code == 302
    assert response.headers["Location"] == f"/visits/{visit.id}"
    assert "All times: Europe/Berlin" in page_text(client.get(f"/visits/{visit.id}"))


def test_language_switch_does_not_redirect_to_other_sites(client):
    response = client.post("/language", data={"lang": "en", "next": "//evil.example/"})
    assert response.headers["Location"] == "/"


def test_unknown_visit_is_not_found(client, login):
    login(factories.user(factories.organisation()))
    response = client.get("/visits/4711")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in page_text(response)


def test_visit_page_shows_internal_notes_marked_as_internal(client, login):
    visit = _demo_as_host(login)
    assert f"Intern: {INTERNAL_PARKING_NOTE}" in page_text(client.get(f"/visits/{visit.id}"))


def test_the_demo_note_is_labelled_internal_once(client, login):
    visit = _demo_as_host(login)

    text = page_text(client.get(f"/visits/{visit.id}"))

    assert "Intern: Parkplätze für die Delegation im Innenhof reserviert" in text
    assert "INTERN" not in text


def _visit_with(items: int, people: int, **fields):
    visit = factories.visit(**fields)
    room = factories.room(visit.host_organisation)
    host = factories.person(visit.host_organisation, "Hoffmann")
    for number in range(items):
        day = 23 + number // 8
        hour = 8 + number % 8
        factories.item(visit, f"2023-02-{day} {hour:02}:00", f"2023-02-{day} {hour:02}:45",
                       room=room, responsible_person=host)  # fmt: skip
    for _ in range(people):
        factories.participation(visit, factories.person(factories.organisation()))
    db.session.commit()
    return visit


def test_visit_page_costs_the_same_number_of_queries_however_large_the_visit(app, client, login):
    small = _visit_with(items=1, people=1)
    large = _visit_with(items=20, people=15, host=small.host_organisation)
    login(factories.user(small.host_organisation))

    with count_queries(db.engine) as for_small:
        assert client.get(f"/visits/{small.id}").status_code == 200
    with count_queries(db.engine) as for_large:
        assert client.get(f"/visits/{large.id}").status_code == 200

    assert for_large.count == for_small.count
    assert for_small.count <= 25


@pytest.mark.parametrize(
    "path", ["", "/attendees", "/attendees?page=2"], ids=["visit", "list", "page-2"]
)
def test_visit_and_attendee_pages_cost_the_same_queries_for_10_and_500_people(
    app, client, login, path
):
    small = _visit_with(items=3, people=10)
    large = _visit_with(items=3, people=500, host=small.host_organisation)
    for visit in (small, large):
        ranked = factories.person(visit.guest_organisations[0], "Erster", precedence_rank=1)
        factories.participation(visit, ranked)
    login(factories.user(small.host_organisation))
    db.session.commit()

    with count_queries(db.engine) as for_small:
        assert client.get(f"/visits/{small.id}{path}").status_code == 200
    with count_queries(db.engine) as for_large:
        assert client.get(f"/visits/{large.id}{path}").status_code == 200

    assert for_large.count == for_small.count


def test_start_page_costs_the_same_number_of_queries_however_many_visits(app, client, login):
    host = factories.organisation()
    factories.visit(host)
    login(factories.user(host))
    db.session.commit()
    with count_queries(db.engine) as for_one:
        client.get("/")
    for _ in range(12):
        factories.visit(host, guests=[factories.organisation(), factories.organisation()])
    db.session.commit()
    with count_queries(db.engine) as for_many:
        client.get("/")
    assert for_many.count == for_one.count


def _crowded_visit(host, first_day: date, items: int, people: int):
    """Add an upcoming visit whose items share a small room and overlap, so each warns."""
    visit = factories.visit(host, first_day=first_day)
    room = factories.room(host, capacity=2)
    for number in range(items):
        start = datetime.combine(first_day, datetime.min.time()) + timedelta(hours=8 + number)
        end = start + timedelta(minutes=90)
        factories.item(visit, start.isoformat(" ", "minutes"), end.isoformat(" ", "minutes"),
                       room=room)  # fmt: skip
    for _ in range(people):
        factories.participation(visit, factories.person(factories.organisation()))
    return visit


def test_dashboard_costs_the_same_number_of_queries_however_many_warnings(app, client, login):
    host = factories.organisation()
    day = date.today() + timedelta(days=10)  # noqa: DTZ011 (upcoming on the server's calendar)
    _crowded_visit(host, day, items=1, people=1)
    login(factories.user(host))
    with count_queries(db.engine) as for_small:
        assert client.get("/").status_code == 200
    large = _crowded_visit(host, day, items=12, people=20)
    db.session.commit()
    with count_queries(db.engine) as for_large:
        page = page_text(client.get("/"))

    assert for_large.count == for_small.count
    # 12 items in a room for 2, each overlapping the next: 12 rooms too small, 11 overlaps
    # and 11 double bookings of the room.
    row = re.search(rf"{large.title} .*? (\d+) (\d+) (\d+)", page)
    assert row.groups() == ("12", "20", "34")


def test_visit_page_costs_the_same_with_warnings_across_visits(app, client, login):
    host = factories.organisation()
    day = date(2023, 2, 23)
    quiet = _crowded_visit(host, day, items=1, people=1)
    crowded = _crowded_visit(host, day, items=15, people=30)
    # Another visit in the same room at the same times, with the same people.
    other = factories.visit(host, first_day=day)
    for item in crowded.items:
        factories.item(other, item.starts_at.isoformat(" ", "minutes"),
                       item.ends_at.isoformat(" ", "minutes"), room=item.room)  # fmt: skip
    for participation in crowded.participations:
        factories.participation(other, participation.person)
    login(factories.user(host))

    with count_queries(db.engine) as for_quiet:
        assert client.get(f"/visits/{quiet.id}").status_code == 200
    with count_queries(db.engine) as for_crowded:
        page = page_text(client.get(f"/visits/{crowded.id}"))

    assert for_crowded.count == for_quiet.count
    # Items of the other visit are named, with their visit, and so are the people.
    assert "57 Räume doppelt belegt" in page
    assert re.search(r"\d+ Terminüberschneidungen bei Personen", page)
    assert f"({other.title}): Ratssaal" in page


def test_visit_search_finds_by_title_and_pages_through_older_visits(client, login):
    bochum = factories.organisation("Bochum")
    for number in range(55):
        factories.visit(bochum, title=f"Besuch Nummer {number}",
                        first_day=date(2024, 1, 1) + timedelta(days=number))  # fmt: skip
    factories.visit(factories.organisation("Dortmund"), title="Besuch Nummer 99")
    login(factories.user(bochum))

    first = page_text(client.get("/visits?q=nummer"))
    page = client.get("/visits?q=nummer").get_data(as_text=True)
    following = re.search(r'href="(/visits\?q=nummer&amp;before=[^"]+)"', page)[1].replace(
        "&amp;", "&"
    )
    second = page_text(client.get(following))

    assert "Besuch Nummer 54" in first
    assert "Besuch Nummer 5 " in first
    assert "Besuch Nummer 4 " not in first
    assert "Besuch Nummer 4 " in second
    assert "Besuch Nummer 99" not in first + second
    assert "Besuch Nummer 7" in page_text(client.get("/visits?q=nummer 7"))


@pytest.mark.parametrize(
    ("words", "found"),
    [
        ("köln", ["Besuch aus KÖLN"]),
        ("ÜBER", ["Überraschungsbesuch aus Düren"]),
        ("düren über", ["Überraschungsbesuch aus Düren"]),
        ("hauptstraße", ["Fest in der Hauptstraße"]),
        ("BESUCH", ["Besuch aus KÖLN", "Überraschungsbesuch aus Düren"]),
        ("100%", ["100% digital"]),
        ("%", ["100% digital"]),
        ("_", []),
    ],
    ids=[
        "umlaut-lower",
        "umlaut-upper",
        "two-words",
        "eszett",
        "plain",
        "percent",
        "only-%",
        "underscore",
    ],
)
def test_visit_search_ignores_case_with_umlauts_and_takes_wildcards_literally(
    client, login, words, found
):
    bochum = factories.organisation("Bochum")
    titles = ["Besuch aus KÖLN", "Überraschungsbesuch aus Düren", "Fest in der Hauptstraße",
              "100% digital", "Tag der Städte"]  # fmt: skip
    for number, title in enumerate(titles):
        factories.visit(bochum, title=title, first_day=date(2024, 1, 10) - timedelta(days=number))
    login(factories.user(bochum))

    page = client.get("/visits", query_string={"q": words}).get_data(as_text=True)

    assert [title for title in titles if f">{title}<" in page] == found


def test_every_page_title_is_plain_text(client, login):
    visit = _demo_as_host(login)
    for path in ("/", f"/visits/{visit.id}", "/visits", "/month", "/people", "/rooms"):
        page = client.get(path).get_data(as_text=True)
        title = re.search(r"<title>(.*?)</title>", page, re.S)[1]
        assert "<" not in title, path
        assert title.endswith("· Delegationsbesuche"), path


def test_the_visit_page_names_items_in_the_interface_language(app, client, login):
    visit = _demo_as_host(login)
    visit.items[1].title_en = ""
    factories.item(visit, "2023-02-23 10:15", "2023-02-23 10:45", "Pressefoto",
                   title_en="Press photo")  # fmt: skip
    guest = app.test_client()
    guest_user = factories.user(visit.guest_organisations[0], Role.VIEWER)
    db.session.commit()
    guest.post("/login", data={"email": guest_user.email, "password": factories.PASSWORD})

    client.post("/language", data={"lang": "en"})
    english = page_text(client.get(f"/visits/{visit.id}"))
    german = page_text(client.get(f"/visits/{visit.id}?lang=de"))
    guest_english = page_text(guest.get(f"/visits/{visit.id}?lang=en"))

    assert "10:00–10:30 Welcome by the Lord Mayor" in english
    # No English title: the German one.
    assert "10:30–11:15 Vorführung der digitalen Infostelen" in english
    assert "Overlaps with “Welcome by the Lord Mayor” (10:00–10:30)." in english
    assert "Reception of the delegation and signing of the Golden Book." in english
    assert "10:00–10:30 Begrüßung durch den Oberbürgermeister" in german
    assert "Überschneidet sich mit „Begrüßung durch den Oberbürgermeister“" in german
    # Guests see the issued version, from before the English title was emptied.
    assert "10:30–11:15 Digital information steles demo" in guest_english
    assert "Press photo" not in guest_english
