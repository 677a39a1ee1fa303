"""Wall-clock times of a zone: gaps, folds, instants and the next valid time."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale

from planner.services.timezones import to_utc
from planner.services.wallclock import (
    Reading,
    classify,
    fold_choices,
    from_utc,
    gap_message,
    next_valid,
    offset_text,
    settled_fold,
)


@pytest.fixture(params=["sqlite"])
def database(request):
    """Nothing here reads the database; the app is needed for the language only."""
    return request.param


@dataclass(frozen=True)
class Zone:
    """A zone's clock changes in 2026 and what they mean."""

    name: str
    gap: str  # a time that does not exist
    next_valid: str  # the first time after that gap
    fold: str  # a time that happens twice
    first_utc: str  # its first reading (summer time)
    second_utc: str  # its second reading (standard time)
    first_offset: str
    second_offset: str


ZONES = [
    Zone("Europe/Berlin", "2026-03-29 02:30", "2026-03-29 03:00", "2026-10-25 02:30",
         "2026-10-25 00:30", "2026-10-25 01:30", "UTC+02:00", "UTC+01:00"),
    Zone("Europe/London", "2026-03-29 01:30", "2026-03-29 02:00", "2026-10-25 01:30",
         "2026-10-25 00:30", "2026-10-25 01:30", "UTC+01:00", "UTC+00:00"),
    Zone("America/New_York", "2026-03-08 02:30", "2026-03-08 03:00", "2026-11-01 01:30",
         "2026-11-01 05:30", "2026-11-01 06:30", "UTC-04:00", "UTC-05:00"),
    # Lord Howe Island moves its clocks by half an hour.
    Zone("Australia/Lord_Howe", "2026-10-04 02:15", "2026-10-04 02:30", "2026-04-05 01:45",
         "2026-04-04 14:45", "2026-04-04 15:15", "UTC+11:00", "UTC+10:30"),
]  # fmt: skip
IDS = ["berlin", "london", "new-york", "lord-howe"]


def _local(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize("zone", ZONES, ids=IDS)
def test_a_time_of_the_gap_does_not_exist_and_the_next_valid_one_follows_the_gap(app, zone):
    gap = _local(zone.gap)

    assert classify(gap, zone.name) == Reading.GAP
    assert next_valid(gap, zone.name) == _local(zone.next_valid)
    assert classify(_local(zone.next_valid), zone.name) == Reading.NORMAL


@pytest.mark.parametrize("zone", ZONES, ids=IDS)
def test_a_time_of_the_fold_has_two_instants_one_per_reading(app, zone):
    fold = _local(zone.fold)

    assert classify(fold, zone.name) == Reading.FOLD
    assert to_utc(fold, zone.name, 0) == _utc(zone.first_utc)
    assert to_utc(fold, zone.name, 1) == _utc(zone.second_utc)
    assert from_utc(_utc(zone.first_utc), zone.name) == (fold, 0)
    assert from_utc(_utc(zone.second_utc), zone.name) == (fold, 1)
    assert next_valid(fold, zone.name) == fold


@pytest.mark.parametrize("zone", ZONES, ids=IDS)
def test_an_ordinary_time_is_normal_and_its_fold_does_not_count(app, zone):
    noon = _local(zone.fold[:11] + "12:00")

    assert classify(noon, zone.name) == Reading.NORMAL
    assert settled_fold(noon, zone.name, 1) == 0
    assert settled_fold(_local(zone.fold), zone.name, 1) == 1
    assert to_utc(noon, zone.name, 1) == to_utc(noon, zone.name, 0)


@pytest.mark.parametrize("zone", ZONES, ids=IDS)
def test_the_two_readings_are_offered_with_their_offsets(app, zone):
    clock = zone.fold[11:]
    with force_locale("de"):
        german = fold_choices(_local(zone.fold), zone.name)
    with force_locale("en"):
        english = fold_choices(_local(zone.fold), zone.name)

    assert german == [
        ("0", f"{clock} beim ersten Mal: Sommerzeit, {zone.first_offset}"),
        ("1", f"{clock} beim zweiten Mal: Winterzeit, {zone.second_offset}"),
    ]
    assert english == [
        ("0", f"{clock} the first time: summer time, {zone.first_offset}"),
        ("1", f"{clock} the second time: standard time, {zone.second_offset}"),
    ]


def test_the_gap_message_names_day_zone_and_next_valid_time(app):
    with force_locale("de"):
        german = str(gap_message(_local("2026-03-29 02:30"), "Europe/Berlin"))
    with force_locale("en"):
        english = str(gap_message(_local("2026-03-29 02:30"), "Europe/Berlin"))

    assert german == (
        "Diese Uhrzeit gibt es am 29.03.2026 in Europe/Berlin nicht (Zeitumstellung). "
        "Nächste gültige Zeit: 03:00."
    )
    assert english == (
        "This time does not exist on Mar 29, 2026 in Europe/Berlin (the clocks change). "
        "Next valid time: 03:00."
    )


def test_a_skipped_day_suggests_the_first_time_of_the_next_day(app):
    # Samoa skipped 30 December 2011 when it moved across the date line.
    with force_locale("de"):
        message = str(gap_message(_local("2011-12-30 10:00"), "Pacific/Apia"))

    assert next_valid(_local("2011-12-30 10:00"), "Pacific/Apia") == _local("2011-12-31 00:00")
    assert message.endswith("Nächste gültige Zeit: 00:00 (31.12.2011).")


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(120, "UTC+02:00"), (0, "UTC+00:00"), (-300, "UTC-05:00"), (630, "UTC+10:30")],
    ids=["berlin-summer", "utc", "new-york-winter", "lord-howe-winter"],
)
def test_offsets_are_written_as_utc_plus_hours_and_minutes(minutes, text):
    assert offset_text(timedelta(minutes=minutes)) == text
