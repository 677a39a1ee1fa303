"""Visit requests: a guest city asks a host organisation for a visit.

The two offices take turns. A new request, and a guest's new proposal, is the host's
turn (state ``requested``): its planners accept one of the day options, propose other
days (``counter-proposed``) or decline. A host's proposal is the guest's turn: its
planners agree to one of the proposed options, propose again or withdraw. Agreeing to
days the host itself proposed settles the request as an acceptance by the host would:
the host offered those days, so a second round would only ask the same question again.

An acceptance makes a draft visit of the request: its title, purpose and days, the host,
the requesting organisation as an accepted guest (it asked, so it need not accept an
invitation), the wished programme modules as agenda items of the first day, and the
rest (delegation, head, languages, free wishes) in the internal notes. Every step is
kept as a ``VisitRequestEvent``, audited, and told to the other office's planners and
admins by e-mail through the outbox, in their organisation's language.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask import current_app
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from planner.enums import GuestState, Language, RequestState, RequestStep
from planner.extensions import db
from planner.models import (
    Organisation,
    OutboxMessage,
    ProgrammeModule,
    User,
    Visit,
    VisitGuest,
    VisitRequest,
    VisitRequestEvent,
    VisitRequestOption,
)
from planner.models.types import utcnow
from planner.services.agenda import add_item, values_from_module
from planner.services.errors import InvalidInput
from planner.services.guests import _staff_notices
from planner.services.locking import check_version, flush_or_conflict
from planner.services.permissions import can_act_on_request
from planner.services.planning import VisitValues, create_visit
from planner.services.text import clean_text

MAX_OPTIONS = 5
MAX_DELEGATION = 500
MAX_MODULES = 30
TITLE_LENGTH = 300
TEXT_LENGTH = 5000
NAME_LENGTH = 300
OTHER_LANGUAGES_LENGTH = 200
MESSAGE_LENGTH = 2000
LANGUAGE_CODES = tuple(language.value for language in Language)
OPEN_STATES = frozenset({RequestState.REQUESTED, RequestState.COUNTER_PROPOSED})
NOTICE_KIND = "visit-request"
# Where the first wished module begins on the visit's first day.
PROGRAMME_START = time(10, 0)
LIST_LIMIT = 200


class Side:
    """The two offices of a request."""

    HOST = "host"
    GUEST = "guest"


class NotYourTurn(Exception):
    """The step is not the user's office's to take now: the request was answered meanwhile,
    or is closed."""


@dataclass(frozen=True)
class DayOption:
    """A span of days proposed for the visit."""

    first_day: date
    last_day: date


@dataclass(frozen=True)
class RequestValues:
    """A new request as the form hands it over."""

    host_organisation_id: int
    title: str
    options: list[DayOption]
    delegation_size: int
    purpose: str = ""
    head_of_delegation: str = ""
    module_ids: list[int] = field(default_factory=list)
    wishes: str = ""
    languages: list[str] = field(default_factory=list)
    other_languages: str = ""


# --- who sees and does what ------------------------------------------------------------


def side_of(user: User | None, request: VisitRequest) -> str | None:
    """Return which office of the request the user belongs to, None for neither."""
    if user is None or not user.active:
        return None
    if user.organisation_id == request.host_organisation_id:
        return Side.HOST
    if user.organisation_id == request.requester_organisation_id:
        return Side.GUEST
    return None


def whose_turn(request: VisitRequest) -> str | None:
    """Return the office that answers next, None once the request is settled."""
    if request.state is RequestState.REQUESTED:
        return Side.HOST
    if request.state is RequestState.COUNTER_PROPOSED:
        return Side.GUEST
    return None


def steps_for(user: User | None, request: VisitRequest) -> set[str]:
    """Return the steps the user may take now: accept, propose, decline, withdraw."""
    if not can_act_on_request(user, request) or request.state not in OPEN_STATES:
        return set()
    side = side_of(user, request)
    steps = {"decline"} if side == Side.HOST else {"withdraw"}
    if whose_turn(request) == side:
        steps |= {"accept", "propose"}
    return steps


# --- reading ---------------------------------------------------------------------------


def host_choices(user: User) -> list[Organisation]:
    """Return the organisations the user's office may ask for a visit: all but its own."""
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.id != user.organisation_id)
            .order_by(Organisation.name)
        )
    )


def catalogue_of(organisation_id: int) -> list[ProgrammeModule]:
    """Return a host's programme modules, the catalogue a guest chooses its wishes from."""
    return list(
        db.session.scalars(
            select(ProgrammeModule)
            .where(ProgrammeModule.organisation_id == organisation_id)
            .order_by(ProgrammeModule.title_de, ProgrammeModule.id)
        )
    )


def _of_user(user: User):
    return select(VisitRequest).where(
        or_(
            VisitRequest.host_organisation_id == user.organisation_id,
            VisitRequest.requester_organisation_id == user.organisation_id,
        )
    )


