"""Calendars: instants, SEQUENCE, UIDs, folding, escaping and time zones, read by two parsers."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar, Event

from planner.enums import ItemKind, ItemStatus, Language, Role, Side, VisitStatus
from planner.extensions import db
from planner.services.agenda_view import read_version
from planner.services.calendars import CalendarRequest, Recipient, build, serialise
from planner.services.feeds import create_feed, feed_download, source_for, visit_download
from planner.services.planning import change_status
from planner.services.versions import issue_version, latest_version, load_for_snapshot
from tests import factories
from tests.calendars import read_both


def _issue(visit, comment="Neue Fassung"):
    version = issue_version(load_for_snapshot(visit.id), None, comment)
    db.session.commit()
    return version


def _download(visit, viewer=None, **kwargs) -> bytes:
    db.session.expire_all()
    visit = db.session.get(type(visit), visit.id)
    source = source_for(visit, viewer, want_draft=False)
    return visit_download(visit, viewer, source, **kwargs).body


@pytest.fixture
def bochum(app):
    return factories.organisation("Bochum")


def test_items_over_the_spring_daylight_saving_change_export_the_right_instants(bochum):
    visit = factories.visit(bochum, first_day=date(2023, 3, 25), last_day=date(2023, 3, 27))
    items = [
        factories.item(visit, "2023-03-25 10:00", "2023-03-25 11:00", "Samstag"),
        # Clocks jump from 02:00 to 03:00: this item lasts one real hour.
        factories.item(visit, "2023-03-26 01:30", "2023-03-26 03:30", "Nachtfahrt"),
        factories.item(visit, "2023-03-26 10:00", "2023-03-26 11:00", "Sonntag"),
        factories.item(visit, "2023-03-27 10:00", "2023-03-27 11:00", "Montag"),
    ]
    _issue(visit)

    events = read_both(_download(visit))

    assert [(events[i.uid]["start"], events[i.uid]["end"]) for i in items] == [
        ("2023-03-25T09:00:00.000Z", "2023-03-25T10:00:00.000Z"),
        ("2023-03-26T00:30:00.000Z", "2023-03-26T01:30:00.000Z"),
        ("2023-03-26T08:00:00.000Z", "2023-03-26T09:00:00.000Z"),
        ("2023-03-27T08:00:00.000Z", "2023-03-27T09:00:00.000Z"),
    ]


@pytest.mark.parametrize(
    ("zone", "local", "utc"),
    [
        ("America/New_York", "2023-11-05 10:00", "2023-11-05T15:00:00.000Z"),  # day after DST
        ("America/New_York", "2023-07-04 10:00", "2023-07-04T14:00:00.000Z"),
        ("Australia/Sydney", "2023-04-02 10:00", "2023-04-02T00:00:00.000Z"),  # their autumn
        ("Asia/Tokyo", "2023-02-23 10:00", "2023-02-23T01:00:00.000Z"),
        ("UTC", "2023-02-23 10:00", "2023-02-23T10:00:00.000Z"),
    ],
)
def test_items_of_visits_in_other_zones_export_the_right_instants(bochum, zone, local, utc):
    day = date.fromisoformat(local[:10])
    visit = factories.visit(bochum, first_day=day, timezone=zone)
    item = factories.item(visit, local, local[:11] + "11:00", "Termin")
    _issue(visit)

    body = _download(visit)

    assert read_both(body)[item.uid]["start"] == utc
    if zone == "UTC":
        assert "DTSTART:20230223T100000Z" in body.decode()
        assert "VTIMEZONE" not in body.decode()
    else:
        assert f"DTSTART;TZID={zone}:" in body.decode()


def test_every_tzid_has_its_vtimezone_written_as_yearly_rules(bochum):
    visit = factories.visit(bochum, first_day=date(2023, 3, 25))
    factories.item(visit, "2023-03-25 10:00", "2023-03-25 11:00")
    _issue(visit)
    text = _download(visit).decode()

    used = set(re.findall(r"TZID=([^:;]+)", text))
    defined = set(re.findall(r"BEGIN:VTIMEZONE\r\nTZID:([^\r]+)", text))
    assert used == defined == {"Europe/Berlin"}
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in text
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" in text
    assert "RDATE" not in text


def test_sequence_rises_per_version_that_changes_what_attendees_see(bochum):
    visit = factories.visit(bochum)
    moved = factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang")
    noted = factories.item(visit, "2023-02-23 11:00", "2023-02-23 12:00", "Demo")
    _issue(visit)
    assert {e["sequence"] for e in read_both(_download(visit)).values()} == {0}

    for hour in (12, 13, 14):  # many edits between two versions: one step
        moved.starts_at = datetime(2023, 2, 23, hour)
        moved.ends_at = datetime(2023, 2, 23, hour + 1)
        db.session.commit()
    _issue(visit)
    second = read_both(_download(visit))
    assert (second[moved.uid]["sequence"], second[noted.uid]["sequence"]) == (1, 0)

    noted.internal_notes = "Beamer mitbringen"  # notes only: no step
    moved.room = factories.room(bochum, "Ratssaal")  # a new room: a step
    db.session.commit()
    _issue(visit)
    third = read_both(_download(visit))
    assert (third[moved.uid]["sequence"], third[noted.uid]["sequence"]) == (2, 0)
    assert "Beamer" not in _download(visit).decode()


def test_uids_are_unique_and_stable_across_exports(bochum):
    visit = factories.visit(bochum)
    for hour in range(10, 15):
        factories.item(visit, f"2023-02-23 {hour}:00", f"2023-02-23 {hour}:30")
    _issue(visit)
    first, second = read_both(_download(visit)), read_both(_download(visit))
    assert list(first) == list(second)
    assert len(set(first)) == 5
    assert all(uid.endswith("@planner.test") for uid in first)


def test_lines_end_in_crlf_and_fold_at_75_octets_without_splitting_characters(bochum):
    visit = factories.visit(bochum)
    description = ("Grüße aus Wuppertal 🚟 – Führung durch das Rathaus mit Übergabe der "
                   "Gastgeschenke, äöü ÄÖÜ ß 🎉🎉🎉 ") * 8  # fmt: skip
    item = factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang 🎉",
                          description=description)  # fmt: skip
    _issue(visit)
    body = _download(visit)

    lines = body.split(b"\r\n")
    assert lines[-1] == b""
    assert b"\n" not in b"".join(lines)
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # every folded line is whole UTF-8: no character split
    assert read_both(body)[item.uid]["description"] == description


def test_commas_semicolons_backslashes_and_newlines_survive_the_round_trip(bochum):
    visit = factories.visit(bochum)
    room = factories.room(bochum, "Saal A; Ebene 2, Nord\\Süd")
    title = "Begrüßung, Imbiss; danach\\Rundgang"
    item = factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", title, room=room,
                          description="Zeile eins\nZeile zwei; mit, Zeichen\\")  # fmt: skip
    _issue(visit)

    event = read_both(_download(visit))[item.uid]

    assert event["summary"] == title
    assert event["location"].startswith("Saal A; Ebene 2, Nord\\Süd, Rathaus")
    assert event["description"] == "Zeile eins\nZeile zwei; mit, Zeichen\\"


def test_downloads_are_publish_calendars_without_attendees(bochum):
    visit = factories.visit(bochum)
    person = factories.person(visit.guest_organisations[0], "Schneidewind",
                              email="uwe@wuppertal.example")  # fmt: skip
    factories.participation(visit, person)
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang")
    _issue(visit)
    text = _download(visit).decode()

    assert "METHOD:PUBLISH" in text
    assert "ATTENDEE" not in text
    assert "uwe@wuppertal.example" not in text
    assert "TRIGGER:-PT15M" in text


def test_the_invite_form_names_organiser_and_recipient(bochum):
    visit = factories.visit(bochum)
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang")
    version = _issue(visit)
    request = CalendarRequest(
        visit=visit, agenda=read_version(version, visit), issued_at=version.issued_at,
        language="de",
        name=visit.title, method="REQUEST", organizer_name="Protokoll Bochum",
        recipient=Recipient(email="uwe@wuppertal.example", name="Uwe Schneidewind"),
    )  # fmt: skip

    event = Calendar.from_ical(serialise(build(request))).walk("VEVENT")[0]

    assert str(event["ORGANIZER"]) == "mailto:protokoll@planner.test"
    assert event["ORGANIZER"].params["CN"] == "Protokoll Bochum"
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:uwe@wuppertal.example"
    assert {key: attendee.params[key] for key in ("CN", "ROLE", "PARTSTAT", "RSVP", "CUTYPE")} == {
        "CN": "Uwe Schneidewind", "ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION",
        "RSVP": "TRUE", "CUTYPE": "INDIVIDUAL",
    }  # fmt: skip


def test_cancelled_items_and_cancelled_visits_stay_as_cancelled_with_higher_sequence(bochum):
    visit = factories.visit(bochum, status=VisitStatus.CONFIRMED)
    first = factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang")
    second = factories.item(visit, "2023-02-23 11:00", "2023-02-23 12:00", "Demo")
    _issue(visit)
    first.status = ItemStatus.CANCELLED
    db.session.commit()
    _issue(visit)
    events = read_both(_download(visit))
    assert (events[first.uid]["status"], events[first.uid]["sequence"]) == ("CANCELLED", 1)
    assert (events[second.uid]["status"], events[second.uid]["sequence"]) == ("CONFIRMED", 0)

    change_status(visit, VisitStatus.CANCELLED)
    db.session.commit()
    events = read_both(_download(visit))
    assert {(e["status"], e["sequence"]) for e in events.values()} == {
        ("CANCELLED", 1),
        ("CANCELLED", 1),
    } | {(events[first.uid]["status"], events[first.uid]["sequence"])}
    assert events[second.uid] | {} == {**events[second.uid], "status": "CANCELLED", "sequence": 1}


def test_a_personal_calendar_has_the_persons_items_in_the_persons_language(bochum):
    visit = factories.visit(bochum, language=Language.DE)
    guest = factories.person(visit.guest_organisations[0], "Smith", language=Language.EN)
    module = factories.module(bochum, title_de="Mittagessen", title_en="Lunch")
    lunch = factories.item(visit, "2023-02-23 12:00", "2023-02-23 13:00", "Mittagessen",
                           title_en="Lunch", module=module, kind=ItemKind.MEAL)  # fmt: skip
    other = factories.item(visit, "2023-02-23 14:00", "2023-02-23 15:00", "Ratssitzung")
    participation = factories.participation(visit, guest, attends_all_items=False)
    participation.items.append(lunch)
    _issue(visit)

    body = _download(visit, person=guest)
    events = read_both(body)

    assert "CATEGORIES:Meal" in body.decode()
    assert list(events) == [lunch.uid]
    assert events[lunch.uid]["summary"] == "Lunch"
    assert other.uid not in events


def test_an_empty_english_title_gives_english_readers_the_german_one_not_the_modules(bochum):
    visit = factories.visit(bochum, language=Language.DE)
    guest = factories.person(visit.guest_organisations[0], "Smith", language=Language.EN)
    module = factories.module(bochum, title_de="Mittagessen", title_en="Lunch")
    lunch = factories.item(visit, "2023-02-23 12:00", "2023-02-23 13:00", "Mittagessen",
                           module=module, description="Im Ratskeller.")  # fmt: skip
    factories.participation(visit, guest)
    _issue(visit)

    event = read_both(_download(visit, person=guest))[lunch.uid]

    assert (event["summary"], event["description"]) == ("Mittagessen", "Im Ratskeller.")


def test_host_staff_downloads_name_the_participants_but_never_internal_notes(bochum):
    visit = factories.visit(bochum)
    host = factories.user(bochum, Role.VIEWER)
    factories.participation(visit, factories.person(bochum, "Eiskirch", first_name="Thomas"),
                            side=Side.HOST)  # fmt: skip
    item = factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang",
                          description="Begrüßung", internal_notes="INTERN: Parkplätze")  # fmt: skip
    _issue(visit)

    for_host = read_both(_download(visit, viewer=host))[item.uid]["description"]
    for_guest = read_both(_download(visit))[item.uid]["description"]

    assert for_host == "Begrüßung\n\nTeilnehmende: Thomas Eiskirch"
    assert for_guest == "Begrüßung"


def test_nothing_is_exported_before_the_first_version_except_the_draft_to_hosts(bochum):
    visit = factories.visit(bochum)
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang")
    db.session.commit()
    host = factories.user(bochum, Role.VIEWER)
    guest = factories.user(visit.guest_organisations[0], Role.PLANNER)

    assert source_for(visit, guest, want_draft=True) is None
    assert latest_version(visit.id) is None
    draft = source_for(visit, host, want_draft=False)
    body = visit_download(visit, host, draft).body.decode()
    assert f"X-WR-CALNAME:{visit.title} (Arbeitsentwurf)" in body


def test_a_visit_brought_back_after_cancellation_gets_a_still_higher_sequence(bochum):
    visit = factories.visit(bochum, status=VisitStatus.PLANNED)
    item = factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang")
    _issue(visit)
    change_status(visit, VisitStatus.CANCELLED)
    db.session.commit()
    cancelled = read_both(_download(visit))[item.uid]

    change_status(visit, VisitStatus.DRAFT)
    item.starts_at = datetime(2023, 2, 23, 9)
    db.session.commit()
    _issue(visit, "Der Besuch findet doch statt")
    restored = read_both(_download(visit))[item.uid]

    assert (cancelled["status"], cancelled["sequence"]) == ("CANCELLED", 1)
    assert restored["status"] == "CONFIRMED"
    assert restored["sequence"] > cancelled["sequence"]


def test_a_new_time_zone_of_the_draft_is_published_only_when_issued(bochum):
    visit = factories.visit(bochum)
    item = factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang")
    _issue(visit)
    visit.timezone = "Europe/London"
    db.session.commit()

    before = read_both(_download(visit))[item.uid]
    _issue(visit, "Der Besuch findet in London statt")
    after = read_both(_download(visit))[item.uid]

    assert before["start"] == "2023-02-23T09:00:00.000Z"
    assert (after["start"], after["sequence"]) == ("2023-02-23T10:00:00.000Z", 1)


def test_a_visit_brought_back_can_be_issued_without_other_changes(bochum):
    visit = factories.visit(bochum, status=VisitStatus.PLANNED)
    item = factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang")
    _issue(visit)
    change_status(visit, VisitStatus.CANCELLED)
    db.session.commit()
    change_status(visit, VisitStatus.DRAFT)
    db.session.commit()

    _issue(visit, "Findet doch statt")

    event = read_both(_download(visit))[item.uid]
    assert (event["status"], event["sequence"]) == ("CONFIRMED", 2)


def _vevents(body: bytes) -> dict[str, Event]:
    return {str(event["UID"]): event for event in Calendar.from_ical(body).walk("VEVENT")}


def _user_feed(org, reminders: bool = False) -> bytes:
    user = factories.user(org, Role.VIEWER)
    feed = create_feed(user, "user", reminders=reminders)
    db.session.commit()
    return feed_download(feed).body


def test_a_staff_feed_over_several_years_reads_right_in_every_year_and_zone(bochum):
    # Mexico City kept summer time until 2022 and has none since: a VTIMEZONE built for
    # 2024 alone (the first visit of the feed) would put the 2022 item an hour off.
    mexico_2024 = factories.visit(bochum, first_day=date(2024, 7, 15),
                                  timezone="America/Mexico_City")  # fmt: skip
    mexico_2022 = factories.visit(bochum, first_day=date(2022, 7, 15),
                                  timezone="America/Mexico_City")  # fmt: skip
    berlin_2026 = factories.visit(bochum, first_day=date(2026, 3, 28), last_day=date(2026, 3, 29))
    berlin_2028 = factories.visit(bochum, first_day=date(2028, 3, 25), last_day=date(2028, 3, 26))
    items = [
        factories.item(mexico_2024, "2024-07-15 10:00", "2024-07-15 11:00"),
        factories.item(mexico_2022, "2022-07-15 10:00", "2022-07-15 11:00"),
        factories.item(berlin_2026, "2026-03-28 10:00", "2026-03-28 11:00"),
        factories.item(berlin_2026, "2026-03-29 10:00", "2026-03-29 11:00"),  # summer time
        factories.item(berlin_2028, "2028-03-25 10:00", "2028-03-25 11:00"),
        factories.item(berlin_2028, "2028-03-26 10:00", "2028-03-26 11:00"),  # summer time
    ]
    for visit in (mexico_2024, mexico_2022, berlin_2026, berlin_2028):
        _issue(visit)

    body = _user_feed(bochum)

    events = read_both(body)  # ical.js reads the VTIMEZONEs, icalendar the tz database
    assert [events[item.uid]["start"] for item in items] == [
        "2024-07-15T16:00:00.000Z",
        "2022-07-15T15:00:00.000Z",
        "2026-03-28T09:00:00.000Z",
        "2026-03-29T08:00:00.000Z",
        "2028-03-25T09:00:00.000Z",
        "2028-03-26T08:00:00.000Z",
    ]
    text = body.decode()
    assert re.findall(r"BEGIN:VTIMEZONE\r\nTZID:([^\r]+)", text) == [
        "America/Mexico_City",
        "Europe/Berlin",
    ]
    assert "RDATE" not in text


def test_categories_name_the_kind_of_the_item_in_the_readers_language(bochum):
    visit = factories.visit(bochum, language=Language.DE)
    guest = factories.person(visit.guest_organisations[0], "Smith", language=Language.EN)
    factories.participation(visit, guest)
    module = factories.module(bochum, title_de="Begrüßung durch den Oberbürgermeister",
                              title_en="Welcome by the mayor")  # fmt: skip
    welcome = factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00",
                             "Begrüßung durch den Oberbürgermeister", module=module,
                             kind=ItemKind.RECEPTION)  # fmt: skip
    _issue(visit)

    german = _vevents(_download(visit))[welcome.uid]
    english = _vevents(_download(visit, person=guest))[welcome.uid]

    assert german["CATEGORIES"].cats == ["Empfang"]
    assert english["CATEGORIES"].cats == ["Reception"]


def test_a_cancelled_item_says_so_in_its_summary_in_the_readers_language(bochum):
    visit = factories.visit(bochum, language=Language.DE)
    guest = factories.person(visit.guest_organisations[0], "Smith", language=Language.EN)
    factories.participation(visit, guest)
    module = factories.module(bochum, title_de="Mittagessen", title_en="Lunch")
    lunch = factories.item(visit, "2023-02-23 12:00", "2023-02-23 13:00", "Mittagessen",
                           title_en="Lunch", module=module,
                           status=ItemStatus.CANCELLED)  # fmt: skip
    demo = factories.item(visit, "2023-02-23 14:00", "2023-02-23 15:00", "Stelen-Demo")
    _issue(visit)

    german = read_both(_download(visit))
    english = read_both(_download(visit, person=guest))

    assert (german[lunch.uid]["summary"], german[lunch.uid]["status"]) == (
        "Abgesagt: Mittagessen",
        "CANCELLED",
    )
    assert english[lunch.uid]["summary"] == "Cancelled: Lunch"
    assert german[demo.uid]["summary"] == "Stelen-Demo"


def test_items_of_a_cancelled_visit_say_so_in_feeds_but_invitations_keep_the_title(bochum):
    visit = factories.visit(bochum, status=VisitStatus.CONFIRMED)
    item = factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang")
    version = _issue(visit)
    change_status(visit, VisitStatus.CANCELLED)
    db.session.commit()

    published = read_both(_download(visit))[item.uid]
    cancel = CalendarRequest(
        visit=visit, agenda=read_version(version, visit), issued_at=version.issued_at,
        language="de",
        name=visit.title, method="CANCEL",
        recipient=Recipient(email="uwe@wuppertal.example", name="Uwe Schneidewind"),
    )  # fmt: skip
    invitation = read_both(serialise(build(cancel)))[item.uid]

    assert (published["summary"], published["status"]) == ("Abgesagt: Empfang", "CANCELLED")
    assert (invitation["summary"], invitation["status"]) == ("Empfang", "CANCELLED")


def test_last_modified_is_each_items_own_last_change_not_the_issue_time(bochum):
    visit = factories.visit(bochum)
    kept = factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang",
                          updated_at=datetime(2023, 1, 5, 9, 30, tzinfo=UTC))  # fmt: skip
    moved = factories.item(visit, "2023-02-23 11:00", "2023-02-23 12:00", "Demo",
                           updated_at=datetime(2023, 1, 5, 9, 45, tzinfo=UTC))  # fmt: skip
    _issue(visit)
    moved.starts_at, moved.ends_at = datetime(2023, 2, 23, 14), datetime(2023, 2, 23, 15)
    moved.updated_at = datetime(2023, 1, 12, 16, 5, 30, tzinfo=UTC)
    db.session.commit()
    version = _issue(visit, "Demo am Nachmittag")

    events = _vevents(_download(visit))

    stamp = version.issued_at.replace(microsecond=0)
    assert [events[uid].decoded("LAST-MODIFIED") for uid in (kept.uid, moved.uid)] == [
        datetime(2023, 1, 5, 9, 30, tzinfo=UTC),
        datetime(2023, 1, 12, 16, 5, 30, tzinfo=UTC),
    ]
    assert {events[uid].decoded("DTSTAMP") for uid in events} == {stamp}
    assert events[moved.uid]["SEQUENCE"] == 1


def test_versions_issued_before_items_kept_their_last_change_use_the_issue_time(bochum):
    visit = factories.visit(bochum)
    item = factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang",
                          updated_at=datetime(2023, 1, 5, 9, 30, tzinfo=UTC))  # fmt: skip
    version = _issue(visit)
    old = {**version.snapshot, "items": [dict(entry) for entry in version.snapshot["items"]]}
    del old["items"][0]["updated_at"]
    version.snapshot = old
    db.session.commit()

    event = _vevents(_download(visit))[item.uid]

    stamp = version.issued_at.replace(microsecond=0)
    assert (event.decoded("LAST-MODIFIED"), event.decoded("DTSTAMP")) == (stamp, stamp)


def test_last_modified_is_never_later_than_dtstamp(bochum):
    visit = factories.visit(bochum)
    item = factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang")
    version = _issue(visit)
    # A clock that ran ahead on another host must not date the change after the calendar.
    later = {**version.snapshot, "items": [dict(entry) for entry in version.snapshot["items"]]}
    later["items"][0]["updated_at"] = (version.issued_at + timedelta(hours=2)).isoformat()
    version.snapshot = later
    db.session.commit()

    event = _vevents(_download(visit))[item.uid]

    assert event.decoded("LAST-MODIFIED") == event.decoded("DTSTAMP")


def test_a_staff_feed_over_all_visits_has_reminders_only_when_chosen(bochum):
    visit = factories.visit(bochum)
    item = factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang")
    _issue(visit)

    without = _vevents(_user_feed(bochum))[item.uid]
    chosen = _vevents(_user_feed(bochum, reminders=True))[item.uid]

    assert without.walk("VALARM") == []
    assert [alarm.decoded("TRIGGER") for alarm in chosen.walk("VALARM")] == [timedelta(minutes=-15)]


# Per zone: a day of the autumn fold with a time on it and the instants of its two
# readings, and the instants of an evening 19:00-00:30 on 10-11 December 2026.
CLOCK_CHANGES = [
    pytest.param("Europe/Berlin", "2026-10-25", "02:30", "00:30", "01:30",
                 ("2026-12-10T18:00", "2026-12-10T23:30"), id="berlin"),
    pytest.param("Europe/London", "2026-10-25", "01:30", "00:30", "01:30",
                 ("2026-12-10T19:00", "2026-12-11T00:30"), id="london"),
    pytest.param("America/New_York", "2026-11-01", "01:30", "05:30", "06:30",
                 ("2026-12-11T00:00", "2026-12-11T05:30"), id="new-york"),
    pytest.param("Australia/Lord_Howe", "2026-04-05", "01:45", "14:45", "15:15",
                 ("2026-12-10T08:00", "2026-12-10T13:30"), id="lord-howe"),
]  # fmt: skip


@pytest.mark.parametrize(("zone", "fold_day", "clock", "first", "second", "evening"),
                         CLOCK_CHANGES)  # fmt: skip
def test_repeated_times_are_written_in_utc_and_evenings_end_the_next_day(
    bochum, zone, fold_day, clock, first, second, evening
):
    visit = factories.visit(bochum, first_day=date.fromisoformat(fold_day),
                            last_day=date(2026, 12, 10), timezone=zone)  # fmt: skip
    summer = factories.item(visit, f"{fold_day} {clock}", f"{fold_day} 04:00", "Sommerzeit")
    winter = factories.item(visit, f"{fold_day} {clock}", f"{fold_day} 04:00", "Winterzeit",
                            starts_fold=1)  # fmt: skip
    late = factories.item(visit, "2026-12-10 19:00", "2026-12-11 00:30", "Empfang")
    _issue(visit)

    body = _download(visit)
    events = read_both(body)

    fold_utc = date.fromisoformat(fold_day)
    if zone == "Australia/Lord_Howe":  # east of UTC: the instants lie on the day before
        fold_utc = date(2026, 4, 4)
    assert events[summer.uid]["start"] == f"{fold_utc}T{first}:00.000Z"
    assert events[winter.uid]["start"] == f"{fold_utc}T{second}:00.000Z"
    assert events[summer.uid]["end"] == events[winter.uid]["end"]
    assert (events[late.uid]["start"], events[late.uid]["end"]) == (
        f"{evening[0]}:00.000Z",
        f"{evening[1]}:00.000Z",
    )
    text = body.decode()
    compact = fold_utc.strftime("%Y%m%d")
    # Both readings in UTC (with a TZID, ical.js would take the second for both) ...
    assert f"DTSTART:{compact}T{first.replace(':', '')}00Z" in text
    assert f"DTSTART:{compact}T{second.replace(':', '')}00Z" in text
    # ... every other time with its zone.
    assert f"DTSTART;TZID={zone}:20261210T190000" in text
    assert f"DTEND;TZID={zone}:20261211T003000" in text
