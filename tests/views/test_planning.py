"""Planning a visit through the pages: forms, warnings, locking, versions, catalogue, rooms."""

import re
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from planner.enums import GuestState, ItemStatus, Language, Role, Side, VisitStatus
from planner.extensions import db
from planner.models import AgendaItem, Participation, ProgrammeModule, Room, Venue, Visit
from planner.services.demo import load_demo_data
from tests import factories
from tests.helpers import count_queries, page_text


@pytest.fixture
def demo(app):
    return load_demo_data().visit


@pytest.fixture
def planner(demo, login):
    user = factories.user(demo.host_organisation, Role.PLANNER, name="Lena Hoffmann")
    login(user)
    return user


def _draft(planner, **fields) -> Visit:
    fields.setdefault("first_day", date(2026, 12, 10))
    visit = factories.visit(planner.organisation, **fields)
    db.session.commit()
    return visit


ITEM = {"title_de": "Pressefoto", "kind": "press", "day": "2026-12-10", "start": "10:00",
        "end": "10:15", "setup_minutes": "0", "teardown_minutes": "0", "room": "0",
        "responsible": "0", "status": "confirmed"}  # fmt: skip


def test_planner_creates_a_visit_with_a_new_guest_organisation(client, planner, demo):
    wuppertal = demo.guest_organisations[0]
    response = client.post("/visits/new", data={
        "title": "Besuch aus Wuppertal und Dortmund", "first_day": "2026-12-10",
        "last_day": "2026-12-11", "timezone": "Europe/Berlin", "language": "de",
        "guest_organisations": [str(wuppertal.id)], "new_guest_organisation": "Dortmund",
        "contact_person": "0",
    })  # fmt: skip

    visit = db.session.scalar(select(Visit).where(Visit.title.like("Besuch aus Wuppertal%")))
    assert response.headers["Location"] == f"/visits/{visit.id}"
    # Named by the host, both are invited: they see the visit once they accept.
    assert visit.guest_organisations == []
    assert sorted((link.organisation.name, link.state) for link in visit.guest_links) == [
        ("Dortmund", GuestState.INVITED),
        ("Wuppertal", GuestState.INVITED),
    ]
    assert (visit.status, visit.host_organisation_id) == (
        VisitStatus.DRAFT,
        planner.organisation_id,
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"last_day": "2026-12-09"},
            "last_day",
            "Der letzte Tag kann nicht vor dem ersten liegen.",
        ),
        ({"first_day": "10.12.2026x"}, "first_day", "Kein gültiges Datum"),
        ({"title": "   "}, "title", "Bitte geben Sie einen Titel ein."),
        ({"timezone": "CET"}, "timezone", "Keine gültige Auswahl"),
    ],
    ids=["last-before-first", "not-a-date", "blank-title", "abbreviated-zone"],
)
def test_impossible_visit_values_are_errors_at_their_field(
    client, planner, changes, field, message
):
    form = {"title": "Besuch", "first_day": "2026-12-10", "last_day": "2026-12-10",
            "timezone": "Europe/Berlin", "language": "de", "contact_person": "0",
            **changes}  # fmt: skip
    page = client.post("/visits/new", data=form).get_data(as_text=True)

    assert re.search(rf'id="{field}-error">[^<]*{re.escape(message)}', page)
    assert db.session.scalar(select(func.count()).select_from(Visit)) == 1  # the demo only


def test_item_is_added_from_a_module_with_its_title_duration_and_room(client, planner):
    visit = _draft(planner)
    module = db.session.scalar(select(ProgrammeModule).where(ProgrammeModule.key == "steles-demo"))

    page = client.get(f"/visits/{visit.id}/items/new?module={module.id}").get_data(as_text=True)

    assert 'value="Vorführung der digitalen Infostelen"' in page
    assert 'value="10:00"' in page
    assert 'value="10:45"' in page
    assert f'<option selected value="{module.default_room_id}">' in page


