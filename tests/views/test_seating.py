"""Seating plans: the demo's proposal by precedence, moving people, warnings, printing."""

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from planner.enums import ItemKind, Role
from planner.extensions import db
from planner.models import AgendaItem, Seat, SeatingPlan
from planner.services.demo import load_demo_data
from planner.services.trash import restore, trash_item
from tests import factories
from tests.helpers import form_values, page_text


@pytest.fixture
def demo(app):
    return load_demo_data().visit


@pytest.fixture
def closing(demo) -> AgendaItem:
    return db.session.scalar(
        select(AgendaItem).where(
            AgendaItem.visit_id == demo.id, AgendaItem.title_de == "Abschlussgespräch"
        )
    )


@pytest.fixture
def planner(demo, login):
    user = factories.user(demo.host_organisation, Role.PLANNER)
    login(user)
    return user


def _url(item: AgendaItem, tail: str = "") -> str:
    return f"/visits/{item.visit_id}/items/{item.id}/seating{tail}"


def _seating(item: AgendaItem) -> dict[tuple[int, int], str]:
    """Return who sits where as stored: (row, column) → last name."""
    db.session.expire_all()
    plan = db.session.scalar(select(SeatingPlan).where(SeatingPlan.item_id == item.id))
    return {
        (seat.row, seat.column): seat.person.last_name
        for table in plan.tables
        for seat in table.seats
        if seat.person
    }


def _plan(item: AgendaItem) -> SeatingPlan:
    db.session.expire_all()
    return db.session.scalar(select(SeatingPlan).where(SeatingPlan.item_id == item.id))


def _seat_of(item: AgendaItem, last_name: str) -> Seat:
    plan = _plan(item)
    return next(
        seat
        for table in plan.tables
        for seat in table.seats
        if seat.person and seat.person.last_name == last_name
    )


def test_the_demo_seats_the_heads_at_the_centre_and_alternates_the_teams_by_rank(closing):
    seating = _seating(closing)

    # The host's side (row 0) and the opposite side (row 1) of one long table of 8.
    assert seating == {
        (0, 0): "Reuter",
        (0, 1): "Eiskirch",
        (0, 2): "Albers",
        (0, 3): "Hoffmann",
        (1, 0): "Kopietz",
        (1, 1): "Schneidewind",
        (1, 2): "Kücük",
    }


def test_the_editor_lists_seats_and_warns_of_the_missing_rank(client, planner, closing):
    response = client.get(_url(closing))

    assert response.status_code == 200
    text = page_text(response)
    assert "Sitzordnung: Abschlussgespräch" in text
    assert "Lena Hoffmann hat keinen Rang: Der Vorschlag setzt die Person ans Ende." in text


def test_a_seat_moved_by_the_form_survives_a_reload(client, planner, closing):
    page = client.get(_url(closing))
    data = form_values(page, form_id="seating")
    reuter, kopietz = _seat_of(closing, "Reuter"), _seat_of(closing, "Kopietz")
    reuter_id, kopietz_id = reuter.person_id, kopietz.person_id
    data[f"seat-{reuter.id}"] = str(kopietz_id)
    data[f"seat-{kopietz.id}"] = str(reuter_id)

    response = client.post(_url(closing, "/seats"), data=data)

    assert response.status_code == 302
    seating = _seating(closing)
    assert (seating[(0, 0)], seating[(1, 0)]) == ("Kopietz", "Reuter")
    reloaded = client.get(_url(closing))
    selected = re.search(
        rf'name="seat-{reuter.id}">.*?<option value="(\d+)" selected', reloaded.text, re.S
    )
    assert selected.group(1) == str(kopietz_id)


def test_the_swap_form_exchanges_two_seats(client, planner, closing):
    albers = _seat_of(closing, "Albers")
    plan = _plan(closing)
    empty = next(s for t in plan.tables for s in t.seats if s.person_id is None)

    response = client.post(
        _url(closing, "/swap"),
        data={"first": albers.id, "second": empty.id, "lock_version": plan.lock_version},
    )

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#seat-{empty.id}")
    seating = _seating(closing)
    assert seating[(empty.row, empty.column)] == "Albers"
    assert (0, 2) not in seating


