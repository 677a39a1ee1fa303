"""VTIMEZONE components written as yearly rules, the form Outlook and Thunderbird write.

The rules come from the POSIX TZ string at the end of the zone's TZif file (the rule the
zone follows today). Where that rule does not describe the years a calendar needs, the
zone's actual transitions in those years are written one by one instead. Never the long
comma-separated RDATE lists of ``icalendar``'s ``add_missing_timezones()``: Thunderbird
misreads them and shows times an hour off on the day of a daylight-saving change.
"""

import re
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

_NAME = r"(?:<[^>]+>|[A-Za-z]{3,})"
_OFFSET = r"[+-]?\d{1,2}(?::\d{2}(?::\d{2})?)?"
_RULE = r"M(\d{1,2})\.(\d)\.(\d)(?:/([+-]?\d{1,3}(?::\d{2}(?::\d{2})?)?))?"
_POSIX = re.compile(rf"^({_NAME})({_OFFSET})(?:({_NAME})({_OFFSET})?,{_RULE},{_RULE})?$")
_DAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]
EPOCH_YEAR = 1970


@dataclass(frozen=True)
class _Change:
    month: int
    week: int  # 1-4, or 5 for "last"
    weekday: int  # 0 = Sunday
    at: timedelta  # local time of the change, in the time that ends


@dataclass(frozen=True)
class _Rule:
    std_name: str
    std_offset: timedelta
    dst_name: str | None = None
    dst_offset: timedelta | None = None
    to_dst: _Change | None = None
    to_std: _Change | None = None


def _seconds(text: str) -> timedelta:
    sign = -1 if text.startswith("-") else 1
    parts = [int(part) for part in text.lstrip("+-").split(":")] + [0, 0]
    return sign * timedelta(hours=parts[0], minutes=parts[1], seconds=parts[2])


def _tzif(name: str) -> bytes:
    for folder in zoneinfo.TZPATH:
        path = Path(folder) / name
        if path.is_file():
            return path.read_bytes()
    return resources.files("tzdata.zoneinfo").joinpath(*name.split("/")).read_bytes()


def _parse(posix: str) -> _Rule | None:
    match = _POSIX.match(posix)
    if match is None:
        return None
    std, std_off, dst, dst_off, *changes = match.groups()
    # POSIX offsets count westwards; iCalendar's count eastwards.
    std_offset = -_seconds(std_off)
    if dst is None:
        return _Rule(std.strip("<>"), std_offset)
    dst_offset = -_seconds(dst_off) if dst_off else std_offset + timedelta(hours=1)
    start = _Change(int(changes[0]), int(changes[1]), int(changes[2]), _seconds(changes[3] or "2"))
    end = _Change(int(changes[4]), int(changes[5]), int(changes[6]), _seconds(changes[7] or "2"))
    if not all(timedelta(0) <= change.at < timedelta(hours=24) for change in (start, end)):
        # A change "at 26:00" belongs to another weekday: an RRULE cannot say that.
        return None
    return _Rule(std.strip("<>"), std_offset, dst.strip("<>"), dst_offset, start, end)


def _local_change(change: _Change, year: int) -> datetime:
    """Return the wall-clock moment of a change in a year, before the clocks move."""
    if change.week == 5:
        last = date(year + (change.month == 12), change.month % 12 + 1, 1) - timedelta(days=1)
        day = last - timedelta(days=(last.isoweekday() % 7 - change.weekday) % 7)
    else:
        first = date(year, change.month, 1)
        day = first + timedelta(days=(change.weekday - first.isoweekday() % 7) % 7)
        day += timedelta(weeks=change.week - 1)
    return datetime.combine(day, datetime.min.time()) + change.at


def _rrule(change: _Change) -> dict:
    week = -1 if change.week == 5 else change.week
    return {"FREQ": "YEARLY", "BYMONTH": change.month, "BYDAY": f"{week}{_DAYS[change.weekday]}"}


