"""The attendance matrix: one day of the visit at a time, counts in words, and saves from
the page's script answered with JSON, locked and permission-checked per row."""

import re
from dataclasses import dataclass
from datetime import date

import pytest

from planner.enums import Role, Side
from planner.extensions import db
from planner.models import AgendaItem, Participation, User, Visit
from tests import factories
from tests.helpers import count_queries, form_values, page_text

JSON = {"Accept": "application/json"}
FIRST, SECOND = "2023-02-23", "2023-02-24"


@dataclass
class Scene:
    """A two-day visit: two items on each day, a guest and two hosts."""

    visit: Visit
    day_one: list[AgendaItem]
    day_two: list[AgendaItem]
    guest: Participation
    hosts: list[Participation]
    planner: User

    @property
    def page(self) -> str:
        return f"/visits/{self.visit.id}/attendance"

    def attends(self, participation: Participation) -> set[str]:
        """Return the titles of the items the participant attends, as stored."""
        db.session.expire_all()
        stored = db.session.get(Participation, participation.id)
        items = stored.visit.items if stored.attends_all_items else stored.items
        return {item.title_de for item in items}


@pytest.fixture
def scene(app) -> Scene:
    bochum, wuppertal = factories.organisation("Bochum"), factories.organisation("Wuppertal")
    visit = factories.visit(bochum, [wuppertal], first_day=date(2023, 2, 23),
                            last_day=date(2023, 2, 24), title="Smart-City-Austausch")  # fmt: skip
    day_one = [
        factories.item(visit, f"{FIRST} 10:00", f"{FIRST} 10:30", "Begrüßung"),
        factories.item(visit, f"{FIRST} 11:00", f"{FIRST} 12:00", "Stelen-Demo"),
    ]
    day_two = [
        factories.item(visit, f"{SECOND} 09:00", f"{SECOND} 10:00", "Innovation Unit"),
        factories.item(visit, f"{SECOND} 10:30", f"{SECOND} 11:00", "Abschied"),
    ]
    guest = factories.participation(visit, factories.person(wuppertal, "Schneidewind"))
    hosts = [
        factories.participation(visit, factories.person(bochum, name), side=Side.HOST)
        for name in ("Eiskirch", "Kopietz")
    ]
    planner = factories.user(bochum, Role.PLANNER)
    db.session.commit()
    return Scene(visit, day_one, day_two, guest, hosts, planner)


def _column_titles(response) -> list[str]:
    return re.findall(r'<span class="item-title">([^<]*)</span>', response.get_data(as_text=True))


def _day_links(response) -> list[str]:
    return re.findall(r'href="[^"]*/attendance\?day=([0-9-]+)"', response.get_data(as_text=True))


def test_the_matrix_shows_the_first_day_with_links_to_every_day(client, login, scene):
    login(scene.planner)

    first = client.get(scene.page)
    second = client.get(f"{scene.page}?day={SECOND}")

    assert _column_titles(first) == ["Begrüßung", "Stelen-Demo"]
    assert _column_titles(second) == ["Innovation Unit", "Abschied"]
    assert _day_links(first) == [FIRST, SECOND]
    assert f'day={SECOND}" aria-current="page"' in second.get_data(as_text=True)
    assert "Do., 23. Feb. 2 Programmpunkte" in page_text(first)
    assert "Freitag, 24. Februar 2023" in page_text(second)


@pytest.mark.parametrize("day", ["garbage", "2023-02-30", "2024-01-01", ""], ids=str)
def test_an_odd_or_empty_day_shows_the_first_day(client, login, scene, day):
    login(scene.planner)
    response = client.get(f"{scene.page}?day={day}")
    assert response.status_code == 200
    assert _column_titles(response) == ["Begrüßung", "Stelen-Demo"]


def test_saving_one_day_leaves_the_other_days_alone(client, login, scene):
    login(scene.planner)
    form = form_values(client.get(f"{scene.page}?day={SECOND}"))
    unticked = {key: value for key, value in form.items() if not key.startswith("a-")}

    response = client.post(f"{scene.page}?day={SECOND}", data=unticked)

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"?day={SECOND}#matrix")
    assert scene.attends(scene.guest) == {"Begrüßung", "Stelen-Demo"}
    assert scene.attends(scene.hosts[0]) == {"Begrüßung", "Stelen-Demo"}


