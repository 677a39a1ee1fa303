"""Optimistic locking through the pages: two people open the same record's form and save.

The second save is refused with what the first person changed and overwrites nothing;
a form sent without its lock version is refused as if it were out of date.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from planner.enums import OutboxStatus, Role
from planner.extensions import db
from planner.models import (
    AgendaItem,
    Gift,
    Organisation,
    OutboxMessage,
    Participation,
    Person,
    PressContact,
    PressPage,
    ProgrammeModule,
    Room,
    User,
    Venue,
    Visit,
)
from planner.services.demo import load_demo_data
from planner.services.press import release_of
from tests import factories
from tests.helpers import form_values, page_text

STALE = "Jemand anderes hat während Ihrer Bearbeitung Änderungen gespeichert."
MISSING = "Das Formular hat nicht mitgeschickt, in welchem Stand es geöffnet wurde"


@dataclass(frozen=True)
class Target:
    """Where a record's form is opened and sent, the field changed, and its stored value."""

    page: str
    field: str
    stored: Callable[[], Any]
    sent_to: str | None = None
    form_id: str | None = None
    extra: dict | None = None


@dataclass(frozen=True)
class Kind:
    """A kind of record people edit, with a change for each of the two people."""

    target: Callable[[Visit], Target]
    label: str
    first: str
    second: str
    role: Role = Role.PLANNER
    # The trail never keeps the field's values (an e-mail's text): a refusal says only
    # that it changed.
    redacted: bool = False


def _value(model, record_id: int, column: str) -> Callable[[], Any]:
    def read():
        db.session.expire_all()
        return getattr(db.session.get(model, record_id), column)

    return read


def _visit(visit: Visit) -> Target:
    return Target(f"/visits/{visit.id}/edit", "title", _value(Visit, visit.id, "title"))


def _item(visit: Visit) -> Target:
    item = visit.items[-1]
    return Target(
        f"/visits/{visit.id}/items/{item.id}/edit",
        "title_de",
        _value(AgendaItem, item.id, "title_de"),
        extra={"confirm_conflicts": "1"},  # the demo agenda's warnings are not the point
    )


def _person(visit: Visit) -> Target:
    person = next(p.person for p in visit.participations if p.person.last_name == "Schneidewind")
    return Target(f"/people/{person.id}/edit", "function", _value(Person, person.id, "function"))


def _rank(visit: Visit) -> Target:
    mayor = next(p for p in visit.participations if p.person.last_name == "Schneidewind")
    return Target(
        f"/visits/{visit.id}/participants",
        f"rank-{mayor.id}",
        _value(Participation, mayor.id, "rank"),
        sent_to=f"/visits/{visit.id}/participants/ranks",
        form_id="ranks-form",
    )


def _room(visit: Visit) -> Target:
    room = visit.items[0].room
    return Target(f"/rooms/{room.id}/edit", "capacity", _value(Room, room.id, "capacity"))


def _venue(visit: Visit) -> Target:
    venue = visit.items[0].room.venue
    return Target(f"/rooms/venues/{venue.id}/edit", "name", _value(Venue, venue.id, "name"))


def _module(visit: Visit) -> Target:
    module = db.session.scalars(select(ProgrammeModule).order_by(ProgrammeModule.id)).first()
    return Target(
        f"/modules/{module.id}/edit", "title_de", _value(ProgrammeModule, module.id, "title_de")
    )


def _draft(visit: Visit) -> Target:
    message = OutboxMessage(
        visit=visit,
        message_id="<draft@planner.test>",
        to_address="uwe@wuppertal.example",
        subject="Einladung",
        body_text="Sehr geehrter Herr Oberbürgermeister,",
    )
    db.session.add(message)
    db.session.commit()
    assert message.status == OutboxStatus.DRAFT
    return Target(
        f"/visits/{visit.id}/outbox/{message.id}",
        "subject",
        _value(OutboxMessage, message.id, "subject"),
    )


def _branding(visit: Visit) -> Target:
    host = visit.host_organisation_id
    return Target("/admin/branding", "accent_colour", _value(Organisation, host, "accent_colour"))


def _user(visit: Visit) -> Target:
    user = factories.user(visit.host_organisation, Role.VIEWER, name="Vera Viewer")
    db.session.commit()
    return Target(f"/admin/users/{user.id}", "name", _value(User, user.id, "name"))


def _press_contact(visit: Visit) -> Target:
    contact = PressContact(visit=visit, outlet="WAZ", journalist="Petra")
    db.session.add(contact)
    db.session.commit()
    return Target(
        f"/visits/{visit.id}/press/{contact.id}/edit",
        "outlet",
        _value(PressContact, contact.id, "outlet"),
    )


