"""Changing the agenda: times that do not exist, happen twice or cross midnight."""

from datetime import date, datetime

import pytest

from planner.enums import ItemKind
from planner.extensions import db
from planner.models import AgendaItem
from planner.services.agenda import ItemValues, add_item, update_item
from planner.services.errors import InvalidInput
from planner.services.planning import CopyValues, VisitValues, duplicate_visit, update_visit
from planner.services.timezones import to_utc
from tests import factories

# Per zone: a time of the spring gap with the next valid time, and two times of the
# autumn fold, earlier and later on the clock (2026).
ZONES = [
    pytest.param("Europe/Berlin", "2026-03-29 02:30", "03:00", "2026-10-25", "02:15", "02:45",
                 id="berlin"),
    pytest.param("Europe/London", "2026-03-29 01:30", "02:00", "2026-10-25", "01:15", "01:45",
                 id="london"),
    pytest.param("America/New_York", "2026-03-08 02:30", "03:00", "2026-11-01", "01:15", "01:45",
                 id="new-york"),
    pytest.param("Australia/Lord_Howe", "2026-10-04 02:15", "02:30", "2026-04-05", "01:40",
                 "01:50", id="lord-howe"),
]  # fmt: skip


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _values(start: str, end: str, starts_fold=None, ends_fold=None) -> ItemValues:
    return ItemValues(
        title_de="Nachtfahrt",
        kind=ItemKind.TRANSFER,
        starts_at=_at(start),
        ends_at=_at(end),
        starts_fold=starts_fold,
        ends_fold=ends_fold,
    )


def _visit(zone: str, day: str):
    first = date.fromisoformat(day[:10])
    return factories.visit(first_day=first, last_day=first, timezone=zone)


def _refusal(visit, values: ItemValues) -> tuple[str, str]:
    with pytest.raises(InvalidInput) as refused:
        add_item(visit, values)
    db.session.rollback()
    return refused.value.field, str(refused.value.message)


@pytest.mark.parametrize(("zone", "gap", "next_valid", "fold_day", "early", "late"), ZONES)
def test_a_time_of_the_gap_is_refused_at_its_field_with_the_next_valid_time(
    app, zone, gap, next_valid, fold_day, early, late
):
    visit = _visit(zone, gap)
    hour_later = gap[:11] + "06:00"
    day = f"{gap[8:10]}.{gap[5:7]}.{gap[:4]}"
    expected = (
        f"Diese Uhrzeit gibt es am {day} in {zone} nicht (Zeitumstellung). "
        f"Nächste gültige Zeit: {next_valid}."
    )

    assert _refusal(visit, _values(gap, hour_later)) == ("start", expected)
    assert _refusal(visit, _values(gap[:11] + "00:10", gap)) == ("end", expected)
    assert db.session.scalar(db.select(db.func.count()).select_from(AgendaItem)) == 0


@pytest.mark.parametrize(("zone", "gap", "next_valid", "fold_day", "early", "late"), ZONES)
def test_a_time_of_the_fold_needs_a_chosen_reading_and_keeps_it(
    app, zone, gap, next_valid, fold_day, early, late
):
    visit = _visit(zone, fold_day)
    start, end = f"{fold_day} {early}", f"{fold_day} 06:00"

    field, message = _refusal(visit, _values(start, end))
    assert field == "start_fold"
    assert message.startswith(f"{early} gibt es am ")

    for fold in (0, 1):
        item = add_item(visit, _values(start, end, starts_fold=fold))
        db.session.commit()
        db.session.expire(item)
        assert (item.starts_at, item.starts_fold, item.ends_fold) == (_at(start), fold, 0)
    first, second = db.session.scalars(
        db.select(AgendaItem).where(AgendaItem.visit_id == visit.id).order_by(AgendaItem.id)
    )
    # The second reading comes later by as much as the clocks went back.
    gap = to_utc(second.starts_at, zone, 1) - to_utc(first.starts_at, zone, 0)
    assert gap.total_seconds() == (1800 if zone == "Australia/Lord_Howe" else 3600)


@pytest.mark.parametrize(("zone", "gap", "next_valid", "fold_day", "early", "late"), ZONES)
def test_end_and_beginning_are_compared_as_instants_across_the_fold(
    app, zone, gap, next_valid, fold_day, early, late
):
    visit = _visit(zone, fold_day)
    late_summer, early_winter = f"{fold_day} {late}", f"{fold_day} {early}"

    # Later on the clock but earlier in time: summer time ends, the clock goes back.
    item = add_item(visit, _values(late_summer, early_winter, starts_fold=0, ends_fold=1))
    db.session.commit()
    assert (item.starts_fold, item.ends_fold) == (0, 1)
    length = to_utc(item.ends_at, zone, 1) - to_utc(item.starts_at, zone, 0)
    assert length.total_seconds() == (1200 if zone == "Australia/Lord_Howe" else 1800)

    # Earlier on the clock, yet the end comes first.
    backwards = _values(early_winter, late_summer, starts_fold=1, ends_fold=0)
    assert _refusal(visit, backwards) == ("end", "Das Ende muss nach dem Beginn liegen.")
    # The same times, both read once: zero length is refused too.
    same = _values(early_winter, early_winter, starts_fold=1, ends_fold=1)
    assert _refusal(visit, same) == ("end", "Das Ende muss nach dem Beginn liegen.")