def test_a_swap_from_a_stale_page_is_refused_and_changes_nothing(client, planner, closing):
    plan = _plan(closing)
    old = plan.lock_version
    albers, reuter = _seat_of(closing, "Albers"), _seat_of(closing, "Reuter")
    client.post(
        _url(closing, "/swap"), data={"first": albers.id, "second": reuter.id, "lock_version": old}
    )
    before = _seating(closing)

    response = client.post(
        _url(closing, "/swap"),
        data={"first": albers.id, "second": reuter.id, "lock_version": old},
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 409
    assert response.json["saved"] is False
    assert "in der Zwischenzeit" in response.json["message"]
    assert _seating(closing) == before


def test_the_seats_form_refuses_a_person_twice_and_one_not_taking_part(client, planner, closing):
    plan = _plan(closing)
    first, second = plan.tables[0].seats[0], plan.tables[0].seats[7]
    stranger = factories.person(closing.visit.host_organisation, "Fremd")
    db.session.commit()

    twice = client.post(
        _url(closing, "/seats"),
        data={"lock_version": plan.lock_version, f"seat-{second.id}": first.person_id},
    )
    outsider = client.post(
        _url(closing, "/seats"),
        data={"lock_version": plan.lock_version, f"seat-{second.id}": stranger.id},
    )

    assert twice.status_code == 422
    assert "Geben Sie jeder Person nur einen Platz." in page_text(twice)
    assert outsider.status_code == 422
    assert _seating(closing)[(0, 0)] == "Reuter"


def test_needs_at_an_unsuitable_table_are_warned_about(client, planner, closing):
    albers = _seat_of(closing, "Albers")
    plan, table = _plan(closing), albers.table
    albers.person.accessibility_needs = "Rollstuhl"
    albers.person.dietary_needs = "vegan"
    db.session.commit()

    response = client.post(
        _url(closing, "/seats"),
        data={"lock_version": plan.lock_version, f"table-{table.id}-shown": "1"},
    )
    page = client.get(_url(closing))

    assert response.status_code == 302
    text = page_text(page)
    assert (
        "Miriam Albers hat Bedürfnisse an Barrierefreiheit, sitzt aber an Tisch 1, Platz 3, "
        "der nicht stufenlos erreichbar ist." in text
    )
    assert "Miriam Albers hat besondere Ernährungswünsche" in text


def test_a_new_proposal_needs_confirmation_and_lays_out_round_tables(client, planner, closing):
    plan = _plan(closing)
    data = {
        "layout": "round-tables",
        "heads": "facing",
        "tables": "2",
        "seats_per_table": "4",
        "lock_version": plan.lock_version,
    }

    unconfirmed = client.post(_url(closing, "/propose"), data=data)
    confirmed = client.post(_url(closing, "/propose"), data={**data, "replace": "y"})

    assert unconfirmed.status_code == 422
    assert confirmed.status_code == 302
    plan = _plan(closing)
    assert [len(table.seats) for table in plan.tables] == [4, 4]
    first = {seat.column: seat.person.last_name for seat in plan.tables[0].seats}
    assert first == {0: "Eiskirch", 1: "Albers", 2: "Schneidewind", 3: "Kopietz"}


@pytest.mark.parametrize("size", ["0", "61", "x" * 20])
def test_a_layout_out_of_bounds_is_refused(client, planner, closing, size):
    plan = _plan(closing)
    response = client.post(
        _url(closing, "/propose"),
        data={
            "layout": "theatre",
            "heads": "facing",
            "tables": "1",
            "seats_per_table": size,
            "lock_version": plan.lock_version,
            "replace": "y",
        },
    )

    assert response.status_code == 422
    assert len(_plan(closing).tables[0].seats) == 8


def test_items_that_are_not_seated_have_no_seating_plan(client, planner, demo):
    walkthrough = next(item for item in demo.items if item.kind == ItemKind.WALKTHROUGH)

    assert client.get(_url(walkthrough)).status_code == 404


def test_viewers_of_the_host_read_the_plan_but_cannot_change_it(client, login, demo, closing):
    login(factories.user(demo.host_organisation, Role.VIEWER))
    plan = _plan(closing)
    first, second = plan.tables[0].seats[:2]

    page = client.get(_url(closing))
    swap = client.post(
        _url(closing, "/swap"),
        data={"first": first.id, "second": second.id, "lock_version": plan.lock_version},
    )

    assert page.status_code == 200
    assert "Plätze speichern" not in page.text
    assert swap.status_code == 403


def test_the_guest_office_is_refused_the_hosts_seating(client, login, demo, closing):
    login(factories.user(demo.guest_organisations[0], Role.PLANNER))

    assert client.get(_url(closing)).status_code == 403
    assert client.get(f"/visits/{demo.id}/print/seating").status_code == 403


def test_an_unrelated_organisation_learns_nothing_of_the_plan(client, login, closing):
    login(factories.user(factories.organisation("Dortmund"), Role.ADMIN))

    assert client.get(_url(closing)).status_code == 404
    assert client.post(_url(closing, "/swap"), data={}).status_code == 404


def _pdf_pages(response) -> list[str]:
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def test_the_seating_pdf_prints_the_table_in_seat_order_then_the_place_cards(client, planner, demo):
    pages = _pdf_pages(client.get(f"/visits/{demo.id}/print/seating.pdf"))

    chart = pages[0]
    assert "Abschlussgespräch" in chart
    assert "Tisch 1" in chart
    order = [
        "Seite der Gastgeber",
        "Jonas Reuter",
        "Thomas Eiskirch",
        "Miriam Albers",
        "Lena Hoffmann",
        "Gegenüberliegende Seite",
        "Sebastian Kopietz",
        "Prof. Dr. Uwe Schneidewind",
        "Denes Kücük",
    ]
    assert [chart.index(name) for name in order] == sorted(chart.index(name) for name in order)
    assert "Oberbürgermeister" in chart
    # One place card a page after the chart, in the same order.
    cards = pages[1:]
    assert len(cards) == 7
    names = [name for name in order if "Seite" not in name]
    assert [next(name for name in names if name in card) for card in cards] == names


def test_the_visit_page_leads_planners_to_the_seating_and_its_print(client, planner, demo, closing):
    visit_page = client.get(f"/visits/{demo.id}")
    view = client.get(f"/visits/{demo.id}/print/seating")

    assert f'href="{_url(closing)}"' in visit_page.text
    assert f"/visits/{demo.id}/print/seating.pdf" in visit_page.text
    assert view.status_code == 200
    assert "Prof. Dr. Uwe Schneidewind" in page_text(view)


def test_an_item_deleted_and_restored_from_the_trash_keeps_its_seating(closing):
    before = _seating(closing)
    entry = trash_item(closing, None)
    db.session.commit()
    assert db.session.scalar(select(SeatingPlan.id)) is None

    restore(entry, None)
    db.session.commit()

    assert _seating(closing) == before


def test_people_beyond_the_seats_are_named_as_without_a_seat(client, planner, closing):
    plan = _plan(closing)
    data = {
        "layout": "theatre",
        "heads": "side-by-side",
        "tables": "1",
        "seats_per_table": "5",
        "lock_version": plan.lock_version,
        "replace": "y",
    }

    client.post(_url(closing, "/propose"), data=data)
    page = client.get(_url(closing))

    # The one row, left to right: the heads at the centre, the next ranks beside them.
    assert "Ohne Platz: Denes Kücük, Lena Hoffmann." in page_text(page)
    assert [name for _, name in sorted(_seating(closing).items())] == [
        "Reuter", "Albers", "Eiskirch", "Schneidewind", "Kopietz"
    ]  # fmt: skip


def test_the_seats_form_from_a_stale_page_is_refused_with_the_plan_as_it_is(
    client, planner, closing
):
    page = client.get(_url(closing))
    data = form_values(page, form_id="seating")
    albers, reuter = _seat_of(closing, "Albers"), _seat_of(closing, "Reuter")
    client.post(
        _url(closing, "/swap"),
        data={"first": albers.id, "second": reuter.id, "lock_version": data["lock_version"]},
    )
    data[f"seat-{albers.id}"] = ""

    response = client.post(_url(closing, "/seats"), data=data)

    assert response.status_code == 409
    assert "in der Zwischenzeit von jemand anderem geändert" in page_text(response)
    assert _seating(closing)[(0, 0)] == "Albers"
    assert '<option selected value="long-table">' in response.text


def test_the_seating_prints_in_english_on_request(client, planner, demo):
    text = page_text(client.get(f"/visits/{demo.id}/print/seating", query_string={"lang": "en"}))

    assert "Closing exchange" in text
    assert "Table 1" in text
    assert "Opposite side" in text
    assert "Prof. Dr. Uwe Schneidewind Lord Mayor" in text