def test_an_item_from_a_module_gets_its_texts_in_both_languages(client, planner):
    visit = _draft(planner)
    module = db.session.scalar(select(ProgrammeModule).where(ProgrammeModule.key == "steles-demo"))

    page = client.get(f"/visits/{visit.id}/items/new?module={module.id}").get_data(as_text=True)
    fields = {
        name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', page)[1]
        for name in ("title_de", "title_en")
    } | {
        name: re.search(rf'name="{name}"[^>]*>\s*([^<]*)</textarea>', page)[1]
        for name in ("description_de", "description_en")
    }
    assert fields == {
        "title_de": "Vorführung der digitalen Infostelen",
        "title_en": "Digital information steles demo",
        "description_de": "Die digitalen Stelen in der Innenstadt: Inhalte, Betrieb, "
        "Barrierefreiheit.",
        "description_en": "The digital steles in the city centre: content, operation, "
        "accessibility.",
    }

    client.post(
        f"/visits/{visit.id}/items/new",
        data={**ITEM, **fields, "kind": "demo", "module": str(module.id), "end": "10:45"},
    )
    item = db.session.scalar(select(AgendaItem).where(AgendaItem.visit_id == visit.id))
    assert (item.title_de, item.title_en, item.description_en, item.module_id) == (
        "Vorführung der digitalen Infostelen",
        "Digital information steles demo",
        "The digital steles in the city centre: content, operation, accessibility.",
        module.id,
    )


@pytest.mark.parametrize(
    ("language", "titles", "saved"),
    [
        ("de", {"title_de": "Pressefoto", "title_en": ""}, True),
        ("de", {"title_de": "", "title_en": "Press photo"}, False),
        ("en", {"title_de": "Pressefoto", "title_en": ""}, False),
        ("en", {"title_de": "", "title_en": "Press photo"}, True),
    ],
    ids=["german-visit-german-title", "german-visit-english-only", "english-visit-german-only",
         "english-visit-english-title"],
)  # fmt: skip
def test_the_title_in_the_visits_language_is_required_the_other_is_not(
    client, planner, language, titles, saved
):
    visit = _draft(planner, language=Language(language))

    page = client.post(f"/visits/{visit.id}/items/new", data={**ITEM, **titles})

    count = db.session.scalar(select(func.count()).where(AgendaItem.visit_id == visit.id))
    assert (page.status_code, count) == ((302, 1) if saved else (200, 0))
    if not saved:
        assert re.search(
            rf'id="title_{language}-error">Bitte geben Sie einen Titel ein.',
            page.get_data(as_text=True),
        )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end": "09:45"}, "end", "Das Ende muss nach dem Beginn liegen."),
        ({"room": "987654"}, "room", "Keine gültige Auswahl"),
        ({"start": "25:00"}, "start", "Bitte geben Sie eine Uhrzeit wie 10:30 ein."),
        ({"day": "morgen"}, "day", "Kein gültiges Datum"),
        ({"setup_minutes": "-5"}, "setup_minutes", "Geben Sie 0 bis 600 Minuten ein."),
    ],
    ids=["end-before-start", "unknown-room", "not-a-time", "not-a-date", "negative-setup"],
)
def test_impossible_item_values_are_errors_at_their_field(client, planner, changes, field, message):
    visit = _draft(planner)
    page = client.post(f"/visits/{visit.id}/items/new", data={**ITEM, **changes})

    assert re.search(rf'id="{field}-error">[^<]*{re.escape(message)}', page.get_data(as_text=True))
    assert db.session.scalar(select(func.count()).where(AgendaItem.visit_id == visit.id)) == 0


def test_a_room_of_another_city_cannot_be_booked(client, planner):
    visit = _draft(planner)
    foreign = factories.room(factories.organisation("Dortmund"), "Ratssaal Dortmund")
    db.session.commit()
    page = client.post(f"/visits/{visit.id}/items/new", data={**ITEM, "room": str(foreign.id)})
    assert 'id="room-error"' in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).where(AgendaItem.visit_id == visit.id)) == 0


