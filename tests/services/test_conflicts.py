"""Conflict checks: each kind, its edges, across visits and zones, on both databases."""

from datetime import date, datetime

import pytest

from planner.enums import ItemStatus, Side, VisitStatus
from planner.extensions import db
from planner.services.conflicts import Candidate, ConflictKind, clashes, find_conflicts
from tests import factories
from tests.helpers import count_queries


def _kinds(visit) -> list[tuple[str, str]]:
    """Return (kind, item title) of every warning of the visit, sorted."""
    titles = {item.id: item.title_de for item in visit.items}
    found = find_conflicts([visit.id])[visit.id]
    return sorted((c.kind.value, titles.get(c.item_id, "?")) for c in found)


@pytest.fixture
def bochum(app):
    return factories.organisation("Bochum")


@pytest.fixture
def visit(bochum):
    return factories.visit(bochum, first_day=date(2023, 2, 23), title="Wuppertal in Bochum")


@pytest.mark.parametrize(
    ("second", "expected"),
    [
        (("10:30", "11:30"), [("overlap", "A"), ("overlap", "B")]),
        (("11:00", "12:00"), []),  # touching: B begins when A ends
        (("09:00", "10:00"), []),  # touching the other way
        (("10:15", "10:45"), [("overlap", "A"), ("overlap", "B")]),  # inside
    ],
    ids=["overlapping", "touching-after", "touching-before", "inside"],
)
def test_items_of_one_visit_overlapping(visit, second, expected):
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "A")
    factories.item(visit, f"2023-02-23 {second[0]}", f"2023-02-23 {second[1]}", "B")
    assert _kinds(visit) == expected


def test_cancelled_items_never_conflict(visit):
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "A")
    factories.item(visit, "2023-02-23 10:30", "2023-02-23 11:30", "B", status=ItemStatus.CANCELLED)
    assert _kinds(visit) == []


def test_tentative_items_do_conflict(visit):
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "A")
    factories.item(visit, "2023-02-23 10:30", "2023-02-23 11:30", "B", status=ItemStatus.TENTATIVE)
    assert _kinds(visit) == [("overlap", "A"), ("overlap", "B")]


def test_room_booked_by_items_of_two_visits(bochum, visit):
    room = factories.room(bochum, "Ratssaal")
    other = factories.visit(bochum, first_day=date(2023, 2, 23), title="Dortmund in Bochum")
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang", room=room)
    factories.item(other, "2023-02-23 10:45", "2023-02-23 11:30", "Sitzung", room=room)

    [conflict] = find_conflicts([visit.id])[visit.id]

    assert conflict.kind == ConflictKind.ROOM
    assert str(conflict.message) == (
        f"{room.label} ist zur selben Zeit durch „Sitzung“ (Dortmund in Bochum) belegt."
    )


@pytest.mark.parametrize(
    ("other_start", "setup", "expected"),
    [
        ("11:00", 0, []),  # touching
        ("11:00", 20, [("room", "Empfang")]),  # set-up of the next item starts at 10:40
        ("11:30", 20, []),  # set-up from 11:10
    ],
    ids=["touching", "setup-overlaps", "setup-after"],
)
def test_set_up_time_counts_as_busy_for_the_room(bochum, visit, other_start, setup, expected):
    room = factories.room(bochum)
    other = factories.visit(bochum, first_day=date(2023, 2, 23))
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang", room=room)
    factories.item(other, f"2023-02-23 {other_start}", "2023-02-23 12:00", "Demo", room=room,
                   setup_minutes=setup)  # fmt: skip
    assert _kinds(visit) == expected


def test_tear_down_time_counts_as_busy_for_the_room(bochum, visit):
    room = factories.room(bochum)
    other = factories.visit(bochum, first_day=date(2023, 2, 23))
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Demo", room=room,
                   teardown_minutes=15)  # fmt: skip
    factories.item(other, "2023-02-23 11:10", "2023-02-23 12:00", "Sitzung", room=room)
    assert _kinds(visit) == [("room", "Demo")]


