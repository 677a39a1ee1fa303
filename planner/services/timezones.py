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


def to_utc(local: datetime, zone_name: str) -> datetime:
    """Return the instant of a wall-clock time in the zone, aware, in UTC.

    A time that a daylight-saving change skips or repeats resolves as ``fold=0`` does:
    the earlier of the two readings.
    """
    return local.replace(tzinfo=zone(zone_name)).astimezone(UTC)
