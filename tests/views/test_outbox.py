"""The outbox pages and the `outbox send` command."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from planner.enums import Language, OutboxStatus, Role, VisitStatus
from planner.extensions import db
from planner.forms.outbox import rows_for
from planner.models import OutboxMessage, Person
from planner.services.demo import load_demo_data
from tests import factories
from tests.helpers import CONFIRMED, form_values, page_text
from tests.smtp import smtp_server


@pytest.fixture
def demo(app):
    return load_demo_data().visit


@pytest.fixture
def planner(demo, login):
    user = factories.user(demo.host_organisation, Role.PLANNER)
    login(user)
    return user


def test_send_invitations_drafts_them_for_review_in_the_outbox(client, planner, demo):
    response = client.post(f"/visits/{demo.id}/invitations", data=CONFIRMED)

    assert response.headers["Location"] == f"/visits/{demo.id}/outbox"
    drafts = db.session.scalars(select(OutboxMessage)).all()
    assert {m.status for m in drafts} == {OutboxStatus.DRAFT}
    # Per person: a cover letter, then one invitation per item.
    assert len(drafts) == len(demo.participations) * (1 + len(demo.items))
    page = page_text(client.get(f"/visits/{demo.id}/outbox"))
    assert "Alle Entwürfe senden" in page
    assert "Prof. Dr. Uwe Schneidewind &lt;uwe.schneidewind@wuppertal.example&gt;" in page
    items = len(demo.items)
    summary = f"{1 + items} Nachrichten: 1 Anschreiben, {items} Einladungen"
    assert page.count(summary) == len(demo.participations)
    assert "Einladung: Smart-City-Austausch" in page
    assert "Einladung: Begrüßung durch den Oberbürgermeister – Smart-City-Austausch" in page
    assert f"Entwürfe: {len(drafts)}" in page_text(client.get(f"/visits/{demo.id}"))

    # A second click drafts nothing twice.
    client.post(f"/visits/{demo.id}/invitations", data=CONFIRMED)
    assert len(db.session.scalars(select(OutboxMessage)).all()) == len(drafts)


def test_inviting_to_a_visit_that_is_over_asks_first(client, planner, demo):
    # The demo visit is marked completed; a visit merely past asks just the same.
    demo.status = VisitStatus.CONFIRMED
    db.session.commit()
    # The button on the visit page sends a bare POST: it drafts nothing yet.
    response = client.post(f"/visits/{demo.id}/invitations")
    assert response.headers["Location"] == f"/visits/{demo.id}/invitations"
    assert db.session.scalars(select(OutboxMessage)).all() == []

    page = page_text(client.get(f"/visits/{demo.id}/invitations"))
    assert "Der Besuch endete am 23. Februar 2023." in page
    assert "Einladungen trotzdem entwerfen" in page

    client.post(f"/visits/{demo.id}/invitations", data=CONFIRMED)
    assert len(db.session.scalars(select(OutboxMessage)).all()) == len(demo.participations) * (
        1 + len(demo.items)
    )

    # A visit still to come is invited at once, and has no confirmation page ...
    demo.last_day = demo.first_day = datetime.now(UTC).date() + timedelta(days=30)
    db.session.commit()
    assert client.get(f"/visits/{demo.id}/invitations").headers["Location"] == f"/visits/{demo.id}"
    # ... unless it is marked completed.
    demo.status = VisitStatus.COMPLETED
    db.session.commit()
    page = page_text(client.get(f"/visits/{demo.id}/invitations"))
    assert "Der Besuch ist als abgeschlossen markiert." in page


def test_a_draft_can_be_edited_and_discarded_before_it_goes(client, planner, demo):
    client.post(f"/visits/{demo.id}/invitations", data=CONFIRMED)
    first, second = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()[:2]

    client.post(
        f"/visits/{demo.id}/outbox/{first.id}",
        data={
            "subject": "Einladung nach Bochum",
            "body_text": "Liebe Gäste,\n\n<b>bis bald</b>",
            "lock_version": str(first.lock_version),
        },
    )
    client.post(f"/visits/{demo.id}/outbox/{second.id}/discard")

    db.session.expire_all()
    edited = db.session.get(OutboxMessage, first.id)
    assert edited.subject == "Einladung nach Bochum"
    assert "<p>Liebe Gäste,</p>" in edited.body_html
    assert "&lt;b&gt;bis bald&lt;/b&gt;" in edited.body_html
    assert db.session.get(OutboxMessage, second.id).status == OutboxStatus.DISCARDED


def test_send_all_releases_drafts_and_the_command_delivers_them(app, client, runner, planner, demo):
    client.post(f"/visits/{demo.id}/invitations", data=CONFIRMED)
    client.post(f"/visits/{demo.id}/outbox/send")
    with smtp_server() as (collector, port):
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
        result = runner.invoke(args=["outbox", "send"])

    assert result.exit_code == 0, result.output
    assert (
        f"Sent {len(demo.participations) * (1 + len(demo.items))} messages, 0 not sent (smtp)."
        in result.output
    )
    assert len(collector.messages) == len(demo.participations) * (1 + len(demo.items))


def test_without_an_smtp_host_messages_are_printed_not_sent(app, runner, client, planner, demo):
    app.config.update(SMTP_HOST="")
    client.post(f"/visits/{demo.id}/invitations", data=CONFIRMED)
    client.post(f"/visits/{demo.id}/outbox/send")

    result = runner.invoke(args=["outbox", "send"])

    assert "(console)" in result.output
    assert "outbox (console, nothing sent)" in result.output
    assert "Subject: Einladung: Smart-City-Austausch" in result.output


def test_a_failed_message_can_be_sent_again(client, planner, demo):
    message = OutboxMessage(visit=demo, status=OutboxStatus.FAILED, message_id="<x@planner.test>",
                            to_address="a@x.example", subject="S", body_text="T", attempts=8,
                            last_error="SMTPRecipientsRefused: 550")  # fmt: skip
    db.session.add(message)
    db.session.commit()
    assert "SMTPRecipientsRefused: 550" in page_text(client.get(f"/visits/{demo.id}/outbox"))

    client.post(f"/visits/{demo.id}/outbox/{message.id}/retry")

    db.session.expire_all()
    again = db.session.get(OutboxMessage, message.id)
    assert (again.status, again.attempts) == (OutboxStatus.PENDING, 0)


def test_a_guest_planner_cannot_see_the_hosts_outbox(client, login, demo):
    login(factories.user(demo.guest_organisations[0], Role.PLANNER))
    assert client.get(f"/visits/{demo.id}/outbox").status_code == 403
    assert client.post(f"/visits/{demo.id}/invitations", data=CONFIRMED).status_code == 403
    assert db.session.scalars(select(OutboxMessage)).all() == []


# --- the editor, the preview and the shared text ------------------------------------------


def _letter(last_name: str) -> OutboxMessage:
    return db.session.scalars(
        select(OutboxMessage)
        .join(OutboxMessage.person)
        .where(OutboxMessage.kind == "letter-invite", Person.last_name == last_name)
    ).one()


def _save_shared(client, visit, text_de, lock_version, text_en=""):
    return client.post(
        f"/visits/{visit.id}/outbox/letter-text",
        data={"text_de": text_de, "text_en": text_en, "lock_version": str(lock_version)},
    )


def test_the_editor_is_as_tall_as_the_letter(client, planner, demo):
    client.post(f"/visits/{demo.id}/invitations", data=CONFIRMED)
    letter = _letter("Schneidewind")
    lines = letter.body_text.count("\n") + 1
    assert lines >= 25

    page = client.get(f"/visits/{demo.id}/outbox/{letter.id}").get_data(as_text=True)

    [rows] = re.findall(r'<textarea[^>]*name="body_text"[^>]*rows="(\d+)"', page) or re.findall(
        r'<textarea[^>]*rows="(\d+)"[^>]*name="body_text"', page
    )
    # Every line shows, and the answer links that wrap into two rows.
    assert int(rows) == rows_for(letter.body_text)
    assert lines + 1 < int(rows) <= 40
    # A short message still gets room to write, a very long one a screenful.
    assert rows_for("Guten Tag") == 10
    assert rows_for("\n" * 200) == 40


def test_the_preview_shows_the_html_mail_and_the_calendar_entries_in_local_time(
    client, planner, demo
):
    client.post(f"/visits/{demo.id}/invitations", data=CONFIRMED)
    letter = _letter("Schneidewind")
    invitation = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.person_id == letter.person_id, OutboxMessage.kind == "invite")
        .order_by(OutboxMessage.id)
    ).first()

    page = client.get(f"/visits/{demo.id}/outbox/{letter.id}").get_data(as_text=True)
    html = client.get(f"/visits/{demo.id}/outbox/{letter.id}/preview")
    text = page_text(client.get(f"/visits/{demo.id}/outbox/{letter.id}"))
    single = page_text(client.get(f"/visits/{demo.id}/outbox/{invitation.id}"))

    assert f'src="/visits/{demo.id}/outbox/{letter.id}/preview?v=' in page
    assert "sandbox" in page
    assert html.mimetype == "text/html"
    assert "sandbox" in html.headers["Content-Security-Policy"]
    assert "script-src" not in html.headers["Content-Security-Policy"]
    assert html.headers["X-Frame-Options"] == "SAMEORIGIN"
    greeting = "<p>Sehr geehrter Herr Oberbürgermeister Prof. Dr. Schneidewind,</p>"
    assert greeting in html.get_data(as_text=True)
    # The whole programme the letter carries, at the wall-clock times of Bochum.
    assert "Alle Zeiten: Europe/Berlin" in text
    assert (
        "Begrüßung durch den Oberbürgermeister Donnerstag, 23. Februar 2023, 10:00–10:30 "
        "Amtszimmer des Oberbürgermeisters, Rathaus Bochum" in text
    )
    assert "Abschlussgespräch Donnerstag, 23. Februar 2023, 13:15–13:45" in text
    assert "Kalendereinträge in dieser Nachricht" in single
    assert (
        "Begrüßung durch den Oberbürgermeister Donnerstag, 23. Februar 2023, 10:00–10:30" in single
    )
    assert "Vorführung der digitalen Infostelen Donnerstag" not in single


def test_a_draft_edited_by_hand_keeps_its_text_when_the_shared_text_changes(client, planner, demo):
    client.post(f"/visits/{demo.id}/invitations", data=CONFIRMED)
    page = page_text(client.get(f"/visits/{demo.id}/outbox/letter-text"))
    assert "Geht in 7 Entwürfe auf Deutsch." in page

    response = _save_shared(client, demo, "Bitte melden Sie sich an der Pforte.", 0)

    assert response.status_code == 302
    db.session.expire_all()
    letters = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "letter-invite")
    ).all()
    assert all(
        "einzuladen.\n\nBitte melden Sie sich an der Pforte.\n\n"
        f"Sie erhalten {len(demo.items)}" in m.body_text
        for m in letters
    )
    assert all("<p>Bitte melden Sie sich an der Pforte.</p>" in m.body_html for m in letters)
    # The shared text goes into the letter, not into each of the invitations.
    assert not any(
        "Pforte" in m.body_text
        for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "invite"))
    )

    own = _letter("Eiskirch")
    edit_page = client.get(f"/visits/{demo.id}/outbox/{own.id}")
    assert "wird sie zu einer einzelnen Nachricht" in page_text(edit_page)
    values = form_values(edit_page)
    values["body_text"] = values["body_text"].replace("Pforte", "Pforte am Willy-Brandt-Platz")
    client.post(f"/visits/{demo.id}/outbox/{own.id}", data=values)
    assert "Einzeln bearbeitet" in page_text(client.get(f"/visits/{demo.id}/outbox/{own.id}"))

    _save_shared(client, demo, "Parken Sie bitte in der Tiefgarage.", 1)

    db.session.expire_all()
    for letter in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "letter-invite")
    ):
        if letter.id == own.id:
            assert "Pforte am Willy-Brandt-Platz" in letter.body_text
            assert "Tiefgarage" not in letter.body_text
        else:
            assert "Parken Sie bitte in der Tiefgarage." in letter.body_text
            assert "Pforte" not in letter.body_text
    outbox = page_text(client.get(f"/visits/{demo.id}/outbox"))
    assert "Er geht in 6 Entwürfe." in outbox
    assert "1 Entwurf wurde einzeln bearbeitet und behält seinen eigenen Text." in outbox
    assert "einzeln bearbeitet" in outbox


def test_a_shared_text_saved_meanwhile_is_not_overwritten(client, planner, demo):
    client.post(f"/visits/{demo.id}/invitations", data=CONFIRMED)
    opened = form_values(client.get(f"/visits/{demo.id}/outbox/letter-text"))
    assert opened["lock_version"] == "0"
    _save_shared(client, demo, "Willkommen in Bochum.", 0)
    _save_shared(client, demo, "Willkommen im Rathaus.", 1)

    # Two forms opened before those saves.
    first = _save_shared(client, demo, "Ein anderer Text.", 0)
    second = _save_shared(client, demo, "Noch ein anderer Text.", 1)

    assert first.status_code == second.status_code == 200
    assert "Von Ihren Eingaben wurde noch nichts gespeichert." in page_text(first)
    assert "Von Ihren Eingaben wurde noch nichts gespeichert." in page_text(second)
    assert "Willkommen im Rathaus." in page_text(second)
    assert form_values(second)["lock_version"] == "2"
    db.session.expire_all()
    letter = _letter("Schneidewind")
    assert "Willkommen im Rathaus." in letter.body_text
    assert "anderer Text" not in letter.body_text


@pytest.mark.parametrize(
    ("language", "closing"),
    [("de", "Mit freundlichen Grüßen"), ("en", "Kind regards")],
    ids=["german", "english"],
)
def test_the_letter_is_signed_by_the_contact_person_with_function(
    client, planner, demo, language, closing
):
    guest = next(p.person for p in demo.participations if p.person.last_name == "Schneidewind")
    guest.language = Language(language)
    db.session.commit()

    client.post(f"/visits/{demo.id}/invitations", data=CONFIRMED)

    letter = _letter("Schneidewind")
    assert letter.body_text.endswith(f"{closing}\nLena Hoffmann\nProtokoll der Stadt Bochum")
    assert f"<p>{closing}<br>Lena Hoffmann<br>Protokoll der Stadt Bochum</p>" in letter.body_html
    assert f'<html lang="{language}">' in letter.body_html


def test_without_a_contact_person_the_host_organisation_signs(client, planner, demo):
    demo.contact_person = None
    db.session.commit()

    client.post(f"/visits/{demo.id}/invitations", data=CONFIRMED)

    assert _letter("Schneidewind").body_text.endswith("Mit freundlichen Grüßen\nBochum")


def test_the_outbox_names_the_participants_without_an_address(client, planner, demo):
    reuter = next(p.person for p in demo.participations if p.person.last_name == "Reuter")
    reuter.email = None
    db.session.commit()

    response = client.post(f"/visits/{demo.id}/invitations", data=CONFIRMED, follow_redirects=True)

    page = response.get_data(as_text=True)
    text = page_text(response)
    assert (
        "1 teilnehmende Person hat keine E-Mail-Adresse und bekommt nichts: Jonas Reuter." in text
    )
    assert (
        "1 teilnehmende Person hat keine E-Mail-Adresse und bekommt nichts aus dem Postausgang:"
        in text
    )
    assert f'<a href="/people/{reuter.id}">Jonas Reuter</a>' in page
    assert not db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.person_id == reuter.id)
    ).all()


def test_the_outbox_lists_names_linked_to_the_people(client, planner, demo):
    client.post(f"/visits/{demo.id}/invitations", data=CONFIRMED)
    guest = next(p.person for p in demo.participations if p.person.last_name == "Schneidewind")
    letter = _letter("Schneidewind")

    page = client.get(f"/visits/{demo.id}/outbox").get_data(as_text=True)
    edit = client.get(f"/visits/{demo.id}/outbox/{letter.id}").get_data(as_text=True)

    link = f'<a href="/people/{guest.id}">Prof. Dr. Uwe Schneidewind</a>'
    assert (
        f'{link} <span class="office-title">&lt;uwe.schneidewind@wuppertal.example&gt;</span>'
        in page
    )
    assert link in edit
    for participation in demo.participations:
        assert (
            f'<a href="/people/{participation.person_id}">{participation.person.display_name}</a>'
            in page
        )


def test_a_new_version_offers_the_shared_text_of_the_one_before(client, planner, demo):
    client.post(f"/visits/{demo.id}/invitations", data=CONFIRMED)
    _save_shared(client, demo, "Willkommen in Bochum.", 0)
    demo.items[0].title_de = "Empfang im Ratssaal"
    db.session.commit()
    factories.issue(demo, "Neuer Titel")
    db.session.commit()

    page = client.get(f"/visits/{demo.id}/outbox/letter-text")

    values = form_values(page)
    assert (values["text_de"].strip(), values["lock_version"]) == ("Willkommen in Bochum.", "0")
    assert "Die Felder enthalten den gemeinsamen Text von Version 1." in page_text(page)