def _press_release(visit: Visit) -> Target:
    page = release_of(visit)
    db.session.commit()
    return Target(
        f"/visits/{visit.id}/press/release", "text", _value(PressPage, page.id, "release_text")
    )


def _gift(visit: Visit) -> Target:
    gift = db.session.scalars(select(Gift).where(Gift.kept_at != "")).one()
    return Target(
        f"/visits/{visit.id}/gifts/{gift.id}/edit", "kept_at", _value(Gift, gift.id, "kept_at")
    )


KINDS = {
    "visit": Kind(_visit, "Titel", "Besuch aus Wuppertal", "Wuppertal zu Gast"),
    "item": Kind(_item, "Titel (Deutsch)", "Schlussrunde", "Verabschiedung"),
    "person": Kind(_person, "Funktion", "Oberbürgermeister", "OB"),
    "participation-rank": Kind(_rank, "Rang", "5", "7"),
    "room": Kind(_room, "Kapazität (Personen)", "16", "12"),
    "venue": Kind(_venue, "Name", "Rathaus Bochum, Hauptgebäude", "Altes Rathaus"),
    "module": Kind(_module, "Titel (Deutsch)", "Begrüßung im Amtszimmer", "Empfang"),
    "outbox-draft": Kind(
        _draft, "Betreff", "Einladung nach Bochum", "Ihr Besuch in Bochum", redacted=True
    ),
    "branding": Kind(_branding, "Akzentfarbe", "#aa0000", "#00aa00", Role.ADMIN),
    "user": Kind(_user, "Name", "Vera Vorstand", "Vera Verwaltung", Role.ADMIN),
    "press-contact": Kind(_press_contact, "Medium", "WAZ Bochum", "Radio Bochum"),
    "press-release": Kind(
        _press_release, "Pressemitteilung", "Erste Fassung", "Zweite Fassung", redacted=True
    ),
    "gift": Kind(_gift, "Aufbewahrungsort", "Vitrine im Foyer", "Archiv"),
}


@pytest.fixture
def demo(app):
    return load_demo_data().visit


