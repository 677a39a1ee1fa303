"""Calendars and PDFs of issued versions, built once, kept and served from storage.

An issued version never changes, so the calendar of each (version, audience, person,
language) and each print PDF of a version is built on its first request, stored with
its ETag (a digest of its bytes) and served from the table ``issued_artefact`` after
that: a repeat download costs one query on a unique index plus the bytes. Drafts are
never stored; their callers build them per request. Two requests building the same
file at once store it once: the loser of the unique key serves the winner's row.

What else goes into the bytes, and how a stored file follows it:

- In the key: the version, the kind, the audience (``host`` with internal details,
  ``guest``, ``feed``), the person, the language, the document (the whole agenda, one
  item, a PDF's name), the variant (which version is the latest, reminders) and the
  build recipe (``FORMAT``, the package version, ``BASE_URL``, ``ICAL_ALARM_MINUTES``).
  A change of any of them makes new files; the old rows wait for the next deletion.
- Deleted on write (``forget_changes``, a session event, so no write path forgets it):
  the visit's files when a version is issued, a participation is added, removed or
  moved (side, rank, person), or the visit's own fields or guest organisations change
  (title, status such as a cancellation, language, zone, days, contact, notes); the
  files of every visit a person takes part in or is the contact of, the person's own
  files and every host calendar (they name participants) when the person changes; the
  files of every visit an organisation hosts or attends when its name, locale or
  branding (logo, colour) changes; when a room or venue changes (its access notes are
  printed), the files of the visits whose items use it and every run-sheet PDF; when
  the trash gives rows back (its Core inserts flush no objects), the files of the
  entry's visit and of the visits of the participations and people it restores; when
  a vehicle or who rides in it changes, the visit's files (the run sheet names them).
  Changes of the draft (items), answers and chosen items leave the files alone: they
  print the version's snapshot.
- Not stored at all: drafts, and the feed of all visits of a user (it spans many
  versions); its ETag is kept on the feed token all the same.
- Built on the first request, not when a version is issued: most files of a version
  (a person's calendar in a language, a PDF) are never asked for.

A build and a change may overlap: the build reads the visit's epoch
(``artefact_epoch``, raised by every deletion above) before it reads what it prints,
and stores its file only if the epoch is still the same, checked under the epoch's
row lock; otherwise the file is served once and not kept.

Feeds: the feed token keeps the ETag and Last-Modified of its current answer (and the
stored calendar that is it), so that a 304 costs one indexed query that also checks the
token (not revoked, owner active, visit still visible, attendee still taking part). The
same session event clears them whenever the answer may change: a new version, a
participation, the visit's fields or guests, a person, an organisation or a user
(deactivated, moved) of the feed; the next full answer stores them again.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import metadata

from flask import current_app
from sqlalchemy import (
    Select,
    bindparam,
    delete,
    event,
    exists,
    false,
    insert,
    inspect,
    literal,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from planner.database import write_intent
from planner.enums import GuestState
from planner.extensions import db
from planner.models import (
    AgendaItem,
    AgendaVersion,
    ArtefactEpoch,
    FeedToken,
    IssuedArtefact,
    Organisation,
    Participation,
    Person,
    Ride,
    Room,
    TrashEntry,
    User,
    Vehicle,
    Venue,
    Visit,
    VisitGuest,
    visit_guest_organisation,
)
from planner.models.types import utcnow

# Raise when the code changes what a stored file contains without a new package version.
FORMAT = 1
CALENDAR = "calendar"
PDF = "pdf"
CALENDAR_TYPE = "text/calendar; charset=utf-8"
PDF_TYPE = "application/pdf"

# Columns whose change does not change any printed or exported file.
_IGNORED = frozenset({"lock_version", "updated_at", "created_at"})
_PARTICIPATION_IGNORED = _IGNORED | {
    "rsvp_status",
    "rsvp_at",
    "invited_version",
    "invited_uids",
    "rsvp_nonce",
    "attends_all_items",
}
_USER_RELEVANT = frozenset({"active", "organisation_id"})


@dataclass(frozen=True)
class Identity:
    """What names a stored file: which version, for whom, in which form."""

    visit_id: int
    version_id: int
    kind: str
    audience: str
    language: str
    document: str
    person_id: int | None = None
    variant: str = ""

    def key(self) -> str:
        """Return the digest of the identity and the current build recipe."""
        parts = [
            self.visit_id,
            self.version_id,
            self.kind,
            self.audience,
            self.language,
            self.document,
            self.person_id,
            self.variant,
            _recipe(),
        ]
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


@dataclass(frozen=True)
class Artefact:
    """A stored (or, when storing failed, just built) file with its validator."""

    id: int | None
    etag: str
    content: bytes
    content_type: str
    file_name: str = ""


@dataclass(frozen=True)
class FeedState:
    """What a feed token remembers of its current answer."""

    etag: str
    last_modified: datetime | None
    artefact_id: int | None


@cache
def _package_version() -> str:
    try:
        return metadata.version("delegation-visit-planner")
    except metadata.PackageNotFoundError:  # running from a source tree
        return "source"


def _recipe() -> list:
    config = current_app.config
    return [FORMAT, _package_version(), config["BASE_URL"], config["ICAL_ALARM_MINUTES"]]


def content_etag(content: bytes) -> str:
    """Return the strong validator of stored bytes."""
    return hashlib.sha256(content).hexdigest()[:32]


_COLUMNS = (
    IssuedArtefact.id,
    IssuedArtefact.etag,
    IssuedArtefact.content,
    IssuedArtefact.content_type,
    IssuedArtefact.file_name,
)


@cache
def _by_key() -> Select:
    # Built once: composing the statement costs more than running it.
    return select(*_COLUMNS).where(IssuedArtefact.identity_key == bindparam("key"))


def find(identity: Identity) -> Artefact | None:
    """Return the stored file of an identity, with one query, or None."""
    row = db.session.execute(_by_key(), {"key": identity.key()}).first()
    return Artefact(*row) if row is not None else None


def issued(
    identity: Identity,
    build: Callable[[], tuple[bytes, str]],
    content_type: str,
) -> Artefact:
    """Return the stored file of an identity, building and storing it on first request.

    ``build`` returns the bytes and the file name. On a miss the session's objects are
    read afresh for the build, and the file is stored in a transaction of its own (a
    reading request's session writes nothing).
    """
    found = find(identity)
    if found is not None:
        return found
    epoch = current_epoch(identity.visit_id)
    # What the file prints is read again from here on: a change committed before the
    # epoch was read shows in the file, one committed after it keeps the file unstored.
    db.session.flush()
    db.session.expire_all()
    content, file_name = build()
    return store(identity, content, content_type, file_name, epoch=epoch)


def current_epoch(visit_id: int) -> int:
    """Return how often the visit's stored files were forgotten so far."""
    epoch = db.session.scalar(select(ArtefactEpoch.epoch).where(ArtefactEpoch.visit_id == visit_id))
    return epoch or 0


def _insert(connection):
    """Return the INSERT construct with ON CONFLICT of the connection's database."""
    return postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert


def _epoch_unchanged(connection, visit_id: int, epoch: int) -> bool:
    """Lock the visit's epoch (creating it) and say whether it is still ``epoch``."""
    table = ArtefactEpoch.__table__
    connection.execute(
        _insert(connection)(table).values(visit_id=visit_id, epoch=0).on_conflict_do_nothing()
    )
    now = connection.scalar(
        select(table.c.epoch).where(table.c.visit_id == visit_id).with_for_update()
    )
    return now == epoch


class _Outdated(Exception):
    """A change committed during the build: the file is not kept."""


def store(
    identity: Identity,
    content: bytes,
    content_type: str,
    file_name: str = "",
    epoch: int | None = None,
) -> Artefact:
    """Store a built file; if another request stored it first, return that one.

    With ``epoch`` (read before the build read its data), a file whose visit's files
    were forgotten since is served without being stored. So is one that a database
    refuses to write for now (a lock held too long); it is built again next time.
    """
    key = identity.key()
    values = {
        "identity_key": key,
        "visit_id": identity.visit_id,
        "version_id": identity.version_id,
        "kind": identity.kind,
        "audience": identity.audience,
        "person_id": identity.person_id,
        "language": identity.language,
        "document": identity.document,
        "file_name": file_name,
        "etag": content_etag(content),
        "content": content,
        "content_type": content_type,
        "created_at": utcnow(),
    }
    built = Artefact(None, values["etag"], content, content_type, file_name)
    intent = write_intent.set(True)
    try:
        with db.engine.begin() as connection:
            new_id = connection.execute(
                insert(IssuedArtefact).values(**values).returning(IssuedArtefact.id)
            ).scalar_one()
            # Checked after the insert: the insert's locks come first, as in a writing
            # transaction, so that the two never wait for each other (PostgreSQL).
            if epoch is not None and not _epoch_unchanged(connection, identity.visit_id, epoch):
                raise _Outdated
        return Artefact(new_id, values["etag"], content, content_type, file_name)
    except _Outdated:
        return built
    except IntegrityError:
        # Another request stored the same file a moment ago: serve its row. Read on a
        # fresh connection: this request's own snapshot may predate the winner's commit.
        with db.engine.connect() as connection:
            row = connection.execute(
                select(*_COLUMNS).where(IssuedArtefact.identity_key == key)
            ).first()
        return Artefact(*row) if row is not None else built
    except OperationalError:
        current_app.logger.warning("Issued artefact not stored (database busy): %s", key)
        return built
    finally:
        write_intent.reset(intent)


def issued_version_id(visit_id: int, number: int) -> int | None:
    """Return the id of a visit's issued version by its number, without its snapshot."""
    return db.session.scalar(_version_id_query(), {"visit_id": visit_id, "number": number})


@cache
def _version_id_query() -> Select:
    return select(AgendaVersion.id).where(
        AgendaVersion.visit_id == bindparam("visit_id"),
        AgendaVersion.number == bindparam("number"),
    )


def issued_calendar(visit: Visit, source, language: str, internal: bool, feed: bool,
                    uids: set[str] | None, person: Person | None, reminders: bool,
                    build: Callable[[], bytes]) -> Artefact:  # fmt: skip
    """Return the stored calendar of an issued version (``source``, a feeds.Source)."""
    identity = Identity(
        visit_id=visit.id,
        version_id=source.version_id,
        kind=CALENDAR,
        audience="feed" if feed else "host" if internal else "guest",
        language=language,
        document="agenda" if uids is None else "item:" + ",".join(sorted(uids)),
        person_id=person.id if person is not None else None,
        # The tag names the latest version too, which a chosen older version mentions.
        variant=f"{source.tag}|reminders={int(reminders)}",
    )
    return issued(identity, lambda: (build(), ""), CALENDAR_TYPE)


def issued_pdf(visit_id: int, version_id: int, document: str, host: bool, language: str,
               build: Callable[[], tuple[bytes, str]]) -> Artefact:  # fmt: skip
    """Return the stored PDF of a document of an issued version; ``build`` gives the
    bytes and the file name."""
    identity = Identity(
        visit_id=visit_id,
        version_id=version_id,
        kind=PDF,
        audience="host" if host else "guest",
        language=language,
        document=document,
    )
    return issued(identity, build, PDF_TYPE)


# --- feeds ------------------------------------------------------------------------------


@cache
def _feed_state_query() -> Select:
    # Built once: composing the statement costs more than running it.
    guest = visit_guest_organisation.c
    visible = exists().where(
        Visit.id == FeedToken.visit_id,
        or_(
            Visit.host_organisation_id == User.organisation_id,
            exists().where(
                guest.visit_id == Visit.id,
                guest.organisation_id == User.organisation_id,
                guest.state == GuestState.ACCEPTED,
            ),
        ),
    )
    taking_part = exists().where(
        Participation.visit_id == FeedToken.visit_id,
        Participation.person_id == FeedToken.person_id,
    )
    return (
        select(FeedToken.current_etag, FeedToken.current_modified, FeedToken.current_artefact_id)
        .join(User, User.id == FeedToken.user_id)
        .where(
            FeedToken.token == bindparam("token"),
            FeedToken.revoked_at.is_(None),
            FeedToken.current_etag.is_not(None),
            User.active.is_(True),
            or_(FeedToken.kind == "user", visible),
            or_(FeedToken.kind != "person", taking_part),
        )
    )


def feed_state(token: str) -> FeedState | None:
    """Return the remembered validators of an open, still permitted feed, with one query.

    None when the token is unknown, revoked, its owner inactive, its visit no longer
    visible to the owner's organisation, its attendee no longer taking part, or nothing
    is remembered: the caller then answers the long way.
    """
    if not token or len(token) > 64:
        return None
    row = db.session.execute(_feed_state_query(), {"token": token}).first()
    return FeedState(*row) if row is not None else None


def feed_content(state: FeedState) -> bytes | None:
    """Return the stored calendar a feed's state points to, with one query, or None."""
    if state.artefact_id is None:
        return None
    return db.session.scalar(_content_query(), {"id": state.artefact_id, "etag": state.etag})


@cache
def _content_query() -> Select:
    return select(IssuedArtefact.content).where(
        IssuedArtefact.id == bindparam("id"), IssuedArtefact.etag == bindparam("etag")
    )


def remember_feed(
    feed_id: int,
    seen: datetime | None,
    etag: str,
    last_modified: datetime | None,
    artefact_id: int | None,
) -> None:
    """Keep a feed's current validators on its token (in a transaction of its own).

    Only if nothing cleared them since the token was read with ``current_modified`` at
    ``seen`` (``forget_changes`` stamps it): an answer computed from data that changed
    meanwhile is not remembered.
    """
    intent = write_intent.set(True)
    try:
        with db.engine.begin() as connection:
            connection.execute(
                update(FeedToken)
                .where(
                    FeedToken.id == feed_id,
                    FeedToken.revoked_at.is_(None),
                    FeedToken.current_etag.is_(None),
                    FeedToken.current_modified.is_(None)
                    if seen is None
                    else FeedToken.current_modified == seen,
                )
                .values(
                    current_etag=etag,
                    current_modified=last_modified,
                    current_artefact_id=artefact_id,
                )
            )
    except OperationalError:
        current_app.logger.warning("Feed %s: validators not kept (database busy)", feed_id)
    finally:
        write_intent.reset(intent)


# --- keeping stored files and feed validators true to the data --------------------------


@dataclass
class _Changed:
    visits: set[int]
    people: set[int]
    organisations: set[int]
    users: set[int]
    rooms: set[int]
    venues: set[int]
    visit_deleted: bool = False

    def __bool__(self) -> bool:
        return bool(
            self.visits
            or self.people
            or self.organisations
            or self.users
            or self.rooms
            or self.venues
            or self.visit_deleted
        )


def _changed_columns(obj) -> set[str]:
    state = inspect(obj)
    return {
        column.key
        for column in state.mapper.column_attrs
        if state.attrs[column.key].history.has_changes()
    }


def _value(obj, key: str):
    """Return a loaded attribute without loading it again (a deleted row has none)."""
    return inspect(obj).dict.get(key)


def _collect(session: Session) -> _Changed:
    changed = _Changed(set(), set(), set(), set(), set(), set())
    # A guest invited, accepting, declining or leaving: who sees the visit changed. A
    # vehicle or who rides in it: the run sheet prints them.
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, VisitGuest | Vehicle | Ride):
            changed.visits.add(_value(obj, "visit_id"))
    for obj in session.new:
        if isinstance(obj, AgendaVersion | Participation):
            changed.visits.add(_value(obj, "visit_id"))
    for obj in session.dirty:
        if isinstance(obj, Visit):
            guests = inspect(obj).attrs.guest_organisations.history
            if _changed_columns(obj) - _IGNORED or guests.added or guests.deleted:
                changed.visits.add(obj.id)
                changed.organisations |= {org.id for org in (*guests.added, *guests.deleted)}
        elif isinstance(obj, Participation):
            columns = _changed_columns(obj)
            if columns - _PARTICIPATION_IGNORED:
                changed.visits.add(obj.visit_id)
                changed.visits |= set(inspect(obj).attrs.visit_id.history.deleted)
        elif isinstance(obj, Person):
            if _changed_columns(obj) - _IGNORED:
                changed.people.add(obj.id)
        elif isinstance(obj, Organisation):
            if _changed_columns(obj) - _IGNORED:
                changed.organisations.add(obj.id)
        elif isinstance(obj, User):
            if _changed_columns(obj) & _USER_RELEVANT:
                changed.users.add(obj.id)
        elif isinstance(obj, Room) and _changed_columns(obj) - _IGNORED:
            changed.rooms.add(obj.id)
        elif isinstance(obj, Venue) and _changed_columns(obj) - _IGNORED:
            changed.venues.add(obj.id)
    for obj in session.deleted:
        if isinstance(obj, AgendaVersion | Participation):
            changed.visits.add(_value(obj, "visit_id"))
        elif isinstance(obj, Visit):
            changed.visit_deleted = True
        elif isinstance(obj, Person):
            changed.people.add(_value(obj, "id"))
        elif isinstance(obj, Room):
            changed.rooms.add(_value(obj, "id"))
        elif isinstance(obj, Venue):
            changed.venues.add(_value(obj, "id"))
        elif isinstance(obj, TrashEntry):
            # A restore puts rows back with Core inserts, which flush no objects; the
            # entry it deletes names them (emptying the trash is harmless here).
            rows = (_value(obj, "payload") or {}).get("rows", {})
            changed.visits.add(_value(obj, "visit_id"))
            changed.visits |= {row.get("visit_id") for row in rows.get("participation", [])}
            changed.people |= {row.get("id") for row in rows.get("person", [])}
    return changed


