"""What each person receives over a visit's life, delivered over a real SMTP server.

A two-day visit (eight items, one of them an internal hold that is never sent; ten
people of both cities, some at every item, some at a few) is built through the
services, invited, changed by a second version (two items move, one of them to the
other day across the clock change; the internal hold moves too; one item is
cancelled), and then loses two participants on the participants page's service.
Every round goes out through the outbox to aiosmtpd, and the tests read what arrived
as each recipient's calendar program would: one UID per iTIP message, the right
SEQUENCE and instants, and a calendar that ends up holding exactly the person's items.
"""

from collections import Counter
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime
from email.message import EmailMessage
from functools import cached_property
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from planner.enums import GuestState, ItemKind, Language, OutboxStatus, Role, VisitStatus
from planner.extensions import db
from planner.models import OutboxMessage, Participation, Person, User, Visit
from planner.services.agenda import ItemValues, add_item, cancel_item, update_item
from planner.services.attendance import (
    add_participant,
    load_matrix,
    remove_participant,
    save_matrix,
)
from planner.services.invitations import draft_invitations, draft_updates
from planner.services.letters import save_letter_text
from planner.services.outbox import send_pending
from planner.services.people import PersonValues, save_person
from planner.services.planning import VisitValues, change_status, create_visit
from planner.services.versions import Changes, issue_version, latest_version, load_for_snapshot
from tests import factories
from tests.calendars import by_ical_js_each, by_icalendar
from tests.helpers import page_text
from tests.smtp import smtp_server

ZONE = "Europe/Berlin"
# Saturday in CET (UTC+1), Sunday in CEST (UTC+2): the clocks go forward in between.
FIRST_DAY, LAST_DAY = date(2023, 3, 25), date(2023, 3, 26)


@dataclass(frozen=True)
class Item:
    """An agenda item as the planner types it, wall-clock times in the visit's zone."""

    title: str
    kind: ItemKind
    start: str
    end: str
    room: str


ITEMS = {
    "welcome": Item("Begrüßung durch den Oberbürgermeister", ItemKind.RECEPTION,
                    "2023-03-25 10:00", "2023-03-25 10:30", "Ratssaal"),
    "steles": Item("Vorführung der digitalen Stelen", ItemKind.DEMO,
                   "2023-03-25 10:45", "2023-03-25 11:45", "Foyer"),
    "lunch": Item("Mittagessen", ItemKind.MEAL, "2023-03-25 12:00", "2023-03-25 13:00",
                  "Ratskeller"),
    "hold": Item("Interne Abstimmung Protokoll", ItemKind.INTERNAL_HOLD,
                 "2023-03-25 13:00", "2023-03-25 13:45", "Besprechungsraum 1"),
    "navi": Item("Rundgang mit der App „Rathaus Navi“", ItemKind.WALKTHROUGH,
                 "2023-03-25 14:00", "2023-03-25 15:30", "Bürgerbüro"),
    "unit": Item("Smart City Innovation Unit: das „Bochumer Modell“", ItemKind.SESSION,
                 "2023-03-26 09:30", "2023-03-26 11:00", "Innovationslabor"),
    "press": Item("Pressefoto", ItemKind.PRESS, "2023-03-26 11:15", "2023-03-26 11:45",
                  "Rathausplatz"),
    "closing": Item("Abschlussgespräch", ItemKind.SESSION, "2023-03-26 12:00",
                    "2023-03-26 13:00", "Ratssaal"),
}  # fmt: skip
HOLD = "hold"
VISIBLE = [key for key in ITEMS if key != HOLD]
# Version 2: the stele demo moves later on Saturday, the walkthrough to Sunday (the
# same wall-clock time is an hour earlier in UTC there), the internal hold moves as
# well (nobody may hear of it), and the press photo is cancelled.
MOVES = {
    "steles": ("2023-03-25 15:00", "2023-03-25 16:00"),
    "navi": ("2023-03-26 14:00", "2023-03-26 15:30"),
    HOLD: ("2023-03-25 16:15", "2023-03-25 17:00"),
}
CANCELLED = "press"


@dataclass(frozen=True)
class Someone:
    """A participant: their city's side, their record, the items they attend (None: all)."""

    host: bool
    values: PersonValues
    attends: tuple[str, ...] | None = None


