"""Under load: gunicorn with 4 workers, a load client, and 8 concurrent writers.

Run with `make bench`. For each database: requests per second and p99 of the agenda
page, a feed and the floor page under the same load for a bounded time, the peak
memory of a worker; then 8 clients add and edit items of one visit at once and the
figures say how many answers were 5xx, how many acknowledged writes are missing
afterwards, and how many edits were refused as conflicts (optimistic locking).
"""

import http.client
import os
import random
import re
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from common import ROOT, database, kinds, machine
from flask_migrate import upgrade
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from planner import create_app
from planner.enums import Role
from planner.extensions import db
from planner.models import AgendaItem, FeedToken, Organisation, Participation, User
from planner.services.benchdata import generate
from planner.services.versions import issue_version, load_for_snapshot

SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "8"))
CLIENTS = 8
PASSWORD = "benchmark-passwort"  # noqa: S105 (a throw-away login of a throw-away database)
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """A tiny HTTP client with a cookie, enough to log in and post forms."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookie = ""

    def request(self, method: str, path: str, form: dict | None = None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        body = urlencode(form) if form is not None else None
        sent = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        sent.update(headers or {})
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        data = response.read()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        connection.close()
        return (
            response.status,
            response.getheader("Location") or "",
            data.decode("utf-8", "replace"),
        )

    def token(self, path: str) -> tuple[str, str]:
        _, _, page = self.request("GET", path)
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        return (match[1] if match else ""), page

    def login(self, email: str) -> None:
        csrf, _ = self.token("/login")
        status, _, _ = self.request("POST", "/login", {"csrf_token": csrf, "email": email,
                                                        "password": PASSWORD})  # fmt: skip
        if status != 302:
            raise RuntimeError(f"login failed: {status}")


def _server(app_spec: str, port: int, env: dict, cwd: Path) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
        [GUNICORN, "-w", "4", "-b", f"127.0.0.1:{port}", "--log-level", "warning", app_spec],
        cwd=cwd, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(process.stderr.read().decode()[-2000:])


def _workers_peak_kb(master: int) -> int:
    children = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout  # noqa: S603, S607
    peak = 0
    for pid in children.split():
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            pass
    return peak


def _load(port: int, path: str, email: str | None, headers=None) -> tuple[float, float, int]:
    """Send requests from CLIENTS threads for SECONDS; return rps, p99 ms and errors."""
    latencies: list[float] = []
    errors = [0]
    stop = time.monotonic() + SECONDS

    def client() -> None:
        browser = Browser(port)
        if email:
            browser.login(email)
        while time.monotonic() < stop:
            started = time.perf_counter()
            status, _, _ = browser.request("GET", path, headers=headers)
            latencies.append((time.perf_counter() - started) * 1000)
            if status >= 500:
                errors[0] += 1

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    p99 = latencies[int(0.99 * (len(latencies) - 1))] if latencies else 0.0
    return len(latencies) / SECONDS, p99, errors[0]


def _writers(port: int, visit_id: int, email: str) -> dict:
    """Eight clients add and edit items of one visit at once."""
    added: dict[int, str] = {}
    edits: dict[int, list[str]] = {}
    counts = {"5xx": 0, "conflicts": 0, "adds": 0, "edits": 0}
    lock = threading.Lock()
    stop = time.monotonic() + SECONDS

    def client(number: int) -> None:
        browser = Browser(port)
        browser.login(email)
        sequence = 0
        while time.monotonic() < stop:
            sequence += 1
            with lock:
                known = list(added)
            if known and random.random() < 0.5:  # noqa: S311 (load pattern, not security)
                item_id = random.choice(known)  # noqa: S311
                csrf, page = browser.token(f"/visits/{visit_id}/items/{item_id}/edit")
                version = re.search(r'name="lock_version" type="hidden" value="(\d+)"', page)
                time.sleep(random.random() / 20)  # noqa: S311 (let others interleave)
                title = f"Bearbeitet {number}-{sequence}"
                status, location, body = browser.request(
                    "POST", f"/visits/{visit_id}/items/{item_id}/edit",
                    {"csrf_token": csrf, "title_de": title, "kind": "session", "day": "2030-05-06",
                     "start": "10:00", "end": "10:30", "setup_minutes": "0",
                     "teardown_minutes": "0", "room": "0", "responsible": "0",
                     "status": "confirmed", "lock_version": version[1] if version else "0",
                     "confirm_conflicts": "1"},
                )  # fmt: skip
                with lock:
                    if status >= 500:
                        counts["5xx"] += 1
                    elif status == 302:
                        edits.setdefault(item_id, []).append(title)
                        counts["edits"] += 1
                    elif "Jemand anderes" in body:
                        counts["conflicts"] += 1
            else:
                csrf, _ = browser.token(f"/visits/{visit_id}/items/new")
                title = f"Neu {number}-{sequence}"
                status, location, _ = browser.request(
                    "POST", f"/visits/{visit_id}/items/new",
                    {"csrf_token": csrf, "title_de": title, "kind": "session", "day": "2030-05-06",
                     "start": "10:00", "end": "10:30", "setup_minutes": "0",
                     "teardown_minutes": "0", "room": "0", "responsible": "0",
                     "status": "confirmed", "confirm_conflicts": "1"},
                )  # fmt: skip
                with lock:
                    if status >= 500:
                        counts["5xx"] += 1
                    elif status == 302 and "#item-" in location:
                        added[int(location.rsplit("#item-", 1)[1])] = title
                        counts["adds"] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    items = {item.id: item for item in db.session.scalars(
        select(AgendaItem).where(AgendaItem.id.in_(list(added)))
    )}  # fmt: skip
    lost = sum(
        _lost(items.get(item_id), title, edits.get(item_id, [])) for item_id, title in added.items()
    )
    return {**counts, "lost": lost}


def _lost(item: AgendaItem | None, title: str, acknowledged: list[str]) -> bool:
    """Return whether an acknowledged write is missing from an item."""
    if item is None:
        return True
    if not acknowledged:
        return item.title_de != title
    # Each acknowledged edit raised the version once; the last one shows.
    return item.title_de not in acknowledged or item.lock_version != len(acknowledged) + 1


def run(kind: str, url: str, folder: Path) -> list[str]:
    """Measure one database; return the lines of its report."""
    instance = folder / f"instance-{kind}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_PATH": str(instance)})
    with app.app_context():
        upgrade()
        visit_id = generate(1, 200, 500, participants_per_visit=500)[0]
        write_visit = generate(1, 0, 10, first_day=None)[0]
        host = db.session.scalar(select(Organisation).where(Organisation.name == "Bochum"))
        user = User(organisation=host, email="load@bochum.example", name="Last",
                    password_hash=generate_password_hash(PASSWORD, "pbkdf2:sha256:1000"),
                    role=Role.PLANNER)  # fmt: skip
        db.session.add(user)
        db.session.commit()
        issue_version(load_for_snapshot(visit_id), None, "Last")
        person = db.session.scalar(select(Participation.person_id).where(
            Participation.visit_id == visit_id))  # fmt: skip
        db.session.add(FeedToken(token="load-feed", kind="person", visit_id=visit_id,  # noqa: S106
                                 person_id=person, user=user))  # fmt: skip
        db.session.commit()
        env = {"PLANNER_DATABASE_URL": url, "PLANNER_SECRET_KEY": "bench",
               "PLANNER_INSTANCE_PATH": str(instance),
               "PLANNER_LOGIN_LIMIT_PER_ACCOUNT": "100000 per minute",
               "PLANNER_LOGIN_LIMIT_PER_ADDRESS": "100000 per minute",
               "FLOOR_DATABASE_URL": url}  # fmt: skip
        port, floor_port = _free_port(), _free_port()
        server = _server("planner:create_app()", port, env, ROOT)
        floor = _server("floor:app", floor_port, env, ROOT / "bench")
        lines = []
        try:
            floor_rps, floor_p99, _ = _load(floor_port, "/", None)
            for name, path, email in (
                ("agenda page", f"/visits/{visit_id}", user.email),
                ("personal feed", "/feeds/load-feed.ics", None),
            ):
                rps, p99, errors = _load(port, path, email)
                lines.append(f"{name:<16}{kind:<12}{rps:>8.1f}{p99:>10.1f}{floor_rps:>11.1f}"
                             f"{floor_p99:>11.1f}{errors:>7}")  # fmt: skip
            peak = _workers_peak_kb(server.pid)
            lines.append(f"  peak memory of a worker ({kind}): {peak / 1024:.0f} MB")
            result = _writers(port, write_visit, user.email)
            lines.append(
                f"  concurrent writers ({kind}, {CLIENTS} clients, {SECONDS:g} s): "
                f"{result['adds']} adds, {result['edits']} edits acknowledged, "
                f"{result['conflicts']} edits refused as conflicts, "
                f"{result['5xx']} answers 5xx, {result['lost']} lost writes"
            )
        finally:
            for process in (server, floor):
                process.terminate()
                process.wait(timeout=30)
        db.engine.dispose()
    return lines


def main() -> None:
    """Print the report."""
    lines = []
    with tempfile.TemporaryDirectory() as folder:
        for kind in kinds():
            with database(kind, Path(folder)) as url:
                lines.extend(run(kind, url, Path(folder)))
    print(f"\nUnder load on {machine()}: gunicorn, 4 workers, {CLIENTS} clients, {SECONDS:g} s")
    print(f"{'scenario':<16}{'database':<12}{'req/s':>8}{'p99 ms':>10}{'floor r/s':>11}"
          f"{'floor p99':>11}{'5xx':>7}")  # fmt: skip
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