@pytest.mark.parametrize(
    ("toggle", "anchor"),
    [("person-none:{guest}", "row-{guest}"), ("item-none:{item}", "item-{item}")],
    ids=["row", "column"],
)
def test_a_toggle_without_script_returns_to_its_day_near_the_row_or_column(
    client, login, scene, toggle, anchor
):
    login(scene.planner)
    ids = {"guest": scene.guest.id, "item": scene.day_two[0].id}
    form = form_values(client.get(f"{scene.page}?day={SECOND}"))

    response = client.post(scene.page, data={**form, "toggle": toggle.format(**ids)})

    assert response.headers["Location"].endswith(f"?day={SECOND}#{anchor.format(**ids)}")
    assert "Innovation Unit" not in scene.attends(scene.guest)
    assert "Begrüßung" in scene.attends(scene.guest)


def test_a_row_all_ticks_only_the_items_of_its_day(client, login, scene):
    scene.guest.attends_all_items = False
    db.session.commit()
    login(scene.planner)
    form = form_values(client.get(f"{scene.page}?day={SECOND}"))

    client.post(scene.page, data={**form, "toggle": f"person-all:{scene.guest.id}"})

    assert scene.attends(scene.guest) == {"Innovation Unit", "Abschied"}


def test_counts_are_in_the_singular_and_the_plural(client, login, scene):
    scene.hosts[1].attends_all_items = False
    scene.hosts[1].items = [scene.day_one[1]]
    scene.guest.attends_all_items = False
    scene.guest.items = [scene.day_one[1]]
    db.session.commit()
    login(scene.planner)

    matrix = page_text(client.get(scene.page))
    participants = page_text(client.get(f"/visits/{scene.visit.id}/participants"))
    english = page_text(client.get(f"{scene.page}?lang=en"))

    assert "Begrüßung 1 Person alle" in matrix
    assert "Stelen-Demo 3 Personen alle" in matrix
    assert "Gastseite: 1 Person · Gastgeberseite: 2 Personen" in participants
    assert "Welcome" not in english  # the factory's titles are German only
    assert "Begrüßung 1 person all" in english
    assert "Stelen-Demo 3 people all" in english


def test_the_saved_message_counts_in_words(client, login, scene):
    login(scene.planner)
    form = form_values(client.get(scene.page))
    one = {k: v for k, v in form.items() if k != f"a-{scene.guest.id}-{scene.day_one[0].id}"}
    client.post(scene.page, data=one)
    assert "Teilnahme für 1 Person gespeichert." in page_text(client.get(scene.page))

    client.post(scene.page, data={**form_values(client.get(scene.page)), "toggle":
                                  f"item-none:{scene.day_one[1].id}"})  # fmt: skip
    assert "Teilnahme für 3 Personen gespeichert." in page_text(client.get(scene.page))

    client.post(scene.page, data=form_values(client.get(scene.page)))
    assert "Es wurde nichts geändert." in page_text(client.get(scene.page))


def _script_save(client, scene, row: Participation, ticked: list[AgendaItem], lock=None):
    """Send what the page's script sends for one row of the first day."""
    form = form_values(client.get(scene.page))
    data = {k: v for k, v in form.items() if not k.startswith(f"a-{row.id}-")}
    data.update({f"a-{row.id}-{item.id}": "on" for item in ticked})
    data["rows"] = str(row.id)
    if lock is not None:
        data[f"lock-{row.id}"] = str(lock)
    return client.post(scene.page, data=data, headers=JSON)


