"""Stored calendars and PDFs of issued versions: built once, kept, forgotten on change."""

import pytest
from sqlalchemy import func, select

from planner.enums import ItemStatus, Role, RsvpStatus, Side, VisitStatus
from planner.extensions import db
from planner.models import FeedToken, IssuedArtefact, Person, TrashEntry
from planner.services.artefacts import Identity, issued, store
from planner.services.feeds import create_feed
from planner.services.people import delete_person
from planner.services.trash import restore
from tests import factories
from tests.helpers import count_queries


@pytest.fixture
def scene(app):
    """An issued visit with a guest, a participant, a room and an open feed."""
    host = factories.organisation("Bochum")
    guest = factories.organisation("Wuppertal")
    visit = factories.visit(host, [guest], title="Austausch")
    room = factories.room(host)
    item = factories.item(visit, "2023-02-23 10:00", "2023-02-23 11:00", "Empfang", room=room)
    person = factories.person(guest, "Schneidewind")
    participation = factories.participation(visit, person, Side.GUEST)
    version = factories.issue(visit)
    feed = create_feed(factories.user(host, Role.VIEWER), "visit", visit=visit)
    db.session.commit()
    return {
        "visit": visit,
        "guest": guest,
        "room": room,
        "item": item,
        "person": person,
        "participation": participation,
        "version": version,
        "feed": feed,
    }


def _identity(scene, document: str = "agenda") -> Identity:
    return Identity(
        visit_id=scene["visit"].id,
        version_id=scene["version"].id,
        kind="pdf",
        audience="guest",
        language="de",
        document=document,
    )


def _stored_count() -> int:
    return db.session.scalar(select(func.count()).select_from(IssuedArtefact))


def test_a_file_is_built_once_then_read_with_one_query(scene):
    builds = []

    def build():
        builds.append(1)
        return b"%PDF-1.7 agenda", "Agenda.pdf"

    identity = _identity(scene)
    first = issued(identity, build, "application/pdf")
    with count_queries(db.engine) as counted:
        again = issued(identity, build, "application/pdf")

    assert len(builds) == 1
    assert (again.id, again.etag, again.content, again.file_name) == (
        first.id, first.etag, b"%PDF-1.7 agenda", "Agenda.pdf",
    )  # fmt: skip
    assert counted.count == 1
    assert "issued_artefact.identity_key" in counted.statements[0]


def test_two_first_builds_store_one_file_and_both_serve_the_winners(scene):
    identity = _identity(scene)

    def build_while_another_request_stores_first():
        # The other request finishes its build and stores it while this one builds.
        store(identity, b"the winner's bytes", "application/pdf", "Agenda.pdf")
        return b"the loser's bytes", "Agenda.pdf"

    served = issued(identity, build_while_another_request_stores_first, "application/pdf")

    assert served.content == b"the winner's bytes"
    assert served.id is not None
    assert _stored_count() == 1
    row = db.session.scalar(select(IssuedArtefact))
    assert (row.etag, row.content) == (served.etag, b"the winner's bytes")


def _store_both(scene):
    store(_identity(scene), b"agenda", "application/pdf")
    store(_identity(scene, "run-sheet"), b"run-sheet", "application/pdf")
    db.session.execute(
        FeedToken.__table__.update().values(current_etag="remembered", current_modified=None)
    )
    db.session.commit()


def _documents_left() -> list[str]:
    return sorted(db.session.scalars(select(IssuedArtefact.document)))


def _feed_etag(scene) -> str | None:
    db.session.expire_all()
    return db.session.get(FeedToken, scene["feed"].id).current_etag


def _issue_again(scene):
    scene["item"].title_de = "Empfang im Ratssaal"
    factories.issue(scene["visit"], "Neuer Titel")


def _cancel(scene):
    scene["visit"].status = VisitStatus.CANCELLED


def _remove_guest(scene):
    scene["visit"].guest_organisations = []


def _remove_participant(scene):
    db.session.delete(scene["participation"])


