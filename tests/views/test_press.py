"""The press: items open to the press, the press list, the public press page and the
press release with its text and Word downloads."""

import io

import pytest
from docx import Document
from sqlalchemy import select

from planner.enums import Accreditation, PressAccess, Role
from planner.extensions import db
from planner.models import AgendaItem, AgendaVersion, PressContact, PressPage
from planner.services.agenda_view import read_version
from planner.services.demo import INTERNAL_PARKING_NOTE, load_demo_data
from planner.services.press import MAX_RELEASE_CHARS, publish
from planner.services.versions import latest_version, pending_changes
from tests import factories
from tests.helpers import form_values, page_text


@pytest.fixture
def demo(app):
    return load_demo_data().visit


@pytest.fixture
def planner(demo, login):
    user = factories.user(demo.host_organisation, Role.PLANNER, name="Lena Hoffmann")
    login(user)
    return user


def _item(visit, title: str) -> AgendaItem:
    return next(item for item in visit.items if item.title_de == title)


def _release(client, visit) -> str:
    """Return the release as its form shows it (a browser drops the textarea's first line break)."""
    page = client.get(f"/visits/{visit.id}/press/release")
    return form_values(page)["text"].removeprefix("\r\n")


def _published(visit) -> str:
    """Publish the demo's press page and return its address."""
    page = publish(visit)
    db.session.commit()
    return f"/press/{page.token}"


# --- the press-open marking ------------------------------------------------------------


def test_the_press_marking_is_saved_and_issued_with_the_next_version(client, demo, planner):
    item = _item(demo, "Vorführung der digitalen Infostelen")
    edit = f"/visits/{demo.id}/items/{item.id}/edit"
    data = {**form_values(client.get(edit)), "press_access": "statement", "confirm_conflicts": "1"}

    assert client.post(edit, data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id).press_access == PressAccess.STATEMENT
    issue = f"/visits/{demo.id}/issue"
    sent = client.post(issue, data={**form_values(client.get(issue)), "comment": "Presse"})

    assert sent.status_code == 302
    issued = read_version(latest_version(demo.id), demo).item(item.uid)
    assert issued.press_access == PressAccess.STATEMENT
    assert latest_version(demo.id).number == 2


def test_opening_an_item_to_the_press_is_a_change_to_issue_that_concerns_no_attendee(demo):
    item = _item(demo, "Abschlussgespräch")
    item.press_access = PressAccess.OPEN
    db.session.commit()

    changes = pending_changes(demo, latest_version(demo.id))

    assert [(change.uid, change.fields) for change in changes.read("changed")] == [
        (item.uid, ("press_access",))
    ]
    assert changes.affected_person_ids == []
    assert item.sequence == 0


def test_a_version_issued_before_the_marking_reads_as_closed(demo):
    version = db.session.scalar(select(AgendaVersion).where(AgendaVersion.visit_id == demo.id))
    snapshot = dict(version.snapshot)
    snapshot["items"] = [
        {key: value for key, value in item.items() if key != "press_access"}
        for item in snapshot["items"]
    ]
    version.snapshot = snapshot
    db.session.commit()

    agenda = read_version(version, demo)

    assert {item.press_access for item in agenda.items} == {PressAccess.CLOSED}


def test_the_demo_welcome_is_a_photo_opportunity(demo):
    agenda = read_version(latest_version(demo.id), demo)

    assert [(item.title, item.press_access) for item in agenda.items if item.press_open] == [
        ("Begrüßung durch den Oberbürgermeister", PressAccess.PHOTO_OPPORTUNITY)
    ]


# --- the public press page -------------------------------------------------------------


def test_the_published_page_shows_issued_press_items_and_public_people_only(client, demo):
    address = _published(demo)
    # Open to the press, but only in the draft: not on the page before it is issued.
    _item(demo, "Abschlussgespräch").press_access = PressAccess.OPEN
    db.session.commit()

    response = client.get(address)
    text = page_text(response)

    assert response.status_code == 200
    assert "Begrüßung durch den Oberbürgermeister" in text
    assert "10:00–10:30" in text
    assert "Europe/Berlin" in text
    assert "Amtszimmer des Oberbürgermeisters" in text
    assert "Fototermin" in text
    assert "Abschlussgespräch" not in text
    assert "Vorführung der digitalen Infostelen" not in text
    assert "Prof. Dr. Uwe Schneidewind" in text
    assert "Thomas Eiskirch" in text
    for hidden in ("Kopietz", "Kücük", "Albers", "Hoffmann", "+49", "@", INTERNAL_PARKING_NOTE):
        assert hidden not in text