def test_items_of_cancelled_visits_never_conflict(bochum, visit):
    room = factories.room(bochum)
    other = factories.visit(bochum, first_day=date(2023, 2, 23), status=VisitStatus.CANCELLED)
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang", room=room)
    factories.item(other, "2023-02-23 10:00", "2023-02-23 11:00", "Sitzung", room=room)
    assert _kinds(visit) == []
    assert find_conflicts([other.id])[other.id] == []


def test_room_in_visits_of_different_zones_compares_instants(bochum):
    room = factories.room(bochum)
    berlin = factories.visit(bochum, first_day=date(2023, 2, 23), timezone="Europe/Berlin")
    london = factories.visit(bochum, first_day=date(2023, 2, 23), timezone="Europe/London")
    # 10:00 in Berlin is 09:00 in London.
    factories.item(berlin, "2023-02-23 10:00", "2023-02-23 11:00", "Berlin", room=room)
    factories.item(london, "2023-02-23 09:30", "2023-02-23 10:00", "London", room=room)
    assert _kinds(berlin) == [("room", "Berlin")]
    factories.item(berlin, "2023-02-23 12:00", "2023-02-23 13:00", "Später", room=room)
    factories.item(london, "2023-02-23 10:00", "2023-02-23 11:00", "London 2", room=room)
    # London 10:00-11:00 is Berlin 11:00-12:00: touching both Berlin items.
    assert _kinds(berlin) == [("room", "Berlin")]


def test_person_in_two_visits_at_once(bochum, visit):
    mayor = factories.person(bochum, "Eiskirch", first_name="Thomas")
    other = factories.visit(bochum, first_day=date(2023, 2, 23), title="Dortmund in Bochum")
    factories.participation(visit, mayor, side=Side.HOST)
    factories.participation(other, mayor, side=Side.HOST)
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang")
    factories.item(other, "2023-02-23 10:30", "2023-02-23 11:30", "Sitzung")

    [conflict] = find_conflicts([visit.id])[visit.id]

    assert conflict.kind == ConflictKind.PERSON
    assert conflict.person_id == mayor.id
    assert str(conflict.message) == (
        "Thomas Eiskirch nimmt zur selben Zeit an „Sitzung“ (Dortmund in Bochum) teil."
    )


def test_person_not_attending_the_other_item_is_no_conflict(bochum, visit):
    mayor = factories.person(bochum, "Eiskirch")
    other = factories.visit(bochum, first_day=date(2023, 2, 23))
    factories.participation(visit, mayor, side=Side.HOST)
    elsewhere = factories.participation(other, mayor, side=Side.HOST, attends_all_items=False)
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang")
    factories.item(other, "2023-02-23 10:30", "2023-02-23 11:30", "Sitzung")
    lunch = factories.item(other, "2023-02-23 12:00", "2023-02-23 13:00", "Mittagessen")
    elsewhere.items.append(lunch)
    db.session.flush()
    assert _kinds(visit) == []


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2023-02-23 08:00", "2023-02-23 09:00", []),
        ("2023-02-23 23:00", "2023-02-24 00:00", []),  # ends at midnight: still the same day
        ("2023-02-23 19:00", "2023-02-24 00:30", []),  # the evening reception runs long
        ("2023-02-24 00:15", "2023-02-24 01:00", []),  # the night transfer after it
        ("2023-02-23 23:30", "2023-02-24 06:00", []),  # the night ends at 06:00
        ("2023-02-23 23:30", "2023-02-24 06:30", [("outside-days", "X")]),  # into the next day
        ("2023-02-24 09:00", "2023-02-24 10:00", [("outside-days", "X")]),  # day after
        ("2023-02-22 18:00", "2023-02-22 19:00", [("outside-days", "X")]),  # day before
        ("2023-02-22 23:30", "2023-02-23 00:30", [("outside-days", "X")]),  # begins before
    ],
    ids=[
        "inside",
        "ends-at-midnight",
        "past-midnight",
        "night-transfer",
        "until-06:00",
        "past-06:00",
        "day-after",
        "day-before",
        "begins-the-night-before",
    ],
)
def test_item_outside_the_visits_days(visit, start, end, expected):
    factories.item(visit, start, end, "X")
    assert _kinds(visit) == expected