def _rename(scene):
    scene["person"].last_name = "Schneidewind-Hartnagel"


def _rebrand(scene):
    scene["visit"].host_organisation.accent_colour = "#aa0000"


@pytest.mark.parametrize(
    "change",
    [_issue_again, _cancel, _remove_guest, _remove_participant, _rename, _rebrand],
    ids=["new version", "visit cancelled", "guest removed", "participant removed",
         "person renamed", "host rebranded"],
)  # fmt: skip
def test_a_change_that_shows_in_the_files_deletes_them_and_clears_the_feed(scene, change):
    _store_both(scene)

    change(scene)
    db.session.commit()

    assert _documents_left() == []
    assert _feed_etag(scene) is None


def test_new_room_notes_delete_the_rooms_visits_files_and_every_run_sheet(scene):
    other = factories.visit(scene["visit"].host_organisation, [scene["guest"]])
    factories.item(other, "2023-02-23 10:00", "2023-02-23 11:00", "Elsewhere")
    other_version = factories.issue(other)
    db.session.commit()
    _store_both(scene)
    for document in ("agenda", "run-sheet"):
        store(Identity(other.id, other_version.id, "pdf", "guest", "de", document), b"x", "a/b")

    scene["room"].accessibility_notes = "Aufzug am Nordeingang"
    db.session.commit()

    # The other visit's run-sheet may print an older version naming the room.
    assert _documents_left() == ["agenda"]
    assert db.session.scalar(select(IssuedArtefact.visit_id)) == other.id
    assert _feed_etag(scene) is None


def _edit_draft(scene):
    scene["item"].title_de = "Noch nicht herausgegeben"
    scene["item"].status = ItemStatus.TENTATIVE


def _answer(scene):
    scene["participation"].rsvp_status = RsvpStatus.ACCEPTED


def _pick_items(scene):
    scene["participation"].attends_all_items = False
    scene["participation"].items = [scene["item"]]


@pytest.mark.parametrize(
    "change", [_edit_draft, _answer, _pick_items],
    ids=["draft edited", "answer recorded", "items chosen"],
)  # fmt: skip
def test_a_change_outside_the_issued_files_keeps_them(scene, change):
    _store_both(scene)

    change(scene)
    db.session.commit()

    assert _documents_left() == ["agenda", "run-sheet"]
    assert _feed_etag(scene) == "remembered"


def test_a_deactivated_owner_clears_the_feed_and_keeps_the_files(scene):
    _store_both(scene)

    scene["feed"].user.active = False
    db.session.commit()

    assert _documents_left() == ["agenda", "run-sheet"]
    assert _feed_etag(scene) is None


def test_a_file_built_while_a_change_commits_is_served_but_not_kept(scene, app_factory):
    other_worker = app_factory()
    person_id = scene["person"].id

    def build_while_another_request_renames_the_person():
        with other_worker.app_context():
            db.session.get(Person, person_id).last_name = "Schneidewind-Hartnagel"
            db.session.commit()
        return b"run-sheet with the old name", "Ablaufplan.pdf"

    served = issued(
        _identity(scene, "run-sheet"), build_while_another_request_renames_the_person, "a/b"
    )

    assert (served.id, served.content) == (None, b"run-sheet with the old name")
    assert _documents_left() == []
    rebuilt = issued(_identity(scene, "run-sheet"), lambda: (b"new name", "A.pdf"), "a/b")
    assert (rebuilt.content, _documents_left()) == (b"new name", ["run-sheet"])


def test_a_person_restored_from_the_trash_deletes_the_files_that_lack_them(scene):
    person_id = scene["person"].id
    delete_person(scene["person"])
    db.session.commit()
    _store_both(scene)

    entry = db.session.scalar(select(TrashEntry).where(TrashEntry.object_id == person_id))
    restore(entry, None)
    db.session.commit()

    assert _documents_left() == []
    assert _feed_etag(scene) is None