def test_overlapping_item_is_saved_only_when_the_planner_saves_over_the_warning(client, planner):
    visit = _draft(planner)
    factories.item(visit, "2026-12-10 10:00", "2026-12-10 11:00", "Begrüßung")
    db.session.commit()

    first = client.post(
        f"/visits/{visit.id}/items/new", data={**ITEM, "start": "10:30", "end": "10:45"}
    )
    assert "Überschneidet sich mit „Begrüßung“ (10:00–11:00)." in page_text(first)
    assert 'name="confirm_conflicts" type="hidden" value="1"' in first.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).where(AgendaItem.visit_id == visit.id)) == 1

    second = client.post(
        f"/visits/{visit.id}/items/new",
        data={**ITEM, "start": "10:30", "end": "10:45", "confirm_conflicts": "1"},
    )
    assert second.status_code == 302
    titles = db.session.scalars(select(AgendaItem.title_de).where(AgendaItem.visit_id == visit.id))
    assert sorted(titles) == ["Begrüßung", "Pressefoto"]
    visit_page = page_text(client.get(f"/visits/{visit.id}"))
    assert "1 offener Hinweis" in visit_page
    assert "1 Überschneidung im Programm" in visit_page


def _edit_form(item: AgendaItem, **changes) -> dict:
    return {**ITEM, "title_de": item.title_de, "kind": item.kind.value,
            "day": item.starts_at.date().isoformat(),
            "start": item.starts_at.strftime("%H:%M"), "end": item.ends_at.strftime("%H:%M"),
            "lock_version": str(item.lock_version), **changes}  # fmt: skip


def test_second_of_two_planners_editing_an_item_is_refused_and_sees_the_change(
    app, client, planner
):
    visit = _draft(planner)
    item = factories.item(visit, "2026-12-10 10:00", "2026-12-10 11:00", "Begrüßung")
    colleague = factories.user(planner.organisation, Role.PLANNER, name="Karl Kollege")
    db.session.commit()
    form_of_planner = _edit_form(item)  # the first planner opens the form

    other = app.test_client()
    other.post("/login", data={"email": colleague.email, "password": factories.PASSWORD})
    other.post(
        f"/visits/{visit.id}/items/{item.id}/edit", data=_edit_form(item, title_de="Empfang")
    )

    response = client.post(
        f"/visits/{visit.id}/items/{item.id}/edit", data={**form_of_planner, "title_de": "Grußwort"}
    )

    text = page_text(response)
    assert "Jemand anderes hat während Ihrer Bearbeitung Änderungen gespeichert." in text
    assert "Karl Kollege: Titel (Deutsch): Begrüßung → Empfang" in text
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id).title_de == "Empfang"
    # Saving again, now knowingly, replaces the colleague's change.
    page = response.get_data(as_text=True)
    lock = re.search(r'name="lock_version" type="hidden" value="(\d+)"', page)[1]
    client.post(
        f"/visits/{visit.id}/items/{item.id}/edit",
        data={**form_of_planner, "title_de": "Grußwort", "lock_version": lock},
    )
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id).title_de == "Grußwort"


def test_second_of_two_planners_editing_a_visit_is_refused(app, client, planner):
    visit = _draft(planner, title="Besuch")
    stale = str(visit.lock_version)
    visit.title = "Besuch aus Wuppertal"
    db.session.commit()
    form = {"title": "Besuch aus Essen", "first_day": "2026-12-10", "last_day": "2026-12-10",
            "timezone": "Europe/Berlin", "language": "de", "contact_person": "0",
            "lock_version": stale}  # fmt: skip

    text = page_text(client.post(f"/visits/{visit.id}/edit", data=form))

    assert "Jemand ohne Anmeldung: Titel: Besuch → Besuch aus Wuppertal" in text
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).title == "Besuch aus Wuppertal"


