"""Warnings on the visit page: one summary by kind, a row per item, acknowledgements."""

import re
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from planner.enums import Role, Side
from planner.extensions import db
from planner.models import AuditEntry, ConflictAcknowledgement
from tests import factories
from tests.helpers import count_queries, form_values, page_text

NOTE = "OB kommt 10 Minuten später"


@pytest.fixture
def bochum(app):
    return factories.organisation("Bochum")


@pytest.fixture
def planner(bochum, login):
    user = factories.user(bochum, Role.PLANNER, name="Lena Hoffmann")
    login(user)
    return user


@pytest.fixture
def visit(bochum):
    """A visit whose welcome and demo overlap, and whose demo takes three people whom
    a visit from Dortmund needs at the same time."""
    visit = factories.visit(bochum, [factories.organisation("Wuppertal")],
                            first_day=date(2023, 2, 23), title="Wuppertal in Bochum")  # fmt: skip
    other = factories.visit(bochum, first_day=date(2023, 2, 23), title="Dortmund in Bochum")
    welcome = factories.item(visit, "2023-02-23 10:00", "2023-02-23 10:30", "Begrüßung")
    demo = factories.item(visit, "2023-02-23 10:15", "2023-02-23 11:00", "Infostelen")
    factories.item(other, "2023-02-23 10:45", "2023-02-23 11:30", "Sitzung")
    for name in ("Eiskirch", "Kopietz", "Kücük"):
        person = factories.person(bochum, name, first_name="Anna")
        factories.participation(visit, person, side=Side.HOST, attends_all_items=False,
                                items=[demo])  # fmt: skip
        factories.participation(other, person, side=Side.HOST)
    db.session.commit()
    visit.welcome, visit.demo = welcome, demo
    return visit


def _page(client, visit):
    return client.get(f"/visits/{visit.id}")


def _acknowledge(client, visit, index: int = 0, note: str = NOTE):
    """Acknowledge the index-th open warning, as the page's form sends it."""
    page = _page(client, visit)
    forms = re.findall(r'name="fingerprint" value="([0-9a-f]{64})"', page.get_data(as_text=True))
    data = form_values(page, action=f"/visits/{visit.id}/conflicts/acknowledge")
    return client.post(
        f"/visits/{visit.id}/conflicts/acknowledge",
        data={**data, "fingerprint": forms[index], "note": note},
    )


def test_the_summary_names_each_clash_once_by_kind_with_links_to_the_items(client, planner, visit):
    html = _page(client, visit).get_data(as_text=True)
    text = page_text(_page(client, visit))

    assert "2 offene Hinweise" in text
    assert "1 Terminüberschneidung bei Personen" in text
    assert "1 Überschneidung im Programm" in text
    assert (
        "„Infostelen“ ↔ „Sitzung“ (Dortmund in Bochum): Anna Eiskirch, Anna Kopietz, Anna Kücük"
        in text
    )
    assert "„Begrüßung“ (10:00–10:30) ↔ „Infostelen“ (10:15–11:00)" in text
    summary = html[
        html.index('id="conflicts"') : html.index("</section>", html.index('id="conflicts"'))
    ]
    assert f'href="/visits/{visit.id}#item-{visit.welcome.id}"' in summary
    assert f'href="/visits/{visit.id}#item-{visit.demo.id}"' in summary
    # People come before the overlap: what blocks the day first.
    assert text.index("Terminüberschneidung") < text.index("Überschneidung im Programm")


def test_each_items_warnings_stand_in_a_row_of_their_own_under_it(client, planner, visit):
    html = _page(client, visit).get_data(as_text=True)

    row = re.search(
        rf'<tr class="[^"]*" id="item-{visit.demo.id}">(.*?)</tr>\s*'
        r'<tr class="item-warnings-row">(.*?)</tr>',
        html,
        re.S,
    )

    assert row is not None
    item_cells, warnings = row.groups()
    assert "Überschneidet" not in item_cells
    assert 'colspan="6"' in warnings
    text = " ".join(re.sub(r"<[^>]+>", " ", warnings).split())
    assert "Überschneidet sich mit „Begrüßung“ (10:00–10:30)." in text
    assert (
        "Anna Eiskirch, Anna Kopietz, Anna Kücük nehmen zur selben Zeit an „Sitzung“ "
        "(Dortmund in Bochum) teil." in text
    )
    assert f'href="/visits/{visit.id}#item-{visit.welcome.id}"' in warnings


