"""The words for e-mails in the outbox and calendar subscriptions."""

from collections import defaultdict

from flask_babel import gettext as _
from flask_babel import ngettext

from planner.enums import AuditAction, OutboxStatus
from planner.models import User
from planner.services.history.actions import Action, Changed
from planner.services.history.words import Clause, Story, names_list, same, visible


def _message_event(obj: Changed, actor: User | None) -> str:
    """Return what happened to an outbox message, as a key of MESSAGE_EVENTS."""
    if obj.action is AuditAction.CREATE:
        return "drafted" if obj.new("status") in (None, OutboxStatus.DRAFT) else "queued"
    if obj.action is AuditAction.DELETE:
        return "deleted"
    if obj.changed("status"):
        old, new = obj.old("status"), obj.new("status")
        if new == OutboxStatus.SENT:
            return "sent"
        if new == OutboxStatus.SENDING:
            return ""  # claimed by the outbox worker: what it did next is told
        if new == OutboxStatus.FAILED:
            return "failed"
        if new == OutboxStatus.DISCARDED:
            return "discarded" if actor is not None else "withdrawn"
        if new == OutboxStatus.PENDING:
            if old == OutboxStatus.DRAFT:
                return "released"
            if old == OutboxStatus.FAILED:
                return "resent"
            return "retrying"
        return "changed"
    if any(key in obj.fields for key in ("subject", "body_text", "body_html")):
        return "edited"
    return "changed" if visible(obj) else ""


def _message_text(event: str, count: int, people: str) -> tuple[str, bool]:
    """Return the words for messages of one event, and whether they are a clause."""
    values = {"people": people}
    if event == "drafted-by":
        return ngettext("drafted %(num)s e-mail to %(people)s for review",
                        "drafted %(num)s e-mails to %(people)s for review",
                        count, **values), True  # fmt: skip
    if event == "drafted":
        return ngettext("%(num)s e-mail to %(people)s was drafted for review",
                        "%(num)s e-mails to %(people)s were drafted for review",
                        count, **values), False  # fmt: skip
    if event == "queued":
        return ngettext("%(num)s e-mail to %(people)s was queued for sending",
                        "%(num)s e-mails to %(people)s were queued for sending",
                        count, **values), False  # fmt: skip
    if event == "sent":
        return ngettext("%(num)s e-mail to %(people)s was sent",
                        "%(num)s e-mails to %(people)s were sent",
                        count, **values), False  # fmt: skip
    if event == "failed":
        return ngettext("%(num)s e-mail to %(people)s could not be delivered",
                        "%(num)s e-mails to %(people)s could not be delivered",
                        count, **values), False  # fmt: skip
    if event == "retrying":
        return ngettext("Delivering %(num)s e-mail to %(people)s failed; it will be tried again",
                        "Delivering %(num)s e-mails to %(people)s failed; they will be tried again",
                        count, **values), False  # fmt: skip
    if event == "withdrawn":
        return ngettext("%(num)s draft e-mail to %(people)s was withdrawn",
                        "%(num)s draft e-mails to %(people)s were withdrawn",
                        count, **values), False  # fmt: skip
    if event == "deleted":
        return ngettext("%(num)s e-mail to %(people)s was deleted",
                        "%(num)s e-mails to %(people)s were deleted",
                        count, **values), False  # fmt: skip
    if event == "released":
        return ngettext("released %(num)s e-mail to %(people)s for sending",
                        "released %(num)s e-mails to %(people)s for sending",
                        count, **values), True  # fmt: skip
    if event == "resent":
        return ngettext("had %(num)s e-mail to %(people)s sent again",
                        "had %(num)s e-mails to %(people)s sent again",
                        count, **values), True  # fmt: skip
    if event == "discarded":
        return ngettext("discarded %(num)s e-mail to %(people)s",
                        "discarded %(num)s e-mails to %(people)s",
                        count, **values), True  # fmt: skip
    if event == "edited":
        return ngettext("edited %(num)s e-mail to %(people)s",
                        "edited %(num)s e-mails to %(people)s", count, **values), True  # fmt: skip
    return ngettext("changed %(num)s e-mail to %(people)s",
                    "changed %(num)s e-mails to %(people)s", count, **values), True  # fmt: skip


MESSAGE_EVENTS = (
    "drafted-by",
    "drafted",
    "queued",
    "released",
    "resent",
    "edited",
    "discarded",
    "withdrawn",
    "sent",
    "retrying",
    "failed",
    "deleted",
    "changed",
)


def tell_messages(action: Action, story: Story) -> None:
    """Tell e-mails by what happened to them, counted, with their recipients."""
    names = story.names
    # Drafted by someone, unless with a version: that sentence is about the version.
    by_someone = action.user is not None and not action.of_type("AgendaVersion")
    by_event: dict[str, list[Changed]] = defaultdict(list)
    for obj in sorted(action.of_type("OutboxMessage"), key=lambda o: o.id):
        event = _message_event(obj, action.user)
        if event == "drafted" and by_someone:
            event = "drafted-by"
        if event:
            by_event[event].append(obj)
    for event in MESSAGE_EVENTS:
        messages = by_event.get(event)
        if not messages:
            continue
        people = names_list(_recipient(obj, names) for obj in messages)
        text, clause = _message_text(event, len(messages), people)
        if clause:
            story.add([same(text)])
        else:
            story.sentences.append(text)


def _recipient(obj: Changed, names) -> str:
    """Name whom a message went to: a participant, or an office's planners (a notice of an
    invitation, an answer, a request or a thread message, which has no participant)."""
    person_id = obj.value("person_id") or names.get("OutboxMessage", obj.id, "person_id")
    return names.person(person_id) if person_id else _("an office's staff")


def feed_clauses(obj: Changed, action: Action, story: Story) -> list[Clause]:
    """Tell a calendar subscription created or revoked."""
    names = story.names
    kind = obj.value("kind") or names.get("FeedToken", obj.id, "kind")
    person = obj.value("person_id") or names.get("FeedToken", obj.id, "person_id")
    visit = names.visit(action.visit_id)
    if obj.action is AuditAction.CREATE:
        if kind == "person":
            text = _("created a calendar subscription for %(person)s", person=names.person(person))
        elif kind == "visit":
            text = _("created a calendar subscription to the visit %(title)s", title=visit)
        else:
            text = _("created a personal calendar subscription to all visits")
        return [same(text)]
    if obj.action is AuditAction.UPDATE and obj.changed("revoked_at") and obj.new("revoked_at"):
        if kind == "person":
            text = _("revoked the calendar subscription for %(person)s",
                     person=names.person(person))  # fmt: skip
        elif kind == "visit":
            text = _("revoked the calendar subscription to the visit %(title)s", title=visit)
        else:
            text = _("revoked a personal calendar subscription to all visits")
        return [same(text)]
    if not visible(obj):
        return []
    return [(_("changed a calendar subscription"), _("changed other details"))]


def thread_clauses(obj: Changed, visit_id: int | None, story: Story) -> list[Clause]:
    """Tell a message written into a visit's thread (messages are never changed)."""
    if obj.action is not AuditAction.CREATE:
        return []
    return [same(_("wrote a message in the thread of the visit %(title)s",
                   title=story.names.visit(visit_id)))]  # fmt: skip