def _rule_holds(rule: _Rule, zone: zoneinfo.ZoneInfo, years: range) -> bool:
    """Return whether the rule gives the zone's real offsets throughout those years."""
    for year in years:
        for day in range(366):
            moment = datetime(year, 1, 1, 12, tzinfo=UTC) + timedelta(days=day)
            if moment.year != year:
                break
            if moment.astimezone(zone).utcoffset() != _offset_by_rule(rule, moment):
                return False
    return True


def _offset_by_rule(rule: _Rule, moment: datetime) -> timedelta:
    if rule.to_dst is None:
        return rule.std_offset
    naive = moment.replace(tzinfo=None)
    starts = _local_change(rule.to_dst, moment.year) - rule.std_offset
    ends = _local_change(rule.to_std, moment.year) - rule.dst_offset
    in_dst = starts <= naive < ends if starts < ends else not ends <= naive < starts
    return rule.dst_offset if in_dst else rule.std_offset


def _from_rule(name: str, rule: _Rule) -> Timezone:
    timezone = Timezone()
    timezone.add("tzid", name)
    if rule.to_dst is None:
        standard = TimezoneStandard()
        standard.add("dtstart", datetime(EPOCH_YEAR, 1, 1))
        standard.add("tzoffsetfrom", rule.std_offset)
        standard.add("tzoffsetto", rule.std_offset)
        standard.add("tzname", rule.std_name)
        timezone.add_component(standard)
        return timezone
    daylight = TimezoneDaylight()
    daylight.add("dtstart", _local_change(rule.to_dst, EPOCH_YEAR))
    daylight.add("rrule", _rrule(rule.to_dst))
    daylight.add("tzoffsetfrom", rule.std_offset)
    daylight.add("tzoffsetto", rule.dst_offset)
    daylight.add("tzname", rule.dst_name)
    standard = TimezoneStandard()
    standard.add("dtstart", _local_change(rule.to_std, EPOCH_YEAR))
    standard.add("rrule", _rrule(rule.to_std))
    standard.add("tzoffsetfrom", rule.dst_offset)
    standard.add("tzoffsetto", rule.std_offset)
    standard.add("tzname", rule.std_name)
    timezone.add_component(daylight)
    timezone.add_component(standard)
    return timezone


def _from_transitions(name: str, zone: zoneinfo.ZoneInfo, years: range) -> Timezone:
    """Write each real transition of the years as its own component (no RRULE, no RDATE)."""
    timezone = Timezone()
    timezone.add("tzid", name)
    moment = datetime(years.start, 1, 1, tzinfo=UTC)
    end = datetime(years.stop, 1, 1, tzinfo=UTC)
    offset = moment.astimezone(zone).utcoffset()
    first = TimezoneStandard()
    first.add("dtstart", (moment + offset).replace(tzinfo=None))
    first.add("tzoffsetfrom", offset)
    first.add("tzoffsetto", offset)
    first.add("tzname", moment.astimezone(zone).tzname())
    timezone.add_component(first)
    while moment < end:
        following = moment + timedelta(hours=1)
        new_offset = following.astimezone(zone).utcoffset()
        if new_offset != offset:
            dst = bool(following.astimezone(zone).dst())
            component = TimezoneDaylight() if dst else TimezoneStandard()
            component.add("dtstart", (following + offset).replace(tzinfo=None))
            component.add("tzoffsetfrom", offset)
            component.add("tzoffsetto", new_offset)
            component.add("tzname", following.astimezone(zone).tzname())
            timezone.add_component(component)
            offset = new_offset
        moment = following
    return timezone


@lru_cache(maxsize=128)
def vtimezone(name: str, first_year: int, last_year: int) -> Timezone:
    """Return the VTIMEZONE of an IANA zone, correct for the years given."""
    zone = zoneinfo.ZoneInfo(name)
    years = range(first_year, last_year + 1)
    footer = _tzif(name).rstrip(b"\n").rsplit(b"\n", 1)[-1].decode("ascii", "replace")
    rule = _parse(footer)
    if rule is not None and _rule_holds(rule, zone, years):
        return _from_rule(name, rule)
    return _from_transitions(name, zone, range(first_year, last_year + 2))