def requests_of(user: User) -> list[VisitRequest]:
    """Return the requests the user's organisation made or received, latest first."""
    return list(
        db.session.scalars(
            _of_user(user)
            .options(
                selectinload(VisitRequest.host_organisation),
                selectinload(VisitRequest.requester_organisation),
            )
            .order_by(VisitRequest.id.desc())
            .limit(LIST_LIMIT)
        )
    )


def open_requests(user: User) -> list[VisitRequest]:
    """Return the open requests the user's organisation made or received, oldest first,
    for the dashboard."""
    return list(
        db.session.scalars(
            _of_user(user)
            .options(
                selectinload(VisitRequest.host_organisation),
                selectinload(VisitRequest.requester_organisation),
            )
            .where(VisitRequest.state.in_(OPEN_STATES))
            .order_by(VisitRequest.id)
            .limit(LIST_LIMIT)
        )
    )


def options_by_round(request: VisitRequest) -> dict[int, list[VisitRequestOption]]:
    """Return the day options of each proposal, by round, for the history."""
    rounds: dict[int, list[VisitRequestOption]] = {}
    for option in request.options:
        rounds.setdefault(option.round, []).append(option)
    return rounds


# --- checking input --------------------------------------------------------------------


def _text(name: str, value: str, limit: int, multiline: bool = False) -> str:
    value = clean_text(value or "", multiline=multiline)
    if len(value) > limit:
        raise InvalidInput(name, _l("Please write at most %(count)d characters.", count=limit))
    return value


def check_options(options: list[DayOption]) -> list[DayOption]:
    """Return the day options in order, refusing none, too many, or one that ends early."""
    if not options:
        raise InvalidInput("options", _l("Please propose at least one span of days."))
    if len(options) > MAX_OPTIONS:
        raise InvalidInput(
            "options", _l("Please propose at most %(count)d spans of days.", count=MAX_OPTIONS)
        )
    for option in options:
        if option.last_day < option.first_day:
            raise InvalidInput("options", _l("The last day cannot lie before the first day."))
    return sorted(set(options), key=lambda option: (option.first_day, option.last_day))


def _check(user: User, values: RequestValues) -> tuple[RequestValues, Organisation]:
    host = db.session.get(Organisation, values.host_organisation_id)
    if host is None or host.id == user.organisation_id:
        raise InvalidInput("host", _l("Choose another organisation as the host."))
    title = _text("title", values.title, TITLE_LENGTH)
    if not title:
        raise InvalidInput("title", _l("Please enter a title."))
    if not 1 <= values.delegation_size <= MAX_DELEGATION:
        raise InvalidInput(
            "delegation_size",
            _l("Please enter a number from 1 to %(count)d.", count=MAX_DELEGATION),
        )
    module_ids = sorted(set(values.module_ids))
    if len(module_ids) > MAX_MODULES:
        raise InvalidInput(
            "modules", _l("Please choose at most %(count)d modules.", count=MAX_MODULES)
        )
    known = set(
        db.session.scalars(
            select(ProgrammeModule.id).where(
                ProgrammeModule.id.in_(module_ids), ProgrammeModule.organisation_id == host.id
            )
        )
    )
    if known != set(module_ids):
        raise InvalidInput("modules", _l("Choose modules of the host's catalogue."))
    if not set(values.languages) <= set(LANGUAGE_CODES):
        raise InvalidInput("languages", _l("Choose German or English, or name the language."))
    clean = RequestValues(
        host_organisation_id=host.id,
        title=title,
        options=check_options(values.options),
        delegation_size=values.delegation_size,
        purpose=_text("purpose", values.purpose, TEXT_LENGTH, multiline=True),
        head_of_delegation=_text("head_of_delegation", values.head_of_delegation, NAME_LENGTH),
        module_ids=module_ids,
        wishes=_text("wishes", values.wishes, TEXT_LENGTH, multiline=True),
        languages=[code for code in LANGUAGE_CODES if code in values.languages],
        other_languages=_text("other_languages", values.other_languages, OTHER_LANGUAGES_LENGTH),
    )
    return clean, host


def clean_message(message: str) -> str:
    """Return a step's message cleaned, refusing one that is too long."""
    return _text("message", message, MESSAGE_LENGTH, multiline=True)


# --- the steps -------------------------------------------------------------------------