def test_a_script_save_is_answered_with_the_days_rows_and_counts(client, login, scene):
    login(scene.planner)
    version = scene.guest.lock_version
    first, second = scene.day_one

    response = _script_save(client, scene, scene.guest, [second])

    assert response.status_code == 200
    answer = response.get_json()
    assert answer["message"] == "Teilnahme für 1 Person gespeichert."
    assert {row["id"]: row["attending"] for row in answer["rows"]} == {
        scene.guest.id: [second.id],
        scene.hosts[0].id: [first.id, second.id],
        scene.hosts[1].id: [first.id, second.id],
    }
    assert next(row["lock"] for row in answer["rows"] if row["id"] == scene.guest.id) == (
        version + 1
    )
    assert answer["counts"] == {str(first.id): "2 Personen", str(second.id): "3 Personen"}
    assert answer["refused"].strip() == ""
    assert scene.attends(scene.guest) == {"Stelen-Demo", "Innovation Unit", "Abschied"}
    assert "Person gespeichert" not in page_text(client.get(scene.page))  # no flash left


def test_a_script_save_only_changes_the_rows_it_names(client, login, scene):
    login(scene.planner)
    form = form_values(client.get(scene.page))
    # Everything unticked, but only the guest's row is named.
    data = {k: v for k, v in form.items() if not k.startswith("a-")}

    client.post(scene.page, data={**data, "rows": str(scene.guest.id)}, headers=JSON)

    assert scene.attends(scene.guest) == {"Innovation Unit", "Abschied"}
    assert scene.attends(scene.hosts[0]) == {"Begrüßung", "Stelen-Demo", "Innovation Unit",
                                             "Abschied"}  # fmt: skip


def test_a_script_save_with_a_stale_lock_version_is_refused(client, login, scene):
    login(scene.planner)
    stale = scene.guest.lock_version
    _script_save(client, scene, scene.guest, [scene.day_one[1]])

    response = _script_save(client, scene, scene.guest, [], lock=stale)

    assert response.status_code == 409
    answer = response.get_json()
    assert answer["message"] == (
        "Für 1 Person nicht gespeichert: inzwischen von jemand anderem geändert."
    )
    refused = " ".join(re.sub(r"<[^>]+>", " ", answer["refused"]).split())
    assert "Schneidewind: von jemand anderem während Ihrer Bearbeitung geändert" in refused
    guest_row = next(row for row in answer["rows"] if row["id"] == scene.guest.id)
    assert guest_row["attending"] == [scene.day_one[1].id]
    assert scene.attends(scene.guest) == {"Stelen-Demo", "Innovation Unit", "Abschied"}


def test_a_script_save_without_a_lock_version_is_refused(client, login, scene):
    login(scene.planner)
    form = form_values(client.get(scene.page))
    data = {k: v for k, v in form.items() if not k.startswith(("a-", "lock-"))}

    response = client.post(scene.page, data={**data, "rows": str(scene.guest.id)}, headers=JSON)

    assert response.status_code == 409
    assert "nicht mitgeschickt" in response.get_json()["refused"]
    assert scene.attends(scene.guest) == {"Begrüßung", "Stelen-Demo", "Innovation Unit",
                                          "Abschied"}  # fmt: skip


def test_a_guest_planner_saves_only_rows_of_their_own_delegation(client, login, scene):
    factories.issue(scene.visit, "Erste Fassung")
    guest_planner = factories.user(scene.visit.guest_organisations[0], Role.PLANNER)
    login(guest_planner)
    host = scene.hosts[0]

    refused = _script_save(client, scene, host, [], lock=host.lock_version)
    mixed = client.post(
        scene.page,
        data={
            **form_values(client.get(scene.page)),
            "rows": [str(scene.guest.id), str(host.id)],
            f"lock-{host.id}": str(host.lock_version),
        },
        headers=JSON,
    )
    own = _script_save(client, scene, scene.guest, [scene.day_one[0]])

    assert (refused.status_code, mixed.status_code) == (403, 403)
    assert refused.get_json() == {"message": "Sie dürfen diese Personen nicht ändern."}
    assert len(scene.attends(host)) == 4
    assert own.status_code == 200
    assert scene.attends(scene.guest) == {"Begrüßung", "Innovation Unit", "Abschied"}


