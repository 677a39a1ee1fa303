"""The trail told as sentences: one per action, names for ids, nothing technical."""

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from planner.enums import AuditAction, ItemStatus, OutboxStatus, Role, Side, VisitStatus
from planner.extensions import db
from planner.models import AuditEntry, InboundMessage, OutboxMessage, Person
from planner.services.audit import set_actor
from planner.services.history import tell
from planner.services.people import anonymise
from tests import factories


@pytest.fixture
def bochum(app):
    return factories.organisation("Bochum")


@pytest.fixture
def lena(bochum):
    user = factories.user(bochum, Role.PLANNER, name="Lena Hoffmann")
    set_actor(db.session, user.id)
    return user


@pytest.fixture
def visit(bochum, lena):
    wuppertal = factories.organisation("Wuppertal")
    result = factories.visit(bochum, [wuppertal], title="Besuch aus Wuppertal")
    db.session.commit()
    return result


def _told(*, since: int = 0, language: str = "de", zone: str = "Europe/Berlin") -> list[str]:
    """Return the sentences of the trail after entry ``since``, oldest action first."""
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.id > since).order_by(AuditEntry.id.desc())
    )
    with force_locale(language):
        actions = tell(list(entries), zone)
    return [sentence for action in reversed(actions) for sentence in action.sentences]


def _last_id() -> int:
    return db.session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) or 0


def test_an_item_added_with_its_room_names_day_times_and_room(bochum, visit):
    foyer = factories.room(bochum, "Foyer")
    since = _last_id()
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 10:30", "Pressefoto", room=foyer)
    db.session.commit()

    assert _told(since=since) == [
        "Lena Hoffmann hat „Pressefoto“ ins Programm aufgenommen (23.02.2023, 10:00–10:30, Foyer)."
    ]
    assert _told(since=since, language="en") == [
        "Lena Hoffmann added “Pressefoto” to the agenda (Feb 23, 2023, 10:00–10:30, Foyer)."
    ]


@pytest.mark.parametrize(
    ("start", "end", "told"),
    [
        ("2023-02-23 10:15", "2023-02-23 10:45", "„Pressefoto“ von 10:00 auf 10:15 verschoben"),
        (
            "2023-02-24 10:00",
            "2023-02-24 10:30",
            "„Pressefoto“ von 23.02.2023, 10:00 auf 24.02.2023, 10:00 verschoben",
        ),
        (
            "2023-02-23 10:15",
            "2023-02-23 11:00",
            "„Pressefoto“ von 10:00–10:30 auf 10:15–11:00 verschoben",
        ),
        (
            "2023-02-23 10:00",
            "2023-02-23 11:00",
            "das Ende von „Pressefoto“ von 10:30 auf 11:00 verlegt",
        ),
        (
            "2023-02-23 09:45",
            "2023-02-23 10:30",
            "den Beginn von „Pressefoto“ von 10:00 auf 09:45 verlegt",
        ),
    ],
    ids=["moved", "next-day", "moved-and-longer", "end-only", "start-only"],
)
def test_a_changed_time_is_told_as_a_move_or_as_a_new_start_or_end(visit, start, end, told):
    item = factories.item(visit, "2023-02-23 10:00", "2023-02-23 10:30", "Pressefoto")
    db.session.commit()
    since = _last_id()

    item.starts_at, item.ends_at = datetime.fromisoformat(start), datetime.fromisoformat(end)
    db.session.commit()

    assert _told(since=since) == [f"Lena Hoffmann hat {told}."]


@pytest.mark.parametrize(
    ("before", "after", "told"),
    [
        (ItemStatus.CONFIRMED, ItemStatus.CANCELLED, "„Pressefoto“ abgesagt"),
        (ItemStatus.CANCELLED, ItemStatus.CONFIRMED, "„Pressefoto“ wieder ins Programm genommen"),
        (ItemStatus.CONFIRMED, ItemStatus.TENTATIVE, "„Pressefoto“ als vorläufig markiert"),
        (ItemStatus.TENTATIVE, ItemStatus.CONFIRMED, "„Pressefoto“ bestätigt"),
    ],
    ids=["cancelled", "back", "tentative", "confirmed"],
)
def test_the_status_of_an_item_is_told_in_words(visit, before, after, told):
    item = factories.item(
        visit, "2023-02-23 10:00", "2023-02-23 10:30", "Pressefoto", status=before
    )
    db.session.commit()
    since = _last_id()

    item.status = after
    db.session.commit()

    assert _told(since=since) == [f"Lena Hoffmann hat {told}."]