def _logged_in(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    return client


def _two_people(app: Flask, visit: Visit, role: Role) -> tuple[FlaskClient, FlaskClient]:
    anna = factories.user(visit.host_organisation, role, name="Anna Erste")
    bernd = factories.user(visit.host_organisation, role, name="Bernd Zweiter")
    db.session.commit()
    return _logged_in(app, anna), _logged_in(app, bernd)


def _shown(value: Any) -> str:
    return "–" if value is None or value == "" else str(value)


def _opened(client: FlaskClient, target: Target) -> dict:
    page = client.get(target.page)
    assert page.status_code == 200
    return {**form_values(page, form_id=target.form_id), **(target.extra or {})}


@pytest.mark.parametrize("kind", KINDS.values(), ids=KINDS.keys())
def test_second_of_two_saves_is_refused_and_shows_the_first(app, demo, kind):
    target = kind.target(demo)
    anna, bernd = _two_people(app, demo, kind.role)
    form_of_anna, form_of_bernd = _opened(anna, target), _opened(bernd, target)
    before = target.stored()

    first = anna.post(
        target.sent_to or target.page, data={**form_of_anna, target.field: kind.first}
    )
    second = bernd.post(
        target.sent_to or target.page, data={**form_of_bernd, target.field: kind.second}
    )

    assert first.status_code == 302, page_text(first)
    assert second.status_code == 200
    text = page_text(second)
    if kind.redacted:
        assert f"Anna Erste: {kind.label}: geändert" in text
    else:
        assert f"Anna Erste: {kind.label}: {_shown(before)} → {kind.first}" in text
    assert _shown(target.stored()) == kind.first


@pytest.mark.parametrize("kind", KINDS.values(), ids=KINDS.keys())
def test_saving_again_after_the_refusal_replaces_the_first_change_knowingly(app, demo, kind):
    target = kind.target(demo)
    anna, bernd = _two_people(app, demo, kind.role)
    form_of_anna, form_of_bernd = _opened(anna, target), _opened(bernd, target)
    anna.post(target.sent_to or target.page, data={**form_of_anna, target.field: kind.first})
    refused = bernd.post(
        target.sent_to or target.page, data={**form_of_bernd, target.field: kind.second}
    )

    # The refusal carries the record's new version: the form as shown can be sent again.
    again = bernd.post(
        target.sent_to or target.page,
        data={**form_values(refused, form_id=target.form_id), **(target.extra or {})},
    )

    assert again.status_code == 302, page_text(again)
    assert _shown(target.stored()) == kind.second


@pytest.mark.parametrize("kind", KINDS.values(), ids=KINDS.keys())
def test_a_form_without_its_lock_version_is_refused(app, demo, kind):
    target = kind.target(demo)
    anna, _bernd = _two_people(app, demo, kind.role)
    form = {
        name: value
        for name, value in _opened(anna, target).items()
        if name != "lock_version" and not name.startswith("lock-")
    }
    before = target.stored()

    response = anna.post(target.sent_to or target.page, data={**form, target.field: kind.first})

    assert response.status_code == 200
    assert MISSING.lower() in page_text(response).lower()  # a row's refusal begins in lower case
    assert target.stored() == before


def _participant(visit: Visit, last_name: str) -> Participation:
    return next(p for p in visit.participations if p.person.last_name == last_name)


def _refused_rows(text: str) -> str:
    return text.split("Ihre Eingaben für diese Teilnehmenden")[1].split("Prüfen Sie")[0]


def test_rows_of_the_order_that_nobody_else_changed_are_saved(app, demo):
    mayor, third = _participant(demo, "Schneidewind"), _participant(demo, "Reuter")
    anna, bernd = _two_people(app, demo, Role.PLANNER)
    page = f"/visits/{demo.id}/participants"
    form_of_anna = form_values(anna.get(page), form_id="ranks-form")
    form_of_bernd = form_values(bernd.get(page), form_id="ranks-form")
    anna.post(f"{page}/ranks", data={**form_of_anna, f"rank-{mayor.id}": "5"})

    response = bernd.post(
        f"{page}/ranks",
        data={**form_of_bernd, f"rank-{mayor.id}": "7", f"rank-{third.id}": "9"},
    )

    refused = _refused_rows(page_text(response))
    assert f"{mayor.person.display_name}: von jemand anderem während Ihrer Bearbeitung" in refused
    assert "Anna Erste: Rang: – → 5" in refused
    assert third.person.display_name not in refused
    db.session.expire_all()
    assert (
        db.session.get(Participation, mayor.id).rank,
        db.session.get(Participation, third.id).rank,
    ) == (5, 9)
    # Bernd's refused entry is still in his form, next to the new version of the row.
    shown_again = form_values(response, form_id="ranks-form")
    assert shown_again[f"rank-{mayor.id}"] == "7"
    assert shown_again[f"lock-{mayor.id}"] == str(
        db.session.get(Participation, mayor.id).lock_version
    )


def test_a_stale_attendance_matrix_is_refused_for_the_rows_changed_meanwhile(app, demo):
    mayor = _participant(demo, "Schneidewind")
    first, second = demo.items[0], demo.items[1]
    anna, bernd = _two_people(app, demo, Role.PLANNER)
    page = f"/visits/{demo.id}/attendance"
    form_of_anna, form_of_bernd = form_values(anna.get(page)), form_values(bernd.get(page))
    anna.post(page, data={k: v for k, v in form_of_anna.items() if k != f"a-{mayor.id}-{first.id}"})

    response = bernd.post(
        page, data={k: v for k, v in form_of_bernd.items() if k != f"a-{mayor.id}-{second.id}"}
    )

    refused = _refused_rows(page_text(response))
    assert response.status_code == 200
    assert f"{mayor.person.display_name}: von jemand anderem während Ihrer Bearbeitung" in refused
    assert (
        "Anna Erste: Nimmt an allen Programmpunkten teil: ja → nein; "
        "Nimmt teil an: hinzugefügt: Vorführung der digitalen Infostelen, " in refused
    )
    db.session.expire_all()
    attending = db.session.get(Participation, mayor.id)
    assert not attending.attends_all_items
    assert first not in attending.items
    assert second in attending.items


def test_an_attendance_matrix_without_lock_versions_is_refused(app, demo):
    mayor, first = _participant(demo, "Schneidewind"), demo.items[0]
    anna, _bernd = _two_people(app, demo, Role.PLANNER)
    page = f"/visits/{demo.id}/attendance"
    form = {
        name: value
        for name, value in form_values(anna.get(page)).items()
        if not name.startswith("lock-") and name != f"a-{mayor.id}-{first.id}"
    }

    response = anna.post(page, data=form)

    assert response.status_code == 200
    assert f"{mayor.person.display_name}: {MISSING[0].lower()}{MISSING[1:]}" in page_text(response)
    db.session.expire_all()
    assert db.session.get(Participation, mayor.id).attends_all_items
