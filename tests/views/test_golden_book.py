"""The Golden Book: entries on agenda items, a signing order by precedence that planners
change without JavaScript, and its print with the names in their form of address."""

import pytest
from sqlalchemy import select

from planner.enums import Role
from planner.extensions import db
from planner.models import GoldenBookEntry, Person
from planner.services.demo import load_demo_data
from tests import factories
from tests.helpers import page_text
from tests.views.test_printing import _pdf


@pytest.fixture
def demo(app):
    return load_demo_data().visit


@pytest.fixture
def planner(demo, login):
    user = factories.user(demo.host_organisation, Role.PLANNER)
    login(user)
    return user


def _entry() -> GoldenBookEntry:
    db.session.expire_all()
    return db.session.scalars(select(GoldenBookEntry).order_by(GoldenBookEntry.id)).first()


def _signers(entry: GoldenBookEntry) -> list[str]:
    return [signer.person.last_name for signer in entry.signers]


def _person(last_name: str) -> Person:
    return db.session.scalars(select(Person).where(Person.last_name == last_name)).one()


def _change(client, demo, entry: GoldenBookEntry, action: str, **fields):
    data = {"action": action, "lock_version": str(entry.lock_version), **fields}
    return client.post(f"/visits/{demo.id}/golden-book/{entry.id}/order", data=data)


def test_the_demo_welcome_carries_the_entry_the_guest_signing_first(client, demo, planner):
    entry = _entry()

    assert entry.item.title_de == "Begrüßung durch den Oberbürgermeister"
    assert _signers(entry) == ["Schneidewind", "Eiskirch"]
    text = page_text(client.get(f"/visits/{demo.id}/golden-book"))
    assert text.index("Prof. Dr. Uwe Schneidewind, Oberbürgermeister (Wuppertal)") < text.index(
        "Thomas Eiskirch, Oberbürgermeister (Bochum)"
    )


def test_the_signing_order_prints_in_order_with_forms_of_address(client, demo, planner):
    view = page_text(client.get(f"/visits/{demo.id}/print/golden-book"))
    pages, text = _pdf(client.get(f"/visits/{demo.id}/print/golden-book.pdf"))

    assert pages == 1
    for printed in (view, text):
        assert "Reihenfolge der Eintragung ins Goldene Buch" in printed
        first = printed.index("1. Prof. Dr. Uwe Schneidewind Oberbürgermeister Wuppertal")
        second = printed.index("2. Thomas Eiskirch Oberbürgermeister Bochum")
        assert printed.index("Begrüßung durch den Oberbürgermeister") < first < second


def test_the_print_in_english_uses_english_forms_of_address(client, demo, planner):
    _, text = _pdf(client.get(f"/visits/{demo.id}/print/golden-book.pdf?lang=en"))

    assert "Golden Book signing order" in text
    assert text.index("1. Prof. Dr. Uwe Schneidewind Lord Mayor") < text.index(
        "2. Thomas Eiskirch Lord Mayor"
    )


def test_moving_a_signer_down_survives_a_reload_and_the_history_tells_it(client, demo, planner):
    entry = _entry()
    schneidewind = entry.signers[0]

    response = _change(client, demo, entry, "down", signer=str(schneidewind.id))

    assert response.status_code == 302
    assert _signers(_entry()) == ["Eiskirch", "Schneidewind"]
    text = page_text(client.get(f"/visits/{demo.id}/golden-book"))
    assert "Die Reihenfolge wurde gespeichert." in text
    assert text.index("Thomas Eiskirch") < text.index("Prof. Dr. Uwe Schneidewind")
    history = page_text(client.get(f"/visits/{demo.id}/history"))
    assert "die Reihenfolge der Eintragung ins Goldene Buch geändert" in history


def test_a_change_from_an_outdated_page_is_refused(client, demo, planner):
    entry = _entry()
    opened_at = entry.lock_version
    _change(client, demo, entry, "down", signer=str(entry.signers[0].id))

    stale = client.post(
        f"/visits/{demo.id}/golden-book/{entry.id}/order",
        data={"action": "up", "lock_version": str(opened_at), "signer": str(entry.signers[0].id)},
        follow_redirects=True,
    )

    assert "Jemand anderes hat die Reihenfolge inzwischen geändert" in page_text(stale)
    assert _signers(_entry()) == ["Eiskirch", "Schneidewind"]