def test_one_save_of_an_item_is_one_sentence_with_every_change(bochum, visit):
    room = factories.room(bochum, "Besprechungsraum 2.14")
    host = factories.person(bochum, "Kopietz", first_name="Sebastian")
    item = factories.item(visit, "2023-02-23 11:00", "2023-02-23 11:30", "Abschlussgespräch")
    db.session.commit()
    since = _last_id()

    item.starts_at, item.ends_at = (
        item.starts_at.replace(minute=15),
        item.ends_at.replace(minute=45),
    )
    item.room = room
    item.responsible_person = host
    item.description_de = "Vereinbarungen"
    item.sequence += 1  # never told
    db.session.flush()
    item.title_de = "Abschlussrunde"  # a second flush of the same transaction
    db.session.commit()

    assert _told(since=since) == [
        "Lena Hoffmann hat „Abschlussgespräch“ in „Abschlussrunde“ umbenannt, von 11:00 auf 11:15 "
        "verschoben, in Besprechungsraum 2.14 verlegt, Sebastian Kopietz die Verantwortung dafür "
        "übertragen und die deutsche Beschreibung geändert."
    ]
    assert _told(since=since, language="en") == [
        "Lena Hoffmann renamed “Abschlussgespräch” to “Abschlussrunde”, moved it from 11:00 to "
        "11:15, moved it to Besprechungsraum 2.14, made Sebastian Kopietz responsible for it, and "
        "changed the German description."
    ]


def test_a_deleted_item_and_a_deleted_person_keep_their_names_from_the_trail(bochum, visit):
    host = factories.person(bochum, "Kopietz", first_name="Sebastian")
    item = factories.item(visit, "2023-02-23 10:00", "2023-02-23 10:30", "Pressefoto")
    db.session.commit()
    since = _last_id()
    item.responsible_person = host
    db.session.commit()
    told_while_they_exist = _told(since=since)
    until = _last_id()

    db.session.delete(item)
    db.session.delete(host)
    db.session.commit()
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.id > since, AuditEntry.id <= until)
    )
    with force_locale("de"):
        [action] = tell(list(entries), "Europe/Berlin")

    assert (
        action.sentences
        == told_while_they_exist
        == ["Lena Hoffmann hat Sebastian Kopietz die Verantwortung für „Pressefoto“ übertragen."]
    )
    assert _told(since=until) == [
        "Lena Hoffmann hat „Pressefoto“ aus dem Programm gelöscht und Sebastian Kopietz gelöscht."
    ]


def test_the_visit_itself_its_status_days_guests_zone_and_contact(bochum, visit):
    dortmund = factories.organisation("Dortmund")
    contact = factories.person(bochum, "Hoffmann", first_name="Lena")
    db.session.commit()
    since = _last_id()

    visit.status = VisitStatus.PLANNED
    visit.first_day = visit.first_day.replace(day=24)
    visit.last_day = visit.last_day.replace(day=25)
    visit.guest_organisations.append(dortmund)
    visit.timezone = "Europe/London"
    visit.contact_person = contact
    visit.internal_notes = "Parkplätze"
    db.session.commit()
    visit.status = VisitStatus.CANCELLED
    db.session.commit()

    assert _told(since=since) == [
        "Lena Hoffmann hat den Besuch „Besuch aus Wuppertal“ auf 24.02.2023–25.02.2023 verlegt, "
        "den Status von In Vorbereitung auf Geplant gesetzt, die Zeitzone von Europe/Berlin auf "
        "Europe/London umgestellt, Lena Hoffmann als Ansprechperson eingetragen, Dortmund als "
        "Gast eingetragen und die internen Notizen geändert.",
        "Lena Hoffmann hat den Besuch „Besuch aus Wuppertal“ abgesagt.",
    ]


