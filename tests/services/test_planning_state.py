"""Planning state kept on write: stored warnings and pending changes agree with a fresh check."""

import random
import threading
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from planner.enums import ItemStatus, Side, VisitStatus
from planner.extensions import db
from planner.models import AgendaItem, Participation, PlannedConflict, Room, TrashEntry, Visit
from planner.services.acknowledgements import acknowledge, conflict_reports
from planner.services.conflicts import find_conflicts
from planner.services.planning_state import (
    open_clash_counts,
    stored_conflicts,
    stored_planning,
    stored_report,
)
from planner.services.trash import restore, trash_item
from planner.services.versions import (
    draft_differs,
    issue_version,
    latest_version,
    load_for_snapshot,
    pending_changes,
)
from tests import factories

DAY = date(2023, 2, 23)


def _facts(conflicts) -> list[tuple]:
    return sorted(
        (c.kind.value, c.item_id, c.other_item_id or 0, c.room_id or 0, c.person_id or 0,
         c.minutes or 0, c.participants or 0, c.facts, str(c.message))
        for c in conflicts
    )  # fmt: skip


def assert_stored_state_is_fresh(visit_ids: list[int]) -> None:
    """Compare the stored state of each visit with the state computed afresh."""
    stored = stored_planning(visit_ids)
    for visit_id in visit_ids:
        visit = load_for_snapshot(visit_id)
        fresh = find_conflicts([visit_id])[visit_id]
        assert _facts(stored_conflicts(visit)) == _facts(fresh)
        report = stored_report(visit)
        expected = conflict_reports([visit_id])[visit_id]
        assert [c.fingerprint for c in report.open] == [c.fingerprint for c in expected.open]
        assert [a.clash.fingerprint for a in report.acknowledged] == [
            a.clash.fingerprint for a in expected.acknowledged
        ]
        assert open_clash_counts([visit_id]) == {visit_id: len(expected.open)}
        latest = latest_version(visit_id)
        changes = pending_changes(visit, latest)
        state = stored[visit_id]
        assert state.changes == changes.as_dict()
        assert state.draft_differs == draft_differs(visit, latest, changes)
        live = [item for item in visit.items if item.status != ItemStatus.CANCELLED]
        assert (state.item_count, state.attendee_count) == (
            len(live),
            len(visit.participations),
        )