def test_the_matrix_costs_the_same_queries_however_many_days_items_and_people(client, login, scene):
    login(scene.planner)
    small_id = scene.visit.id
    large = factories.visit(scene.visit.host_organisation, list(scene.visit.guest_organisations),
                            first_day=date(2023, 2, 23), last_day=date(2023, 2, 26))  # fmt: skip
    for day in range(23, 27):
        for hour in range(8, 18):
            factories.item(large, f"2023-02-{day} {hour:02}:00", f"2023-02-{day} {hour:02}:45")
    guests = large.guest_organisations[0]
    for n in range(40):
        person = factories.person(guests, f"Gast {n}")
        factories.participation(large, person, attends_all_items=n % 3 == 0)
    db.session.commit()
    large_id = large.id

    with count_queries(db.engine) as for_small:
        assert client.get(f"/visits/{small_id}/attendance").status_code == 200
    with count_queries(db.engine) as for_large:
        assert client.get(f"/visits/{large_id}/attendance?day=2023-02-25").status_code == 200

    assert for_large.count == for_small.count


def test_a_script_save_of_one_row_costs_the_same_queries_however_large_the_visit(
    client, login, scene
):
    login(scene.planner)
    large = factories.visit(scene.visit.host_organisation, list(scene.visit.guest_organisations),
                            first_day=date(2023, 2, 23), last_day=date(2023, 2, 24))  # fmt: skip
    for day in (FIRST, SECOND):
        for hour in range(8, 18):
            factories.item(large, f"{day} {hour:02}:00", f"{day} {hour:02}:45")
    guests = large.guest_organisations[0]
    first = factories.participation(large, factories.person(guests, "Erster"))
    for n in range(30):
        factories.participation(large, factories.person(guests, f"Gast {n}"))
    db.session.commit()

    def save(visit_id: int, row: Participation):
        page = f"/visits/{visit_id}/attendance"
        form = form_values(client.get(page))
        data = {k: v for k, v in form.items() if not k.startswith(f"a-{row.id}-")}
        with count_queries(db.engine) as counted:
            response = client.post(page, data={**data, "rows": str(row.id)}, headers=JSON)
        assert response.status_code == 200
        return counted.count

    assert save(large.id, first) == save(scene.visit.id, scene.guest)


@pytest.mark.parametrize(
    "toggle", ["person-all:<b>", "item-none:²", "item-all:99999999999", "sideways:1"], ids=str
)
def test_an_odd_toggle_changes_nothing_and_returns_to_the_matrix(client, login, scene, toggle):
    login(scene.planner)
    form = form_values(client.get(scene.page))

    response = client.post(scene.page, data={**form, "toggle": toggle})

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"?day={FIRST}#matrix")
    assert len(scene.attends(scene.guest)) == 4


def _crowd(scene: Scene, count: int) -> list[Participation]:
    """Add ``count`` guests named "Gast 000" onwards, who come after the scene's guest."""
    guests = scene.visit.guest_organisations[0]
    crowd = [
        factories.participation(scene.visit, factories.person(guests, f"Gast {n:03}"))
        for n in range(count)
    ]
    db.session.commit()
    return crowd


def _row_names(response) -> list[str]:
    return re.findall(r'<span class="name">([^<]*)</span>', response.get_data(as_text=True))


def test_the_matrix_shows_fifty_people_a_page_and_counts_everyone(client, login, scene):
    _crowd(scene, 119)
    login(scene.planner)

    first = client.get(scene.page)
    third = client.get(f"{scene.page}?day={SECOND}&page=3")

    # Guests first in protocol order (names), then the hosts.
    assert _row_names(first)[:3] == ["Gast 000", "Gast 001", "Gast 002"]
    assert len(_row_names(first)) == 50
    assert _row_names(third) == [f"Gast {n:03}" for n in range(100, 119)] + [
        "Schneidewind", "Eiskirch", "Kopietz"
    ]  # fmt: skip
    assert "Innovation Unit 122 Personen alle" in page_text(third)
    assert "zeigt die Personen 101 bis 122 von 122" in page_text(third)
    html = third.get_data(as_text=True)
    assert '<nav class="pagination" aria-label="Seiten der Personen">' in html
    assert f'href="{scene.page}?page=3&amp;day={SECOND}" aria-current="page"' in html
    assert f'href="{scene.page}?day={FIRST}&amp;page=3"' in html  # the day tabs keep the page