def test_an_issued_item_opened_to_the_press_appears_after_the_next_issue(client, demo):
    address = _published(demo)
    _item(demo, "Abschlussgespräch").press_access = PressAccess.OPEN
    factories.issue(demo, "Abschluss presseöffentlich")
    db.session.commit()

    assert "Abschlussgespräch" in page_text(client.get(address))


def test_the_page_is_gone_when_unpublished_renewed_or_guessed(client, demo, planner):
    address = _published(demo)
    assert client.get(address).status_code == 200

    client.post(f"/visits/{demo.id}/press/unpublish")
    assert client.get(address).status_code == 404
    client.post(f"/visits/{demo.id}/press/publish")
    assert client.get(address).status_code == 200

    renew = f"/visits/{demo.id}/press/new-link"
    assert client.post(renew).status_code == 302  # without confirmation: nothing happens
    assert client.get(address).status_code == 200
    client.post(renew, data=form_values(client.get(renew)))
    db.session.expire_all()
    token = db.session.scalar(select(PressPage.token))

    assert client.get(address).status_code == 404
    assert client.get(f"/press/{token}").status_code == 200
    assert client.get("/press/not-the-token").status_code == 404
    assert client.get("/press/" + "x" * 500).status_code == 404


def test_an_unpublished_page_is_not_found(client, demo):
    page = publish(demo)
    page.published = False
    db.session.commit()

    assert client.get(f"/press/{page.token}").status_code == 404


# --- the press list --------------------------------------------------------------------


def test_planners_keep_the_press_list(client, demo, planner):
    welcome = _item(demo, "Begrüßung durch den Oberbürgermeister")
    new = f"/visits/{demo.id}/press/new"
    data = {
        **form_values(client.get(new)),
        "outlet": "WAZ Bochum",
        "journalist": "Petra Presse",
        "email": "petra@waz.example",
        "phone": "+49 234 555 0199",
        "accreditation": "accredited",
        "items": [str(welcome.id)],
    }

    assert client.post(new, data=data).status_code == 302
    contact = db.session.scalar(select(PressContact))
    assert (contact.outlet, contact.accreditation, [i.id for i in contact.items]) == (
        "WAZ Bochum",
        Accreditation.ACCREDITED,
        [welcome.id],
    )
    listing = page_text(client.get(f"/visits/{demo.id}/press"))
    assert "WAZ Bochum Petra Presse petra@waz.example" in listing
    assert "Akkreditiert" in listing

    edit = f"/visits/{demo.id}/press/{contact.id}/edit"
    changed = {**form_values(client.get(edit)), "accreditation": "refused"}
    assert client.post(edit, data=changed).status_code == 302
    db.session.expire_all()
    assert db.session.get(PressContact, contact.id).accreditation == Accreditation.REFUSED

    delete = f"/visits/{demo.id}/press/{contact.id}/delete"
    assert client.post(delete).status_code == 302  # a bare POST only asks
    assert db.session.scalar(select(PressContact.id)) == contact.id
    client.post(delete, data=form_values(client.get(delete)))
    assert db.session.scalar(select(PressContact.id)) is None


def test_a_stale_press_list_form_is_refused(client, demo, planner):
    client.post(
        f"/visits/{demo.id}/press/new", data={"outlet": "WDR", "accreditation": "requested"}
    )
    contact = db.session.scalar(select(PressContact))
    edit = f"/visits/{demo.id}/press/{contact.id}/edit"
    first = form_values(client.get(edit))
    client.post(edit, data={**first, "journalist": "Erste"})

    refused = client.post(edit, data={**first, "journalist": "Zweite"})

    assert refused.status_code == 200
    assert "Lena Hoffmann" in page_text(refused)
    db.session.expire_all()
    assert db.session.get(PressContact, contact.id).journalist == "Erste"


def test_a_press_list_entry_attends_only_items_of_its_visit(client, demo, planner):
    other = factories.visit(demo.host_organisation)
    stranger = factories.item(other, "2023-03-01 10:00", "2023-03-01 11:00", "Fremd")
    db.session.commit()

    sent = client.post(
        f"/visits/{demo.id}/press/new",
        data={"outlet": "WDR", "accreditation": "requested", "items": [str(stranger.id)]},
    )

    assert sent.status_code == 200
    assert db.session.scalar(select(PressContact.id)) is None


@pytest.mark.parametrize(
    ("side", "role", "reading", "writing"),
    [
        ("host", Role.VIEWER, 200, 403),
        ("guest", Role.PLANNER, 403, 403),
        ("other", Role.ADMIN, 404, 404),
    ],
    ids=["host-viewer", "guest-planner", "unrelated-admin"],
)
def test_only_host_staff_see_the_press_list_and_only_planners_change_it(
    client, demo, login, side, role, reading, writing
):
    organisation = {
        "host": demo.host_organisation,
        "guest": demo.guest_organisations[0],
        "other": factories.organisation("Dortmund"),
    }[side]
    login(factories.user(organisation, role))

    assert client.get(f"/visits/{demo.id}/press").status_code == reading
    assert client.get(f"/visits/{demo.id}/press/release.txt").status_code == reading
    sent = client.post(f"/visits/{demo.id}/press/new", data={"outlet": "WDR"})
    assert sent.status_code == writing
    assert client.post(f"/visits/{demo.id}/press/publish").status_code == writing
    assert db.session.scalar(select(PressContact.id)) is None
    assert db.session.scalar(select(PressPage.id)) is None


