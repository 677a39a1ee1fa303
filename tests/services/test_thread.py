"""The thread's read marks, its counts and its messages' life in the trash."""

from datetime import date

from sqlalchemy import select

from planner.enums import Role, TrashKind
from planner.extensions import db
from planner.models import TrashEntry, VisitMessage
from planner.services.planning import delete_visit
from planner.services.thread import last_read, mark_read, post_message, unread_counts
from planner.services.trash import describe, restore
from tests import factories


def _two_visits():
    host, guest = factories.organisation("Bochum"), factories.organisation("Wuppertal")
    visits = [factories.visit(host, [guest], first_day=date(2026, 12, 10)) for _ in range(2)]
    writer = factories.user(guest, Role.PLANNER)
    reader = factories.user(host, Role.VIEWER)
    return visits, writer, reader


def test_a_read_mark_never_moves_back(app):
    [visit, _other], _writer, reader = _two_visits()

    mark_read(reader, visit.id, 7)
    mark_read(reader, visit.id, 3)

    assert last_read(reader, visit.id) == 7


def test_unread_counts_are_per_visit_and_leave_out_what_was_read(app):
    [first, second], writer, reader = _two_visits()
    messages = [post_message(visit, writer, f"Nachricht {n}", "all", "de")
                for n, visit in enumerate([first, first, second])]  # fmt: skip

    before = unread_counts(reader, [first.id, second.id])
    mark_read(reader, first.id, messages[0].id)

    assert before == {first.id: 2, second.id: 1}
    assert unread_counts(reader, [first.id, second.id]) == {first.id: 1, second.id: 1}
    assert unread_counts(writer, [first.id, second.id]) == {}


def test_a_deleted_draft_visit_takes_its_thread_into_the_trash_and_back(app):
    [visit, _other], writer, _reader = _two_visits()
    message = post_message(visit, writer, "Bleibt erhalten.", "all", "de")
    message_id, visit_id = message.id, visit.id
    db.session.commit()

    delete_visit(visit)
    db.session.commit()
    entry = db.session.scalar(select(TrashEntry).where(TrashEntry.kind == TrashKind.VISIT))
    gone = db.session.get(VisitMessage, message_id)
    restore(entry, None)
    db.session.commit()
    db.session.expire_all()

    assert gone is None
    assert "1 Nachricht des Nachrichtenverlaufs" in describe(entry.counts)
    assert db.session.get(VisitMessage, message_id).body == "Bleibt erhalten."
    assert db.session.get(VisitMessage, message_id).visit_id == visit_id