def test_longer_item_shifts_the_days_following_items(client, planner):
    visit = _draft(planner)
    first = factories.item(visit, "2026-12-10 10:00", "2026-12-10 10:30", "Begrüßung")
    factories.item(visit, "2026-12-10 10:30", "2026-12-10 11:15", "Demo")
    factories.item(visit, "2026-12-10 11:15", "2026-12-10 12:00", "Rundgang")
    db.session.commit()

    client.post(
        f"/visits/{visit.id}/items/{first.id}/edit",
        data=_edit_form(first, end="10:45", shift_following="y"),
    )

    db.session.expire_all()
    times = db.session.execute(
        select(AgendaItem.title_de, AgendaItem.starts_at, AgendaItem.ends_at)
        .where(AgendaItem.visit_id == visit.id)
        .order_by(AgendaItem.starts_at)
    ).all()
    assert [(t, s.strftime("%H:%M"), e.strftime("%H:%M")) for t, s, e in times] == [
        ("Begrüßung", "10:00", "10:45"), ("Demo", "10:45", "11:30"), ("Rundgang", "11:30", "12:15"),
    ]  # fmt: skip


def test_cancelled_item_stays_on_the_agenda_and_deleted_item_goes(client, planner):
    visit = _draft(planner)
    kept = factories.item(visit, "2026-12-10 10:00", "2026-12-10 10:30", "Pressefoto")
    gone = factories.item(visit, "2026-12-10 11:00", "2026-12-10 11:30", "Transfer")
    db.session.commit()
    visit_id, kept_id, gone_id = visit.id, kept.id, gone.id

    client.post(f"/visits/{visit_id}/items/{kept_id}/cancel")
    client.post(f"/visits/{visit_id}/items/{gone_id}/delete", data={"confirm": "yes"})

    db.session.expire_all()
    assert db.session.get(AgendaItem, kept_id).status == ItemStatus.CANCELLED
    assert db.session.scalar(select(AgendaItem.id).where(AgendaItem.id == gone_id)) is None
    assert "Pressefoto abgesagt" in page_text(client.get(f"/visits/{visit_id}"))


@pytest.mark.parametrize(
    ("start", "target", "result"),
    [
        (VisitStatus.DRAFT, VisitStatus.PLANNED, VisitStatus.PLANNED),
        (VisitStatus.PLANNED, VisitStatus.CONFIRMED, VisitStatus.CONFIRMED),
        (VisitStatus.CONFIRMED, VisitStatus.COMPLETED, VisitStatus.COMPLETED),
        (VisitStatus.CONFIRMED, VisitStatus.CANCELLED, VisitStatus.CANCELLED),
        (VisitStatus.DRAFT, VisitStatus.COMPLETED, VisitStatus.DRAFT),
        (VisitStatus.COMPLETED, VisitStatus.CANCELLED, VisitStatus.COMPLETED),
    ],
    ids=lambda value: value.value if isinstance(value, VisitStatus) else value,
)
def test_status_moves_along_the_allowed_transitions_only(client, planner, start, target, result):
    visit = _draft(planner, status=start)
    client.post(f"/visits/{visit.id}/status", data={"status": target.value})
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).status == result


COPY_ALL = {"copy_items": "y", "copy_rooms": "y", "copy_internal_notes": "y", "copy_hosts": "y"}


def test_duplicate_copies_agenda_rooms_and_hosts_onto_new_dates(client, planner, demo):
    response = client.post(
        f"/visits/{demo.id}/duplicate",
        data={"title": "Smart City 2027", "first_day": "2027-03-04", **COPY_ALL},
    )

    copy = db.session.scalar(select(Visit).where(Visit.id != demo.id))
    assert response.headers["Location"] == f"/visits/{copy.id}"
    assert (copy.title, copy.first_day, copy.status, copy.guest_organisations) == (
        "Smart City 2027", date(2027, 3, 4), VisitStatus.DRAFT, []
    )  # fmt: skip

    def kept(item, day):
        return (item.starts_at.replace(**day), item.title_de, item.title_en, item.room_id,
                item.internal_notes)  # fmt: skip

    assert [kept(i, {}) for i in copy.items] == [
        kept(i, {"year": 2027, "month": 3, "day": 4}) for i in demo.items
    ]
    assert not {i.uid for i in copy.items} & {i.uid for i in demo.items}
    sides = db.session.scalars(select(Participation.side).where(Participation.visit_id == copy.id))
    assert set(sides) == {Side.HOST}