def test_more_participants_than_the_room_holds(bochum, visit):
    room = factories.room(bochum, "Amtszimmer", capacity=2)
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang", room=room)
    for name in ("A", "B"):
        factories.participation(visit, factories.person(bochum, name))
    assert _kinds(visit) == []

    factories.participation(visit, factories.person(bochum, "C"))
    [conflict] = find_conflicts([visit.id])[visit.id]
    assert str(conflict.message) == f"3 Teilnehmende, aber {room.label} fasst 2."


@pytest.mark.parametrize(
    ("second_start", "same_venue", "expected"),
    [
        ("11:10", False, [("transfer", "Zweiter Termin")]),
        ("11:15", False, []),  # exactly the transfer time
        ("11:05", True, []),  # same building
    ],
    ids=["too-short", "just-enough", "same-venue"],
)
def test_too_little_time_between_venues(bochum, visit, second_start, same_venue, expected):
    hall = factories.room(bochum, "Ratssaal")
    other_room = factories.room(bochum, "Foyer")
    if same_venue:
        other_room.venue = hall.venue
    factories.participation(visit, factories.person(bochum, "Eiskirch"))
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Erster Termin", room=hall)
    factories.item(visit, f"2023-02-23 {second_start}", "2023-02-23 12:00", "Zweiter Termin",
                   room=other_room)  # fmt: skip
    assert _kinds(visit) == expected


def test_visit_over_a_daylight_saving_change_compares_real_instants(bochum):
    # On 26 March 2023 Berlin's clocks jumped from 02:00 to 03:00: 01:30-03:30 lasts one hour.
    room = factories.room(bochum)
    night = factories.visit(bochum, first_day=date(2023, 3, 25), last_day=date(2023, 3, 26))
    utc_visit = factories.visit(bochum, first_day=date(2023, 3, 26), timezone="UTC")
    factories.item(night, "2023-03-26 01:30", "2023-03-26 03:30", "Nachtfahrt", room=room)
    # 01:00-01:30 UTC is 03:00-03:30 CEST: inside the Berlin item.
    factories.item(utc_visit, "2023-03-26 01:00", "2023-03-26 01:30", "UTC", room=room)
    assert _kinds(night) == [("room", "Nachtfahrt")]


def test_candidate_item_is_checked_before_it_is_saved(bochum, visit):
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang")
    db.session.commit()

    overlapping = Candidate(visit.id, None, "Neu", datetime(2023, 2, 23, 10, 30),
                            datetime(2023, 2, 23, 11, 30))  # fmt: skip
    later = Candidate(visit.id, None, "Neu", datetime(2023, 2, 23, 11, 0),
                      datetime(2023, 2, 23, 12, 0))  # fmt: skip

    [warning] = find_conflicts([visit.id], overlapping)[visit.id]
    assert (warning.kind, warning.item_id) == (ConflictKind.OVERLAP, None)
    assert find_conflicts([visit.id], later)[visit.id] == []


def test_moving_an_item_away_ends_its_conflict(bochum, visit):
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "A")
    moved = factories.item(visit, "2023-02-23 10:30", "2023-02-23 11:30", "B")
    candidate = Candidate(visit.id, moved.id, "B", datetime(2023, 2, 23, 11, 0),
                          datetime(2023, 2, 23, 12, 0))  # fmt: skip
    assert find_conflicts([visit.id], candidate)[visit.id] == []


def test_conflicts_cost_the_same_queries_for_a_small_and_a_large_visit(app, bochum):
    def build(items: int, people: int):
        visit = factories.visit(bochum, first_day=date(2023, 2, 23))
        room = factories.room(bochum)
        for n in range(items):
            factories.item(visit, f"2023-02-23 {8 + n % 10:02}:00",
                           f"2023-02-23 {8 + n % 10:02}:30", room=room)  # fmt: skip
        for _ in range(people):
            factories.participation(visit, factories.person(bochum))
        db.session.commit()
        return visit

    small, large = build(2, 2).id, build(30, 12).id
    db.session.expunge_all()
    with count_queries(db.engine) as for_small:
        find_conflicts([small])
    db.session.expunge_all()
    with count_queries(db.engine) as for_large:
        find_conflicts([large])
    assert for_small.count == for_large.count


