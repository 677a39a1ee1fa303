"""What the guest city sees of the host's people, as the host decides per visit."""

import io

import pytest
from pypdf import PdfReader

from planner.enums import Role, Side
from planner.extensions import db
from planner.models import AuditEntry
from tests import factories
from tests.helpers import form_values, page_text

HOST_PHONE = "+49 234 910 1234"
INTERNAL_PHONE = "+49 234 910 9999"


@pytest.fixture
def visit(app):
    """A visit whose host sends a mayor (public phone number) and a clerk (internal one)."""
    bochum, wuppertal = factories.organisation("Bochum"), factories.organisation("Wuppertal")
    result = factories.visit(bochum, [wuppertal], title="Smart City")
    mayor = factories.person(bochum, "Eiskirch", first_name="Thomas", function="Oberbürgermeister",
                             phone=HOST_PHONE, precedence_rank=1)  # fmt: skip
    clerk = factories.person(bochum, "Kücük", first_name="Sevgi", function="Protokoll",
                             phone=INTERNAL_PHONE, phone_internal=True)  # fmt: skip
    guest = factories.person(wuppertal, "Schneidewind", first_name="Uwe", precedence_rank=1)
    factories.participation(result, mayor, side=Side.HOST)
    factories.participation(result, clerk, side=Side.HOST)
    factories.participation(result, guest, side=Side.GUEST)
    factories.item(result, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang")
    factories.issue(result)
    db.session.commit()
    return result


def _guest(visit):
    return factories.user(visit.guest_organisations[0], Role.PLANNER)


def _switch(client, login, user):
    """Log the host out and ``user`` in."""
    db.session.commit()
    client.post("/logout")
    login(user)


def _seen_by(client, visit) -> str:
    """Return everything a page, list, print and export shows of the visit's people."""
    texts = [
        page_text(client.get(f"/visits/{visit.id}")),
        page_text(client.get(f"/visits/{visit.id}/attendees")),
        page_text(client.get(f"/visits/{visit.id}/print/attendees")),
        page_text(client.get(f"/visits/{visit.id}/print/badges")),
        client.get(f"/visits/{visit.id}/attendees.csv").get_data().decode("utf-8-sig"),
    ]
    return "\n".join(texts)


def _save(client, visit, **changes):
    page = client.get(f"/visits/{visit.id}/guest-view")
    data = {**form_values(page), **changes}
    return client.post(f"/visits/{visit.id}/guest-view", data=data)


def test_guests_see_the_host_attendees_with_functions_but_no_phones_by_default(
    client, login, visit
):
    login(_guest(visit))

    seen = _seen_by(client, visit)

    # The visit page (as the host's head), the list, two prints and the export.
    assert seen.count("Eiskirch") == 5
    assert "Oberbürgermeister" in seen
    assert HOST_PHONE not in seen
    assert INTERNAL_PHONE not in seen


def test_guests_do_not_see_the_host_list_when_the_host_turns_it_off(client, login, visit):
    host = factories.user(visit.host_organisation, Role.PLANNER)
    login(host)
    response = _save(client, visit, guests_see_host_attendees="")
    assert response.status_code == 302
    _switch(client, login, _guest(visit))

    seen = _seen_by(client, visit)

    assert "Eiskirch" not in seen
    assert "Kücük" not in seen
    assert "Uwe Schneidewind" in seen
    assert "Bochum" not in page_text(client.get(f"/visits/{visit.id}/attendees"))


def test_the_page_where_guests_keep_their_list_shows_the_host_as_the_host_decides(
    client, login, visit
):
    mayor = next(p for p in visit.participations if p.person.last_name == "Eiskirch")
    mayor.public_function = False
    db.session.commit()
    login(_guest(visit))

    shown = page_text(client.get(f"/visits/{visit.id}/participants"))

    assert "Eiskirch" in shown
    assert "Oberbürgermeister" not in shown
    visit.guests_see_host_attendees = False
    db.session.commit()
    hidden = page_text(client.get(f"/visits/{visit.id}/participants"))
    assert "Eiskirch" not in hidden
    assert "Schneidewind" in hidden


def test_a_host_contacts_phone_is_shown_to_guests_only_when_public(client, login, visit):
    mayor, clerk = (p for p in visit.participations if p.side == Side.HOST)
    login(factories.user(visit.host_organisation, Role.PLANNER))
    response = _save(client, visit, public_phone=[str(mayor.id), str(clerk.id)],
                     public_function=[str(clerk.id)])  # fmt: skip
    assert response.status_code == 302
    _switch(client, login, _guest(visit))

    seen = _seen_by(client, visit)
    attendees = page_text(client.get(f"/visits/{visit.id}/attendees"))

    assert f"Telefon: {HOST_PHONE}" in attendees
    assert HOST_PHONE in client.get(f"/visits/{visit.id}/attendees.csv").get_data(as_text=True)
    # An internal number stays in the house, and a function the host keeps back too.
    assert INTERNAL_PHONE not in seen
    assert "Oberbürgermeister" not in seen
    assert "Protokoll" in attendees


def test_the_host_always_sees_everything(client, login, visit):
    login(factories.user(visit.host_organisation, Role.VIEWER))
    db.session.get(type(visit), visit.id).guests_see_host_attendees = False
    db.session.commit()

    attendees = page_text(client.get(f"/visits/{visit.id}/attendees"))

    assert "Thomas Eiskirch" in attendees
    assert HOST_PHONE in attendees
    assert f"{INTERNAL_PHONE} (intern)" in attendees
    assert "Oberbürgermeister" in attendees


def test_a_second_open_settings_form_is_refused_and_told_what_changed(client, login, visit):
    login(factories.user(visit.host_organisation, Role.PLANNER, name="Karla Kollegin"))
    stale = form_values(client.get(f"/visits/{visit.id}/guest-view"))
    assert _save(client, visit, guests_see_host_attendees="").status_code == 302

    response = client.post(f"/visits/{visit.id}/guest-view", data={**stale, "public_phone": []})
    text = page_text(response)

    assert response.status_code == 200
    assert "Karla Kollegin" in text
    db.session.expire_all()
    assert db.session.get(type(visit), visit.id).guests_see_host_attendees is False


def test_the_settings_are_kept_in_the_audit_trail(client, login, visit):
    mayor = next(p for p in visit.participations if p.side == Side.HOST)
    login(factories.user(visit.host_organisation, Role.PLANNER))

    _save(client, visit, public_phone=[str(mayor.id)])

    entries = db.session.query(AuditEntry).filter_by(object_type="Participation",
                                                     object_id=mayor.id).all()  # fmt: skip
    assert [entry.changes.get("public_phone") for entry in entries][-1] == [False, True]


def test_guests_and_host_viewers_cannot_change_the_settings(client, login, visit):
    login(_guest(visit))
    assert client.get(f"/visits/{visit.id}/guest-view").status_code == 403
    _switch(client, login, factories.user(visit.host_organisation, Role.VIEWER))
    assert client.post(f"/visits/{visit.id}/guest-view", data={}).status_code == 403


def test_the_visit_page_links_to_the_settings_for_host_planners(client, login, visit):
    login(factories.user(visit.host_organisation, Role.PLANNER))

    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)

    assert f'href="/visits/{visit.id}/guest-view"' in page


def _pdf_text(response) -> str:
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_a_stored_guest_pdf_follows_a_change_of_the_settings(client, login, visit):
    guest = _guest(visit)
    login(guest)
    assert "Eiskirch" in _pdf_text(client.get(f"/visits/{visit.id}/print/attendees.pdf"))
    db.session.get(type(visit), visit.id).guests_see_host_attendees = False
    db.session.commit()

    again = _pdf_text(client.get(f"/visits/{visit.id}/print/attendees.pdf"))

    assert "Eiskirch" not in again
    assert "Schneidewind" in again
