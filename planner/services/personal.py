"""An invited person's own page, reached without a login through their answer link.

Besides their programme and answers (``planner.services.answers``), the page keeps the
person's own needs and how they travel. Dietary and accessibility needs are health
data: they are kept only with the person's consent, given on the page with its time
(``Person.health_consent_at``, next to the needs it covers: a person's needs serve every
visit they take part in); withdrawing the consent deletes them with it.

The page's link ends with the visit: ``RSVP_LINK_DAYS_AFTER_VISIT`` days after its last
day, nobody needs it any more, so it opens nothing. A calendar subscription gets an
address of its own that opens the person's programme only, never the page: calendar
programs keep their addresses on servers, and the page holds health data.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from planner.enums import TravelMeans
from planner.extensions import db
from planner.models import Participation, Person, Visit
from planner.models.types import utcnow
from planner.services.answers import OwnItem
from planner.services.locking import check_version, flush_or_conflict

FEED_SALT = "person-feed"
# What a travel's free texts may hold (the columns' sizes).
REFERENCE_CHARS = 20
NOTE_CHARS = 500
NEEDS_CHARS = 2000
# Arrival and departure are asked for around the visit, not at any time.
TRAVEL_DAYS_AROUND_VISIT = 14


class MissingConsent(ValueError):
    """Dietary or accessibility needs came without the consent to keep them."""


def link_expired(visit: Visit, today: date | None = None) -> bool:
    """Return whether the visit ended more than ``RSVP_LINK_DAYS_AFTER_VISIT`` days ago."""
    days = int(current_app.config["RSVP_LINK_DAYS_AFTER_VISIT"])
    today = today or datetime.now(ZoneInfo(visit.timezone)).date()
    return today > visit.last_day + timedelta(days=days)


def _feed_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=FEED_SALT)


def feed_token(participation: Participation) -> str:
    """Return the token of the person's subscription: stable, so a calendar keeps it."""
    return _feed_serializer().dumps({"n": participation.rsvp_nonce})


def feed_addresses(participation: Participation) -> tuple[str, str]:
    """Return the person's feed as an https address and its webcal:// form."""
    base = current_app.config["BASE_URL"].rstrip("/")
    url = f"{base}/rsvp/feeds/{feed_token(participation)}.ics"
    return url, "webcal://" + url.split("://", 1)[1]


def read_feed_token(token: str) -> Participation | None:
    """Return the participation a feed token stands for while its link lives, else None."""
    if len(token) > 200:
        return None
    try:
        data = _feed_serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("n"), str):
        return None
    participation = db.session.scalar(
        select(Participation).where(Participation.rsvp_nonce == data["n"])
    )
    if participation is None or link_expired(participation.visit):
        return None
    return participation


def other_zone(participation: Participation, visit_zone: str) -> str | None:
    """Return the zone of the person's organisation where it is not the visit's, else None."""
    home = participation.person.organisation.timezone
    return home if home and home != visit_zone else None


def in_zone(moment: datetime, zone_name: str) -> datetime:
    """Return an aware instant as the wall-clock time of a zone (naive, as pages print)."""
    return moment.astimezone(ZoneInfo(zone_name)).replace(tzinfo=None)


def times_in(items: list[OwnItem], zone_name: str | None) -> dict[str, tuple[datetime, datetime]]:
    """Return each item's start and end in another zone by UID; nothing without one."""
    if zone_name is None:
        return {}
    return {item.uid: (in_zone(item.starts_utc, zone_name), in_zone(item.ends_utc, zone_name))
            for item in items}  # fmt: skip


@dataclass(frozen=True)
class Travel:
    """One way of a journey: how, when (wall clock of the visit's zone), which train or
    flight, and a note."""

    means: str = ""
    at: datetime | None = None
    reference: str = ""
    note: str = ""

    @property
    def given(self) -> bool:
        """Return whether anything is known of it."""
        return bool(self.means or self.at or self.reference or self.note)


@dataclass(frozen=True)
class Needs:
    """What a person says on their page about their needs and their journey."""

    dietary_needs: str
    accessibility_needs: str
    health_consent: bool
    needs_escort: bool
    needs_parking: bool
    arrival: Travel
    departure: Travel

    @property
    def has_health_data(self) -> bool:
        """Return whether dietary or accessibility needs were given."""
        return bool(self.dietary_needs.strip() or self.accessibility_needs.strip())


def travel_of(participation: Participation, leg: str) -> Travel:
    """Return the participant's arrival or departure (``leg``) as stored."""
    return Travel(
        means=getattr(participation, f"{leg}_means"),
        at=getattr(participation, f"{leg}_at"),
        reference=getattr(participation, f"{leg}_reference"),
        note=getattr(participation, f"{leg}_note"),
    )


TRAVEL_FIELDS = frozenset(
    f"{leg}_{part}"
    for leg in ("arrival", "departure")
    for part in ("means", "at", "reference", "note")
)


def clear_travel(participation: Participation) -> None:
    """Forget how the participant travels (anonymisation)."""
    for leg in ("arrival", "departure"):
        _set_travel(participation, leg, Travel())


def travel_window(visit: Visit) -> tuple[date, date]:
    """Return the first and last day an arrival or departure may be on."""
    margin = timedelta(days=TRAVEL_DAYS_AROUND_VISIT)
    return visit.first_day - margin, visit.last_day + margin


def _set_travel(participation: Participation, leg: str, travel: Travel) -> None:
    means = travel.means if travel.means in set(TravelMeans) else ""
    setattr(participation, f"{leg}_means", means)
    setattr(participation, f"{leg}_at", travel.at)
    setattr(participation, f"{leg}_reference", travel.reference[:REFERENCE_CHARS])
    setattr(participation, f"{leg}_note", travel.note[:NOTE_CHARS])


def save_needs(
    participation: Participation,
    needs: Needs,
    expected_participation: int | None,
    expected_person: int | None,
) -> None:
    """Store what the person said about their needs and journey; the caller commits.

    Refused (``EditConflict``) when the participation or the person changed since the
    form was opened, in another tab or by a planner; refused (``MissingConsent``) when
    health data comes without the consent to keep it. Unticking the consent with empty
    needs withdraws it.
    """
    person: Person = participation.person
    check_version(participation, expected_participation)
    check_version(person, expected_person)
    if needs.has_health_data and not needs.health_consent:
        raise MissingConsent
    person.dietary_needs = needs.dietary_needs[:NEEDS_CHARS]
    person.accessibility_needs = needs.accessibility_needs[:NEEDS_CHARS]
    if not needs.health_consent:
        person.health_consent_at = None
    elif person.health_consent_at is None:
        person.health_consent_at = utcnow()
    person.needs_escort = needs.needs_escort
    person.needs_parking = needs.needs_parking
    _set_travel(participation, "arrival", needs.arrival)
    _set_travel(participation, "departure", needs.departure)
    flush_or_conflict(participation, person)


def withdraw_health_consent(person: Person) -> None:
    """Withdraw the consent and delete the health data it covered; the caller commits."""
    person.dietary_needs = ""
    person.accessibility_needs = ""
    person.health_consent_at = None