def _guest(last: str, first: str, salutation: str, attends=None, **values) -> Someone:
    email = f"{first.lower()}.{last.lower()}@wuppertal.example"
    return Someone(False, PersonValues(last_name=last, first_name=first, salutation=salutation,
                                       email=email, **values), attends)  # fmt: skip


def _host(last: str, first: str, salutation: str, attends=None, **values) -> Someone:
    email = f"{first.lower()}.{last.lower()}@bochum.example"
    return Someone(True, PersonValues(last_name=last, first_name=first, salutation=salutation,
                                      email=email, **values), attends)  # fmt: skip


PEOPLE = {
    "schneidewind": _guest("Schneidewind", "Uwe", "Herr", academic_title="Prof. Dr.",
                           office_title="Oberbürgermeister", precedence_rank=1),
    "albers": _guest("Albers", "Miriam", "Frau", language=Language.EN, precedence_rank=2),
    "reuter": _guest("Reuter", "Jonas", "Herr", ("welcome",)),
    "yilmaz": _guest("Yilmaz", "Deniz", "Frau", ("unit", "press")),
    "brandt": _guest("Brandt", "Felix", "Herr", ("steles", "navi")),
    "eiskirch": _host("Eiskirch", "Thomas", "Herr", ("welcome", "lunch", "press", "closing"),
                      office_title="Oberbürgermeister", precedence_rank=1),
    "kopietz": _host("Kopietz", "Sebastian", "Herr", office_title="Stadtdirektor",
                     precedence_rank=2),
    "kuecuek": _host("Kuecuek", "Dennis", "Herr", ("steles", "navi", "unit", "closing"),
                     function="Chief Digital Officer"),
    # The protocol officer also holds the internal hold, which alone moves for her.
    "hoffmann": _host("Hoffmann", "Lena", "Frau", ("welcome", HOLD, "closing"),
                      function="Protokoll"),
    "wagner": _host("Wagner", "Anna", "Frau", ("lunch", "navi"), language=Language.EN,
                    function="Pressestelle"),
}  # fmt: skip
# Removed after version 2: one with four items (a cover letter and four cancellations),
# one with a single item (the cancellation alone).
REMOVED = ("kuecuek", "reuter")

LETTER = ("letter", "")


def _requests(*keys: str) -> list[tuple[str, str]]:
    return [("REQUEST", key) for key in keys]


def _cancels(*keys: str) -> list[tuple[str, str]]:
    return [("CANCEL", key) for key in keys]


def _attended(key: str) -> list[str]:
    """Return the items a person attends that they may be sent, in agenda order."""
    attends = PEOPLE[key].attends
    return [item for item in VISIBLE if attends is None or item in attends]


# What each person's mailbox receives per round: a cover letter, then one iTIP message
# per item (the order of the iTIP messages among themselves does not matter).
ROUNDS = [
    {key: [LETTER, *_requests(*_attended(key))] for key in PEOPLE},
    {
        "schneidewind": [LETTER, *_requests("steles", "navi"), *_cancels("press")],
        "albers": [LETTER, *_requests("steles", "navi"), *_cancels("press")],
        "reuter": [],  # the welcome did not change
        "yilmaz": _cancels("press"),  # one item: no cover letter
        "brandt": [LETTER, *_requests("steles", "navi")],
        "eiskirch": _cancels("press"),
        "kopietz": [LETTER, *_requests("steles", "navi"), *_cancels("press")],
        "kuecuek": [LETTER, *_requests("steles", "navi")],
        "hoffmann": [],  # only the internal hold moved for her
        "wagner": _requests("navi"),
    },
    {
        **{key: [] for key in PEOPLE},
        "kuecuek": [LETTER, *_cancels("steles", "navi", "unit", "closing")],
        "reuter": _cancels("welcome"),
    },
]
ROUND_NAMES = ["the invitations", "version 2", "the removals"]
# The SEQUENCE each iTIP message carries, by round, method and item.
SEQUENCES = {
    **{(0, "REQUEST", key): 0 for key in VISIBLE},
    (1, "REQUEST", "steles"): 1,
    (1, "REQUEST", "navi"): 1,
    (1, "CANCEL", "press"): 1,
    (2, "CANCEL", "steles"): 2,
    (2, "CANCEL", "navi"): 2,
    (2, "CANCEL", "unit"): 1,
    (2, "CANCEL", "closing"): 1,
    (2, "CANCEL", "welcome"): 1,
}