class Planner:
    """Random edits of two visits of the same days, sharing rooms and people."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        host = factories.organisation("Bochum")
        guest = factories.organisation("Wuppertal")
        self.user = factories.user(host)
        self.rooms = [
            factories.room(host, "Ratssaal", capacity=3),
            factories.room(host, "Foyer", capacity=None),
            factories.room(host, "Saal 2", capacity=2),
        ]
        self.people = [factories.person(guest) for _ in range(6)]
        self.visits = [
            factories.visit(host, [guest], first_day=DAY, last_day=DAY + timedelta(days=1)),
            factories.visit(host, [guest], first_day=DAY, last_day=DAY),
        ]
        self.visit_ids = [visit.id for visit in self.visits]
        for visit in self.visits:
            # A room booked twice across the visits to begin with.
            factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", room=self.rooms[0])
            for _ in range(2):
                self.add_item(visit.id)
            for person in self.random.sample(self.people, 3):
                factories.participation(visit, person)
        db.session.commit()

    def pick_visit(self) -> Visit:
        return db.session.get(Visit, self.random.choice(self.visit_ids))

    def pick_item(self) -> AgendaItem | None:
        items = list(db.session.scalars(select(AgendaItem).order_by(AgendaItem.id)))
        return self.random.choice(items) if items else None

    def times(self) -> tuple[datetime, datetime]:
        day = DAY + timedelta(days=self.random.choice([-1, 0, 0, 0, 0, 0, 1]))
        start = datetime.combine(day, datetime.min.time()) + timedelta(
            minutes=self.random.randrange(9 * 60, 12 * 60, 10)
        )
        return start, start + timedelta(minutes=self.random.choice([10, 30, 60, 90]))

    def add_item(self, visit_id: int | None = None) -> str:
        visit = db.session.get(Visit, visit_id) if visit_id else self.pick_visit()
        start, end = self.times()
        factories.item(
            visit,
            start.isoformat(" ", "minutes"),
            end.isoformat(" ", "minutes"),
            room=self.random.choice([*self.rooms, None]),
            setup_minutes=self.random.choice([0, 0, 15]),
        )
        return "add item"

    def move_item(self) -> str:
        item = self.pick_item()
        if item is not None:
            item.starts_at, item.ends_at = self.times()
        return "move item"

    def change_room(self) -> str:
        item = self.pick_item()
        if item is not None:
            item.room = self.random.choice([*self.rooms, None])
        return "change room"

    def cancel_item(self) -> str:
        item = self.pick_item()
        if item is not None:
            cancelled = item.status == ItemStatus.CANCELLED
            item.status = ItemStatus.CONFIRMED if cancelled else ItemStatus.CANCELLED
        return "cancel or bring back item"

    def delete_item(self) -> str:
        item = self.pick_item()
        if item is not None:
            trash_item(item, self.user)
        return "delete item"

    def restore_item(self) -> str:
        entry = db.session.scalar(select(TrashEntry).order_by(TrashEntry.id.desc()).limit(1))
        if entry is not None:
            restore(entry, self.user)
        return "restore item"

    def add_participant(self) -> str:
        visit = self.pick_visit()
        present = {p.person_id for p in visit.participations}
        absent = [p for p in self.people if p.id not in present]
        if absent:
            factories.participation(visit, self.random.choice(absent), side=Side.GUEST)
        return "add participant"

    def remove_participant(self) -> str:
        participations = list(db.session.scalars(select(Participation)))
        if participations:
            db.session.delete(self.random.choice(participations))
        return "remove participant"

    def choose_items(self) -> str:
        participations = list(db.session.scalars(select(Participation)))
        if participations:
            participation = self.random.choice(participations)
            items = participation.visit.items
            participation.attends_all_items = self.random.random() < 0.3
            participation.items = self.random.sample(items, self.random.randint(0, len(items)))
        return "choose items"

    def change_room_details(self) -> str:
        room = self.random.choice(self.rooms)
        room.capacity = self.random.choice([None, 1, 2, 3, 10])
        other = self.random.choice(self.rooms)
        room.venue_id = other.venue_id
        return "change room capacity and building"

    def issue(self) -> str:
        visit = load_for_snapshot(self.random.choice(self.visit_ids))
        latest = latest_version(visit.id)
        if draft_differs(visit, latest, pending_changes(visit, latest)):
            issue_version(visit, self.user, "Neue Fassung")
        return "issue version"

    def change_days(self) -> str:
        visit = self.pick_visit()
        visit.first_day = DAY + timedelta(days=self.random.choice([-1, 0, 0]))
        visit.last_day = visit.first_day + timedelta(days=self.random.choice([0, 1]))
        return "change days"

    def change_status(self) -> str:
        visit = self.pick_visit()
        visit.status = (
            VisitStatus.PLANNED if visit.status == VisitStatus.CANCELLED else VisitStatus.CANCELLED
        )
        return "cancel or bring back visit"

    def acknowledge(self) -> str:
        visit = self.pick_visit()
        report = stored_report(visit)
        if report.open:
            acknowledge(visit, self.random.choice(report.open).fingerprint, "Passt so", self.user)
        return "acknowledge a warning"

    def step(self) -> str:
        edits = [
            self.add_item, self.add_item, self.move_item, self.move_item, self.change_room,
            self.cancel_item, self.delete_item, self.restore_item, self.add_participant,
            self.remove_participant, self.choose_items, self.change_room_details, self.issue,
            self.change_days, self.change_status, self.acknowledge,
        ]  # fmt: skip
        done = self.random.choice(edits)()
        # Mostly a commit, as a request ends; sometimes a page reads in the same session.
        if self.random.random() < 0.8:
            db.session.commit()
        return done


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6], ids=lambda seed: f"seed-{seed}")
def test_stored_state_agrees_with_a_fresh_check_after_random_edits(app, seed):
    planner = Planner(seed)
    assert_stored_state_is_fresh(planner.visit_ids)
    done, kinds = [], set()
    for _ in range(30):
        done.append(planner.step())
        try:
            assert_stored_state_is_fresh(planner.visit_ids)
        except AssertionError as error:
            raise AssertionError(f"after {done}") from error
        kinds.update(
            (row.kind, row.other_visit_id not in (None, row.visit_id))
            for row in db.session.scalars(select(PlannedConflict))
        )
    # The edits made warnings inside a visit and across the two.
    assert {across for _kind, across in kinds} == {True, False}


def test_a_room_booked_by_another_visit_warns_in_both_visits_once_stored(app):
    bochum = factories.organisation("Bochum")
    room = factories.room(bochum)
    first = factories.visit(bochum, first_day=DAY)
    second = factories.visit(bochum, first_day=DAY)
    factories.item(first, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang", room=room)
    db.session.commit()
    assert open_clash_counts([first.id, second.id]) == {first.id: 0, second.id: 0}

    factories.item(second, "2023-02-23 10:30", "2023-02-23 11:30", "Pressetermin", room=room)
    db.session.commit()

    assert open_clash_counts([first.id, second.id]) == {first.id: 1, second.id: 1}
    [warning] = stored_conflicts(db.session.get(Visit, first.id))
    assert str(warning.message) == (
        f"Ratssaal, {room.venue.name} ist zur selben Zeit durch „Pressetermin“ "
        f"({second.title}) belegt."
    )


def test_moving_an_item_away_clears_the_other_visits_warning(app):
    bochum = factories.organisation("Bochum")
    room = factories.room(bochum)
    first = factories.visit(bochum, first_day=DAY)
    second = factories.visit(bochum, first_day=DAY)
    factories.item(first, "2023-02-23 10:00", "2023-02-23 11:00", room=room)
    moving = factories.item(second, "2023-02-23 10:30", "2023-02-23 11:30", room=room)
    db.session.commit()

    moving.starts_at, moving.ends_at = datetime(2023, 2, 23, 14), datetime(2023, 2, 23, 15)
    db.session.commit()

    assert open_clash_counts([first.id, second.id]) == {first.id: 0, second.id: 0}


def test_issuing_a_version_empties_the_stored_pending_changes(app):
    visit = factories.visit(factories.organisation())
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang")
    db.session.commit()
    before = stored_planning([visit.id])[visit.id]
    assert [item["title_de"] for item in before.changes["new"]] == ["Empfang"]
    assert before.draft_differs

    factories.issue(visit)
    db.session.commit()

    after = stored_planning([visit.id])[visit.id]
    assert after.changes["new"] == []
    assert not after.draft_differs


def test_renaming_a_room_changes_the_pending_changes_of_visits_booking_it(app):
    bochum = factories.organisation("Bochum")
    room = factories.room(bochum, "Ratssaal")
    visit = factories.visit(bochum)
    factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang", room=room)
    factories.issue(visit)
    db.session.commit()

    db.session.get(Room, room.id).name = "Großer Saal"
    db.session.commit()

    [changed] = stored_planning([visit.id])[visit.id].changes["changed"]
    assert (changed["fields"], changed["from_room"]) == (["room"], f"Ratssaal, {room.venue.name}")


def test_planners_writing_at_once_each_get_their_change_and_one_fresh_state(app):
    # Four planners add items to two visits sharing a room at the same moment: on
    # PostgreSQL their recomputations once deadlocked or stored a visit's state twice.
    bochum = factories.organisation("Bochum")
    room = factories.room(bochum)
    visits = [factories.visit(bochum, first_day=DAY), factories.visit(bochum, first_day=DAY)]
    db.session.commit()
    visit_ids = [visit.id for visit in visits]
    room_id = room.id
    start = threading.Barrier(4)
    errors: list[Exception] = []

    def planner(number: int) -> None:
        try:
            with app.app_context():
                start.wait(timeout=30)
                for step in range(5):
                    visit = db.session.get(Visit, visit_ids[(number + step) % 2])
                    hour = 8 + step
                    factories.item(visit, f"2023-02-23 {hour:02}:00", f"2023-02-23 {hour:02}:45",
                                   f"Punkt {number}-{step}", room_id=room_id)  # fmt: skip
                    db.session.commit()
                db.session.remove()
        except Exception as error:  # noqa: BLE001 (reported to the test below)
            errors.append(error)

    threads = [threading.Thread(target=planner, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert db.session.scalar(select(func.count(AgendaItem.id))) == 20
    assert_stored_state_is_fresh(visit_ids)
