"""Reading calendars back, with icalendar and with ical.js (Thunderbird's parser)."""

import json
import os
import subprocess
import tempfile
from datetime import UTC
from pathlib import Path

from icalendar import Calendar

ROOT = Path(__file__).resolve().parent.parent
ICAL_JS = Path(
    os.environ.get("ICAL_JS_PATH", ROOT / ".venv/node/node_modules/ical.js/dist/ical.js")
)
SCRIPT = ROOT / "tests" / "ical_instants.mjs"


def by_icalendar(body: bytes) -> dict[str, dict]:
    """Return each event's UTC instants and properties as the icalendar library reads them."""
    events = {}
    for event in Calendar.from_ical(body).walk("VEVENT"):
        events[str(event["UID"])] = {
            "start": event.decoded("DTSTART").astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "end": event.decoded("DTEND").astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "sequence": int(event.get("SEQUENCE", 0)),
            "status": str(event.get("STATUS")),
            "summary": str(event.get("SUMMARY")),
            "location": str(event["LOCATION"]) if "LOCATION" in event else None,
            "description": str(event["DESCRIPTION"]) if "DESCRIPTION" in event else None,
        }
    return events


def by_ical_js(body: bytes) -> dict[str, dict]:
    """Return the same, as Mozilla's ical.js reads them (run with node)."""
    return by_ical_js_each([body])[0]


def by_ical_js_each(bodies: list[bytes]) -> list[dict[str, dict]]:
    """Return what ical.js reads in each of several calendars, with one run of node."""
    paths = []
    try:
        for body in bodies:
            with tempfile.NamedTemporaryFile(suffix=".ics", delete=False) as handle:
                handle.write(body)
                paths.append(handle.name)
        output = subprocess.run(
            ["node", str(SCRIPT), str(ICAL_JS), *paths],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
    finally:
        for path in paths:
            os.unlink(path)
    result = json.loads(output)
    return [result[path] for path in paths]


def read_both(body: bytes) -> dict[str, dict]:
    """Read a calendar with both parsers, require them to agree, and return the reading."""
    first, second = by_icalendar(body), by_ical_js(body)
    assert first == second
    return first