def _typed(version: int, key: str) -> tuple[str, str]:
    if version == 2 and key in MOVES:
        return MOVES[key]
    return ITEMS[key].start, ITEMS[key].end


def _instant(typed: str) -> str:
    local = datetime.fromisoformat(typed).replace(tzinfo=ZoneInfo(ZONE))
    return local.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def expected_instants(version: int, key: str) -> tuple[str, str]:
    """Return an item's start and end in UTC as typed into the given version."""
    start, end = _typed(version, key)
    return _instant(start), _instant(end)


@dataclass
class Received:
    """One message as it arrived, with what a calendar program reads in it."""

    mail: EmailMessage
    round: int
    method: str  # REQUEST, CANCEL, or "letter" for a cover letter
    uid: str = ""
    calendar: Calendar | None = None
    body: bytes = b""


@dataclass
class VisitLife:
    """The visit, built and changed through the services, and what everyone received."""

    smtp: object
    planner: User | None = None
    visit_id: int = 0
    uids: dict[str, str] = field(default_factory=dict)
    person_ids: dict[str, int] = field(default_factory=dict)
    rounds: list[dict[str, list[Received]]] = field(default_factory=list)

    def build(self) -> "VisitLife":
        """Create the cities, rooms, people and the visit with its agenda and attendance."""
        bochum, wuppertal = factories.organisation("Bochum"), factories.organisation("Wuppertal")
        self.planner = factories.user(bochum, Role.PLANNER, name="Lena Hoffmann")
        rooms = {
            name: factories.room(bochum, name).id
            for name in dict.fromkeys(i.room for i in ITEMS.values())
        }
        people = {
            key: save_person(bochum if someone.host else wuppertal, someone.values)
            for key, someone in PEOPLE.items()
        }
        visit = create_visit(
            bochum,
            VisitValues(title="Smart-City-Austausch Wuppertal–Bochum", first_day=FIRST_DAY,
                        last_day=LAST_DAY, timezone=ZONE, guest_organisation_ids=[wuppertal.id],
                        contact_person_id=people["hoffmann"].id),
        )  # fmt: skip
        # Wuppertal's planners have accepted the invitation (services/guests.py).
        for link in visit.guest_links:
            link.state = GuestState.ACCEPTED
        db.session.flush()
        db.session.expire(visit, ["guest_organisations"])
        change_status(visit, VisitStatus.PLANNED)
        items = {
            key: add_item(
                visit,
                ItemValues(
                    title_de=item.title,
                    kind=item.kind,
                    starts_at=datetime.fromisoformat(item.start),
                    ends_at=datetime.fromisoformat(item.end),
                    room_id=rooms[item.room],
                ),
            )  # fmt: skip
            for key, item in ITEMS.items()
        }
        participations = {
            key: add_participant(self.planner, visit, person) for key, person in people.items()
        }
        db.session.commit()
        attending = {
            participations[key].id: {
                items[item].id for item in (someone.attends or ITEMS) if item in items
            }
            for key, someone in PEOPLE.items()
        }
        matrix = load_matrix(self.planner, visit.id)
        opened_at = {row.participation.id: row.participation.lock_version for row in matrix.rows}
        save_matrix(self.planner, matrix, attending, opened_at)
        db.session.commit()
        self.visit_id = visit.id
        self.uids = {key: item.uid for key, item in items.items()}
        self.person_ids = {key: person.id for key, person in people.items()}
        return self

    def invite(self) -> None:
        """Issue version 1, draft everyone's invitations and deliver them."""
        version = issue_version(load_for_snapshot(self.visit_id), self.planner, "Erste Fassung")
        db.session.commit()
        draft_invitations(version.visit, version)
        db.session.commit()
        self._deliver()

    def issue_second_version(self, deliver: bool = True) -> None:
        """Move three items (one internal), cancel one, issue version 2 and deliver."""
        items = {item.uid: item for item in load_for_snapshot(self.visit_id).items}
        for key, (start, end) in MOVES.items():
            item = items[self.uids[key]]
            values = ItemValues(**{f.name: getattr(item, f.name) for f in fields(ItemValues)})
            moved = replace(values, starts_at=datetime.fromisoformat(start),
                            ends_at=datetime.fromisoformat(end))  # fmt: skip
            update_item(item, moved, item.lock_version)
        cancel_item(items[self.uids[CANCELLED]])
        db.session.commit()
        visit = load_for_snapshot(self.visit_id)
        version = issue_version(visit, self.planner, "Rundgang auf Sonntag, ohne Pressefoto")
        draft_updates(visit, version, Changes.from_dict(version.changes))
        db.session.commit()
        if deliver:
            self._deliver()

    def remove(self, *keys: str) -> None:
        """Remove participants as the participants page does, and deliver."""
        for key in keys or REMOVED:
            participation = db.session.scalar(
                select(Participation).where(
                    Participation.visit_id == self.visit_id,
                    Participation.person.has(email=PEOPLE[key].values.email),
                )
            )
            remove_participant(self.planner, participation)
            db.session.commit()
        self._deliver()

    def live(self) -> "VisitLife":
        """Run the whole life: build, invite, version 2, removals."""
        self.build()
        self.invite()
        self.issue_second_version()
        self.remove()
        return self

    def _deliver(self) -> None:
        """Release the drafts, as "Send all drafts" does, and let the worker send them."""
        before = len(self.smtp.messages)
        drafts = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.DRAFT)
        )
        for message in drafts:
            message.status = OutboxStatus.PENDING
        db.session.commit()
        sent, failed = send_pending()
        assert failed == 0, "the SMTP server refused messages"
        arrived = self.smtp.messages[before:]
        assert sent == len(arrived)
        number = len(self.rounds)
        by_person = {
            key: [
                _received(mail, number)
                for mail in arrived
                if str(mail["To"]) == someone.values.email
            ]
            for key, someone in PEOPLE.items()
        }
        strangers = {str(mail["To"]) for mail in arrived} - {
            someone.values.email for someone in PEOPLE.values()
        }
        assert not strangers, f"mail to addresses that are no participant's: {strangers}"
        self.rounds.append(by_person)

    def key_of(self, uid: str) -> str:
        """Return the item key of a UID."""
        return next(key for key, known in self.uids.items() if known == uid)

    def received(self, person: str) -> list[Received]:
        """Return everything a person received, in the order it arrived."""
        return [message for rounds in self.rounds for message in rounds[person]]

    def itip(self) -> list[tuple[str, Received]]:
        """Return every REQUEST and CANCEL with its recipient."""
        return [
            (person, message)
            for person in PEOPLE
            for message in self.received(person)
            if message.method != "letter"
        ]

    @cached_property
    def ical_js(self) -> dict[bytes, dict[str, dict]]:
        """Return what ical.js reads in every calendar sent, by the calendar's text."""
        bodies = list(
            {
                body: None
                for person in PEOPLE
                for message in self.received(person)
                for body in _calendar_bodies(message.mail)
            }
        )
        return dict(zip(bodies, by_ical_js_each(bodies), strict=True))


