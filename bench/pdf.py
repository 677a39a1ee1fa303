"""Benchmark: rendering each printed document of a large visit as PDF (prints figures).

Run with `make bench` or `.venv/bin/python bench/pdf.py`: a visit of 60 items and 120
people on a throw-away SQLite database; each document is rendered three times and the
median printed. Nothing passes or fails on time.
"""

import io
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import render_template  # noqa: E402 (after the path is set)
from flask_babel import force_locale  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from planner import create_app  # noqa: E402
from planner.enums import ItemKind, Role, Side  # noqa: E402
from planner.extensions import db  # noqa: E402
from planner.models import (  # noqa: E402
    AgendaItem,
    Organisation,
    Participation,
    Person,
    Room,
    User,
    Venue,
    Visit,
)
from planner.services.pdf import render_pdf  # noqa: E402
from planner.services.printing import DOCUMENTS, load_print_data  # noqa: E402
from planner.services.versions import issue_version, load_for_snapshot  # noqa: E402

RUNS = 3
DESCRIPTION = "Austausch über Projekte der Stadtverwaltung. " * 3


def _setup() -> tuple[int, int]:
    host, guest = Organisation(name="Bochum"), Organisation(name="Wuppertal")
    venue = Venue(organisation=host, name="Rathaus")
    rooms = [Room(venue=venue, name=f"Saal {n}", capacity=200) for n in range(3)]
    start = datetime(2026, 3, 2)
    visit = Visit(host_organisation=host, guest_organisations=[guest], title="Großer Besuch",
                  first_day=start.date(), last_day=(start + timedelta(days=2)).date())  # fmt: skip
    db.session.add(visit)
    for n in range(60):
        begin = start + timedelta(days=n // 20, hours=8, minutes=30 * (n % 20))
        db.session.add(AgendaItem(visit=visit, kind=ItemKind.SESSION,
                                  title_de=f"Programmpunkt {n}",
                                  description_de=DESCRIPTION,
                                  internal_notes="Technik prüfen", room=rooms[n % 3],
                                  starts_at=begin, ends_at=begin + timedelta(minutes=25),
                                  uid=f"pdf-{n}@bench.example"))  # fmt: skip
    for n in range(120):
        organisation = guest if n % 2 else host
        person = Person(organisation=organisation, first_name="Vorname", last_name=f"Name {n}",
                        function="Referent", phone="+49 234 555 0100")  # fmt: skip
        db.session.add(Participation(visit=visit, person=person,
                                     side=Side.GUEST if n % 2 else Side.HOST))  # fmt: skip
    viewer = User(organisation=host, email="bench@bochum.example", name="Bench",
                  password_hash="!", role=Role.VIEWER)  # noqa: S106 (no login: "!" matches no password)  # fmt: skip
    db.session.add(viewer)
    db.session.commit()
    issue_version(load_for_snapshot(visit.id), None, "Benchmark")
    db.session.commit()
    return visit.id, viewer.id


def main() -> None:
    """Print the table of figures."""
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"DATABASE_URL": f"sqlite:///{folder}/bench.db", "SECRET_KEY": "bench",
                          "INSTANCE_PATH": folder})  # fmt: skip
        with app.app_context():
            upgrade()
            visit_id, viewer_id = _setup()
            print("PDF rendering, visit of 60 items and 120 people, median of 3 runs")
            print(f"{'document':<14}{'pages':>7}{'median ms':>12}{'max ms':>10}")
            for document in DOCUMENTS:
                times, pages = [], 0
                for _ in range(RUNS):
                    with app.test_request_context():
                        visit, viewer = (
                            db.session.get(Visit, visit_id),
                            db.session.get(User, viewer_id),
                        )
                        started = time.perf_counter()
                        data = load_print_data(visit, viewer, document, "de")
                        with force_locale("de"):
                            html = render_template(f"print/{document}.html", data=data, visit=visit)
                        pdf = render_pdf(html)
                        times.append((time.perf_counter() - started) * 1000)
                        pages = len(PdfReader(io.BytesIO(pdf)).pages)
                print(
                    f"{document:<14}{pages:>7}{statistics.median(times):>12.0f}{max(times):>10.0f}"
                )


if __name__ == "__main__":
    main()