def test_the_two_readings_of_a_repeated_time_are_different_instants(bochum):
    # Berlin, 25 October 2026: 02:00-02:59 happens first at UTC+2, then at UTC+1.
    night = factories.visit(bochum, first_day=date(2026, 10, 25), timezone="Europe/Berlin")
    factories.item(night, "2026-10-25 02:15", "2026-10-25 02:45", "Sommerzeit")
    factories.item(night, "2026-10-25 02:15", "2026-10-25 02:45", "Winterzeit",
                   starts_fold=1, ends_fold=1)  # fmt: skip
    assert _kinds(night) == []

    # 02:30 summer time to 02:30 winter time: one hour that touches both.
    factories.item(night, "2026-10-25 02:30", "2026-10-25 02:30", "Dazwischen", ends_fold=1)
    assert _kinds(night) == [
        ("overlap", "Dazwischen"),
        ("overlap", "Dazwischen"),
        ("overlap", "Sommerzeit"),
        ("overlap", "Winterzeit"),
    ]


def test_a_candidate_in_the_second_reading_is_checked_as_that_instant(bochum):
    night = factories.visit(bochum, first_day=date(2026, 10, 25), timezone="Europe/Berlin")
    factories.item(night, "2026-10-25 02:15", "2026-10-25 02:45", "Sommerzeit")
    db.session.commit()

    def warnings(fold: int) -> list[str]:
        start, end = datetime(2026, 10, 25, 2, 20), datetime(2026, 10, 25, 2, 40)
        candidate = Candidate(night.id, None, "Neu", start, end, starts_fold=fold, ends_fold=fold)
        return [c.kind.value for c in find_conflicts([night.id], candidate)[night.id]]

    assert warnings(0) == ["overlap"]
    assert warnings(1) == []


# --- clashes: each once, everyone involved, grouped, fingerprinted -----------------------


def _clashes(visit):
    return clashes(find_conflicts([visit.id])[visit.id])


def test_an_overlap_warned_about_on_both_items_is_one_clash_naming_both(visit):
    factories.item(visit, "2023-02-23 10:30", "2023-02-23 11:30", "B")
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "A")

    [clash] = _clashes(visit)

    assert clash.kind == ConflictKind.OVERLAP
    assert (str(clash.first.title), str(clash.second.title)) == ("A", "B")
    assert len(clash.conflicts) == 2


def test_a_person_clash_of_three_people_is_one_clash_naming_all_three(bochum, visit):
    other = factories.visit(bochum, first_day=date(2023, 2, 23), title="Dortmund in Bochum")
    for name in ("Kopietz", "Eiskirch", "Kücük"):
        person = factories.person(bochum, name, first_name="Ruth")
        factories.participation(visit, person, side=Side.HOST)
        factories.participation(other, person, side=Side.HOST)
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang")
    factories.item(other, "2023-02-23 10:30", "2023-02-23 11:30", "Sitzung")

    [clash] = _clashes(visit)

    assert clash.kind == ConflictKind.PERSON
    assert clash.people == ("Ruth Eiskirch", "Ruth Kopietz", "Ruth Kücük")
    assert (str(clash.first.title), str(clash.second.title)) == ("Empfang", "Sitzung")
    assert len(find_conflicts([visit.id])[visit.id]) == 3


def test_clashes_are_grouped_by_kind_in_a_fixed_order(bochum, visit):
    small = factories.room(bochum, "Amtszimmer", capacity=1)
    hall = factories.room(bochum, "Ratssaal")
    other = factories.visit(bochum, first_day=date(2023, 2, 23))
    for name in ("A", "B"):
        factories.participation(visit, factories.person(bochum, name))
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang", room=small)
    factories.item(visit, "2023-02-23 10:30", "2023-02-23 11:30", "Demo", room=hall)
    factories.item(other, "2023-02-23 11:00", "2023-02-23 12:00", "Sitzung", room=hall)
    factories.item(visit, "2023-02-25 10:00", "2023-02-25 11:00", "Ausflug")

    found = [(c.kind.value, str(c.first.title)) for c in _clashes(visit)]

    assert found == [
        ("room", "Demo"),
        ("capacity", "Empfang"),
        ("overlap", "Empfang"),
        ("outside-days", "Ausflug"),
    ]