def _calendar_parts(mail: EmailMessage) -> list[EmailMessage]:
    return [part for part in mail.walk() if part.get_content_type() == "text/calendar"]


def _calendar_bodies(mail: EmailMessage) -> list[bytes]:
    return [_bytes(part) for part in _calendar_parts(mail)]


def _bytes(part: EmailMessage) -> bytes:
    content = part.get_content()
    return content if isinstance(content, bytes) else content.encode("utf-8")


def _received(mail: EmailMessage, number: int) -> Received:
    """Read an arrived message: a cover letter, or an iTIP message with its one UID."""
    alternatives = [
        part for part in _calendar_parts(mail) if part.get_param("method") in ("REQUEST", "CANCEL")
    ]
    if not alternatives:
        return Received(mail, number, "letter")
    [part] = alternatives  # an iTIP message carries one calendar to act on
    body = _bytes(part)
    calendar = Calendar.from_ical(body)
    uids = {str(event["UID"]) for event in calendar.walk("VEVENT")}
    return Received(mail, number, str(calendar["METHOD"]), next(iter(uids), ""), calendar, body)


@pytest.fixture
def smtp(app):
    with smtp_server() as (collector, port):
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_SECURITY="none")
        yield collector


# What arrived is plain data: the life is lived once per kind of database, and each test
# reads its own property of it (every test still starts on an empty database).
_LIVES: dict[str, VisitLife] = {}


@pytest.fixture
def life(app, database) -> VisitLife:
    if database not in _LIVES:
        with smtp_server() as (collector, port):
            app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_SECURITY="none")
            _LIVES[database] = VisitLife(collector).live()
    return _LIVES[database]


