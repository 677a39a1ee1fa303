"""Optimistic locking: what raises a record's lock version, what leaves it alone, and a
save that loses the race to another one."""

import pytest
from sqlalchemy import select

from planner.enums import AuditAction, OutboxStatus, Role
from planner.extensions import db
from planner.models import AuditEntry, OutboxMessage, Participation, Person, User
from planner.services.audit import REDACTED, set_actor
from planner.services.auth import authenticate
from planner.services.invitations import delivered
from planner.services.locking import EditConflict, save_with_lock
from planner.services.outbox import claim
from tests import factories


def _message(visit, participation=None, **fields) -> OutboxMessage:
    message = OutboxMessage(
        visit=visit,
        participation_id=participation.id if participation else None,
        message_id=f"<{fields.pop('key', 'm')}@planner.test>",
        to_address="uwe@wuppertal.example",
        subject="Einladung",
        body_text="Text",
        **fields,
    )
    db.session.add(message)
    db.session.commit()
    return message


def test_a_delivery_notes_the_calendar_without_raising_the_participants_version(app):
    visit = factories.visit()
    participation = factories.participation(visit, factories.person(visit.guest_organisations[0]))
    message = _message(visit, participation, version_number=1, item_uids=["a@planner.test"])
    opened_at = participation.lock_version

    delivered(message)
    db.session.commit()

    db.session.expire_all()
    stored = db.session.get(Participation, participation.id)
    assert (stored.invited_version, stored.invited_uids) == (1, ["a@planner.test"])
    assert stored.lock_version == opened_at  # a planner's open form on the row stays valid


def test_logging_in_does_not_raise_the_logins_version(app):
    user = factories.user(factories.organisation(), Role.PLANNER)
    db.session.commit()
    opened_at = user.lock_version

    assert authenticate(user.email, factories.PASSWORD) is user
    db.session.commit()

    db.session.expire_all()
    stored = db.session.get(User, user.id)
    assert stored.last_login_at is not None
    assert stored.lock_version == opened_at


def test_a_claimed_message_refuses_a_change_read_before_the_claim(app):
    message = _message(factories.visit(), status=OutboxStatus.PENDING)
    db.session().expire_on_commit = False  # keep the copy as read before the claim
    try:
        assert (message.status, message.lock_version) == (OutboxStatus.PENDING, 1)
        assert claim("worker-1", 10) == [message.id]
        message.status = OutboxStatus.DISCARDED  # a planner's discard, from the old copy
        with pytest.raises(EditConflict):
            save_with_lock(message, message.lock_version, lambda: None)
    finally:
        db.session.rollback()
        db.session().expire_on_commit = True
    assert db.session.get(OutboxMessage, message.id).status == OutboxStatus.SENDING


def test_a_save_from_a_copy_read_before_another_save_is_refused_with_that_change(app):
    organisation = factories.organisation()
    person = factories.person(organisation, "Schneidewind", function="Oberbürgermeister")
    colleague = factories.user(organisation, Role.PLANNER, name="Karl Kollege")
    db.session.commit()
    db.session().expire_on_commit = False  # keep the copy as read before the other save
    try:
        assert (person.function, person.lock_version) == ("Oberbürgermeister", 1)
        other = db.session.session_factory()
        set_actor(other, colleague.id)
        other.get(Person, person.id).function = "OB"
        other.commit()
        other.close()

        def change() -> None:
            person.function = "Oberbürgermeister der Stadt Wuppertal"

        # The copy still says version 1: the check passes, the UPDATE finds no such row.
        with pytest.raises(EditConflict) as refused:
            save_with_lock(person, person.lock_version, change)
    finally:
        db.session.rollback()
        db.session().expire_on_commit = True

    assert [(c.who, c.fields["function"]) for c in refused.value.changes] == [
        ("Karl Kollege", ["Oberbürgermeister", "OB"])
    ]
    assert db.session.scalar(select(Person.function).where(Person.id == person.id)) == "OB"


def test_changing_only_a_visits_guests_raises_its_version(app):
    visit = factories.visit()
    opened_at = visit.lock_version

    visit.guest_organisations = [*visit.guest_organisations, factories.organisation()]
    db.session.commit()

    assert visit.lock_version == opened_at + 1


def test_edits_of_catalogue_logins_and_drafts_are_kept_for_refusals_without_secrets(app):
    host = factories.organisation()
    room = factories.room(host, capacity=20)
    user = factories.user(host, Role.PLANNER, name="Vera")
    message = _message(factories.visit(host))
    db.session.commit()
    since = db.session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))

    room.capacity = 12
    user.name = "Vera Vorstand"
    user.password_hash = "secret-hash"
    message.subject = "Einladung nach Bochum"
    db.session.commit()

    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.id > since).order_by(AuditEntry.id)
    ).all()
    edits = {e.object_type: e for e in entries if e.action is AuditAction.UPDATE}
    assert edits["Room"].changes == {"capacity": [20, 12], "lock_version": [1, 2]}
    # The history (planner.services.history) keeps secrets and the text of e-mails out:
    # a refusal can say that they changed, never to what.
    assert edits["User"].changes == {
        "name": ["Vera", "Vera Vorstand"],
        "password_hash": [REDACTED, REDACTED],
        "lock_version": [1, 2],
    }
    assert edits["OutboxMessage"].changes == {
        "subject": [REDACTED, REDACTED],
        "lock_version": [1, 2],
    }
    assert edits["OutboxMessage"].visit_id == message.visit_id