def test_the_copy_form_offers_a_new_title_the_guests_and_what_to_copy(client, planner, demo):
    page = client.get(f"/visits/{demo.id}/duplicate").get_data(as_text=True)

    assert f'value="Kopie von {demo.title}"' in page
    wuppertal = demo.guest_organisations[0].id
    assert re.search(rf'<input checked id="guest_organisations-\d" name="guest_organisations" '
                     rf'type="checkbox" value="{wuppertal}">', page)  # fmt: skip
    assert '<input checked id="copy_items" name="copy_items" type="checkbox" value="y">' in page
    assert '<input id="copy_internal_notes" name="copy_internal_notes" type="checkbox"' in page


def test_duplicate_copies_exactly_what_was_chosen(client, planner, demo):
    wuppertal = demo.guest_organisations[0]
    client.post(f"/visits/{demo.id}/duplicate", data={
        "title": "Smart City 2027", "first_day": "2027-03-04",
        "guest_organisations": [str(wuppertal.id)], "copy_items": "y",
    })  # fmt: skip

    copy = db.session.scalar(select(Visit).where(Visit.id != demo.id))
    # The copy's guests are asked anew.
    assert [(link.organisation.name, link.state) for link in copy.guest_links] == [
        ("Wuppertal", GuestState.INVITED)
    ]
    assert [i.title_de for i in copy.items] == [i.title_de for i in demo.items]
    assert {(i.room_id, i.internal_notes) for i in copy.items} == {(None, "")}
    assert copy.internal_notes == ""
    assert copy.participations == []


def test_a_copy_without_items_keeps_the_hosts_but_no_agenda(client, planner, demo):
    client.post(f"/visits/{demo.id}/duplicate", data={
        "title": "Smart City 2027", "first_day": "2027-03-04", "copy_hosts": "y",
    })  # fmt: skip

    copy = db.session.scalar(select(Visit).where(Visit.id != demo.id))
    assert copy.items == []
    hosts = {p.person_id for p in demo.participations if p.side == Side.HOST}
    assert {p.person_id for p in copy.participations} == hosts
    assert all(p.items == [] for p in copy.participations)


def test_a_copy_keeps_the_same_title_only_when_confirmed(client, planner, demo):
    data = {"title": demo.title, "first_day": "2027-03-04", **COPY_ALL}
    refused = client.post(f"/visits/{demo.id}/duplicate", data=data)

    assert refused.status_code == 200
    assert "Die Kopie hat denselben Titel wie das Original." in page_text(refused)
    assert db.session.scalar(select(func.count(Visit.id))) == 1

    accepted = client.post(f"/visits/{demo.id}/duplicate", data={**data, "same_title": "y"})
    copy = db.session.scalar(select(Visit).where(Visit.id != demo.id))
    assert accepted.headers["Location"] == f"/visits/{copy.id}"
    assert copy.title == demo.title


def test_the_copy_says_how_many_conflicts_its_dates_cause(client, planner, demo):
    original = _draft(planner, first_day=date(2026, 12, 10), title="Ratssaal-Termin")
    room = factories.room(planner.organisation, "Ratssaal")
    factories.item(original, "2026-12-10 10:00", "2026-12-10 11:00", "Empfang", room=room)
    db.session.commit()
    data = {"title": "Zweiter Termin", "first_day": "2026-12-10", **COPY_ALL}

    shown = client.post(f"/visits/{original.id}/duplicate", data=data, follow_redirects=True)
    later = {**data, "first_day": "2026-12-17"}
    quiet = client.post(f"/visits/{original.id}/duplicate", data=later, follow_redirects=True)
    again = client.post(f"/visits/{original.id}/duplicate", data=data, follow_redirects=True)

    assert "Die Kopie wurde als Entwurf angelegt. Ihre Daten verursachen 1 Konflikt." in page_text(
        shown
    )
    assert '<a href="#conflicts">Konflikt ansehen</a>' in shown.get_data(as_text=True)
    assert "Ihre Daten verursachen keine Konflikte." in page_text(quiet)
    assert "#conflicts" not in quiet.get_data(as_text=True)
    # The room is now booked by the original and the first copy.
    assert "Ihre Daten verursachen 2 Konflikte. Konflikte ansehen" in page_text(again)