def _labels(life: VisitLife, messages: list[Received]) -> list[tuple[str, str]]:
    return [LETTER if m.method == "letter" else (m.method, life.key_of(m.uid)) for m in messages]


def test_every_itip_message_holds_one_event_for_its_recipient_alone(life):
    itip = life.itip()
    assert len(itip) == sum(
        1 for rounds in ROUNDS for expected in rounds.values() for label in expected
        if label != LETTER
    ), "calendar invitations went out that nobody should get"  # fmt: skip
    for person, message in itip:
        email = PEOPLE[person].values.email
        what = f"{message.method} of {life.key_of(message.uid)!r} to {person}"
        mail, calendar = message.mail, message.calendar
        assert [part.get_content_type() for part in mail.walk()] == [
            "multipart/mixed", "multipart/alternative", "text/plain", "text/html",
            "text/calendar", "application/ics",
        ], f"{what}: the calendar program finds no invitation to act on"  # fmt: skip
        [alternative] = _calendar_parts(mail)
        assert alternative.get_param("method") == str(calendar["METHOD"]), (
            f"{what}: the mail says method={alternative.get_param('method')}, "
            f"the calendar METHOD:{calendar['METHOD']}"
        )
        attachment = list(mail.walk())[-1]
        assert attachment.get_filename() == "invite.ics"
        assert attachment.get_content() == message.body, f"{what}: invite.ics differs"
        events = calendar.walk("VEVENT")
        assert len(events) == 1, f"{what}: {len(events)} events; Outlook acts on the first only"
        [event] = events
        assert [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")] == [ZONE]
        assert event["DTSTART"].params["TZID"] == ZONE
        attendees = event.get("ATTENDEE")
        assert isinstance(attendees, str), f"{what}: several ATTENDEEs, other addresses leak"
        assert str(attendees) == f"mailto:{email}", f"{what}: names {attendees}, not them"
        assert str(event["ORGANIZER"]) == "mailto:protokoll@planner.test"
        ical_js = life.ical_js[message.body]
        assert ical_js == by_icalendar(message.body), f"{what}: ical.js reads it differently"
        assert list(ical_js) == [message.uid]
        status = ical_js[message.uid]["status"]
        assert status == ("CANCELLED" if message.method == "CANCEL" else "CONFIRMED"), what


def test_cover_letters_carry_the_programme_to_keep_without_attendees(life):
    letters = [
        (person, message)
        for person in PEOPLE
        for message in life.received(person)
        if message.method == "letter"
    ]
    assert len(letters) == sum(
        expected.count(LETTER) for rounds in ROUNDS for expected in rounds.values()
    ), "cover letters went out where a single change should travel alone"
    hold = life.uids[HOLD]
    for person, message in letters:
        what = f"the cover letter to {person} after {ROUND_NAMES[message.round]}"
        for part in _calendar_parts(message.mail):
            assert part.get_param("method") == "PUBLISH", what
            assert part.get_filename() in ("programm.ics", "programme.ics"), what
            body = _bytes(part)
            calendar = Calendar.from_ical(body)
            assert str(calendar["METHOD"]) == "PUBLISH", what
            events = calendar.walk("VEVENT")
            assert all("ATTENDEE" not in event for event in events), f"{what} leaks addresses"
            assert hold not in {str(event["UID"]) for event in events}, f"{what} shows the hold"
            assert life.ical_js[body] == by_icalendar(body), f"{what}: ical.js differs"


@pytest.mark.parametrize("number", [0, 1, 2], ids=ROUND_NAMES)
def test_each_person_receives_exactly_the_messages_that_concern_them(life, number):
    for person in PEOPLE:
        received = _labels(life, life.rounds[number][person])
        expected = ROUNDS[number][person]
        assert sorted(received) == sorted(expected), (
            f"after {ROUND_NAMES[number]}, {person} receives {received}, not {expected}"
        )
        if LETTER in expected:
            assert received[0] == LETTER, f"{person}'s cover letter comes after the invitations"
    hold = life.uids[HOLD]
    assert all(message.uid != hold for _, message in life.itip()), "the internal hold went out"


def test_the_person_at_every_item_gets_a_letter_and_seven_requests_then_three_changes(life):
    first, second = (_labels(life, rounds["schneidewind"]) for rounds in life.rounds[:2])
    assert Counter(method for method, _ in first) == {"letter": 1, "REQUEST": 7}
    assert Counter(method for method, _ in second) == {"letter": 1, "REQUEST": 2, "CANCEL": 1}


def test_sequences_rise_with_each_change_and_a_cancel_outranks_the_last_request(life):
    for person, message in life.itip():
        key = life.key_of(message.uid)
        [event] = message.calendar.walk("VEVENT")
        sequence = int(event["SEQUENCE"])
        expected = SEQUENCES[(message.round, message.method, key)]
        assert sequence == expected, (
            f"{message.method} of {key!r} to {person} after {ROUND_NAMES[message.round]} "
            f"carries SEQUENCE {sequence}, expected {expected}"
        )
    for person in PEOPLE:
        last_request: dict[str, int] = {}
        for message in life.received(person):
            if message.method == "letter":
                continue
            sequence = int(message.calendar.walk("VEVENT")[0]["SEQUENCE"])
            if message.method == "REQUEST":
                last_request[message.uid] = sequence
            else:
                assert sequence > last_request[message.uid], (
                    f"{person}'s calendar ignores the cancellation of "
                    f"{life.key_of(message.uid)!r}: SEQUENCE {sequence} after a request "
                    f"with {last_request[message.uid]}"
                )


def test_times_arrive_as_the_instants_typed_in_the_visits_zone(life):
    # Typed on Saturday at 14:00 (CET), moved to Sunday at 14:00 (CEST): an hour apart in UTC.
    assert expected_instants(1, "navi")[0] == "2023-03-25T13:00:00.000Z"
    assert expected_instants(2, "navi")[0] == "2023-03-26T12:00:00.000Z"
    for person, message in life.itip():
        key = life.key_of(message.uid)
        version = 1 if message.round == 0 else 2
        reading = life.ical_js[message.body][message.uid]
        seen = (reading["start"], reading["end"])
        other = by_icalendar(message.body)[message.uid]
        assert seen == (other["start"], other["end"]), f"ical.js and icalendar differ on {key!r}"
        assert seen == expected_instants(version, key), (
            f"{person}'s calendar shows {key!r} at {seen} (UTC), "
            f"typed as {_typed(version, key)} {ZONE}"
        )


def calendar_after(messages: list[Received]) -> dict[str, dict]:
    """Return the events a calendar program holds after these messages, by UID.

    A REQUEST files or replaces the event, a CANCEL removes it; like Outlook, the
    program remembers the SEQUENCE of what it saw, cancellations included, and
    ignores a message that carries less as out of date (RFC 5546).
    """
    held: dict[str, dict] = {}
    seen: dict[str, int] = {}
    for message in messages:
        if message.method == "letter":
            continue
        event = by_icalendar(message.body)[message.uid]
        if event["sequence"] < seen.get(message.uid, 0):
            continue
        seen[message.uid] = event["sequence"]
        if message.method == "REQUEST":
            held[message.uid] = event
        else:
            held.pop(message.uid, None)
    return held


def test_a_calendar_applying_every_message_holds_exactly_the_persons_items(life):
    for person in PEOPLE:
        held = calendar_after(life.received(person))
        expected = (
            set() if person in REMOVED else {key for key in _attended(person) if key != CANCELLED}
        )
        holds = {life.key_of(uid) for uid in held}
        assert holds == expected, (
            f"{person}'s calendar holds {sorted(holds)}, but they attend {sorted(expected)}"
        )
        for uid, event in held.items():
            key = life.key_of(uid)
            assert (event["start"], event["end"]) == expected_instants(2, key), (
                f"{person}'s calendar shows {key!r} at the times of version 1"
            )


def test_the_outbox_page_says_how_many_messages_each_person_gets(smtp, client, login):
    life = VisitLife(smtp).build()
    life.invite()
    login(life.planner)

    page = page_text(client.get(f"/visits/{life.visit_id}/outbox"))
    assert (
        "Prof. Dr. Uwe Schneidewind &lt;uwe.schneidewind@wuppertal.example&gt; "
        "8 Nachrichten: 1 Anschreiben, 7 Einladungen"
    ) in page
    assert (
        "Jonas Reuter &lt;jonas.reuter@wuppertal.example&gt; "
        "2 Nachrichten: 1 Anschreiben, 1 Einladung"
    ) in page

    life.issue_second_version()
    life.remove()
    page = page_text(client.get(f"/visits/{life.visit_id}/outbox"))
    expected = {
        "Prof. Dr. Uwe Schneidewind": "12 Nachrichten: 2 Anschreiben, 7 Einladungen, "
        "2 Aktualisierungen, 1 Absage",
        "Deniz Yilmaz": "4 Nachrichten: 1 Anschreiben, 2 Einladungen, 1 Absage",
        "Anna Wagner": "4 Nachrichten: 1 Anschreiben, 2 Einladungen, 1 Aktualisierung",
        "Jonas Reuter": "3 Nachrichten: 1 Anschreiben, 1 Einladung, 1 Absage",
        "Dennis Kuecuek": "13 Nachrichten: 3 Anschreiben, 4 Einladungen, "
        "2 Aktualisierungen, 4 Absagen",
    }
    for name, sentence in expected.items():
        assert f"{name} &lt;" in page
        stated = page.split(f"{name} &lt;", 1)[1].split("&gt; ", 1)[1].split(" Status ", 1)[0]
        assert stated == sentence, f"the outbox tells {name} gets “{stated}”"
    for person in PEOPLE:
        got = len(life.received(person))
        email = PEOPLE[person].values.email
        stated = page.split(f"&lt;{email}&gt; ", 1)[1].split(" ", 1)[0]
        assert int(stated) == got, f"the outbox counts {stated} messages for {person}, {got} came"


def test_a_participant_added_back_after_removal_gets_the_item_into_their_calendar(smtp):
    life = VisitLife(smtp).build()
    life.invite()
    life.issue_second_version()
    life.remove("reuter")
    # The removal was a mistake: the planner adds him back and sends the invitations.
    visit = load_for_snapshot(life.visit_id)
    add_participant(life.planner, visit, db.session.get(Person, life.person_ids["reuter"]))
    db.session.commit()
    draft_invitations(visit, latest_version(visit.id))
    db.session.commit()
    life._deliver()

    [cancel] = [m for m in life.rounds[2]["reuter"] if m.method == "CANCEL"]
    [request] = [m for m in life.rounds[3]["reuter"] if m.method == "REQUEST"]
    assert request.uid == cancel.uid == life.uids["welcome"]
    cancelled = int(cancel.calendar.walk("VEVENT")[0]["SEQUENCE"])
    invited = int(request.calendar.walk("VEVENT")[0]["SEQUENCE"])
    assert invited >= cancelled, (
        f"Reuter's calendar ignores the new invitation to the welcome as out of date: "
        f"SEQUENCE {invited} after the cancellation with {cancelled}"
    )
    assert set(calendar_after(life.received("reuter"))) == {life.uids["welcome"]}


def test_a_person_removed_while_a_cancellation_waits_gets_one_per_item(smtp):
    life = VisitLife(smtp).build()
    life.invite()
    life.issue_second_version(deliver=False)  # the planner has not sent the drafts yet
    life.remove("yilmaz")  # ... and removes her; then everything goes out

    received = _labels(life, life.rounds[1]["yilmaz"])
    cancels = Counter(key for method, key in received if method == "CANCEL")
    assert cancels == {"unit": 1, "press": 1}, (
        f"Yilmaz's mailbox holds these cancellations per item: {dict(cancels)}"
    )


def test_the_shared_text_arrives_once_per_person_in_their_language(smtp):
    life = VisitLife(smtp).build()
    life.invite()
    life.issue_second_version(deliver=False)
    texts = {"de": "Der Rundgang ist jetzt am Sonntag.", "en": "The walk is on Sunday now."}
    save_letter_text(db.session.get(Visit, life.visit_id), 2, texts, 0)
    db.session.commit()
    life._deliver()

    told = 0
    for person, someone in PEOPLE.items():
        bodies = [m.mail.get_body(("plain",)).get_content() for m in life.rounds[1][person]]
        if not bodies:
            continue
        language = (someone.values.language or Language.DE).value
        carrying = [i for i, body in enumerate(bodies) if texts[language] in body]
        # The first message of the round: the cover letter, or an update that travels alone.
        assert carrying == [0], f"{person} reads the shared text in messages {carrying}"
        assert not any(texts["de" if language == "en" else "en"] in body for body in bodies)
        told += 1
    assert told >= 3
