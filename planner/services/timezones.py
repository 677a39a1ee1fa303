"""Wall-clock times of a visit's zone and the instants they stand for."""

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    """Return the IANA zone of that name."""
    return ZoneInfo(name)


def is_known_zone(name: str) -> bool:
    """Return whether ``name`` is an IANA zone name (never an abbreviation such as CET)."""
    if name not in known_zones():
        return False
    try:
        zone(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@lru_cache(maxsize=1)
def known_zones() -> frozenset[str]:
    """Return the IANA zone names that are regions or cities ("Europe/Berlin"), plus UTC."""
    return frozenset(
        name for name in available_timezones() if "/" in name and not name.startswith("Etc/")
    ) | {"UTC"}


def to_utc(local: datetime, zone_name: str, fold: int = 0) -> datetime:
    """Return the instant of a wall-clock time in the zone, aware, in UTC.

    ``fold`` says which reading of a time that the clocks going back repeat is meant:
    0 the first, 1 the second (PEP 495). Times of a gap are refused before they are
    stored (see ``planner.services.wallclock``).
    """
    return local.replace(tzinfo=zone(zone_name), fold=fold).astimezone(UTC)