def test_only_draft_visits_can_be_deleted(client, planner, demo):
    draft = _draft(planner)
    factories.item(draft, "2026-12-10 10:00", "2026-12-10 10:30")
    db.session.commit()

    client.post(f"/visits/{demo.id}/delete", data={"confirm": "yes"})
    client.post(f"/visits/{draft.id}/delete", data={"confirm": "yes"})

    assert db.session.scalars(select(Visit.id)).all() == [demo.id]


def test_guests_see_the_issued_version_while_hosts_see_the_draft(app, client, planner, demo):
    item = demo.items[0]
    item.title_de = "Empfang im Ratssaal"
    db.session.commit()
    guest = app.test_client()
    guest_user = factories.user(demo.guest_organisations[0], Role.VIEWER)
    db.session.commit()
    guest.post("/login", data={"email": guest_user.email, "password": factories.PASSWORD})

    guest_text = page_text(guest.get(f"/visits/{demo.id}"))
    host_text = page_text(client.get(f"/visits/{demo.id}"))

    assert "Begrüßung durch den Oberbürgermeister" in guest_text
    assert "Empfang im Ratssaal" not in guest_text
    assert "Entwurf" not in guest_text
    assert "Empfang im Ratssaal" in host_text
    assert "Programm Arbeitsentwurf" in host_text
    assert "Änderungen seit Version 1" in host_text


def test_issuing_with_open_conflicts_needs_an_acknowledgement(client, planner):
    visit = _draft(planner)
    factories.item(visit, "2026-12-10 10:00", "2026-12-10 11:00", "A")
    factories.item(visit, "2026-12-10 10:30", "2026-12-10 11:30", "B")
    db.session.commit()

    refused = client.post(f"/visits/{visit.id}/issue", data={"comment": "Erste Fassung"})
    assert "Bitte bestätigen Sie, dass Sie die offenen Konflikte gesehen haben." in page_text(
        refused
    )

    client.post(
        f"/visits/{visit.id}/issue", data={"comment": "Erste Fassung", "acknowledge_conflicts": "y"}
    )
    text = page_text(client.get(f"/visits/{visit.id}"))
    assert "Version 1" in text
    assert "Erste Fassung" in text


def test_planner_adds_a_module_to_the_catalogue(client, planner):
    client.post("/modules/new", data={
        "title_de": "Stadtrundfahrt", "title_en": "City tour", "kind": "transfer",
        "default_duration_minutes": "90", "default_room": "0",
    })  # fmt: skip
    module = db.session.scalar(
        select(ProgrammeModule).where(ProgrammeModule.title_en == "City tour")
    )
    assert (module.default_duration_minutes, module.organisation_id) == (
        90,
        planner.organisation_id,
    )
    assert "Stadtrundfahrt" in page_text(client.get("/modules"))


def test_rooms_are_created_and_names_stay_unique_per_building(client, planner):
    client.post("/rooms/venues/new", data={"name": "Musikforum", "address": "Marienplatz 1"})
    venue = db.session.scalar(select(Venue).where(Venue.name == "Musikforum"))
    form = {"venue": str(venue.id), "name": "Großer Saal", "capacity": "900"}
    client.post("/rooms/new", data=form)
    again = client.post("/rooms/new", data=form)

    assert "Dieses Gebäude hat bereits einen Raum dieses Namens." in page_text(again)
    rooms = db.session.scalars(select(Room).where(Room.venue_id == venue.id)).all()
    assert [(room.name, room.capacity) for room in rooms] == [("Großer Saal", 900)]


def test_room_occupancy_shows_items_of_all_visits_and_hides_foreign_titles(client, planner, demo):
    room = demo.items[0].room
    other = factories.visit(planner.organisation, first_day=date(2023, 2, 23), title="Besuch B")
    factories.item(other, "2023-02-23 15:00", "2023-02-23 16:00", "Ratssitzung", room=room)
    db.session.commit()

    text = page_text(client.get(f"/rooms/{room.id}/occupancy?day=2023-02-23"))

    assert "Begrüßung durch den Oberbürgermeister" in text
    assert "Ratssitzung" in text
    assert text.index("Begrüßung") < text.index("Ratssitzung")