def test_saving_a_page_leaves_the_people_of_other_pages_alone(client, login, scene):
    crowd = _crowd(scene, 119)
    login(scene.planner)
    form = form_values(client.get(f"{scene.page}?page=2"))
    unticked = {key: value for key, value in form.items() if not key.startswith("a-")}

    response = client.post(f"{scene.page}?page=2", data=unticked)

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"?day={FIRST}&page=2#matrix")
    assert scene.attends(crowd[49]) == {"Begrüßung", "Stelen-Demo", "Innovation Unit", "Abschied"}
    assert scene.attends(crowd[50]) == {"Innovation Unit", "Abschied"}
    assert scene.attends(crowd[99]) == {"Innovation Unit", "Abschied"}
    assert len(scene.attends(crowd[100])) == 4
    assert "Begrüßung 72 Personen" in page_text(client.get(scene.page))


def test_a_save_changes_the_people_its_form_showed_when_the_pages_moved_meanwhile(
    client, login, scene
):
    crowd = _crowd(scene, 119)
    login(scene.planner)
    form = form_values(client.get(f"{scene.page}?page=2"))
    # Someone ranked first joins meanwhile: everybody moves one place down the pages.
    first = factories.person(scene.visit.guest_organisations[0], "Aaron", precedence_rank=1)
    newcomer = factories.participation(scene.visit, first)
    db.session.commit()
    unticked = {key: value for key, value in form.items() if not key.startswith("a-")}

    client.post(f"{scene.page}?page=2", data=unticked)

    # Gast 049 moved onto page 2 after the form was opened, Gast 099 off it.
    assert len(scene.attends(crowd[49])) == 4
    assert scene.attends(crowd[50]) == {"Innovation Unit", "Abschied"}
    assert scene.attends(crowd[99]) == {"Innovation Unit", "Abschied"}
    assert len(scene.attends(crowd[100])) == 4
    assert len(scene.attends(newcomer)) == 4


def test_a_script_save_on_a_later_page_is_answered_with_that_pages_rows(client, login, scene):
    crowd = _crowd(scene, 60)
    login(scene.planner)
    row = crowd[55]
    form = form_values(client.get(f"{scene.page}?page=2"))
    data = {k: v for k, v in form.items() if not k.startswith(f"a-{row.id}-")}

    response = client.post(f"{scene.page}?page=2", data={**data, "rows": str(row.id)}, headers=JSON)

    answer = response.get_json()
    assert response.status_code == 200
    assert [r["id"] for r in answer["rows"]] == [p.id for p in crowd[50:]] + [
        scene.guest.id, *(host.id for host in scene.hosts)
    ]  # fmt: skip
    assert answer["counts"] == {str(item.id): "62 Personen" for item in scene.day_one}
    assert scene.attends(row) == {"Innovation Unit", "Abschied"}


@pytest.mark.parametrize("page", ["1", "2"])
def test_the_matrix_costs_the_same_queries_for_10_and_500_people(client, login, scene, page):
    login(scene.planner)
    small, large = (
        factories.visit(scene.visit.host_organisation, list(scene.visit.guest_organisations))
        for _ in range(2)
    )
    guests = scene.visit.guest_organisations[0]
    for visit, count in ((small, 10), (large, 500)):
        for hour in range(8, 12):
            factories.item(visit, f"{FIRST} {hour:02}:00", f"{FIRST} {hour:02}:45")
        for n in range(count):
            person = factories.person(guests, f"Gast {n}")
            factories.participation(visit, person, attends_all_items=n % 3 == 0)
    db.session.commit()

    def cost(visit: Visit) -> int:
        with count_queries(db.engine) as counted:
            assert client.get(f"/visits/{visit.id}/attendance?page={page}").status_code == 200
        return counted.count

    assert cost(large) == cost(small)
