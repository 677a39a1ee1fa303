"""The benchmark table: each scenario on SQLite and PostgreSQL against the framework floor.

Run with `make bench`. Prints one table: scenario, database, median and p95 ms, the
floor's median and the ratio. The floor of a page is a bare Flask + SQLAlchemy page
listing 100 rows of the same database; the floor of a calendar is icalendar alone
building the same events. Figures only: nothing passes or fails on time.
"""

import os
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from common import database, kinds, machine, timed
from flask import Flask, render_template_string
from flask_migrate import upgrade
from ics import _icalendar_alone
from sqlalchemy import create_engine, event, select, text
from werkzeug.security import generate_password_hash

from planner import create_app
from planner.enums import Role
from planner.extensions import db
from planner.models import AgendaItem, FeedToken, Organisation, Participation, User, Visit
from planner.services.benchdata import generate
from planner.services.versions import issue_version, latest_version, load_for_snapshot

RUNS = 20
# The visits stored besides the 102 measured first (100,000 in all); fewer for a quick try.
STORED_VISITS = int(os.environ.get("BENCH_STORED_VISITS", "99898"))
# Issue 16's budgets, as ratios to the floor of the same run: the 100-row list for pages,
# a hello-world answer for feeds and stored files (first builds are told in ms).
BUDGETS = {
    "agenda page, 200 items": 3,
    "matrix, one day, 50 people": 5,
    "dashboard, 100,000 visits": 3,
    "personal feed, full answer (repeat)": 2,
    "personal feed, 304": 1.5,
    "run-sheet PDF, issued, repeat": 2,
}
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

    @app.get("/hello")
    def hello():
        # The floor of answers that need no page: a stored file, a 304.
        return "Hello, World!"

    return app


class QueryCounter:
    """Count the SQL statements the app's engine runs while the block runs."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.count = 0

    def _count(self, *_args) -> None:
        self.count += 1

    def __enter__(self) -> "QueryCounter":
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._count)


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

        def page(name: str, path: str, floor_value: float = floor_ms, runs: int = RUNS) -> None:
            median, p95 = timed(lambda: client.get(path), runs)
            rows.append((name, kind, median, p95, floor_value))

        hello_ms = timed(lambda: floor.get("/hello"), RUNS)[0]
        agenda = db.session.get(Visit, agenda_id)
        page("agenda page, 200 items, 500 people", f"/visits/{agenda_id}")
        page(
            "matrix, one day, 50 people",
            f"/visits/{agenda_id}/attendance?day={agenda.first_day.isoformat()}&page=1",
        )
        page("attendee list, same visit, page 1", f"/visits/{agenda_id}/attendees")
        page("dashboard, 102 visits", "/")
        moves = iter(range(10_000))

        def move_item() -> None:
            # A write to the big visit: its warnings and pending changes are recomputed
            # and stored before the commit (planner.services.planning_state).
            item = db.session.scalar(
                select(AgendaItem).where(AgendaItem.visit_id == agenda_id).order_by(AgendaItem.id)
            )
            shift = timedelta(minutes=5 if next(moves) % 2 else -5)
            item.starts_at, item.ends_at = item.starts_at + shift, item.ends_at + shift
            db.session.commit()

        median, p95 = timed(move_item, RUNS)
        rows.append(("move an item of that visit (write)", kind, median, p95, floor_ms))
        page("visit list first page, 102 visits", "/visits")
        page("visit search, 102 visits", "/visits?q=besuch+5")

        ics_floor = _icalendar_floor(ics_id)
        ics_path = f"/visits/{ics_id}/agenda.ics"
        started = time.perf_counter()
        client.get(ics_path)
        first_ms = (time.perf_counter() - started) * 1000
        rows.append((".ics, 1,000 items x 50 attendees, first", kind, first_ms, first_ms,
                     ics_floor))  # fmt: skip
        page(".ics, 1,000 items x 50 attendees, repeat", ics_path, ics_floor)

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
        feed_path = "/feeds/bench-feed-token.ics"
        started = time.perf_counter()
        first = anonymous.get(feed_path)
        first_ms = (time.perf_counter() - started) * 1000
        etag = first.headers["ETag"]
        rows.append(("personal feed, first answer", kind, first_ms, first_ms, hello_ms))
        median, p95 = timed(lambda: anonymous.get(feed_path), RUNS)
        rows.append(("personal feed, full answer (repeat)", kind, median, p95, hello_ms))
        not_modified = {"If-None-Match": etag}
        median, p95 = timed(lambda: anonymous.get(feed_path, headers=not_modified), RUNS)
        with QueryCounter(db.engine) as counter:
            status = anonymous.get(feed_path, headers=not_modified).status_code
        rows.append((f"personal feed, {status} ({counter.count} queries)", kind, median, p95,
                     hello_ms))  # fmt: skip

        # The issued version's run sheet: nobody has asked for it yet, so the first
        # request builds and stores it; the repeats are served from storage.
        issued_pdf = f"/visits/{pdf_id}/versions/1/print/run-sheet.pdf"
        started = time.perf_counter()
        client.get(issued_pdf)
        first_ms = (time.perf_counter() - started) * 1000
        rows.append(("run-sheet PDF, issued, first build", kind, first_ms, first_ms, hello_ms))
        page("run-sheet PDF, issued, repeat download", issued_pdf, hello_ms)
        # A draft that differs from the issued version is printed afresh every time.
        item = db.session.scalar(
            select(AgendaItem).where(AgendaItem.visit_id == pdf_id).order_by(AgendaItem.id)
        )
        item.title_de = "Geänderter Programmpunkt"
        db.session.commit()
        median, p95 = timed(lambda: client.get(f"/visits/{pdf_id}/print/run-sheet.pdf"), 3)
        rows.append(("run-sheet PDF, 60 items, draft", kind, median, p95, hello_ms))

        # Stored, not upcoming: the first page shows the same visits as before, so the
        # figures show what 100,000 stored visits cost, not a busier fortnight.
        long_ago = date.today() - timedelta(days=STORED_VISITS // 3 + 60)  # noqa: DTZ011
        generate(STORED_VISITS, 2, 2000, first_day=long_ago)
        db.session.commit()
        page("dashboard, 100,000 visits, big visit upcoming", "/")
        page("visit list first page, 100,000 visits", "/visits")
        page("visit search, 100,000 visits", "/visits?q=besuch+5")
        # "besuch 5" matches every other title; a city's name matches a few: the case
        # the trigram index serves (PostgreSQL).
        page("visit search, one title of 100,000", f"/visits?q={agenda_id + 54_321}")
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
        f"{'scenario':<48}{'database':<12}{'median ms':>10}{'p95 ms':>9}"
        f"{'floor ms':>10}{'ratio':>7}{'budget':>8}"
    )
    print(header)
    print("-" * len(header))
    for name, kind, median, p95, floor in rows:
        budget = next((f"{limit:g}x" for start, limit in BUDGETS.items() if name.startswith(start)),
                      "")  # fmt: skip
        print(f"{name:<48}{kind:<12}{median:>10.1f}{p95:>9.1f}{floor:>10.1f}"
              f"{median / floor:>7.1f}{budget:>8}")  # fmt: skip


if __name__ == "__main__":
    main()