def test_added_signers_go_last_until_ordered_by_precedence(client, demo, planner):
    for name in ("Kopietz", "Albers"):
        _change(client, demo, _entry(), "add", person=str(_person(name).id))
    assert _signers(_entry()) == ["Schneidewind", "Eiskirch", "Kopietz", "Albers"]

    _change(client, demo, _entry(), "precedence")

    # The guests first, by rank, then the hosts by rank.
    assert _signers(_entry()) == ["Schneidewind", "Albers", "Eiskirch", "Kopietz"]
    assert [signer.position for signer in _entry().signers] == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("action", "fields", "message"),
    [
        ("add", {"person": "Schneidewind"}, "Diese Person unterzeichnet bereits."),
        ("add", {"person": "999999"}, "Diese Person nimmt nicht am Besuch teil."),
        ("remove", {"signer": "999999"}, "Diese Person unterzeichnet diese Eintragung nicht."),
        ("jump", {}, "Es wurde nichts geändert: Das Formular war unvollständig."),
    ],
    ids=["twice", "stranger", "unknown-signer", "unknown-action"],
)
def test_impossible_changes_are_refused_with_a_message(client, demo, planner, action, fields,
                                                      message):  # fmt: skip
    if fields.get("person") == "Schneidewind":
        fields = {"person": str(_person("Schneidewind").id)}

    response = _change(client, demo, _entry(), action, **fields)

    assert response.status_code == 302
    assert message in page_text(client.get(f"/visits/{demo.id}/golden-book"))
    assert _signers(_entry()) == ["Schneidewind", "Eiskirch"]


def test_a_signer_taken_off_leaves_the_others_closed_up(client, demo, planner):
    entry = _entry()

    _change(client, demo, entry, "remove", signer=str(entry.signers[0].id))

    assert [(s.person.last_name, s.position) for s in _entry().signers] == [("Eiskirch", 1)]


def test_a_new_entry_proposes_the_heads_of_the_delegations(client, demo, planner):
    closing = next(item for item in demo.items if item.title_de == "Abschlussgespräch")

    response = client.post(f"/visits/{demo.id}/golden-book", data={"item": str(closing.id)})

    assert response.status_code == 302
    entry = db.session.scalars(
        select(GoldenBookEntry).where(GoldenBookEntry.item_id == closing.id)
    ).one()
    assert _signers(entry) == ["Schneidewind", "Eiskirch"]
    # An item has one entry at most: it is no longer offered.
    again = client.post(f"/visits/{demo.id}/golden-book", data={"item": str(closing.id)})
    assert again.status_code == 302
    assert "Bitte wählen Sie einen Programmpunkt." in page_text(
        client.get(f"/visits/{demo.id}/golden-book")
    )


def test_removing_an_entry_asks_first(client, demo, planner):
    entry = _entry()
    url = f"/visits/{demo.id}/golden-book/{entry.id}/delete"

    assert client.post(url).location.endswith(url)
    assert "Die Reihenfolge mit 2 unterzeichnenden Personen" in page_text(client.get(url))
    client.post(url, data={"confirm": "yes"})

    assert _entry() is None
    history = page_text(client.get(f"/visits/{demo.id}/history"))
    assert "die Eintragung ins Goldene Buch bei „Begrüßung durch den Oberbürgermeister“" in history


def test_guests_neither_see_nor_print_the_signing_order(client, demo, login):
    login(factories.user(demo.guest_organisations[0], Role.ADMIN))
    entry = _entry()

    assert client.get(f"/visits/{demo.id}/golden-book").status_code == 403
    assert client.get(f"/visits/{demo.id}/print/golden-book").status_code == 403
    assert client.get(f"/visits/{demo.id}/print/golden-book.pdf").status_code == 403
    assert _change(client, demo, entry, "down", signer=str(entry.signers[0].id)).status_code == 403
    assert _signers(_entry()) == ["Schneidewind", "Eiskirch"]


def test_host_viewers_read_the_order_without_buttons(client, demo, login):
    login(factories.user(demo.host_organisation, Role.VIEWER))

    text = page_text(client.get(f"/visits/{demo.id}/golden-book"))

    assert "Prof. Dr. Uwe Schneidewind" in text
    assert "Nach unten" not in text