def test_planners_choose_who_the_press_page_names(client, demo, planner):
    address = _published(demo)
    kopietz = next(p for p in demo.participations if p.person.last_name == "Kopietz")
    listing = client.get(f"/visits/{demo.id}/press")
    data = form_values(listing, action=f"/visits/{demo.id}/press/people")
    data["people"] = [*data["people"], str(kopietz.id)]

    client.post(f"/visits/{demo.id}/press/people", data=data)

    assert "Sebastian Kopietz" in page_text(client.get(address))


# --- the press release -----------------------------------------------------------------


def test_the_release_of_the_demo_names_the_heads_the_date_and_the_programme(client, demo, planner):
    text = _release(client, demo)

    assert text.startswith(
        "Smart-City-Austausch: Besuch der Stadt Wuppertal\n\nBochum, 23. Februar 2023."
    )
    assert "Oberbürgermeister Thomas Eiskirch" in text
    assert "Oberbürgermeister Prof. Dr. Uwe Schneidewind" in text
    assert "[Zitat Oberbürgermeister Eiskirch]" in text
    assert "[Zitat Oberbürgermeister Schneidewind]" in text
    shown = [line[2:] for line in text.splitlines() if line.startswith("– ")]
    assert shown == [
        "Begrüßung durch den Oberbürgermeister",
        "Vorführung der digitalen Infostelen",
        "Rundgang mit der App „Rathaus Navi“",
        "Smart City Innovation Unit: das „Bochumer Modell“",
        "Abschlussgespräch",
    ]
    assert "Transfer zum Hauptbahnhof" not in text  # the ride is no part of what was shown
    assert INTERNAL_PARKING_NOTE not in text


def test_an_english_visit_gets_an_english_release(client, demo, planner):
    demo.language = "en"
    db.session.commit()

    text = _release(client, demo)

    assert "Bochum, February 23, 2023." in text
    assert "Lord Mayor Thomas Eiskirch welcomed Lord Mayor Prof. Dr. Uwe Schneidewind" in text
    assert "– Welcome by the Lord Mayor" in text
    assert "[Quote Lord Mayor Eiskirch]" in text


def test_the_edited_release_is_kept_and_drafted_again_only_when_confirmed(client, demo, planner):
    address = f"/visits/{demo.id}/press/release"
    data = {**form_values(client.get(address)), "text": "Eigene Fassung\n\nMit Zitat."}
    assert client.post(address, data=data).status_code == 302
    assert _release(client, demo) == "Eigene Fassung\n\nMit Zitat."

    again = f"/visits/{demo.id}/press/release/regenerate"
    client.post(again)  # without confirmation: nothing happens
    assert _release(client, demo) == "Eigene Fassung\n\nMit Zitat."
    client.post(again, data=form_values(client.get(again)))

    assert _release(client, demo).startswith("Smart-City-Austausch")


def test_a_stale_or_overlong_release_is_refused(client, demo, planner):
    address = f"/visits/{demo.id}/press/release"
    opened = form_values(client.get(address))
    client.post(address, data={**opened, "text": "Erste Fassung"})

    stale = client.post(address, data={**opened, "text": "Zweite Fassung"})
    too_long = client.post(
        address, data={**form_values(client.get(address)), "text": "x" * (MAX_RELEASE_CHARS + 1)}
    )

    assert stale.status_code == too_long.status_code == 200
    assert _release(client, demo) == "Erste Fassung"


def test_the_release_downloads_as_text_and_word(client, demo, planner):
    text = client.get(f"/visits/{demo.id}/press/release.txt")
    word = client.get(f"/visits/{demo.id}/press/release.docx")

    assert text.mimetype == "text/plain"
    assert "Bochum, 23. Februar 2023." in text.get_data(as_text=True)
    assert "attachment" in word.headers["Content-Disposition"]
    document = Document(io.BytesIO(word.get_data()))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    assert paragraphs[0] == "Smart-City-Austausch: Besuch der Stadt Wuppertal"
    assert document.paragraphs[0].style.name == "Heading 1"
    assert any(p.startswith("Bochum, 23. Februar 2023. Oberbürgermeister") for p in paragraphs)
    assert "Abschlussgespräch" in paragraphs
    assert "„[Zitat Oberbürgermeister Eiskirch]“, sagte Oberbürgermeister Thomas Eiskirch." in (
        paragraphs
    )


