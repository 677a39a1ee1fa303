"""The thread of a visit: messages between the host's office and its guests' offices.

A message goes to everyone (the host and every accepted guest) or to one pair, the host
and one guest. The host reads every message of its visit; a guest reads the messages
to everyone and those of its own pair, never those between the host and another guest.
Every user of the host and of an accepted guest reads the thread; their planners and
admins write (``services/permissions.py``). Messages are kept as written: there is no
way to change or delete one.

Each user's reading is kept as the newest message id shown to them (``ThreadReading``):
what is newer, and not their own, counts as new. A new message is told by e-mail
through the outbox to the planners and admins of the organisations that read it, but
its author, in each organisation's language, in the transaction of the message.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload

from planner.extensions import db
from planner.models import (
    AgendaItem,
    AgendaVersion,
    Organisation,
    OutboxMessage,
    ThreadReading,
    User,
    Visit,
    VisitMessage,
)
from planner.models.thread import BODY_LENGTH
from planner.models.types import utcnow
from planner.services.agenda_view import Audience, visible_agenda
from planner.services.errors import InvalidInput
from planner.services.guests import _staff_notices
from planner.services.item_texts import title_in
from planner.services.permissions import Relation, can_write_thread, relation
from planner.services.text import clean_text
from planner.services.versions import latest_version, version_history

NOTICE_KIND = "thread-message"
# The addressee "everyone"; a pair is named by its guest organisation's id.
EVERYONE = "all"


@dataclass(frozen=True)
class Reference:
    """An agenda item or an issued version a message may be about, as the reader sees it."""

    id: int
    label: str


@dataclass(frozen=True)
class ShownMessage:
    """A message as a reader of the thread sees it."""

    message: VisitMessage
    is_new: bool
    # The pair's guest organisation's name; "" for a message to everyone.
    pair: str
    item: Reference | None
    # An item the reader does not see (not issued yet, or internal): named as such.
    item_hidden: bool
    version_number: int | None


@dataclass(frozen=True)
class ThreadPage:
    """Everything the thread page shows, loaded with a fixed number of queries."""

    visit: Visit
    messages: list[ShownMessage]
    addressees: list[tuple[str, str]]
    items: list[Reference]
    versions: list[Reference]
    can_write: bool
    # The newest message shown: the reader has read up to here once the page is shown.
    newest_id: int


def _visible_to(organisation_id: int):
    """Return the condition that a message of a visit is read by the organisation."""
    return or_(
        Visit.host_organisation_id == organisation_id,
        VisitMessage.guest_organisation_id.is_(None),
        VisitMessage.guest_organisation_id == organisation_id,
    )


def messages_for(visit: Visit, reader: User) -> list[VisitMessage]:
    """Return the visit's messages the reader's organisation reads, oldest first."""
    query = (
        select(VisitMessage)
        .join(Visit, Visit.id == VisitMessage.visit_id)
        .options(
            joinedload(VisitMessage.author),
            joinedload(VisitMessage.author_organisation),
            joinedload(VisitMessage.guest_organisation),
        )
        .where(VisitMessage.visit_id == visit.id, _visible_to(reader.organisation_id))
        .order_by(VisitMessage.id)
    )
    return list(db.session.scalars(query))


def addressees(visit: Visit, writer: User) -> list[tuple[str, str]]:
    """Return whom the writer may address: everyone, or one pair of host and guest."""
    choices = [(EVERYONE, _("Everyone: the host and all guest organisations"))]
    if relation(writer, visit) is Relation.HOST:
        choices += [
            (str(guest.id), _("Only %(organisation)s", organisation=guest.name))
            for guest in visit.guest_organisations
        ]
    else:
        choices.append(
            (
                str(writer.organisation_id),
                _("Only the host, %(organisation)s", organisation=visit.host_organisation.name),
            )
        )
    return choices


def referable_items(visit: Visit, reader: User, language: str) -> dict[int, Reference]:
    """Return the agenda items the reader sees, by id: the draft's for the host, the
    latest issued version's without internal holds for a guest."""
    if relation(reader, visit) is Relation.HOST:
        items = db.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.visit_id == visit.id)
            .order_by(AgendaItem.starts_at, AgendaItem.id)
        )
        return {item.id: _item_reference(item.id, item.starts_at, title_in(item, language))
                for item in items}  # fmt: skip
    agenda = visible_agenda(visit, Audience.GUEST, language, latest_version(visit.id))
    if agenda is None:
        return {}
    return {item.id: _item_reference(item.id, item.starts_at, item.title)
            for item in agenda.ordered() if item.id is not None}  # fmt: skip


def _item_reference(item_id: int, starts_at: datetime, title: str) -> Reference:
    return Reference(item_id, f"{starts_at:%d.%m. %H:%M} · {title}")


def _version_references(versions: list[AgendaVersion]) -> list[Reference]:
    return [Reference(version.id, _("Version %(number)s", number=version.number))
            for version in versions]  # fmt: skip


def last_read(reader: User, visit_id: int) -> int:
    """Return the newest message id of the visit's thread the reader was shown (0: none)."""
    found = db.session.scalar(
        select(ThreadReading.last_read_id).where(
            ThreadReading.user_id == reader.id, ThreadReading.visit_id == visit_id
        )
    )
    return found or 0