def test_participants_added_ranked_signed_up_and_removed(bochum, visit):
    uwe = factories.person(visit.guest_organisations[0], "Schneidewind", first_name="Uwe",
                           academic_title="Prof. Dr.")  # fmt: skip
    miriam = factories.person(visit.guest_organisations[0], "Albers", first_name="Miriam")
    thomas = factories.person(bochum, "Eiskirch", first_name="Thomas")
    item = factories.item(visit, "2023-02-23 10:00", "2023-02-23 10:30", "Pressefoto")
    db.session.commit()
    since = _last_id()

    first = factories.participation(visit, uwe)
    second = factories.participation(visit, miriam)
    host = factories.participation(visit, thomas, Side.HOST)
    db.session.commit()
    first.rank, second.rank = 1, 2
    db.session.commit()
    host.rank = 1
    host.attends_all_items = False
    host.items.append(item)
    db.session.commit()
    db.session.delete(second)
    db.session.commit()

    assert _told(since=since) == [
        "Lena Hoffmann hat Prof. Dr. Uwe Schneidewind und Miriam Albers zur Delegation "
        "hinzugefügt und Thomas Eiskirch bei den Gastgebenden hinzugefügt.",
        "Lena Hoffmann hat die Rangfolge geändert: 1. Prof. Dr. Uwe Schneidewind und 2. Miriam "
        "Albers.",
        "Lena Hoffmann hat Thomas Eiskirch auf Rang 1 gesetzt und für „Pressefoto“ angemeldet.",
        "Lena Hoffmann hat Miriam Albers von der Teilnehmendenliste gestrichen.",
    ]


def test_people_renamed_with_needs_changed_and_anonymised_without_their_values(bochum, lena):
    person = factories.person(bochum, "Kücük", first_name="Denes")
    db.session.commit()
    since = _last_id()

    person.first_name = "Dénes"
    person.dietary_needs = "vegetarisch, Nussallergie"
    person.phone = "+49 234 555 0142"
    db.session.commit()
    before = _told(since=since)
    anonymise(db.session.get(Person, person.id))
    db.session.commit()
    after = _told(since=since)

    assert before == [
        "Lena Hoffmann hat Denes Kücük in Dénes Kücük umbenannt und die Telefonnummer und die "
        "Angaben zur Ernährung geändert."
    ]
    # The trail forgets the values, the history the name.
    assert after == [
        "Lena Hoffmann hat die Telefonnummer und die Angaben zur Ernährung von Anonymisiert "
        "geändert und weitere Angaben geändert.",
        "Lena Hoffmann hat eine Person anonymisiert.",
    ]
    assert "Nuss" not in " ".join(before + after)


def test_logins_organisations_buildings_rooms_and_modules(bochum, lena):
    from planner.models import Venue

    petra = factories.user(bochum, Role.VIEWER, name="Petra Protokoll")
    venue = Venue(organisation=bochum, name="Musikforum")
    db.session.add(venue)
    db.session.commit()
    since = _last_id()

    petra.role = Role.PLANNER
    petra.active = False
    petra.password_hash = "pbkdf2:sha256:1000$neu$abc"
    bochum.accent_colour = "#aa0000"
    bochum.logo, bochum.logo_mime = b"<svg/>", "image/svg+xml"
    room = factories.room(bochum, "Saal", capacity=40)
    db.session.commit()
    room.capacity = 60
    module = factories.module(bochum, title_de="Pressefoto", title_en="Press photo")
    db.session.commit()
    db.session.delete(module)
    venue.address = "Marienplatz 1"
    db.session.commit()

    told = _told(since=since)
    assert told[0] == (
        "Lena Hoffmann hat die Akzentfarbe von Bochum von #0b4f8a auf #aa0000 geändert, ein neues "
        "Logo hochgeladen, Petra Protokoll die Rolle Planung gegeben, den Zugang gesperrt, das "
        "Passwort zurückgesetzt, das Gebäude Rathaus 1 angelegt und den Raum Saal im Gebäude "
        "Rathaus 1 angelegt."
    ).replace("Rathaus 1", room.venue.name)
    assert told[1:] == [
        "Lena Hoffmann hat die Kapazität des Raums Saal von 40 auf 60 geändert und den Baustein "
        "„Pressefoto“ angelegt.",
        "Lena Hoffmann hat die Adresse des Gebäudes Musikforum geändert und den Baustein "
        "„Pressefoto“ gelöscht.",
    ]
    assert "abc" not in " ".join(told)