def test_an_acknowledged_warning_is_hidden_and_listed_with_its_note(client, planner, visit):
    response = _acknowledge(client, visit, index=1)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/visits/{visit.id}#conflicts"
    page = _page(client, visit)
    text = page_text(page)
    assert "1 offener Hinweis" in text
    assert "1 bestätigter Hinweis" in text
    assert f"„{NOTE}“ – Lena Hoffmann" in text
    acknowledged = text[text.index("1 bestätigter Hinweis") :]
    assert "„Begrüßung“ (10:00–10:30) ↔ „Infostelen“ (10:15–11:00)" in acknowledged
    assert "Überschneidet sich" not in text
    assert f'id="item-{visit.welcome.id}">' in page.get_data(as_text=True)
    assert text.count("Überschneidung im Programm") == 0


def test_changing_the_items_time_shows_the_acknowledged_warning_again(client, planner, visit):
    _acknowledge(client, visit, index=1)
    assert "Überschneidet sich" not in page_text(_page(client, visit))

    visit.demo.starts_at = datetime(2023, 2, 23, 10, 20)
    db.session.commit()

    text = page_text(_page(client, visit))
    assert "Überschneidet sich mit „Begrüßung“ (10:00–10:30)." in text
    assert "2 offene Hinweise" in text
    assert "bestätigte" not in text


def test_changing_the_description_keeps_the_warning_acknowledged(client, planner, visit):
    _acknowledge(client, visit, index=1)

    visit.demo.description_de = "Mit Kaffee"
    db.session.commit()

    text = page_text(_page(client, visit))
    assert "Überschneidet sich" not in text
    assert "1 bestätigter Hinweis" in text


def test_withdrawing_an_acknowledgement_shows_the_warning_again(client, planner, visit):
    _acknowledge(client, visit, index=1)
    ack = db.session.scalar(select(ConflictAcknowledgement))

    response = client.post(f"/visits/{visit.id}/conflicts/{ack.id}/withdraw")

    assert response.headers["Location"] == f"/visits/{visit.id}#conflicts"
    text = page_text(_page(client, visit))
    assert "Der Hinweis wird wieder angezeigt." in text
    assert "2 offene Hinweise" in text
    assert "bestätigte" not in text


def test_acknowledging_needs_a_note(client, planner, visit):
    _acknowledge(client, visit, note="   ")

    assert db.session.scalar(select(func.count()).select_from(ConflictAcknowledgement)) == 0
    assert "Bitte begründen Sie, warum der Hinweis in Ordnung ist." in page_text(
        _page(client, visit)
    )


def test_a_warning_that_changed_meanwhile_cannot_be_acknowledged(client, planner, visit):
    page = _page(client, visit)
    [first, _second] = re.findall(
        r'name="fingerprint" value="([0-9a-f]{64})"', page.get_data(as_text=True)
    )
    visit.demo.ends_at = datetime(2023, 2, 23, 11, 15)
    db.session.commit()

    client.post(
        f"/visits/{visit.id}/conflicts/acknowledge", data={"fingerprint": first, "note": NOTE}
    )

    assert db.session.scalar(select(func.count()).select_from(ConflictAcknowledgement)) == 0
    assert "Dieser Hinweis gilt nicht mehr" in page_text(_page(client, visit))


@pytest.mark.parametrize(
    ("relation", "role", "status"),
    [("host", Role.VIEWER, 403), ("host", Role.HOST, 403), ("guest", Role.PLANNER, 403),
     ("other", Role.ADMIN, 404)],
    ids=["host-viewer", "host-host", "guest-planner", "other-admin"],
)  # fmt: skip
def test_only_the_hosts_planners_may_acknowledge(app, client, login, visit, relation, role, status):
    fingerprint = re.search(
        r'name="fingerprint" value="([0-9a-f]{64})"',
        _planner_page(app, visit).get_data(as_text=True),
    )[1]
    organisation = {
        "host": visit.host_organisation,
        "guest": visit.guest_organisations[0],
        "other": factories.organisation("Essen"),
    }[relation]
    login(factories.user(organisation, role))

    response = client.post(
        f"/visits/{visit.id}/conflicts/acknowledge",
        data={"fingerprint": fingerprint, "note": NOTE},
    )

    assert response.status_code == status
    assert db.session.scalar(select(func.count()).select_from(ConflictAcknowledgement)) == 0