@pytest.mark.parametrize(("zone", "gap", "next_valid", "fold_day", "early", "late"), ZONES)
def test_an_item_crossing_midnight_is_one_item_ending_the_next_day(
    app, zone, gap, next_valid, fold_day, early, late
):
    visit = _visit(zone, "2026-12-10")

    item = add_item(visit, _values("2026-12-10 19:00", "2026-12-11 00:30"))
    db.session.commit()
    db.session.expire(item)

    assert (item.starts_at, item.ends_at) == (_at("2026-12-10 19:00"), _at("2026-12-11 00:30"))
    length = to_utc(item.ends_at, zone) - to_utc(item.starts_at, zone)
    assert length.total_seconds() == 5.5 * 3600


def test_following_items_move_by_real_time_and_take_the_reading_they_land_in(app):
    # Berlin, 25 October 2026: 02:00-02:59 happens twice, first at UTC+2, then at UTC+1.
    visit = _visit("Europe/Berlin", "2026-10-25")
    first = factories.item(visit, "2026-10-25 00:30", "2026-10-25 01:30", "Empfang")
    factories.item(visit, "2026-10-25 01:30", "2026-10-25 02:15", "Fahrt")
    factories.item(visit, "2026-10-25 02:15", "2026-10-25 02:45", "Ankunft")
    db.session.commit()

    # One hour longer: it now ends at 02:30 summer time.
    values = _values("2026-10-25 00:30", "2026-10-25 02:30", ends_fold=0)
    values = ItemValues(**{**values.__dict__, "title_de": "Empfang"})
    shifted = update_item(first, values, first.lock_version, shift_following=True)
    db.session.commit()

    assert [
        (item.title_de, f"{item.starts_at:%H:%M}", item.starts_fold, f"{item.ends_at:%H:%M}",
         item.ends_fold)
        for item in sorted(shifted, key=lambda item: item.id)
    ] == [
        ("Fahrt", "02:30", 0, "02:15", 1),
        ("Ankunft", "02:15", 1, "02:45", 1),
    ]  # fmt: skip


def test_a_copy_onto_another_day_moves_times_out_of_the_gap_and_drops_needless_folds(app):
    visit = factories.visit(
        first_day=date(2026, 10, 25), last_day=date(2026, 10, 25), timezone="Europe/Berlin"
    )
    factories.item(visit, "2026-10-25 02:45", "2026-10-25 02:15", "Halbe Stunde",
                   starts_fold=0, ends_fold=1)  # fmt: skip
    factories.item(visit, "2026-10-25 02:10", "2026-10-25 02:40", "Winterzeit",
                   starts_fold=1, ends_fold=1)  # fmt: skip
    spring = factories.visit(
        first_day=date(2026, 3, 22), last_day=date(2026, 3, 22), timezone="Europe/Berlin"
    )
    factories.item(spring, "2026-03-22 02:30", "2026-03-22 03:30", "Nachtfahrt")
    db.session.commit()

    autumn_copy = duplicate_visit(visit, CopyValues(date(2026, 11, 1)))
    spring_copy = duplicate_visit(spring, CopyValues(date(2026, 3, 29)))
    db.session.commit()

    def times(copy):
        return [
            (
                i.title_de,
                f"{i.starts_at:%d.%m. %H:%M}",
                i.starts_fold,
                f"{i.ends_at:%H:%M}",
                i.ends_fold,
            )
            for i in sorted(copy.items, key=lambda i: i.title_de)
        ]

    assert times(autumn_copy) == [
        ("Halbe Stunde", "01.11. 02:45", 0, "03:15", 0),  # keeps its half hour
        ("Winterzeit", "01.11. 02:10", 0, "02:40", 0),
    ]
    assert times(spring_copy) == [("Nachtfahrt", "29.03. 03:00", 0, "03:30", 0)]


def test_a_new_zone_in_which_an_item_would_not_exist_is_refused(app):
    visit = factories.visit(first_day=date(2026, 3, 29), last_day=date(2026, 3, 29), timezone="UTC")
    factories.item(visit, "2026-03-29 02:30", "2026-03-29 03:30", "Nachtfahrt")
    db.session.commit()
    values = VisitValues(
        title=visit.title,
        first_day=visit.first_day,
        last_day=visit.last_day,
        timezone="Europe/Berlin",
        guest_organisation_ids=[org.id for org in visit.guest_organisations],
    )

    with pytest.raises(InvalidInput) as refused:
        update_visit(visit, values, visit.lock_version)
    db.session.rollback()

    assert refused.value.field == "timezone"
    assert str(refused.value.message) == (
        "„Nachtfahrt“ passt nicht in Europe/Berlin: Diese Uhrzeit gibt es am 29.03.2026 in "
        "Europe/Berlin nicht (Zeitumstellung). Nächste gültige Zeit: 03:00."
    )
    assert db.session.get(type(visit), visit.id).timezone == "UTC"
