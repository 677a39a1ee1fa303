"""The history of a visit and the organisation's audit trail, read as sentences."""

import re

import pytest
from sqlalchemy import select, text

from planner.enums import OutboxStatus, Role
from planner.extensions import db
from planner.models import AgendaItem, FeedToken, OutboxMessage, Participation, Room
from planner.services.answers import rsvp_token
from planner.services.audit import set_actor
from planner.services.demo import load_demo_data
from planner.services.outbox import send_pending
from tests import factories
from tests.helpers import CONFIRMED, count_queries, page_text
from tests.services.test_replies import sample
from tests.smtp import smtp_server

# Every id is at least this large, so that an id on a page would be a number of five digits.
FIRST_ID = 70_000


@pytest.fixture
def large_ids(app):
    """Let every table hand out ids from FIRST_ID on (each table its own thousand)."""
    sqlite = db.engine.dialect.name == "sqlite"
    # SQLite keeps its counters when tables are emptied: the next tests get them back.
    saved = (
        db.session.execute(text("SELECT name, seq FROM sqlite_sequence")).all() if sqlite else []
    )
    tables = [table for table in db.metadata.sorted_tables if "id" in table.c]
    for number, table in enumerate(tables):
        start = FIRST_ID + 1000 * number
        if sqlite:
            db.session.execute(
                text("DELETE FROM sqlite_sequence WHERE name = :t"), {"t": table.name}
            )
            db.session.execute(text("INSERT INTO sqlite_sequence (name, seq) VALUES (:t, :s)"),
                               {"t": table.name, "s": start})  # fmt: skip
        else:
            db.session.execute(text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :s)"),
                               {"t": table.name, "s": start})  # fmt: skip
    db.session.commit()
    yield
    if sqlite:
        db.session.rollback()
        db.session.execute(text("DELETE FROM sqlite_sequence"))
        for name, seq in saved:
            db.session.execute(text("INSERT INTO sqlite_sequence (name, seq) VALUES (:t, :s)"),
                               {"t": name, "s": seq})  # fmt: skip
        db.session.commit()


def _item(visit, title: str) -> AgendaItem:
    return next(item for item in visit.items if item.title_de == title)


def _participation(visit, last_name: str) -> Participation:
    return next(p for p in visit.participations if p.person.last_name == last_name)


ITEM = {"setup_minutes": "0", "teardown_minutes": "0", "responsible": "0", "status": "confirmed"}


def _edit_form(item: AgendaItem, **changes) -> dict:
    return {**ITEM, "title_de": item.title_de, "title_en": item.title_en, "kind": item.kind.value,
            "day": item.starts_at.date().isoformat(),
            "start": item.starts_at.strftime("%H:%M"), "end": item.ends_at.strftime("%H:%M"),
            "room": str(item.room_id or 0), "lock_version": str(item.lock_version),
            "description_de": item.description_de, "description_en": item.description_en,
            "internal_notes": item.internal_notes,
            "responsible": str(item.responsible_person_id or 0),
            "module": str(item.module_id or ""), **changes}  # fmt: skip


def _visit_form(visit, **changes) -> dict:
    return {"title": visit.title, "first_day": visit.first_day.isoformat(),
            "last_day": visit.last_day.isoformat(), "timezone": visit.timezone,
            "language": visit.language.value,
            "guest_organisations": [str(org.id) for org in visit.guest_organisations],
            "contact_person": str(visit.contact_person_id or 0), "purpose": visit.purpose,
            "internal_notes": visit.internal_notes, "lock_version": str(visit.lock_version),
            **changes}  # fmt: skip


