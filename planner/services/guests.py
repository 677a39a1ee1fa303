"""A guest organisation's part in a visit: invited by the host, accepted, declined or left.

A host naming an organisation as a guest invites it. Until one of its planners or admins
accepts, its users see only the invitation (``invitation_of``), nothing else of the
visit: the permissions (``services/permissions.py``) count accepted guests only. Every
answer is told to the host's planners and admins by e-mail through the outbox
(``notify_host``), in the transaction of the answer, and kept in the audit trail.
"""

from datetime import datetime
from email.utils import make_msgid

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select
from sqlalchemy.orm import joinedload

from planner.enums import GuestState, OutboxStatus, Role
from planner.extensions import db
from planner.models import Organisation, OutboxMessage, User, Visit, VisitGuest
from planner.models.types import utcnow
from planner.services.errors import InvalidInput
from planner.services.letters import text_to_html
from planner.services.text import clean_text

ANSWERING_ROLES = frozenset({Role.ADMIN, Role.PLANNER})
# Named and not turned away: the guests a host's form shows as chosen.
NAMED_STATES = frozenset({GuestState.INVITED, GuestState.ACCEPTED})
# An answer someone gave and may give again: naming the organisation again asks anew.
ENDED_STATES = frozenset({GuestState.DECLINED, GuestState.LEFT})
MESSAGE_LENGTH = 2000
NOTICE_KIND = "guest-answer"
INVITATION_KIND = "guest-invitation"


class InvitationGone(Exception):
    """The invitation was withdrawn or already answered otherwise meanwhile."""


def named_guest_ids(visit: Visit) -> list[int]:
    """Return the ids of the organisations the host named and that did not turn it down."""
    return [link.organisation_id for link in visit.guest_links if link.state in NAMED_STATES]


def name_guests(visit: Visit, organisations: list[Organisation]) -> list[VisitGuest]:
    """Invite the named organisations not yet invited or accepted; withdraw the others.

    A declined or left organisation named again is invited anew; one the host no longer
    names loses its invitation or its place, while a refusal stays on record. Return the
    links invited now (``notify_invited`` tells their planners).
    """
    # A guest typed in as a new name has no id yet, nor a link.
    wanted = {organisation.id: organisation for organisation in organisations if organisation.id}
    new = [organisation for organisation in organisations if organisation.id is None]
    now = utcnow()
    changed = False
    removed: set[int] = set()
    invited: list[VisitGuest] = []
    for link in list(visit.guest_links):
        if link.organisation_id in wanted:
            if link.state in ENDED_STATES:
                _invite_again(link, now)
                invited.append(link)
                changed = True
        elif link.state in NAMED_STATES:
            db.session.delete(link)
            removed.add(link.organisation_id)
            changed = True
    linked = {link.organisation_id for link in visit.guest_links} - removed
    for organisation in [*new, *(o for i, o in wanted.items() if i not in linked)]:
        link = VisitGuest(organisation=organisation, state=GuestState.INVITED, invited_at=now)
        visit.guest_links.append(link)
        invited.append(link)
        changed = True
    if changed and inspect(visit).persistent:
        # A changed list of guests is a change of the visit: its lock version goes up.
        visit.updated_at = now
        # Read again when next asked for, after the flush (deleted links included).
        db.session.expire(visit, ["guest_organisations", "guest_links"])
    return invited


def _invite_again(link: VisitGuest, now: datetime) -> None:
    link.state = GuestState.INVITED
    link.invited_at = now
    link.answered_at = None
    link.answered_by_id = None
    link.message = ""


def invitation_of(user: User, visit_id: int) -> VisitGuest | None:
    """Return the user's organisation's open or accepted link to the visit, else None."""
    if user is None or not user.active:
        return None
    return db.session.scalar(
        select(VisitGuest)
        .options(joinedload(VisitGuest.visit).joinedload(Visit.host_organisation))
        .where(
            VisitGuest.visit_id == visit_id,
            VisitGuest.organisation_id == user.organisation_id,
            VisitGuest.state.in_(NAMED_STATES),
        )
    )