def test_dashboard_counts_items_attendees_and_conflicts(client, planner):
    visit = _draft(planner, first_day=date(2099, 5, 1), title="Zukunftsbesuch")
    factories.item(visit, "2099-05-01 10:00", "2099-05-01 11:00")
    factories.item(visit, "2099-05-01 10:30", "2099-05-01 11:30")
    factories.participation(visit, factories.person(visit.guest_organisations[0]))
    db.session.commit()

    page = client.get("/").get_data(as_text=True)
    row = re.search(r"Zukunftsbesuch.*?</tr>", page, re.S)[0]
    cells = re.findall(r'<td class="number"[^>]*>(.*?)</td>', row, re.S)

    # The two items overlap: one clash, however many warnings tell it.
    assert [re.sub(r"<[^>]+>", "", c).strip() for c in cells] == ["2", "1", "1"]


def test_month_view_shows_the_visits_of_the_month(client, planner, demo):
    text = page_text(client.get("/month/2023/2"))
    assert "Februar 2023" in text
    assert "Smart-City-Austausch: Besuch der Stadt Wuppertal" in text
    assert "Smart-City" not in page_text(client.get("/month/2023/3"))


def test_the_month_jump_lands_on_the_chosen_month(client, planner, demo):
    response = client.get("/month?month=2&year=2023")

    assert response.status_code == 302
    assert response.headers["Location"] == "/month/2023/2"
    text = page_text(client.get(response.headers["Location"]))
    assert "Februar 2023" in text
    assert "Smart-City-Austausch: Besuch der Stadt Wuppertal" in text


def test_the_month_view_links_to_the_nearest_months_with_visits(client, planner, demo):
    later = _draft(planner, first_day=date(2027, 3, 10), title="Besuch aus Essen")

    text = page_text(client.get("/month/2025/6"))
    page = client.get("/month/2025/6").get_data(as_text=True)

    assert "Frühere Besuche: Februar 2023" in text
    assert 'href="/month/2023/2"' in page
    assert "Spätere Besuche: März 2027" in text
    assert 'href="/month/2027/3"' in page
    assert later.title not in page_text(client.get("/month/2023/2"))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("month=2&year=", "Bitte ein Jahr eingeben."),
        ("month=2&year=12023", "Bitte ein Jahr von 1900 bis 2999 eingeben."),
        ("month=2&year=zwei", "Bitte ein Jahr von 1900 bis 2999 eingeben."),
        ("month=13&year=2023", "Bitte einen Monat wählen."),
        ("month=x&year=2023", "Bitte einen Monat wählen."),
    ],
    ids=["no-year", "year-too-far", "year-not-a-number", "month-13", "month-not-a-number"],
)
def test_an_impossible_month_jump_is_answered_at_its_field(client, planner, query, message):
    response = client.get(f"/month?{query}")

    assert response.status_code == 200
    assert message in page_text(response)


def test_saving_an_item_returns_to_it_on_the_visit_page(client, planner):
    visit = _draft(planner)

    created = client.post(f"/visits/{visit.id}/items/new", data=ITEM)
    item = db.session.scalar(select(AgendaItem).where(AgendaItem.visit_id == visit.id))
    changed = client.post(
        f"/visits/{visit.id}/items/{item.id}/edit",
        data={**ITEM, "start": "11:00", "end": "11:15", "lock_version": str(item.lock_version)},
    )

    assert created.headers["Location"] == f"/visits/{visit.id}#item-{item.id}"
    assert changed.headers["Location"] == f"/visits/{visit.id}#item-{item.id}"
    assert f'id="item-{item.id}"' in client.get(f"/visits/{visit.id}").get_data(as_text=True)


def test_the_button_that_cancels_an_item_says_so(client, planner, demo):
    german = page_text(client.get(f"/visits/{demo.id}"))
    english = page_text(client.get(f"/visits/{demo.id}?lang=en"))

    assert "Programmpunkt absagen : Begrüßung durch den Oberbürgermeister" in german
    assert "Cancel item : Welcome by the Lord Mayor" in english


