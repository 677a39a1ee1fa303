"""The words the whole history shares: quoting, lists, the sentence frame, field words."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from babel.lists import format_list
from flask_babel import get_locale, ngettext, pgettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from planner.enums import AuditAction
from planner.i18n import enum_labels
from planner.models import User
from planner.services.history.actions import Changed

if TYPE_CHECKING:
    from planner.services.history.names import Names

# In a list of names, this many are named; the rest are counted.
NAMED_IN_LISTS = 8

# Never told: they mean nothing to a reader, or are secrets.
HIDDEN = frozenset(
    {
        "id",
        "lock_version",
        "sequence",
        "uid",
        "created_at",
        "updated_at",
        "token",
        "rsvp_nonce",
        "rsvp_at",
        "invited_uids",
        "invited_version",
        "session_version",
        "last_login_at",
        "digest",
        "message_id",
        "claimed_by",
        "claimed_at",
        "next_attempt_at",
        "attempts",
        "last_error",
        "sent_at",
        "replied_at",
        "item_uids",
        "ical",
        "ical_method",
        "logo_mime",
        "body_html",
        "reply_to",
        "to_address",
        "starts_fold",
        "ends_fold",
    }
)
# Fields of a type that say which object it is, not what changed.
IDENTITY = {
    "AgendaItem": frozenset({"visit_id"}),
    "Visit": frozenset({"host_organisation_id"}),
    "Participation": frozenset({"visit_id", "person_id"}),
    "ItemAnswer": frozenset({"participation_id", "agenda_item_id"}),
    "OutboxMessage": frozenset(
        {"visit_id", "person_id", "participation_id", "kind", "version_number", "language"}
    ),
    "FeedToken": frozenset({"visit_id", "person_id", "user_id", "kind", "reminders"}),
    "ProgrammeModule": frozenset({"organisation_id", "key"}),
    "Room": frozenset(),
    "Venue": frozenset({"organisation_id"}),
    "User": frozenset(),
    "Person": frozenset(),
    "PressContact": frozenset({"visit_id"}),
    "PressPage": frozenset({"visit_id"}),
}

# Words for fields that have no sentence of their own (accusative, with article).
FIELD_LABELS: dict[str, dict[str, Any]] = {
    "AgendaItem": {
        "description_de": _l("the German description"),
        "description_en": _l("the English description"),
        "internal_notes": _l("the internal notes"),
        "setup_minutes": _l("the set-up time"),
        "teardown_minutes": _l("the tear-down time"),
        "module_id": _l("the programme module"),
        "press_access": _l("whether the press may attend"),
    },
    "Visit": {
        "purpose": _l("the purpose"),
        "internal_notes": _l("the internal notes"),
        "guests_see_host_attendees": _l("whether guests see the host's attendee list"),
    },
    "Person": {
        "salutation": _l("the salutation"),
        "office_title": _l("the office title"),
        "function": _l("the function"),
        "company": _l("the company"),
        "email": _l("the e-mail address"),
        "phone": _l("the phone number"),
        "phone_internal": _l("whether the phone number is internal"),
        "language": _l("the language"),
        "dietary_needs": _l("the dietary needs"),
        "accessibility_needs": _l("the accessibility needs"),
        "needs_escort": _l("the need for an escort"),
        "needs_parking": _l("the need for a parking space"),
        "health_consent_at": _l("the consent to keeping health data"),
        "precedence_rank": _l("the precedence rank"),
        "organisation_id": _l("the organisation"),
    },
    "User": {"email": _l("the e-mail address")},
    "Organisation": {
        "timezone": _l("the time zone"),
        "locale": _l("the language"),
    },
    "Room": {
        "accessibility_notes": _l("the accessibility notes"),
        "venue_id": _l("the building"),
    },
    "Venue": {
        "address": _l("the address"),
        "accessibility_notes": _l("the accessibility notes"),
    },
    "ProgrammeModule": {
        "kind": _l("the kind"),
        "title_de": _l("the German title"),
        "title_en": _l("the English title"),
        "description_de": _l("the German description"),
        "description_en": _l("the English description"),
        "default_duration_minutes": _l("the duration"),
        "default_room_id": _l("the room"),
    },
    "Participation": {
        "side": _l("the side"),
        "arrival_means": _l("the means of arrival"),
        "arrival_at": _l("the arrival time"),
        "arrival_reference": _l("the train or flight of the arrival"),
        "arrival_note": _l("the note on the arrival"),
        "departure_means": _l("the means of departure"),
        "departure_at": _l("the departure time"),
        "departure_reference": _l("the train or flight of the departure"),
        "departure_note": _l("the note on the departure"),
        "public_function": _l("whether guests see the function"),
        "public_phone": _l("whether guests see the phone number"),
        "press_public": _l("whether the person is named on the press page"),
    },
    "PressContact": {
        "outlet": _l("the media outlet"),
        "journalist": _l("the journalist"),
        "email": _l("the e-mail address"),
        "phone": _l("the phone number"),
        "accreditation": _l("the accreditation"),
        "items": _l("the items attended"),
    },
    "PressPage": {
        "published": _l("whether the press page is published"),
        "release_text": _l("the press release"),
    },
}


# A clause naming its object, and the same clause referring back to it ("… and moved it").
Clause = tuple[str, str]


def quote(text: str) -> str:
    """Return a title in the reader's quotation marks: „X“ or “X”."""
    return _("“%(text)s”", text=text)


