"""The benchmark table: each scenario on SQLite and PostgreSQL against the framework floor.

Run with `make bench`. Prints one table: scenario, database, median and p95 ms, the
floor's median and the ratio. The floor of a page is a bare Flask + SQLAlchemy page
listing 100 rows of the same database; the floor of a calendar is icalendar alone
building the same events. Figures only: nothing passes or fails on time.
"""

import tempfile
from datetime import date, timedelta
from pathlib import Path

from common import database, kinds, machine, timed
from flask import Flask, render_template_string
from flask_migrate import upgrade
from ics import _icalendar_alone
from sqlalchemy import create_engine, select, text
from werkzeug.security import generate_password_hash

from planner import create_app
from planner.enums import Role
from planner.extensions import db
from planner.models import FeedToken, Organisation, Participation, User
from planner.services.benchdata import generate
from planner.services.versions import issue_version, latest_version, load_for_snapshot

RUNS = 20
PASSWORD = "benchmark-passwort"  # noqa: S105 (a throw-away login of a throw-away database)
FLOOR_PAGE = """<!doctype html><html lang="de"><head><title>Floor</title></head><body>
<table>{% for row in rows %}<tr><td>{{ row.id }}</td><td>{{ row.title }}</td>
<td>{{ row.first_day }}</td></tr>{% endfor %}</table></body></html>"""


def floor_app(url: str) -> Flask:
    """A bare Flask + SQLAlchemy page listing 100 rows."""
    app = Flask("floor")
    engine = create_engine(url)

    @app.get("/")
    def rows():
        with engine.connect() as connection:
            result = connection.execute(
                text("SELECT id, title, first_day FROM visit ORDER BY id LIMIT 100")
            ).all()
        return render_template_string(FLOOR_PAGE, rows=result)

    return app


def _issue(visit_id: int) -> None:
    issue_version(load_for_snapshot(visit_id), None, "Benchmark")
    db.session.commit()


def measure(kind: str, url: str, folder: Path) -> list[tuple]:
    """Run every scenario on one database; return the table's rows."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_PATH": str(folder),
                      "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                      "LOGIN_LIMIT_PER_ACCOUNT": "1000 per minute"})  # fmt: skip
    rows = []
    with app.app_context():
        upgrade()
        floor = floor_app(url).test_client()
        floor_ms = timed(lambda: floor.get("/"), RUNS)[0]

        host = db.session.scalar(select(Organisation).where(Organisation.name == "Bochum"))
        agenda_id = generate(1, 200, 500, participants_per_visit=500)[0]
        generate(99, 5, 200)
        host = db.session.scalar(select(Organisation).where(Organisation.name == "Bochum"))
        user = User(organisation=host, email="bench@bochum.example", name="Bench",
                    password_hash=generate_password_hash(PASSWORD, "pbkdf2:sha256:1000"),
                    role=Role.PLANNER)  # fmt: skip
        db.session.add(user)
        db.session.commit()
        _issue(agenda_id)
        # Every visit is stored before the first figure, so that the figures with about
        # 100 and with 100,000 visits show the same upcoming visits on their first page.
        ics_id = generate(1, 1000, 50, participants_per_visit=50)[0]
        db.session.commit()
        _issue(ics_id)
        pdf_id = generate(1, 60, 120, participants_per_visit=120)[0]
        db.session.commit()
        _issue(pdf_id)
        client = app.test_client()
        client.post("/login", data={"email": user.email, "password": PASSWORD})

        def page(name: str, path: str, floor_value: float = floor_ms) -> None:
            median, p95 = timed(lambda: client.get(path), RUNS)
            rows.append((name, kind, median, p95, floor_value))

        page("agenda page, 200 items, 500 people", f"/visits/{agenda_id}")
        page("participation matrix, same visit", f"/visits/{agenda_id}/attendance")
        page("attendee list, same visit, page 1", f"/visits/{agenda_id}/attendees")
        page("dashboard, 102 visits", "/")
        page("visit list first page, 102 visits", "/visits")
        page("visit search, 102 visits", "/visits?q=besuch+5")

        ics_floor = _icalendar_floor(ics_id)
        page(".ics, 1,000 items x 50 attendees", f"/visits/{ics_id}/agenda.ics", ics_floor)

        person_id = db.session.scalar(
            select(Participation.person_id).where(Participation.visit_id == agenda_id)
        )
        feed = FeedToken(
            token="bench-feed-token",  # noqa: S106 (a throw-away token of a throw-away database)
            kind="person",
            visit_id=agenda_id,
            person_id=person_id,
            user=user,
        )
        db.session.add(feed)
        db.session.commit()
        anonymous = app.test_client()
        first = anonymous.get("/feeds/bench-feed-token.ics")
        etag = first.headers["ETag"]
        median, p95 = timed(lambda: anonymous.get("/feeds/bench-feed-token.ics"), RUNS)
        rows.append(("personal feed, full answer", kind, median, p95, floor_ms))
        median, p95 = timed(
            lambda: anonymous.get("/feeds/bench-feed-token.ics", headers={"If-None-Match": etag}),
            RUNS,
        )
        rows.append(("personal feed, 304 answer", kind, median, p95, floor_ms))

        median, p95 = timed(lambda: client.get(f"/visits/{pdf_id}/print/run-sheet.pdf"), 3)
        rows.append(("run-sheet PDF, 60 items", kind, median, p95, floor_ms))

        # Stored, not upcoming: the first page shows the same visits as before, so the
        # figures show what 100,000 stored visits cost, not a busier fortnight.
        long_ago = date.today() - timedelta(days=99_900 // 3 + 60)  # noqa: DTZ011
        generate(99_898, 2, 2000, first_day=long_ago)
        db.session.commit()
        page("dashboard, 100,000 visits", "/")
        page("visit list first page, 100,000 visits", "/visits")
        page("visit search, 100,000 visits", "/visits?q=besuch+5")
    return rows


def _icalendar_floor(visit_id: int) -> float:
    snapshot = latest_version(visit_id).snapshot
    return timed(lambda: _icalendar_alone(snapshot, "PUBLISH"), 5)[0]


def main() -> None:
    """Print the table."""
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for kind in kinds():
            with database(kind, Path(folder)) as url:
                rows.extend(measure(kind, url, Path(folder)))
    print(f"\nBenchmarks on {machine()}")
    header = (
        f"{'scenario':<40}{'database':<12}{'median ms':>10}{'p95 ms':>9}"
        f"{'floor ms':>10}{'ratio':>7}"
    )
    print(header)
    print("-" * len(header))
    for name, kind, median, p95, floor in rows:
        print(f"{name:<40}{kind:<12}{median:>10.1f}{p95:>9.1f}{floor:>10.1f}{median / floor:>7.1f}")


if __name__ == "__main__":
    main()