def _bulk_visit(host, items: int, people: int) -> int:
    visit = factories.visit(host, first_day=date(2026, 12, 10), last_day=date(2026, 12, 14))
    room = factories.room(host)
    db.session.add_all(
        AgendaItem(
            visit=visit,
            title_de=f"Punkt {n}",
            kind="session",
            uid=f"bulk-{visit.id}-{n}",
            starts_at=datetime(2026, 12, 10 + n // 48, 0)
            .replace(minute=0)
            .replace(hour=(n % 48) // 2, minute=30 * (n % 2)),
            ends_at=datetime(2026, 12, 10 + n // 48, (n % 48) // 2, 30 * (n % 2)).replace(
                minute=30 * (n % 2) + 29
            ),
            room=room,
        )  # fmt: skip
        for n in range(items)
    )
    org = visit.guest_organisations[0]
    persons = [factories.Person(organisation=org, last_name=f"Gast {n}") for n in range(people)]
    db.session.add_all(persons)
    db.session.add_all(Participation(visit=visit, person=p, side=Side.GUEST) for p in persons)
    db.session.commit()
    return visit.id


def test_visit_page_costs_the_same_queries_for_5_and_for_200_items(client, planner):
    small = _bulk_visit(planner.organisation, items=5, people=10)
    large = _bulk_visit(planner.organisation, items=200, people=500)

    with count_queries(db.engine) as for_small:
        assert client.get(f"/visits/{small}").status_code == 200
    with count_queries(db.engine) as for_large:
        assert client.get(f"/visits/{large}").status_code == 200

    assert for_large.count == for_small.count


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"day": "0001-01-01"}, "day"), ({"day": "9999-12-31"}, "day")],
    ids=["year-1", "year-9999"],
)
def test_dates_far_away_are_errors_not_crashes(client, planner, changes, field):
    visit = _draft(planner)
    response = client.post(f"/visits/{visit.id}/items/new", data={**ITEM, **changes})
    assert response.status_code == 200
    assert f'id="{field}-error">Bitte geben Sie ein Datum zwischen 1900 und 2999 ein.' in (
        response.get_data(as_text=True)
    )


def test_a_tampered_lock_version_is_no_crash(client, planner):
    visit = _draft(planner)
    item = factories.item(visit, "2026-12-10 10:00", "2026-12-10 11:00", "Begrüßung")
    db.session.commit()
    response = client.post(
        f"/visits/{visit.id}/items/{item.id}/edit", data=_edit_form(item, lock_version="²")
    )
    assert response.status_code == 200
    assert "Das Formular hat nicht mitgeschickt, in welchem Stand es geöffnet wurde" in (
        page_text(response)
    )


def test_titles_quoted_in_warnings_and_field_errors_are_escaped(client, planner):
    visit = _draft(planner)
    factories.item(visit, "2026-12-10 10:00", "2026-12-10 11:00", "<b>Begrüßung</b>")
    factories.item(visit, "2026-12-10 10:30", "2026-12-10 11:30", "Demo")
    # 02:30 on 29 March 2026 exists in UTC, but not in Berlin (the clocks skip it).
    night = _draft(planner, first_day=date(2026, 3, 29), timezone="UTC")
    factories.item(night, "2026-03-29 02:30", "2026-03-29 03:30", "<i>Nachtfahrt</i>")
    db.session.commit()
    form = {"title": night.title, "first_day": "2026-03-29", "last_day": "2026-03-29",
            "timezone": "Europe/Berlin", "language": "de", "contact_person": "0",
            "lock_version": str(night.lock_version)}  # fmt: skip

    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    error = client.post(f"/visits/{night.id}/edit", data=form).get_data(as_text=True)

    assert "Überschneidet sich mit <a " in page
    assert "„&lt;b&gt;Begrüßung&lt;/b&gt;“</a> (10:00–11:00)." in page
    assert "<b>" not in page
    assert "„&lt;i&gt;Nachtfahrt&lt;/i&gt;“ passt nicht in Europe/Berlin" in error
    assert "<i>" not in error