def forget_changes(session: Session, _flush_context) -> None:
    """Delete the stored files and feed validators that the flushed changes make stale."""
    changed = _collect(session)
    changed.visits.discard(None)
    changed.people.discard(None)
    if not changed:
        return
    guest = visit_guest_organisation.c
    # The visits whose files print something that changed.
    visits = select(Visit.id).where(
        or_(
            Visit.id.in_(changed.visits),
            Visit.contact_person_id.in_(changed.people),
            Visit.host_organisation_id.in_(changed.organisations),
        )
    )
    rooms = select(Room.id).where(
        or_(Room.id.in_(changed.rooms), Room.venue_id.in_(changed.venues))
    )
    visits = visits.union(
        select(Participation.visit_id).where(Participation.person_id.in_(changed.people)),
        select(guest.visit_id).where(guest.organisation_id.in_(changed.organisations)),
        select(AgendaItem.visit_id).where(AgendaItem.room_id.in_(rooms)),
    )
    artefacts = or_(
        IssuedArtefact.visit_id.in_(visits),
        IssuedArtefact.person_id.in_(changed.people),
        # Host calendars name the participants of the version's items.
        (IssuedArtefact.audience == "host") & (IssuedArtefact.kind == CALENDAR)
        if changed.people
        else false(),
        # Their rooms' access notes, whichever rooms the version names.
        (IssuedArtefact.document == "run-sheet") if changed.rooms or changed.venues else false(),
    )
    # Feeds of all visits: the users of every organisation taking part in such a visit.
    organisations = (
        select(Visit.host_organisation_id)
        .where(Visit.id.in_(visits))
        .union(
            select(guest.organisation_id).where(guest.visit_id.in_(visits)),
            select(Organisation.id).where(Organisation.id.in_(changed.organisations)),
        )
    )
    user_feeds = (FeedToken.kind == "user") & (
        FeedToken.user_id.in_(select(User.id).where(User.organisation_id.in_(organisations)))
        | (true() if changed.visit_deleted else false())
    )
    feeds = or_(
        FeedToken.visit_id.in_(visits),
        FeedToken.person_id.in_(changed.people),
        FeedToken.user_id.in_(changed.users),
        user_feeds,
    )
    connection = session.connection()
    # Builds that began before this change store nothing (store, _epoch_unchanged).
    epochs = ArtefactEpoch.__table__
    connection.execute(
        _insert(connection)(epochs)
        .from_select(
            ["visit_id", "epoch"], select(Visit.id, literal(1)).where(Visit.id.in_(visits))
        )
        .on_conflict_do_update(
            index_elements=[epochs.c.visit_id], set_={"epoch": epochs.c.epoch + 1}
        )
    )
    # The time stamp tells a request that read the token before this change that its
    # answer is not to be remembered (remember_feed).
    connection.execute(
        update(FeedToken)
        .where(feeds)
        .values(current_etag=None, current_modified=utcnow(), current_artefact_id=None)
    )
    connection.execute(delete(IssuedArtefact).where(artefacts))


def register_artefact_upkeep() -> None:
    """Keep stored files and feed validators true to every flush; safe to call twice."""
    from flask_sqlalchemy.session import Session as FlaskSession

    if not event.contains(FlaskSession, "after_flush", forget_changes):
        event.listen(FlaskSession, "after_flush", forget_changes)