@pytest.fixture
def edited(app, large_ids, client, login, runner):
    """The demo visit after a planner's day of work, the e-mails sent and answers received."""
    demo = load_demo_data().visit
    bochum = demo.host_organisation
    petra = factories.user(bochum, Role.PLANNER, name="Petra Protokoll")
    wuppertal = demo.guest_organisations[0]
    db.session.commit()
    login(petra)

    def post(path: str, data: dict | None = None) -> None:
        response = client.post(path, data=data or {})
        assert response.status_code in (200, 302), page_text(response)

    def send() -> None:
        with smtp_server() as (_collector, port):
            app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_SECURITY="none")
            assert send_pending(batch=200)[1] == 0
        db.session.expire_all()

    # Version 1 goes out first, as the visit's invitations.
    post(f"/visits/{demo.id}/invitations", CONFIRMED)
    post(f"/visits/{demo.id}/outbox/send")
    send()
    closing = _item(demo, "Abschlussgespräch")
    room = db.session.scalar(select(Room).where(Room.name == "Besprechungsraum 2.14"))

    # One save: another time and another room.
    post(f"/visits/{demo.id}/items/{closing.id}/edit",
         _edit_form(closing, start="13:30", end="14:00", room=str(room.id),
                    confirm_conflicts="1"))  # fmt: skip
    steles = _item(demo, "Vorführung der digitalen Infostelen")
    post(f"/visits/{demo.id}/items/{steles.id}/edit",
         _edit_form(steles, title_de="Vorführung der Infostelen", description_de="Neu: mit Karte",
                    confirm_conflicts="1"))  # fmt: skip
    post(f"/visits/{demo.id}/items/{_item(demo, 'Rundgang mit der App „Rathaus Navi“').id}/cancel")
    post(f"/visits/{demo.id}/edit", _visit_form(demo, internal_notes="Fahrer informieren"))
    post(f"/visits/{demo.id}/participants/new",
         {"new-organisation": str(wuppertal.id), "new-first_name": "Klara",
          "new-last_name": "Klein", "new-email": "klara.klein@wuppertal.example",
          "new-language": "de"})  # fmt: skip
    reuter, albers = _participation(demo, "Reuter"), _participation(demo, "Albers")
    post(f"/visits/{demo.id}/participants/ranks",
         {f"rank-{reuter.id}": "2", f"lock-{reuter.id}": str(reuter.lock_version),
          f"rank-{albers.id}": "3", f"lock-{albers.id}": str(albers.lock_version)})  # fmt: skip
    post(f"/visits/{demo.id}/issue", {"comment": "Abschlussgespräch später, im Besprechungsraum",
                                      "acknowledge_conflicts": "y"})  # fmt: skip
    post(f"/visits/{demo.id}/feeds")
    feed = db.session.scalar(select(FeedToken).where(FeedToken.user_id == petra.id))
    post(f"/feeds/{feed.id}/revoke")
    post(f"/visits/{demo.id}/outbox/send")
    send()
    post(
        f"/visits/{demo.id}/participants/{_participation(demo, 'Kücük').id}/remove",
        {"confirm": "yes"},
    )
    mayor = _participation(demo, "Schneidewind")
    # The mayor answers on his answer page, Ms Albers in her calendar program.
    response = client.post(f"/rsvp/{rsvp_token(mayor)}", data={"answer": "accepted"})
    assert response.status_code == 200
    closing = db.session.get(AgendaItem, closing.id)
    reply = sample("outlook", closing, albers, partstat="DECLINED")
    result = runner.invoke(args=["mail", "receive"], input=reply)
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return demo, petra


def _history(client, visit, language: str, **query) -> str:
    response = client.get(f"/visits/{visit.id}/history", query_string={"lang": language, **query})
    assert response.status_code == 200
    return page_text(response)


def _technical(page: str) -> list[str]:
    """Return what a reader should never see: field names, model names, ids, markers."""
    found = re.findall(r"\b[a-z]+(?:_[a-z]+)+\b", page)  # room_id, lock_version, starts_at
    found += re.findall(r"\b(?:[A-Z][a-z]+){2,}\b", page)  # AgendaItem, OutboxMessage
    found += re.findall(r"\b\d{5,}\b", page)  # ids (all from 70000 on)
    found += re.findall(r"\b(?:sequence|uid|nonce|token|redacted|None|True|False)\b", page)
    found += re.findall(r"\[redacted\]|→", page)
    return found


