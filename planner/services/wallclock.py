"""Wall-clock times of a zone: which exist, which happen twice, and the instants they mean.

Agenda times are naive wall-clock times in the visit's zone. When the clocks go forward,
the times of the gap (02:00-02:59 in Berlin on the last Sunday of March) do not exist;
when they go back, the times of the fold (02:00-02:59 on the last Sunday of October)
happen twice, and ``fold`` (PEP 495) says which: 0 the first (summer time), 1 the second.
"""

from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from planner.services.timezones import zone


class Reading(StrEnum):
    """What a wall-clock time is in a zone."""

    NORMAL = "normal"
    GAP = "gap"  # skipped when the clocks go forward: it does not exist
    FOLD = "fold"  # repeated when the clocks go back: it happens twice


def classify(local: datetime, zone_name: str) -> Reading:
    """Return whether a naive wall-clock time exists once, never or twice in the zone."""
    tz = zone(zone_name)
    first = local.replace(tzinfo=tz, fold=0)
    # A time of the gap comes back as another time after the round trip through UTC.
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != local.replace(fold=0):
        return Reading.GAP
    if first.utcoffset() != local.replace(tzinfo=tz, fold=1).utcoffset():
        return Reading.FOLD
    return Reading.NORMAL


def settled_fold(local: datetime, zone_name: str, fold: int | None) -> int:
    """Return the fold that counts: the given one in a fold, 0 for any other time."""
    return int(bool(fold)) if classify(local, zone_name) == Reading.FOLD else 0


def from_utc(instant: datetime, zone_name: str) -> tuple[datetime, int]:
    """Return the wall-clock time of an instant in the zone, and its fold."""
    local = instant.astimezone(zone(zone_name))
    return local.replace(tzinfo=None, fold=0), local.fold


def utc_offset(local: datetime, zone_name: str, fold: int = 0) -> timedelta:
    """Return the zone's offset from UTC at that wall-clock time."""
    offset = local.replace(tzinfo=zone(zone_name), fold=fold).utcoffset()
    return offset if offset is not None else timedelta(0)


def next_valid(local: datetime, zone_name: str) -> datetime:
    """Return the first wall-clock time after the gap that ``local`` lies in.

    A time that exists is returned unchanged. The answer is rounded up to the minute:
    the clocks of a few old zones changed at odd seconds.
    """
    if classify(local, zone_name) != Reading.GAP:
        return local
    tz = zone(zone_name)
    # In a gap fold=1 reads the time with the offset after the change, fold=0 with the one
    # before: the change itself lies between the two instants.
    before = local.replace(tzinfo=tz, fold=1).astimezone(UTC)
    after = local.replace(tzinfo=tz, fold=0).astimezone(UTC)
    new_offset = after.astimezone(tz).utcoffset()
    while after - before > timedelta(seconds=1):
        middle = before + (after - before) / 2
        middle = middle.replace(microsecond=0)
        if middle.astimezone(tz).utcoffset() == new_offset:
            after = middle
        else:
            before = middle
    first = after.astimezone(tz).replace(tzinfo=None)
    if first.second or first.microsecond:
        first = first.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return first


def offset_text(offset: timedelta) -> str:
    """Return an offset as "UTC+02:00", "UTC-04:00" or "UTC+10:30"."""
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def _day(day: date) -> str:
    return format_date(day, format="medium")


def gap_message(local: datetime, zone_name: str):
    """Return why a time of the gap is refused, naming the next valid time."""
    first = next_valid(local, zone_name)
    suggestion = first.strftime("%H:%M")
    if first.date() != local.date():
        suggestion = f"{suggestion} ({_day(first.date())})"
    return _l(
        "This time does not exist on %(day)s in %(zone)s (the clocks change). "
        "Next valid time: %(time)s.",
        day=_day(local.date()),
        zone=zone_name,
        time=suggestion,
    )


def fold_question(local: datetime, zone_name: str):
    """Return the question which of the two readings of a time in the fold is meant."""
    return _l(
        "%(time)s happens twice on %(day)s in %(zone)s (the clocks go back). "
        "Which one do you mean?",
        time=local.strftime("%H:%M"),
        day=_day(local.date()),
        zone=zone_name,
    )


def fold_choices(local: datetime, zone_name: str) -> list[tuple[str, str]]:
    """Return the two readings of a time in the fold as choices "0" and "1"."""
    tz = zone(zone_name)
    first, second = (local.replace(tzinfo=tz, fold=fold) for fold in (0, 1))
    clock = local.strftime("%H:%M")
    early, late = (offset_text(reading.utcoffset() or timedelta(0)) for reading in (first, second))
    if first.dst() and not second.dst():
        labels = (
            _l("%(time)s the first time: summer time, %(offset)s", time=clock, offset=early),
            _l("%(time)s the second time: standard time, %(offset)s", time=clock, offset=late),
        )
    else:  # a zone that moved its clocks back for good
        labels = (
            _l("%(time)s the first time, %(offset)s", time=clock, offset=early),
            _l("%(time)s the second time, %(offset)s", time=clock, offset=late),
        )
    return [("0", str(labels[0])), ("1", str(labels[1]))]
