"""Benchmark: exporting a visit of 1,000 items, against icalendar alone (prints figures).

Run with `make bench` or `.venv/bin/python bench/ics.py`. Builds a throw-away SQLite
database, a visit of 1,000 items with 50 attendees each, issues it, then times:

- the download (METHOD:PUBLISH) as the app builds it from the issued version, and
- one invitation (METHOD:REQUEST, one recipient) with all 1,000 items,

each next to the time the icalendar library alone takes to build and serialise the same
events, and the ratio of the two. Nothing passes or fails on time.
"""

import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402 (after the path is set)
from icalendar import Alarm, Calendar, Event, vCalAddress, vText  # noqa: E402

from planner import create_app  # noqa: E402
from planner.enums import ItemKind, Side  # noqa: E402
from planner.extensions import db  # noqa: E402
from planner.models import AgendaItem, Organisation, Participation, Person, Visit  # noqa: E402
from planner.services.calendars import CalendarRequest, Recipient, build, serialise  # noqa: E402
from planner.services.feeds import source_for, visit_download  # noqa: E402
from planner.services.versions import (  # noqa: E402
    issue_version,
    latest_version,
    load_for_snapshot,
)

ITEMS, ATTENDEES, RUNS = 1000, 50, 7


def _median_ms(work) -> tuple[float, float]:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def _setup() -> int:
    host, guest = Organisation(name="Bochum"), Organisation(name="Wuppertal")
    visit = Visit(
        host_organisation=host,
        guest_organisations=[guest],
        title="Benchmark",
        first_day=datetime(2026, 3, 1).date(),
        last_day=datetime(2026, 3, 30).date(),
    )
    db.session.add(visit)
    start = datetime(2026, 3, 1, 8)
    for n in range(ITEMS):
        begin = start + timedelta(days=n // 40, minutes=15 * (n % 40))
        db.session.add(AgendaItem(visit=visit, kind=ItemKind.SESSION,
                                  title_de=f"Programmpunkt {n}",
                                  description_de=f"Gespräch über Smart-City-Projekte, Teil {n}",
                                  starts_at=begin, ends_at=begin + timedelta(minutes=15),
                                  uid=f"{uuid.uuid4()}@bench.example"))  # fmt: skip
    for n in range(ATTENDEES):
        person = Person(organisation=guest, last_name=f"Gast {n}", email=f"g{n}@bench.example")
        db.session.add(Participation(visit=visit, person=person, side=Side.GUEST))
    db.session.commit()
    issue_version(load_for_snapshot(visit.id), None, "Benchmark")
    db.session.commit()
    return visit.id


def _icalendar_alone(snapshot: dict, method: str) -> bytes:
    """The floor: the same events, with the same properties, built directly with icalendar."""
    tz = ZoneInfo("Europe/Berlin")
    calendar = Calendar()
    calendar.add("prodid", "-//bench//")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    stamp = datetime.now(UTC)
    for item in snapshot["items"]:
        event = Event()
        event.add("uid", item["uid"])
        event.add("sequence", item["sequence"])
        event.add("dtstamp", stamp)
        event.add("dtstart", datetime.fromisoformat(item["starts_at"]).replace(tzinfo=tz))
        event.add("dtend", datetime.fromisoformat(item["ends_at"]).replace(tzinfo=tz))
        event.add("summary", item["title_de"])
        event.add("description", item["description_de"])
        event.add("created", stamp)
        event.add("last-modified", stamp)
        event.add("url", "http://127.0.0.1:5000/visits/1")
        event.add("categories", ["Gesprächsrunde"])
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        if method == "REQUEST":
            event.add("organizer", vCalAddress("mailto:protokoll@bench.example"))
            attendee = vCalAddress("mailto:g0@bench.example")
            attendee.params["CN"] = vText("Gast 0")
            event.add("attendee", attendee, encode=0)
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", item["title_de"])
        alarm.add("trigger", timedelta(minutes=-15))
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()


def main() -> None:
    """Print the table of figures."""
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"DATABASE_URL": f"sqlite:///{folder}/bench.db", "SECRET_KEY": "bench",
                          "INSTANCE_PATH": folder})  # fmt: skip
        with app.app_context():
            upgrade()
            visit_id = _setup()
            visit = db.session.get(Visit, visit_id)
            # The builder itself: an issued version's calendar would come from storage.
            source = replace(source_for(visit, None, want_draft=False), version_id=None)
            # The floor builds the same events straight from the stored snapshot.
            frozen = latest_version(visit_id).snapshot

            def download():
                return visit_download(visit, None, source).body

            def invite():
                request = CalendarRequest(
                    visit=visit, agenda=source.agenda, issued_at=source.issued_at,
                    language="de", name=visit.title, method="REQUEST",
                    recipient=Recipient("g0@bench.example", "Gast 0"),
                )  # fmt: skip
                return serialise(build(request))

            rows = [
                ("download (PUBLISH)", _median_ms(download),
                 _median_ms(lambda: _icalendar_alone(frozen, "PUBLISH"))),
                ("invite (REQUEST)", _median_ms(invite),
                 _median_ms(lambda: _icalendar_alone(frozen, "REQUEST"))),
            ]  # fmt: skip
    print(f"ics export, {ITEMS} items, {ATTENDEES} attendees per item, median of {RUNS} runs")
    print(f"{'scenario':<22}{'app ms':>10}{'max ms':>10}{'icalendar ms':>15}{'ratio':>8}")
    for name, (app_ms, app_max), (floor_ms, _) in rows:
        print(
            f"{name:<22}{app_ms:>10.1f}{app_max:>10.1f}{floor_ms:>15.1f}{app_ms / floor_ms:>8.2f}"
        )


if __name__ == "__main__":
    main()