def test_the_demo_visits_history_tells_a_day_of_work_in_german_sentences(client, edited):
    demo, _petra = edited

    page = _history(client, demo, "de")

    assert _technical(page) == []
    for sentence in [
        "Petra Protokoll hat „Abschlussgespräch“ von 13:15 auf 13:30 verschoben und in "
        "Besprechungsraum 2.14 verlegt.",
        "Petra Protokoll hat „Vorführung der digitalen Infostelen“ in „Vorführung der "
        "Infostelen“ umbenannt und die deutsche Beschreibung geändert.",
        "Petra Protokoll hat „Rundgang mit der App „Rathaus Navi““ abgesagt.",
        "Petra Protokoll hat die internen Notizen des Besuchs „Smart-City-Austausch: Besuch der "
        "Stadt Wuppertal“ geändert.",
        "Petra Protokoll hat Klara Klein zur Delegation hinzugefügt.",
        "Petra Protokoll hat Denes Kücük von der Teilnehmendenliste gestrichen und 6 E-Mails an "
        "Denes Kücük zur Prüfung entworfen.",
        "Petra Protokoll hat die Rangfolge geändert: 2. Jonas Reuter und 3. Miriam Albers.",
        "Petra Protokoll hat Version 2 herausgegeben: „Abschlussgespräch später, im "
        "Besprechungsraum“.",
        "Petra Protokoll hat ein Kalender-Abo für den Besuch „Smart-City-Austausch: Besuch der "
        "Stadt Wuppertal“ angelegt.",
        "Petra Protokoll hat das Kalender-Abo für den Besuch „Smart-City-Austausch: Besuch der "
        "Stadt Wuppertal“ widerrufen.",
        "Prof. Dr. Uwe Schneidewind hat für „Begrüßung durch den Oberbürgermeister“, "
        "„Vorführung der Infostelen“, „Smart City Innovation Unit: das „Bochumer Modell““, "
        "„Abschlussgespräch“ und „Transfer zum Hauptbahnhof“ zugesagt (auf der Antwortseite).",
        "Miriam Albers hat für „Abschlussgespräch“ abgesagt (im Kalenderprogramm). Miriam Albers "
        "hat einen Kommentar dazu geschrieben.",
        "Das System hat den Besuch „Smart-City-Austausch: Besuch der Stadt Wuppertal“ angelegt "
        "und Version 1 herausgegeben: „Programm für den Besuch am 23. Februar 2023“.",
        "Mit ihm angelegt: 6 Programmpunkte, 7 Teilnehmende, 2 Geschenke und 1 Eintragung ins "
        "Goldene Buch.",
    ]:
        assert sentence in page
    assert "Ich komme gerne" not in page  # what people write stays on the participants page
    assert re.search(r"\d+ E-Mails an .* wurden zur Prüfung entworfen\.", page)
    assert re.search(r"Petra Protokoll hat \d+ E-Mails an .* zum Versand freigegeben\.", page)
    assert re.search(r"\d+ E-Mails an .* wurden verschickt\.", page)
    assert "Alle Zeiten: Europe/Berlin" in page


def test_the_demo_visits_history_tells_the_same_in_english(client, edited):
    demo, _petra = edited

    page = _history(client, demo, "en")

    assert _technical(page) == []
    for sentence in [
        "Petra Protokoll moved “Closing exchange” from 13:15 to 13:30 and moved it to "
        "Besprechungsraum 2.14.",
        "Petra Protokoll cancelled “Rathaus Navi app walkthrough”.",
        "Petra Protokoll issued version 2: “Abschlussgespräch später, im Besprechungsraum”.",
        "Petra Protokoll changed the order of precedence: 2. Jonas Reuter and 3. Miriam Albers.",
        "Miriam Albers declined “Closing exchange” (in a calendar program).",
    ]:
        assert sentence in page
    assert (
        "Created with it: 6 agenda items, 7 participants, 2 gifts and 1 Golden Book entry."
    ) in page


def test_the_history_filters_by_kind_of_change_and_by_who_made_it(client, edited):
    demo, petra = edited

    answers = _history(client, demo, "de", kind="answers")
    by_petra = _history(client, demo, "de", actor=str(petra.id))
    without_login = _history(client, demo, "de", actor="none")

    assert "Miriam Albers hat für „Abschlussgespräch“ abgesagt" in answers
    assert "Petra Protokoll hat" not in answers
    assert "Petra Protokoll hat „Abschlussgespräch“ von 13:15 auf 13:30 verschoben" in by_petra
    assert "Miriam Albers hat" not in by_petra
    assert "Das System hat den Besuch" in without_login
    assert "Petra Protokoll hat" not in without_login


def test_the_history_is_paged_by_actions_newest_first(client, login):
    visit = factories.visit(factories.organisation("Bochum"), title="Besuch")
    planner = factories.user(visit.host_organisation, Role.PLANNER, name="Petra Protokoll")
    item = factories.item(visit, "2023-02-23 10:00", "2023-02-23 10:30", "Pressefoto")
    db.session.commit()
    for minute in range(1, 121):
        item.starts_at = item.starts_at.replace(minute=minute % 30)
        item.ends_at = item.starts_at.replace(hour=11)
        db.session.commit()
    login(planner)

    pages = [client.get(f"/visits/{visit.id}/history")]
    while older := re.search(r'href="([^"]*before=\d+[^"]*)"', pages[-1].get_data(as_text=True)):
        pages.append(client.get(older.group(1).replace("&amp;", "&")))

    texts = [page_text(page) for page in pages]
    assert [text.count("verschoben") for text in texts] == [50, 50, 20]
    assert "Das System hat den Besuch „Besuch“ angelegt" in texts[-1]
    assert ["Neueste Änderungen" in text for text in texts] == [False, True, True]