def test_a_transfer_clash_names_everyone_who_has_to_hurry(bochum, visit):
    hall, foyer = factories.room(bochum, "Ratssaal"), factories.room(bochum, "Foyer")
    for name in ("Eiskirch", "Kopietz"):
        factories.participation(visit, factories.person(bochum, name))
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Erster Termin", room=hall)
    factories.item(visit, "2023-02-23 11:05", "2023-02-23 12:00", "Zweiter Termin", room=foyer)

    [clash] = _clashes(visit)

    assert (clash.kind, clash.minutes) == (ConflictKind.TRANSFER, 5)
    assert [p.split()[-1] for p in clash.people] == ["Eiskirch", "Kopietz"]
    assert (str(clash.first.title), str(clash.second.title)) == ("Erster Termin", "Zweiter Termin")


def _fingerprint(visit) -> str:
    db.session.flush()
    db.session.expire_all()
    [clash] = _clashes(visit)
    return clash.fingerprint


@pytest.mark.parametrize(
    ("change", "changes_fingerprint"),
    [
        (
            lambda items, room, person: setattr(
                items[1], "starts_at", datetime(2023, 2, 23, 10, 15)
            ),
            True,
        ),
        (
            lambda items, room, person: setattr(items[0], "ends_at", datetime(2023, 2, 23, 11, 15)),
            True,
        ),
        (lambda items, room, person: setattr(items[1], "room", room), True),
        (lambda items, room, person: setattr(items[1], "description_de", "Mit Kaffee"), False),
        (lambda items, room, person: setattr(items[1], "title_de", "Anderer Titel"), False),
        (lambda items, room, person: setattr(items[0], "internal_notes", "Parken"), False),
    ],
    ids=["start", "end", "room", "description", "title", "internal-notes"],
)
def test_a_room_clash_changes_its_fingerprint_only_with_a_relevant_change(
    bochum, visit, change, changes_fingerprint
):
    hall = factories.room(bochum, "Ratssaal")
    other_room = factories.room(bochum, "Foyer")
    items = [
        factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "A", room=hall),
        factories.item(visit, "2023-02-23 12:00", "2023-02-23 13:00", "B", room=hall),
    ]
    # B moves into A's time: a room clash (and an overlap, which this test leaves alone).
    items[1].starts_at, items[1].ends_at = (
        datetime(2023, 2, 23, 10, 30),
        datetime(2023, 2, 23, 11, 30),
    )
    db.session.flush()
    db.session.expire_all()
    before = {c.kind: c.fingerprint for c in _clashes(visit)}[ConflictKind.ROOM]

    change(items, other_room, None)
    db.session.flush()
    db.session.expire_all()
    after = {c.kind: c.fingerprint for c in _clashes(visit)}.get(ConflictKind.ROOM)

    assert (after != before) is changes_fingerprint


def test_a_person_clash_changes_its_fingerprint_when_someone_joins_or_leaves(bochum, visit):
    other = factories.visit(bochum, first_day=date(2023, 2, 23))
    first, second = factories.person(bochum, "Eiskirch"), factories.person(bochum, "Kopietz")
    factories.participation(visit, first, side=Side.HOST)
    factories.participation(other, first, side=Side.HOST)
    factories.participation(visit, second, side=Side.HOST)
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang")
    factories.item(other, "2023-02-23 10:30", "2023-02-23 11:30", "Sitzung")
    alone = _fingerprint(visit)

    factories.participation(other, second, side=Side.HOST)
    together = _fingerprint(visit)

    assert together != alone
    factories.item(visit, "2023-02-23 14:00", "2023-02-23 15:00", "Stadtführung")
    assert _fingerprint(visit) == together