def test_e_mails_are_counted_by_what_happened_to_them(bochum, visit):
    uwe = factories.person(visit.guest_organisations[0], "Schneidewind", first_name="Uwe")
    messages = [
        OutboxMessage(visit=visit, person=uwe, status=OutboxStatus.DRAFT, subject="Einladung",
                      message_id=f"<{number}@planner.test>", to_address="uwe@example.org",
                      body_text="Guten Tag")
        for number in range(3)
    ]  # fmt: skip
    db.session.add_all(messages)
    db.session.commit()
    for message in messages:
        message.status = OutboxStatus.PENDING
    db.session.commit()
    set_actor(db.session, None)
    messages[0].status, messages[1].status = OutboxStatus.SENT, OutboxStatus.FAILED
    messages[2].status = OutboxStatus.SENDING
    db.session.commit()
    since = _last_id()
    messages[2].status = OutboxStatus.PENDING
    db.session.commit()

    assert _told()[-5:] == [
        "Lena Hoffmann hat Uwe Schneidewind (Wuppertal) angelegt und 3 E-Mails an Uwe "
        "Schneidewind zur Prüfung entworfen.",
        "Lena Hoffmann hat 3 E-Mails an Uwe Schneidewind zum Versand freigegeben.",
        "1 E-Mail an Uwe Schneidewind wurde verschickt.",
        "1 E-Mail an Uwe Schneidewind konnte nicht zugestellt werden.",
        "Die Zustellung von 1 E-Mail an Uwe Schneidewind ist fehlgeschlagen; sie wird erneut "
        "versucht.",
    ]
    assert _told(since=since, language="en") == [
        "Delivering 1 e-mail to Uwe Schneidewind failed; it will be tried again."
    ]


def test_answers_from_calendar_programs_that_were_not_applied(visit):
    uwe = factories.person(visit.guest_organisations[0], "Schneidewind", first_name="Uwe")
    participation = factories.participation(visit, uwe)
    item = factories.item(visit, "2023-02-23 10:00", "2023-02-23 10:30", "Pressefoto")
    db.session.commit()
    set_actor(db.session, None)
    since = _last_id()
    common = {"visit_id": visit.id, "agenda_item_id": item.id, "method": "REPLY"}
    for number, (outcome, fields) in enumerate(
        [
            ("counter", {"participation_id": participation.id,
                         "proposed_start": datetime(2023, 2, 23, 10, 0, tzinfo=UTC),
                         "proposed_end": datetime(2023, 2, 23, 10, 30, tzinfo=UTC)}),
            ("forged", {}),
            ("outdated", {"participation_id": participation.id, "answer": "accepted"}),
        ]
    ):  # fmt: skip
        db.session.add(InboundMessage(digest=f"d{number}", outcome=outcome, **common, **fields))
        db.session.commit()

    assert _told(since=since) == [
        "Uwe Schneidewind hat für „Pressefoto“ eine andere Zeit vorgeschlagen: 23.02.2023, 11:00.",
        "Eine Antwort zu „Pressefoto“ von einer nicht eingeladenen Adresse wurde nicht übernommen.",
        "Eine veraltete Antwort von Uwe Schneidewind zu „Pressefoto“ wurde nicht übernommen.",
    ]


def test_fields_never_told_and_fields_without_words(visit):
    item = factories.item(visit, "2023-02-23 10:00", "2023-02-23 10:30", "Pressefoto")
    db.session.commit()

    def entry(changes: dict) -> AuditEntry:
        return AuditEntry(id=10**9, visit_id=visit.id, object_type="AgendaItem",
                          object_id=item.id, action=AuditAction.UPDATE, changes=changes,
                          created_at=datetime.now(UTC))  # fmt: skip

    with force_locale("de"):
        technical = tell([entry({"lock_version": [1, 2], "sequence": [0, 1], "uid": ["a", "b"]})],
                         "Europe/Berlin")  # fmt: skip
        unknown = tell([entry({"shiny_new_column": [1, 2]})], "Europe/Berlin")
        trash = tell([entry({"deleted_at": [None, "2026-01-01T10:00:00+00:00"]})], "Europe/Berlin")
        other_type = tell(
            [AuditEntry(id=10**9, visit_id=visit.id, object_type="SeatingPlan", object_id=1,
                        action=AuditAction.CREATE, changes={"table_count": [None, 3]},
                        created_at=datetime.now(UTC))],
            "Europe/Berlin",
        )  # fmt: skip

    assert technical == []
    assert [action.sentences for action in unknown] == [["Das System hat „Pressefoto“ geändert."]]
    assert [action.sentences for action in trash] == [
        ["Das System hat „Pressefoto“ in den Papierkorb gelegt."]
    ]
    assert [action.sentences for action in other_type] == [
        ["Das System hat einen Eintrag geändert."]
    ]