def create_request(user: User, values: RequestValues) -> VisitRequest:
    """Ask the host for a visit and tell its planners; the caller commits."""
    values, host = _check(user, values)
    request = VisitRequest(
        requester_organisation_id=user.organisation_id,
        host_organisation=host,
        created_by_id=user.id,
        title=values.title,
        purpose=values.purpose,
        delegation_size=values.delegation_size,
        head_of_delegation=values.head_of_delegation,
        wishes=values.wishes,
        languages=" ".join(values.languages),
        other_languages=values.other_languages,
        state=RequestState.REQUESTED,
        round=1,
    )
    if values.module_ids:
        request.modules = list(
            db.session.scalars(
                select(ProgrammeModule).where(ProgrammeModule.id.in_(values.module_ids))
            )
        )
    _add_options(request, values.options)
    db.session.add(request)
    _record(request, user, RequestStep.REQUESTED, "")
    db.session.flush()
    notify(request, _last_event(request))
    return request


def _add_options(request: VisitRequest, options: list[DayOption]) -> None:
    for position, option in enumerate(options, start=1):
        request.options.append(
            VisitRequestOption(
                round=request.round,
                position=position,
                first_day=option.first_day,
                last_day=option.last_day,
            )
        )


def _record(request: VisitRequest, user: User, step: RequestStep, message: str) -> None:
    request.events.append(
        VisitRequestEvent(
            step=step,
            round=request.round,
            user_id=user.id,
            user_name=user.name,
            organisation_id=user.organisation_id,
            message=message,
        )
    )


def _last_event(request: VisitRequest) -> VisitRequestEvent:
    return request.events[-1]


def _take_step(request: VisitRequest, user: User, step: str, expected_version: int | None) -> None:
    """Refuse a step that is not the user's to take, or one taken on an out-of-date page."""
    check_version(request, expected_version)
    if step not in steps_for(user, request):
        raise NotYourTurn


def accept(
    request: VisitRequest, user: User, option_id: int | None, expected_version: int | None
) -> Visit:
    """Accept one of the current day options and make a draft visit of the request.

    The host accepts the guest's options; the guest agrees to the host's. Raises
    ``EditConflict`` when the request changed since the page was opened, ``NotYourTurn``
    when the step is not the user's.
    """
    _take_step(request, user, "accept", expected_version)
    option = next((o for o in request.current_options if o.id == option_id), None)
    if option is None:
        raise InvalidInput("option", _l("Choose one of the proposed spans of days."))
    # Nothing is flushed before the version check of the flush below (a lazy load of the
    # steps would flush the change early, outside it).
    with db.session.no_autoflush:
        request.state = RequestState.ACCEPTED
        request.agreed_first_day = option.first_day
        request.agreed_last_day = option.last_day
        _record(request, user, RequestStep.ACCEPTED, "")
    # The request's version is claimed before anything is made of it: of two answers at
    # once, the second fails here and makes no second visit.
    flush_or_conflict(request)
    request.visit = _make_visit(request, option)
    db.session.flush()
    notify(request, _last_event(request))
    return request.visit


def propose(
    request: VisitRequest,
    user: User,
    options: list[DayOption],
    message: str,
    expected_version: int | None,
) -> None:
    """Propose other days in answer to the other office's proposal."""
    options = check_options(options)
    message = clean_message(message)
    _take_step(request, user, "propose", expected_version)
    guest_proposes = side_of(user, request) == Side.GUEST
    with db.session.no_autoflush:
        request.round += 1
        request.state = RequestState.REQUESTED if guest_proposes else RequestState.COUNTER_PROPOSED
        _add_options(request, options)
        _record(request, user, RequestStep.PROPOSED, message)
    flush_or_conflict(request)
    notify(request, _last_event(request))


def decline(request: VisitRequest, user: User, message: str, expected_version: int | None):
    """Decline the request for the host, with a message to the guest saying why.

    The message is required: a guest city deserves a reason, and writing it is the
    host's moment to think again before an answer that cannot be taken back.
    """
    if not clean_message(message):
        raise InvalidInput("message", _l("Please tell the guest why you decline."))
    _close(request, user, "decline", RequestState.DECLINED, message, expected_version)


def withdraw(request: VisitRequest, user: User, message: str, expected_version: int | None):
    """Withdraw the request for the guest, with an optional message to the host."""
    _close(request, user, "withdraw", RequestState.WITHDRAWN, message, expected_version)


def _close(request: VisitRequest, user: User, step: str, state: RequestState, message: str,
           expected_version: int | None) -> None:  # fmt: skip
    message = clean_message(message)
    _take_step(request, user, step, expected_version)
    with db.session.no_autoflush:
        request.state = state
        _record(request, user, RequestStep(state.value), message)
    flush_or_conflict(request)
    notify(request, _last_event(request))


# --- the visit made of an accepted request ---------------------------------------------