def test_the_history_tells_the_press_work(client, demo, planner):
    client.post(
        f"/visits/{demo.id}/press/new", data={"outlet": "WDR", "accreditation": "requested"}
    )
    client.post(f"/visits/{demo.id}/press/publish")
    renew = f"/visits/{demo.id}/press/new-link"
    client.post(renew, data=form_values(client.get(renew)))
    address = f"/visits/{demo.id}/press/release"
    client.post(address, data={**form_values(client.get(address)), "text": "Eigene Fassung"})

    history = page_text(client.get(f"/visits/{demo.id}/history?kind=press"))

    assert "Lena Hoffmann hat „WDR“ auf die Presseliste gesetzt." in history
    assert "Lena Hoffmann hat die Presseseite veröffentlicht." in history
    assert "Lena Hoffmann hat der Presseseite einen neuen Link gegeben." in history
    assert "Lena Hoffmann hat die Pressemitteilung bearbeitet." in history
    assert "einen Eintrag geändert" not in history


def _press_visit(host, guest, people: int, items: int):
    """A visit with people named to the press, items open to it and journalists."""
    visit = factories.visit(host, [guest])
    made = [
        factories.item(visit, f"2023-02-23 {8 + n:02}:00", f"2023-02-23 {8 + n:02}:30",
                       press_access=PressAccess.OPEN)
        for n in range(items)
    ]  # fmt: skip
    for n in range(people):
        person = factories.person(guest if n % 2 else host, salutation="Frau", first_name="Eva")
        factories.participation(visit, person, side="guest" if n % 2 else "host",
                                press_public=True)  # fmt: skip
        contact = PressContact(visit=visit, outlet=f"Medium {n}")
        contact.items = made[:2]
        db.session.add(contact)
    factories.issue(visit)
    return visit, publish(visit)


def test_the_press_pages_cost_the_same_queries_however_large_the_visit(client, demo, login):
    from tests.helpers import count_queries

    host, guest = demo.host_organisation, demo.guest_organisations[0]
    small, small_page = _press_visit(host, guest, people=2, items=2)
    large, large_page = _press_visit(host, guest, people=20, items=10)
    login(factories.user(host, Role.VIEWER))
    counts = {}
    for name, visit, page in (("small", small, small_page), ("large", large, large_page)):
        for path in (f"/visits/{visit.id}/press", f"/press/{page.token}"):
            with count_queries(db.engine) as queries:
                assert client.get(path).status_code == 200
            counts[(name, path.split("/")[1])] = queries.count

    assert counts[("small", "visits")] == counts[("large", "visits")]
    assert counts[("small", "press")] == counts[("large", "press")]


def test_host_staff_see_on_the_visit_page_which_items_are_open_to_the_press(app, demo):
    pages = {}
    for side, organisation in (("host", demo.host_organisation),
                               ("guest", demo.guest_organisations[0])):  # fmt: skip
        user = factories.user(organisation, Role.VIEWER)
        db.session.commit()
        client = app.test_client()
        client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
        pages[side] = page_text(client.get(f"/visits/{demo.id}"))
    host_page, guest_page = pages["host"], pages["guest"]

    assert "Empfang · Fototermin" in host_page
    assert "Fototermin" not in guest_page


def test_the_purge_forgets_journalists_of_long_past_visits_in_the_trash_too(app):
    from datetime import date

    from planner.services.people import purge
    from planner.services.planning import delete_visit
    from planner.services.trash import trashed_rows

    today = date.today()  # noqa: DTZ011 (the purge counts in days, as the command does)
    old, trashed, recent = (
        factories.visit(first_day=day, title=title)
        for day, title in ((date(2020, 5, 4), "Alt"), (date(2020, 6, 1), "Gelöscht"),
                           (today, "Neu"))
    )  # fmt: skip
    for visit in (old, trashed, recent):
        db.session.add(PressContact(visit=visit, outlet="WAZ", journalist="Petra Presse",
                                    email="petra@waz.example", phone="+49 234 1"))  # fmt: skip
    db.session.commit()
    delete_visit(trashed)
    db.session.commit()

    purge(365, today)
    db.session.commit()

    kept = {c.visit_id: (c.outlet, c.journalist, c.email, c.phone)
            for c in db.session.scalars(select(PressContact))}  # fmt: skip
    assert kept == {
        old.id: ("WAZ", "", "", ""),
        recent.id: ("WAZ", "Petra Presse", "petra@waz.example", "+49 234 1"),
    }
    [(_entry, row)] = trashed_rows("press_contact")
    assert (row["outlet"], row["journalist"], row["email"], row["phone"]) == ("WAZ", "", "", "")