def load_thread(visit: Visit, reader: User, language: str) -> ThreadPage:
    """Load the visit's thread as the reader sees it, newer messages marked as new."""
    read_up_to = last_read(reader, visit.id)
    items = referable_items(visit, reader, language)
    versions = version_history(visit.id)
    numbers = {version.id: version.number for version in versions}
    shown = []
    for message in messages_for(visit, reader):
        item = items.get(message.agenda_item_id) if message.agenda_item_id else None
        shown.append(
            ShownMessage(
                message=message,
                is_new=message.id > read_up_to and message.author_id != reader.id,
                pair=message.guest_organisation.name if message.guest_organisation else "",
                item=item,
                item_hidden=message.agenda_item_id is not None and item is None,
                version_number=numbers.get(message.version_id),
            )
        )
    return ThreadPage(
        visit=visit,
        messages=shown,
        addressees=addressees(visit, reader),
        items=list(items.values()),
        versions=_version_references(versions),
        can_write=can_write_thread(reader, visit),
        newest_id=shown[-1].message.id if shown else 0,
    )


def _insert(connection):
    """Return the INSERT construct with ON CONFLICT of the connection's database."""
    return postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert


def mark_read(reader: User, visit_id: int, newest_id: int) -> None:
    """Note that the reader was shown the visit's thread up to ``newest_id``.

    Two pages open at once never move the mark back.
    """
    if not newest_id:
        return
    table = ThreadReading.__table__
    connection = db.session.connection()
    statement = _insert(connection)(table).values(
        user_id=reader.id, visit_id=visit_id, last_read_id=newest_id, read_at=utcnow()
    )
    further = case(
        (statement.excluded.last_read_id > table.c.last_read_id, statement.excluded.last_read_id),
        else_=table.c.last_read_id,
    )
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=[table.c.user_id, table.c.visit_id],
            set_={"last_read_id": further, "read_at": statement.excluded.read_at},
        )
    )


def unread_counts(reader: User, visit_ids: list[int]) -> dict[int, int]:
    """Return, by visit, how many messages the reader has not been shown yet, in one
    query for all the visits; the caller passes visits the reader may see."""
    if not visit_ids:
        return {}
    reading = and_(
        ThreadReading.visit_id == VisitMessage.visit_id, ThreadReading.user_id == reader.id
    )
    query = (
        select(VisitMessage.visit_id, func.count())
        .join(Visit, Visit.id == VisitMessage.visit_id)
        .outerjoin(ThreadReading, reading)
        .where(
            VisitMessage.visit_id.in_(visit_ids),
            VisitMessage.id > func.coalesce(ThreadReading.last_read_id, 0),
            or_(VisitMessage.author_id.is_(None), VisitMessage.author_id != reader.id),
            _visible_to(reader.organisation_id),
        )
        .group_by(VisitMessage.visit_id)
    )
    return {visit_id: count for visit_id, count in db.session.execute(query)}


def _clean_body(body: str) -> str:
    body = clean_text(body or "", multiline=True)
    if not body:
        raise InvalidInput("body", _l("Please write a message."))
    if len(body) > BODY_LENGTH:
        raise InvalidInput(
            "body", _l("Please write at most %(count)d characters.", count=BODY_LENGTH)
        )
    return body


def post_message(
    visit: Visit, author: User, body: str, addressee: str, language: str,
    item_id: int | None = None, version_id: int | None = None,
) -> VisitMessage:  # fmt: skip
    """Write a message into the visit's thread and tell its readers by e-mail.

    Refuses (``InvalidInput``) an empty or long text, an addressee the author may not
    write to, and an item or version the author does not see on this visit.
    """
    body = _clean_body(body)
    if addressee not in dict(addressees(visit, author)):
        raise InvalidInput("addressee", _l("Please choose whom to write to."))
    if item_id and item_id not in referable_items(visit, author, language):
        raise InvalidInput("item", _l("Please choose an item of this visit."))
    if version_id and version_id not in {version.id for version in version_history(visit.id)}:
        raise InvalidInput("version", _l("Please choose a version of this visit."))
    message = VisitMessage(
        visit=visit,
        author=author,
        author_organisation_id=author.organisation_id,
        guest_organisation_id=None if addressee == EVERYONE else int(addressee),
        body=body,
        agenda_item_id=item_id or None,
        version_id=version_id or None,
        created_at=utcnow(),
    )
    db.session.add(message)
    db.session.flush()
    notify_readers(message, author)
    return message


def reading_organisations(message: VisitMessage) -> list[Organisation]:
    """Return the organisations that read the message: the host, and its pair's guest or
    every accepted guest."""
    visit = message.visit
    if message.guest_organisation_id is None:
        return [visit.host_organisation, *visit.guest_organisations]
    return [visit.host_organisation, db.session.get(Organisation, message.guest_organisation_id)]


def _notice_text(message: VisitMessage, author: User) -> tuple[str, str]:
    visit = message.visit
    values = {"name": author.name, "organisation": author.organisation.name,
              "title": visit.title}  # fmt: skip
    subject = _("New message about %(title)s from %(organisation)s", **values)
    if message.guest_organisation_id is None:
        to = _("To everyone: the host and all guest organisations.")
    else:
        to = _("Between %(host)s and %(guest)s only.", host=visit.host_organisation.name,
               guest=message.guest_organisation.name)  # fmt: skip
    base = current_app.config["BASE_URL"].rstrip("/")
    lines = [
        _("%(name)s (%(organisation)s) wrote in the thread of the visit %(title)s:", **values),
        to,
        "",
        message.body,
        "",
        _("Read and answer: %(link)s", link=f"{base}/visits/{visit.id}/thread"),
    ]
    return subject, "\n".join(lines)


def notify_readers(message: VisitMessage, author: User) -> list[OutboxMessage]:
    """Put an e-mail about the message into the outbox for every planner and admin of the
    organisations that read it, but its author, each in their organisation's language."""
    notices = []
    for organisation in reading_organisations(message):
        language = organisation.locale.value
        with force_locale(language):
            subject, body = _notice_text(message, author)
        notices += _staff_notices(message.visit, NOTICE_KIND, organisation.id, language,
                                  subject, body, skip=author.id)  # fmt: skip
    return notices
