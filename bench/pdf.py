"""Benchmark: rendering each printed document of a large visit as PDF (prints figures).

Run with `make bench` or `.venv/bin/python bench/pdf.py`: a visit of 60 items and 120
people on a throw-away SQLite database. Each document is built once in this process (the
first build: the run-sheet comes first, so its figure includes whatever a fresh worker
sets up on its first PDF) and then three more times (the repeat builds, median printed).
The first builds are printed as ratios to the budget of issue 16 (the 60-item run sheet
within 1 s), the repeat builds as ratios to a floor: WeasyPrint alone rendering the same
text as plain paragraphs, the cost of the words whatever the layout. Nothing passes
or fails on time.
"""

import io
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import machine  # noqa: E402 (after the path is set)
from flask import render_template  # noqa: E402
from flask_babel import force_locale  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from weasyprint import HTML  # noqa: E402

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
# Issue 16: the first build of the run sheet of 60 items within a second.
BUDGET_MS = 1000.0
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


def _build(app, visit_id: int, viewer_id: int, document: str) -> tuple[float, float, int, str]:
    """Build one document; return the ms for data and HTML and for the PDF, its pages, the HTML."""
    with app.test_request_context():
        visit, viewer = db.session.get(Visit, visit_id), db.session.get(User, viewer_id)
        started = time.perf_counter()
        data = load_print_data(visit, viewer, document, "de")
        with force_locale("de"):
            html = render_template(f"print/{document}.html", data=data, visit=visit)
        rendered = time.perf_counter()
        pdf = render_pdf(html)
        finished = time.perf_counter()
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    return (rendered - started) * 1000, (finished - rendered) * 1000, pages, html


def _floor_ms(html: str) -> float:
    """Time WeasyPrint alone on the document's text: plain paragraphs, one font, no rules."""
    body = html[html.index("<body") : html.index("</body>")]
    texts = [text.strip() for text in re.split(r"<[^>]*>", body) if text.strip()]
    plain = (
        '<!doctype html><html lang="de"><style>@page { size: A4; margin: 22mm 18mm 20mm }'
        ' html { font: 10.5pt/1.4 "DejaVu Sans", sans-serif } p { margin: 0 }</style>'
        + "".join(f"<p>{text}</p>" for text in texts)
    )
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        HTML(string=plain).write_pdf()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    """Print the table of figures."""
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"DATABASE_URL": f"sqlite:///{folder}/bench.db", "SECRET_KEY": "bench",
                          "INSTANCE_PATH": folder})  # fmt: skip
        with app.app_context():
            upgrade()
            visit_id, viewer_id = _setup()
            print(f"\nPDF rendering, visit of 60 items and 120 people, on {machine()}")
            print("first: the first build in this process (data, HTML and PDF); repeat: median")
            print("of 3 more; html: data and template alone; floor: WeasyPrint alone on the same")
            print("text as plain paragraphs; budget: 1 s for the first build of the run sheet")
            header = (
                f"{'document':<14}{'pages':>6}{'first ms':>10}{'repeat ms':>11}{'html ms':>9}"
                f"{'floor ms':>10}{'first/budget':>14}{'repeat/floor':>14}"
            )
            print(header)
            print("-" * len(header))
            # The run sheet first: its first build is a fresh worker's first PDF.
            for document in sorted(DOCUMENTS, key=lambda name: name != "run-sheet"):
                html_ms, first_ms, pages, html = _build(app, visit_id, viewer_id, document)
                first_ms += html_ms
                repeats = [_build(app, visit_id, viewer_id, document) for _ in range(RUNS)]
                html_ms = statistics.median(repeat[0] for repeat in repeats)
                repeat_ms = statistics.median(repeat[0] + repeat[1] for repeat in repeats)
                floor_ms = _floor_ms(html)
                print(
                    f"{document:<14}{pages:>6}{first_ms:>10.0f}{repeat_ms:>11.0f}{html_ms:>9.0f}"
                    f"{floor_ms:>10.0f}{first_ms / BUDGET_MS:>14.2f}{repeat_ms / floor_ms:>14.2f}"
                )


if __name__ == "__main__":
    main()