def names_list(names: Iterable[str]) -> str:
    """Return names as a list in the reader's language, the many counted: „A, B und 3 weitere“."""
    unique = list(dict.fromkeys(names))
    if len(unique) > NAMED_IN_LISTS + 1:
        rest = len(unique) - NAMED_IN_LISTS
        unique = [*unique[:NAMED_IN_LISTS], ngettext("%(num)s other", "%(num)s others", rest)]
    return format_list(unique, locale=get_locale()) if unique else ""


def chain(clauses: list[Clause]) -> list[str]:
    """Return the clauses about one object: the first names it, the others refer back."""
    return [clauses[0][0], *(later for _first, later in clauses[1:])] if clauses else []


def same(text: str) -> Clause:
    """Return a clause that reads the same wherever it stands."""
    return (text, text)


def sentence(text: str) -> str:
    """Return the text as a sentence, with its full stop."""
    text = text.strip()
    # A quoted comment may end the sentence already: „Ich komme gerne.“
    return text if text.rstrip("“”„\"'»«").endswith((".", "!", "?")) else f"{text}."


def frame(who: str, clauses: list[str]) -> str:
    """Return the sentence of someone who did the clauses: „Petra hat … verschoben und …“."""
    # Translators: a sentence of the history. "who" is a person, "what" a list of what
    # they did, e.g. "moved “Lunch” from 12:00 to 12:30 and moved it to Foyer"; in German
    # "%(who)s hat %(what)s" with participles: "„Mittagessen“ … verschoben und … verlegt".
    return pgettext(
        "history", "%(who)s %(what)s", who=who, what=format_list(clauses, locale=get_locale())
    )


@dataclass
class Story:
    """What an action tells: clauses with the actor as subject, then whole sentences."""

    names: "Names"
    zone: str
    actor: User | None
    clauses: list[str] = field(default_factory=list)
    closing: list[str] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)

    def add(self, clauses: list[Clause]) -> None:
        """Add the clauses about one object."""
        self.clauses += chain(clauses)

    def told(self) -> list[str]:
        """Return the action's sentences."""
        result = []
        if self.clauses or self.closing:
            who = self.actor.name if self.actor is not None else _("The system")
            result.append(frame(who, self.clauses + self.closing))
        return [sentence(text) for text in result + self.sentences]


def visible(obj: Changed) -> bool:
    """Return whether the change has anything a reader may be told."""
    return obj.action is not AuditAction.UPDATE or any(key not in HIDDEN for key in obj.fields)


def rest_of(obj: Changed, told: set[str]) -> tuple[str, bool]:
    """Return the words for the changed fields without a clause of their own, and
    whether fields without words changed too."""
    labels = FIELD_LABELS.get(obj.type, {})
    named, unknown = [], False
    for key in obj.fields:
        if key in told or key in HIDDEN or key in IDENTITY.get(obj.type, ()):
            continue
        if key in labels:
            named.append(str(labels[key]))
        else:
            unknown = True
    return (format_list(named, locale=get_locale()) if named else ""), unknown


def trash(obj: Changed, name: str) -> list[Clause]:
    """Tell a thing moved to the trash or restored from it."""
    # Kept restorable for a while: moving to the trash sets the time, restoring clears it.
    if not obj.changed("deleted_at"):
        return []
    if obj.new("deleted_at"):
        return [(_("moved %(name)s to the trash", name=name), _("moved it to the trash"))]
    return [(_("restored %(name)s from the trash", name=name), _("restored it from the trash"))]


def label(kind: str, value: Any) -> str:
    """Return the words for an enum value of a kind in enum_labels ("visit_status", "role")."""
    labels = enum_labels()[kind]
    return str(labels[value]) if value in labels else _("unknown")


def renamed(old: str, new: str) -> Clause:
    """Return the clause of a thing renamed."""
    return (_("renamed %(old)s to %(new)s", old=old, new=new), _("renamed it to %(new)s", new=new))


def generic(
    obj: Changed, told: set[str], fields_first: Callable[[str], str], unknown_first: str
) -> list[Clause]:
    """Tell the changed fields without clauses of their own, by their words or not at all."""
    fields, unknown = rest_of(obj, told)
    clauses: list[Clause] = []
    if fields:
        clauses.append((fields_first(fields), _("changed %(fields)s", fields=fields)))
    if unknown:
        clauses.append((unknown_first, _("changed other details")))
    return clauses