def test_entries_written_before_change_sets_are_grouped_by_who_and_when(visit):
    item = factories.item(visit, "2023-02-23 10:00", "2023-02-23 10:30", "Pressefoto")
    db.session.commit()
    since = _last_id()
    item.title_de = "Foto"
    db.session.flush()
    item.description_de = "Für die Presse"
    db.session.commit()
    for entry in db.session.scalars(select(AuditEntry).where(AuditEntry.id > since)):
        entry.change_set = None
        entry.created_at = datetime(2023, 2, 1, 9, 0, tzinfo=UTC)
    db.session.commit()

    assert _told(since=since) == [
        "Lena Hoffmann hat „Pressefoto“ in „Foto“ umbenannt und die deutsche Beschreibung geändert."
    ]


def test_an_answer_without_a_login_has_the_person_as_subject(visit):
    from planner.enums import RsvpStatus

    uwe = factories.person(visit.guest_organisations[0], "Schneidewind", first_name="Uwe")
    participation = factories.participation(visit, uwe)
    item = factories.item(visit, "2023-02-23 10:00", "2023-02-23 10:30", "Pressefoto")
    db.session.commit()
    set_actor(db.session, None)
    since = _last_id()

    participation.rsvp_status = RsvpStatus.ACCEPTED  # the answer page, before any version
    db.session.commit()
    # A calendar's answer that changed nothing stored is still told.
    db.session.add(InboundMessage(digest="d", outcome="applied", answer="declined", method="REPLY",
                                  visit_id=visit.id, agenda_item_id=item.id,
                                  participation_id=participation.id))  # fmt: skip
    db.session.commit()

    assert _told(since=since) == [
        "Uwe Schneidewind hat zugesagt.",
        "Uwe Schneidewind hat für „Pressefoto“ abgesagt (im Kalenderprogramm).",
    ]
    assert _told(since=since, language="en") == [
        "Uwe Schneidewind accepted.",
        "Uwe Schneidewind declined “Pressefoto” (in a calendar program).",
    ]


def test_a_deleted_visit_is_told_with_what_went_with_it(visit):
    from planner.services.planning import delete_visit

    factories.item(visit, "2023-02-23 10:00", "2023-02-23 10:30", "Pressefoto")
    factories.participation(visit, factories.person(visit.guest_organisations[0], "Albers"))
    db.session.commit()
    since = _last_id()

    delete_visit(visit)
    db.session.commit()

    assert _told(since=since) == [
        "Lena Hoffmann hat den Besuch „Besuch aus Wuppertal“ gelöscht.",
        "Mit ihm gelöscht: 1 Programmpunkt und 1 teilnehmende Person.",
    ]


def test_calendar_subscriptions_created_and_revoked(visit, lena):
    from planner.services.feeds import create_feed, revoke

    uwe = factories.person(visit.guest_organisations[0], "Schneidewind", first_name="Uwe")
    db.session.commit()
    since = _last_id()

    feeds = [create_feed(lena, "person", visit=visit, person=uwe), create_feed(lena, "user")]
    db.session.commit()
    for feed in feeds:
        revoke(feed)
    db.session.commit()

    told = _told(since=since)
    assert told == [
        "Lena Hoffmann hat ein Kalender-Abo für Uwe Schneidewind angelegt und ein persönliches "
        "Kalender-Abo für alle Besuche angelegt.",
        "Lena Hoffmann hat das Kalender-Abo für Uwe Schneidewind widerrufen und ein persönliches "
        "Kalender-Abo für alle Besuche widerrufen.",
    ]