def _make_visit(request: VisitRequest, option: VisitRequestOption) -> Visit:
    host = request.host_organisation
    with force_locale(host.locale.value):
        notes = internal_notes(request)
    visit = create_visit(
        host,
        VisitValues(
            title=request.title,
            first_day=option.first_day,
            last_day=option.last_day,
            timezone=host.timezone,
            language=host.locale,
            purpose=request.purpose,
            internal_notes=notes,
        ),
    )
    now = utcnow()
    # It asked for the visit: its acceptance is the request itself.
    visit.guest_links.append(
        VisitGuest(
            organisation_id=request.requester_organisation_id,
            state=GuestState.ACCEPTED,
            invited_at=now,
            answered_at=now,
            answered_by_id=request.created_by_id,
        )
    )
    _add_wished_modules(visit, request.modules)
    return visit


def _add_wished_modules(visit: Visit, modules: list[ProgrammeModule]) -> None:
    """Add the wished modules one after another from 10:00 of the first day."""
    start = datetime.combine(visit.first_day, PROGRAMME_START)
    for module in modules:
        try:
            item = add_item(visit, values_from_module(module, start))
        except InvalidInput:
            # A module without a title in the visit's language: its wish stays in the
            # request, the planner adds it by hand.
            continue
        start = item.ends_at


def internal_notes(request: VisitRequest) -> str:
    """Return what the visit's internal notes keep of the request, in the current language."""
    lines = [
        _(
            "Made of the visit request of %(organisation)s.",
            organisation=request.requester_organisation.name,
        ),  # fmt: skip
        ngettext(
            "Delegation: %(num)d person", "Delegation: %(num)d people", request.delegation_size
        ),  # fmt: skip
    ]
    if request.head_of_delegation:
        lines.append(_("Head of delegation: %(name)s", name=request.head_of_delegation))
    languages = language_names(request)
    if languages:
        lines.append(_("Languages: %(names)s", names=languages))
    if request.wishes:
        lines += [_("Wishes:"), request.wishes]
    return "\n".join(lines)


def language_names(request: VisitRequest) -> str:
    """Return the languages the delegation needs, named in the current language."""
    names = {"de": _("German"), "en": _("English")}
    named = [names[code] for code in request.languages.split() if code in names]
    if request.other_languages:
        named.append(request.other_languages)
    return ", ".join(named)


# --- telling the other office ----------------------------------------------------------


def _days(option: VisitRequestOption | DayOption) -> str:
    first = format_date(option.first_day, "medium")
    if option.last_day == option.first_day:
        return first
    return f"{first} – {format_date(option.last_day, 'medium')}"


def _notice_text(request: VisitRequest, event: VisitRequestEvent) -> tuple[str, str]:
    values = {"organisation": event.organisation.name, "title": request.title,
              "name": event.user_name}  # fmt: skip
    if event.step is RequestStep.REQUESTED:
        subject = _("%(organisation)s asks for a visit: %(title)s", **values)
        opening = _("%(name)s of %(organisation)s asks you for a visit: %(title)s.", **values)
    elif event.step is RequestStep.PROPOSED:
        subject = _("%(organisation)s proposes other days: %(title)s", **values)
        opening = _("%(name)s of %(organisation)s proposes other days for %(title)s.", **values)
    elif event.step is RequestStep.ACCEPTED:
        subject = _("%(organisation)s accepted the visit request: %(title)s", **values)
        opening = _("%(name)s of %(organisation)s accepted the visit request %(title)s.",
                    **values)  # fmt: skip
    elif event.step is RequestStep.DECLINED:
        subject = _("%(organisation)s declined the visit request: %(title)s", **values)
        opening = _("%(name)s of %(organisation)s declined the visit request %(title)s.",
                    **values)  # fmt: skip
    else:
        subject = _("%(organisation)s withdrew the visit request: %(title)s", **values)
        opening = _("%(name)s of %(organisation)s withdrew the visit request %(title)s.",
                    **values)  # fmt: skip
    lines = [opening]
    if event.step is RequestStep.ACCEPTED:
        agreed = DayOption(request.agreed_first_day, request.agreed_last_day)
        lines += ["", _("Agreed days: %(days)s", days=_days(agreed))]
    elif event.step in (RequestStep.REQUESTED, RequestStep.PROPOSED):
        lines += ["", _("Proposed days:")]
        lines += [f"- {_days(option)}" for option in request.current_options]
    if event.message:
        lines += ["", _("Their message:"), event.message]
    base = current_app.config["BASE_URL"].rstrip("/")
    lines += ["", _("The request: %(link)s", link=f"{base}/requests/{request.id}")]
    return subject, "\n".join(lines)


def notify(request: VisitRequest, event: VisitRequestEvent) -> list[OutboxMessage]:
    """Put an e-mail about the step to each planner and admin of the other office into the
    outbox, in that organisation's language; the caller commits."""
    if event.organisation_id == request.host_organisation_id:
        recipient = request.requester_organisation
    else:
        recipient = request.host_organisation
    language = recipient.locale.value
    with force_locale(language):
        subject, body = _notice_text(request, event)
    return _staff_notices(request.visit, NOTICE_KIND, recipient.id, language, subject, body)