@pytest.mark.parametrize("page", ["visit", "audit"], ids=["visit-history", "audit-trail"])
def test_a_page_of_history_costs_the_same_queries_however_much_happened(client, login, page):
    demo = load_demo_data().visit
    admin = factories.user(demo.host_organisation, Role.ADMIN, name="Anna Admin")
    db.session.commit()
    login(admin)
    path = f"/visits/{demo.id}/history" if page == "visit" else "/admin/audit"
    set_actor(db.session, admin.id)

    def edit(rounds: int) -> None:
        for number in range(rounds):
            for item in demo.items:
                item.title_de = f"{item.title_de.split(' #')[0]} #{number}"
                item.room_id = None if number % 2 else item.room_id
            for participation in demo.participations:
                participation.rank = number
                participation.person.phone = f"+49 234 {number}"
            db.session.commit()

    edit(1)
    with count_queries(db.engine) as small:
        assert client.get(path).status_code == 200
    edit(6)
    with count_queries(db.engine) as large:
        assert client.get(path).status_code == 200

    assert large.count == small.count


def test_the_admins_audit_trail_tells_logins_rooms_and_people_in_the_organisations_zone(
    client, login
):
    bochum = factories.organisation("Bochum")
    bochum.timezone = "America/New_York"
    admin = factories.user(bochum, Role.ADMIN, name="Anna Admin")
    db.session.commit()
    login(admin)
    password = "ein-langes-passwort-1"
    client.post("/admin/users/new", data={"email": "petra@bochum.example",
                "name": "Petra Protokoll", "role": "planner", "password": password,
                "password_again": password})  # fmt: skip
    client.post("/rooms/venues/new", data={"name": "Musikforum", "address": "Marienplatz 1"})
    person = factories.person(bochum, "Eiskirch", first_name="Thomas")
    db.session.commit()
    set_actor(db.session, admin.id)
    db.session.delete(person)
    db.session.commit()

    page = page_text(client.get("/admin/audit", query_string={"lang": "de"}))

    assert _technical(page) == []
    assert "Alle Zeiten: America/New_York" in page
    assert "Anna Admin hat den Zugang für Petra Protokoll angelegt (Planung)." in page
    assert "Anna Admin hat das Gebäude Musikforum angelegt." in page
    assert "Anna Admin hat Thomas Eiskirch gelöscht." in page


def test_a_field_without_words_of_its_own_is_told_without_its_name(app):
    from planner.models import AuditEntry
    from planner.services.history import tell

    visit = factories.visit(factories.organisation("Bochum"), title="Besuch")
    item = factories.item(visit, "2023-02-23 10:00", "2023-02-23 10:30", "Pressefoto")
    db.session.commit()
    entry = AuditEntry(visit_id=visit.id, object_type="AgendaItem", object_id=item.id,
                       action="update", changes={"shiny_new_column": [1, 2],
                                                 "lock_version": [1, 2]})  # fmt: skip
    db.session.add(entry)
    db.session.commit()

    [action] = tell([entry], "Europe/Berlin")

    assert action.sentences == ["Das System hat „Pressefoto“ geändert."]


def test_an_outbox_draft_never_shows_its_text_in_the_history(client, login):
    demo = load_demo_data().visit
    planner = factories.user(demo.host_organisation, Role.PLANNER, name="Petra Protokoll")
    message = OutboxMessage(visit=demo, person=demo.participations[0].person,
                            status=OutboxStatus.DRAFT, message_id="<m@planner.test>",
                            to_address="uwe@wuppertal.example", subject="Einladung",
                            body_text="Geheimer Text")  # fmt: skip
    db.session.add(message)
    db.session.commit()
    login(planner)
    client.post(f"/visits/{demo.id}/outbox/{message.id}",
                data={"subject": "Neuer Betreff", "body_text": "Noch geheimer",
                      "lock_version": str(message.lock_version)})  # fmt: skip

    page = _history(client, demo, "de")

    assert "Petra Protokoll hat 1 E-Mail an Prof. Dr. Uwe Schneidewind bearbeitet." in page
    assert "geheim" not in page.lower()
    assert "Betreff" not in page