def _planner_page(app, visit):
    other = app.test_client()
    planner = factories.user(visit.host_organisation, Role.PLANNER)
    db.session.commit()
    other.post("/login", data={"email": planner.email, "password": factories.PASSWORD})
    return other.get(f"/visits/{visit.id}")


def test_viewers_see_the_warnings_but_no_way_to_acknowledge_them(client, login, visit):
    login(factories.user(visit.host_organisation, Role.VIEWER))

    page = _page(client, visit).get_data(as_text=True)

    assert "2 offene Hinweise" in page_text(_page(client, visit))
    assert "/conflicts/acknowledge" not in page


def test_acknowledging_is_told_in_the_history(client, planner, visit):
    _acknowledge(client, visit, index=1)
    ack = db.session.scalar(select(ConflictAcknowledgement))
    client.post(f"/visits/{visit.id}/conflicts/{ack.id}/withdraw")

    text = page_text(client.get(f"/visits/{visit.id}/history"))

    assert (
        "Lena Hoffmann hat den Hinweis „Überschneidung im Programm“ zu „Begrüßung“ und "
        f"„Infostelen“ bestätigt: „{NOTE}“." in text
    )
    assert (
        "Lena Hoffmann hat die Bestätigung des Hinweises „Überschneidung im Programm“ zu "
        "„Begrüßung“ und „Infostelen“ zurückgenommen." in text
    )
    types = db.session.scalars(
        select(AuditEntry.object_type).where(AuditEntry.visit_id == visit.id)
    )
    assert list(types).count("ConflictAcknowledgement") == 2


def test_the_issue_page_asks_only_about_open_warnings(client, planner, visit):
    _acknowledge(client, visit, index=0)
    _acknowledge(client, visit, index=0)

    page = page_text(client.get(f"/visits/{visit.id}/issue"))
    response = client.post(f"/visits/{visit.id}/issue", data={"comment": "Erste Fassung"})

    assert "Offene Konflikte" not in page
    assert "2 bestätigte Hinweise sind hier nicht aufgeführt." in page
    assert response.status_code == 302


def test_the_issue_page_lists_each_open_clash_once(client, planner, visit):
    text = page_text(client.get(f"/visits/{visit.id}/issue"))

    assert "Offene Konflikte" in text
    assert text.count("„Begrüßung“ (10:00–10:30) ↔ „Infostelen“ (10:15–11:00)") == 1


def test_the_start_page_counts_open_clashes(client, planner, visit):
    today = date.today()  # noqa: DTZ011 (the start page decides by the server's calendar day)
    visit.first_day = visit.last_day = today
    for item in visit.items:
        item.starts_at = datetime.combine(today, item.starts_at.time())
        item.ends_at = datetime.combine(today, item.ends_at.time())
    db.session.commit()
    badge = r'Wuppertal in Bochum</a>.*?<span class="badge badge-warning">(\d+)</span>'

    assert re.search(badge, client.get("/").get_data(as_text=True), re.S)[1] == "1"


def test_the_visit_page_costs_the_same_queries_with_many_warnings(client, planner, bochum):
    def build(clashing: int):
        visit = factories.visit(bochum, first_day=date(2023, 2, 23))
        room = factories.room(bochum, capacity=1)
        for number in range(clashing):
            factories.item(visit, "2023-02-23 10:00", f"2023-02-23 11:{number:02}", room=room)
        for _ in range(3):
            factories.participation(visit, factories.person(bochum), side=Side.HOST)
        db.session.commit()
        return visit

    few, many = build(2), build(12)
    for fingerprint in re.findall(
        r'name="fingerprint" value="([0-9a-f]{64})"', _page(client, many).get_data(as_text=True)
    )[:10]:
        client.post(
            f"/visits/{many.id}/conflicts/acknowledge",
            data={"fingerprint": fingerprint, "note": NOTE},
        )
    assert db.session.scalar(select(func.count()).select_from(ConflictAcknowledgement)) == 10

    few_path, many_path = f"/visits/{few.id}", f"/visits/{many.id}"

    with count_queries(db.engine) as for_few:
        assert client.get(few_path).status_code == 200
    with count_queries(db.engine) as for_many:
        many_page = client.get(many_path)

    assert "10 bestätigte Hinweise" in page_text(many_page)

    assert for_many.count == for_few.count