def named_link(visit_id: int, organisation_id: int) -> VisitGuest | None:
    """Return the organisation's link to the visit while the host names it as a guest."""
    return db.session.scalar(
        select(VisitGuest).where(
            VisitGuest.visit_id == visit_id,
            VisitGuest.organisation_id == organisation_id,
            VisitGuest.state.in_(NAMED_STATES),
        )
    )


def pending_invitations(user: User) -> list[Visit]:
    """Return the visits the user's organisation is invited to and has not answered."""
    return list(
        db.session.scalars(
            select(Visit)
            .join(VisitGuest, VisitGuest.visit_id == Visit.id)
            .options(joinedload(Visit.host_organisation))
            .where(
                VisitGuest.organisation_id == user.organisation_id,
                VisitGuest.state == GuestState.INVITED,
            )
            .order_by(Visit.first_day, Visit.id)
        )
    )


def _locked_link(visit_id: int, organisation_id: int) -> VisitGuest | None:
    # Read again for update: two planners answering at once answer once.
    return db.session.scalar(
        select(VisitGuest)
        .where(VisitGuest.visit_id == visit_id, VisitGuest.organisation_id == organisation_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def accept(link: VisitGuest, user: User) -> bool:
    """Accept the invitation for the user's organisation; False if it was already accepted.

    Raises ``InvitationGone`` when the host withdrew it or it was declined meanwhile.
    """
    link = _locked_link(link.visit_id, link.organisation_id)
    if link is None or link.state in ENDED_STATES:
        raise InvitationGone
    if link.state is GuestState.ACCEPTED:
        return False
    _answer(link, user, GuestState.ACCEPTED, "")
    notify_host(link, user)
    return True


def decline(link: VisitGuest, user: User, message: str = "") -> None:
    """Decline the invitation for the user's organisation, with an optional message."""
    message = _clean_message(message)
    link = _locked_link(link.visit_id, link.organisation_id)
    if link is None or link.state is not GuestState.INVITED:
        raise InvitationGone
    _answer(link, user, GuestState.DECLINED, message)
    notify_host(link, user)


def leave(visit: Visit, user: User, message: str = "") -> None:
    """Take the user's organisation off the visit; its delegation stays for the record."""
    message = _clean_message(message)
    link = _locked_link(visit.id, user.organisation_id)
    if link is None or link.state is not GuestState.ACCEPTED:
        raise InvitationGone
    _answer(link, user, GuestState.LEFT, message)
    notify_host(link, user)


def _clean_message(message: str) -> str:
    message = clean_text(message or "", multiline=True)
    if len(message) > MESSAGE_LENGTH:
        raise InvalidInput(
            "message", _l("Please write at most %(count)d characters.", count=MESSAGE_LENGTH)
        )
    return message


def _answer(link: VisitGuest, user: User, state: GuestState, message: str) -> None:
    link.state = state
    link.answered_at = utcnow()
    link.answered_by_id = user.id
    link.message = message
    # An answer is no edit of the visit: a host's open form on it stays valid. Its stored
    # files follow (services/artefacts.py forgets them on any change of a guest link).
    db.session.expire(link.visit, ["guest_organisations"])


def host_planners(visit: Visit) -> list[User]:
    """Return the host's active planners and admins, who hear of every guest's answer."""
    return organisation_planners(visit.host_organisation_id)


def _notice_text(link: VisitGuest, user: User) -> tuple[str, str]:
    visit = link.visit
    guest = link.organisation.name
    values = {"organisation": guest, "title": visit.title, "name": user.name}
    if link.state is GuestState.ACCEPTED:
        subject = _("%(organisation)s accepted the invitation to %(title)s", **values)
        opening = _("%(name)s accepted for %(organisation)s the invitation to %(title)s.", **values)
    elif link.state is GuestState.DECLINED:
        subject = _("%(organisation)s declined the invitation to %(title)s", **values)
        opening = _("%(name)s declined for %(organisation)s the invitation to %(title)s.", **values)
    else:
        subject = _("%(organisation)s left the visit %(title)s", **values)
        opening = _("%(name)s took %(organisation)s off the visit %(title)s.", **values)
    lines = [opening]
    if link.message:
        lines += ["", _("Their message:"), link.message]
    base = current_app.config["BASE_URL"].rstrip("/")
    lines += ["", _("The visit: %(link)s", link=f"{base}/visits/{visit.id}")]
    return subject, "\n".join(lines)


def notify_host(link: VisitGuest, user: User) -> list[OutboxMessage]:
    """Put an e-mail to each of the host's planners and admins into the outbox, to be sent.

    Staff notices are sent without review (status pending), in the host organisation's
    language, under the kind ``guest-answer``; ``flask outbox send`` delivers them.
    """
    visit = link.visit
    language = visit.host_organisation.locale.value
    with force_locale(language):
        subject, body = _notice_text(link, user)
    return _staff_notices(visit, NOTICE_KIND, visit.host_organisation_id, language, subject, body)


def _staff_notices(visit: Visit, kind: str, organisation_id: int, language: str, subject: str,
                   body: str, skip: int | None = None) -> list[OutboxMessage]:  # fmt: skip
    """Put one e-mail to each active planner and admin of the organisation into the
    outbox, to be sent without review (status pending); none to the user ``skip``,
    who caused it."""
    html = text_to_html(body, language, subject)
    messages = []
    for planner in organisation_planners(organisation_id):
        if planner.id == skip:
            continue
        message = OutboxMessage(
            visit=visit,
            kind=kind,
            status=OutboxStatus.PENDING,
            message_id=make_msgid(domain=current_app.config["ICAL_DOMAIN"]),
            to_address=planner.email,
            subject=subject,
            body_text=body,
            body_html=html,
            language=language,
        )
        db.session.add(message)
        messages.append(message)
    return messages


def organisation_planners(organisation_id: int) -> list[User]:
    """Return an organisation's active planners and admins, who answer its invitations."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.organisation_id == organisation_id,
                User.active.is_(True),
                User.role.in_(ANSWERING_ROLES),
            )
            .order_by(User.id)
        )
    )


def notify_invited(visit: Visit, links: list[VisitGuest]) -> list[OutboxMessage]:
    """Put an invitation to answer into the outbox for each planner and admin of each
    newly invited organisation, in that organisation's language; the caller commits.

    An organisation known only by its name has no one to write to yet.
    """
    base = current_app.config["BASE_URL"].rstrip("/")
    messages = []
    for link in links:
        organisation = link.organisation
        if organisation.id is None:
            continue
        language = organisation.locale.value
        values = {"host": visit.host_organisation.name, "organisation": organisation.name,
                  "title": visit.title}  # fmt: skip
        with force_locale(language):
            subject = _("%(host)s invites %(organisation)s: %(title)s", **values)
            body = "\n".join([
                _("%(host)s invites %(organisation)s to the visit %(title)s.", **values),
                _("Until one of your planners accepts, your colleagues see only the invitation."),
                "",
                _("Accept or decline: %(link)s", link=f"{base}/visits/{visit.id}/invitation"),
            ])  # fmt: skip
        messages += _staff_notices(visit, INVITATION_KIND, organisation.id, language, subject,
                                   body)  # fmt: skip
    return messages


def guest_states(visit: Visit) -> list[VisitGuest]:
    """Return every organisation named as a guest of the visit with its answer, by name."""
    links = db.session.scalars(
        select(VisitGuest)
        .join(Organisation, Organisation.id == VisitGuest.organisation_id)
        .options(joinedload(VisitGuest.organisation))
        .where(VisitGuest.visit_id == visit.id)
        .order_by(Organisation.name)
    )
    return list(links)
