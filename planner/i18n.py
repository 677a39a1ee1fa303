"""Language selection and formatting helpers for templates."""

from datetime import date, datetime
from typing import Any

from babel import dates
from flask import current_app, has_request_context, request, session
from flask_babel import format_date, get_locale, ngettext, to_user_timezone
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp

from planner.enums import (
    Accreditation,
    AuditAction,
    GiftDirection,
    GuestState,
    ItemKind,
    ItemStatus,
    OutboxStatus,
    PressAccess,
    RequestState,
    RequestStep,
    Role,
    RsvpStatus,
    TrashKind,
    TravelMeans,
    VehicleKind,
    VisitStatus,
)
from planner.services.item_texts import in_language, title_in
from planner.services.locales import formatting_locale
from planner.services.timezones import zone
from planner.services.wallclock import Reading, classify, offset_text, utc_offset


def select_language() -> str:
    """Choose the interface language: ``?lang=``, then the session's choice, then German."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    requested = request.args.get("lang")
    if requested in languages:
        return requested
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_locale() -> str:
    """Choose the Babel locale of the interface language: English pages write en_GB dates."""
    return formatting_locale(select_language())


def format_day(day: date) -> str:
    """Format a day as on an agenda: "Donnerstag, 23. Februar 2023"."""
    return format_date(day, format="full")


def format_short_day(day: date) -> str:
    """Format a day briefly, for a tab: "Do., 23. Feb." or "Thu, Feb 23"."""
    return dates.format_skeleton("MMMEd", day, locale=get_locale())


def format_clock(moment: datetime) -> str:
    """Format a wall-clock time as 24-hour "10:30", the same in German and English."""
    return moment.strftime("%H:%M")


def format_time_in_zone(local: datetime, zone_name: str, fold: int = 0) -> str:
    """Format a wall-clock time; one the clocks going back repeat gets its offset:
    "02:30 (UTC+01:00)".
    """
    clock = format_clock(local)
    if classify(local, zone_name) != Reading.FOLD:
        return clock
    return f"{clock} ({offset_text(utc_offset(local, zone_name, fold))})"


def change_clock(item: Any, zone_name: str, former: bool = False) -> str:
    """Format when a changed item (``agenda_view.ChangedItem``) begins, or began before
    it moved, with the offset where the clocks going back repeat the time: a move from
    the first 02:30 to the second reads "02:30 (UTC+02:00) to 02:30 (UTC+01:00)".
    """
    if former:
        if item.from_starts_at is None:
            return ""
        return format_time_in_zone(item.from_starts_at, zone_name, item.from_starts_fold)
    return format_time_in_zone(item.starts_at, zone_name, item.starts_fold)


def format_span(item: Any, zone_name: str) -> str:
    """Format an item's times as every agenda shows them: "10:00–11:00", "19:00–00:30
    (+1 day)" when it ends on a later day, "02:30 (UTC+01:00)" for a repeated time.

    ``item`` is anything with ``starts_at``, ``ends_at``, ``starts_fold`` and
    ``ends_fold``: an agenda item or an entry of a version.
    """
    start = format_time_in_zone(item.starts_at, zone_name, getattr(item, "starts_fold", 0))
    end = format_time_in_zone(item.ends_at, zone_name, getattr(item, "ends_fold", 0))
    text = f"{start}–{end}"
    days = (item.ends_at.date() - item.starts_at.date()).days
    if days > 0:
        later = ngettext("(+%(num)s day)", "(+%(num)s days)", days)
        text = f"{text} {later}"
    return text


def current_language() -> str:
    """Return the interface language of the request: "de" or "en"."""
    locale = get_locale()
    return locale.language if locale is not None else current_app.config["BABEL_DEFAULT_LOCALE"]


def format_timestamp(moment: datetime, width: str = "medium") -> str:
    """Format an instant in the reader's time zone as date and 24-hour time, never with
    seconds: "23.02.2023, 12:58", "23 Feb 2023, 12:58".

    Replaces Flask-Babel's ``datetimeformat`` filter, whose "medium" adds seconds and
    whose English "short" counts hours to twelve.
    """
    local = to_user_timezone(moment)
    if width not in ("short", "medium", "long", "full"):
        return dates.format_datetime(local, width, locale=get_locale())
    day = dates.format_date(local.date(), format=width, locale=get_locale())
    return f"{day}, {format_clock(local)}"


def item_title(item: Any, language: str | None = None) -> str:
    """Return an agenda item's title (a live item, a version's item or a change) in the
    interface language, else in the other one.
    """
    return title_in(item, language or current_language())


def former_title(change: Any, language: str | None = None) -> str:
    """Return the title an item had before a change (an ``agenda_view.ChangedItem``), in
    the interface language."""
    return in_language(change.from_titles, language or current_language())


def format_moment(moment: datetime, zone_name: str) -> str:
    """Format an instant as day and time in a visit's zone: "23.02.2023, 09:15"."""
    local = moment.astimezone(zone(zone_name))
    day = dates.format_date(local.date(), format="medium", locale=get_locale())
    return f"{day}, {format_clock(local)}"


def template_helpers() -> dict[str, Any]:
    """Expose the formatting helpers and the current language to every template."""
    return {
        "format_day": format_day,
        "format_short_day": format_short_day,
        "format_clock": format_clock,
        "format_span": format_span,
        "format_moment": format_moment,
        "current_language": current_language(),
        "labels": enum_labels(),
    }


def enum_labels() -> dict[str, Any]:
    """Return the translated label of every enum value, keyed by enum class and value."""
    return {
        # A visit in preparation is not "Entwurf": that word names the agenda's working draft.
        "visit_status": {
            VisitStatus.DRAFT: _l("In preparation"),
            VisitStatus.PLANNED: _l("Planned"),
            VisitStatus.CONFIRMED: _l("Confirmed"),
            VisitStatus.COMPLETED: _l("Completed"),
            VisitStatus.CANCELLED: _l("Cancelled"),
        },
        # A guest organisation's answer to being named on a visit (services/guests.py).
        "guest_state": {
            GuestState.INVITED: _lp("guest", "invited"),
            GuestState.ACCEPTED: _lp("guest", "accepted"),
            GuestState.DECLINED: _lp("guest", "declined"),
            GuestState.LEFT: _lp("guest", "left"),
        },
        # Where a visit request stands, and the steps of its history (services/requests.py).
        "request_state": {
            RequestState.REQUESTED: _lp("request", "requested"),
            RequestState.COUNTER_PROPOSED: _lp("request", "other days proposed"),
            RequestState.ACCEPTED: _lp("request", "accepted"),
            RequestState.DECLINED: _lp("request", "declined"),
            RequestState.WITHDRAWN: _lp("request", "withdrawn"),
        },
        "request_step": {
            RequestStep.REQUESTED: _lp("request step", "asked for the visit"),
            RequestStep.PROPOSED: _lp("request step", "proposed other days"),
            RequestStep.ACCEPTED: _lp("request step", "accepted"),
            RequestStep.DECLINED: _lp("request step", "declined"),
            RequestStep.WITHDRAWN: _lp("request step", "withdrew the request"),
        },
        "item_status": {
            ItemStatus.CONFIRMED: _l("confirmed"),
            ItemStatus.TENTATIVE: _l("tentative"),
            ItemStatus.CANCELLED: _l("cancelled"),
        },
        "item_kind": {
            ItemKind.SESSION: _l("Session"),
            ItemKind.DEMO: _l("Demo"),
            ItemKind.WALKTHROUGH: _l("Walkthrough"),
            ItemKind.RECEPTION: _l("Reception"),
            ItemKind.MEAL: _l("Meal"),
            ItemKind.TRANSFER: _l("Transfer"),
            ItemKind.PRESS: _l("Press"),
            ItemKind.INTERNAL_HOLD: _l("Internal hold"),
        },
        "travel_means": {
            TravelMeans.TRAIN: _l("Train"),
            TravelMeans.PLANE: _l("Plane"),
            TravelMeans.CAR: _l("Car"),
            TravelMeans.OTHER: _l("Other"),
        },
        # Whether the press may attend an item (services/press.py).
        "press_access": {
            PressAccess.CLOSED: _l("Closed to the press"),
            PressAccess.PHOTO_OPPORTUNITY: _l("Photo opportunity"),
            PressAccess.STATEMENT: _l("Statement"),
            PressAccess.OPEN: _l("Open to the press"),
        },
        "accreditation": {
            Accreditation.REQUESTED: _l("Requested"),
            Accreditation.ACCREDITED: _l("Accredited"),
            Accreditation.REFUSED: _l("Refused"),
        },
        "gift_direction": {
            GiftDirection.GIVEN: _lp("gift", "given"),
            GiftDirection.RECEIVED: _lp("gift", "received"),
        },
        "vehicle_kind": {
            VehicleKind.CAR: _l("Car"),
            VehicleKind.VAN: _l("Van"),
            VehicleKind.BUS: _l("Bus"),
        },
        "rsvp": {
            RsvpStatus.NEEDS_ACTION: _l("No answer yet"),
            RsvpStatus.ACCEPTED: _l("Accepted"),
            RsvpStatus.DECLINED: _l("Declined"),
            RsvpStatus.TENTATIVE: _l("Tentative"),
        },
        # What became of an answer that a calendar program sent (services/replies.py).
        "reply_outcome": {
            "applied": _l("Answer recorded"),
            "outdated": _l("Older than the latest invitation or answer: not applied"),
            "forged": _l("Sender is not the invited person: not applied"),
            "unknown-item": _l("Unknown item: not applied"),
            "not-invited": _l("Person not invited to this item: not applied"),
            "counter": _l("Counter-proposal: please answer the person yourself"),
            "declinecounter": _l("Declined counter-proposal (for information)"),
            "ignored": _l("Not an answer: ignored"),
        },
        # A person's answer for one item, in words (participants page, exports).
        "answer": {
            RsvpStatus.NEEDS_ACTION: _lp("answer", "no answer"),
            RsvpStatus.ACCEPTED: _lp("answer", "accepted"),
            RsvpStatus.DECLINED: _lp("answer", "declined"),
            RsvpStatus.TENTATIVE: _lp("answer", "tentative"),
        },
        "answer_source": {"link": _l("answer page"), "calendar": _l("calendar program")},
        "outbox": {
            OutboxStatus.DRAFT: _l("Draft"),
            OutboxStatus.PENDING: _l("Waiting"),
            OutboxStatus.SENDING: _l("Sending"),
            OutboxStatus.SENT: _l("Sent"),
            OutboxStatus.FAILED: _l("Failed"),
            OutboxStatus.DISCARDED: _l("Discarded"),
        },
        "audit": {
            AuditAction.CREATE: _l("created"),
            AuditAction.UPDATE: _l("changed"),
            AuditAction.DELETE: _l("deleted"),
            AuditAction.RESTORE: _l("restored"),
            AuditAction.ERASE: _l("removed from the trash for good"),
        },
        "trash_kind": {
            TrashKind.VISIT: _l("Visit"),
            TrashKind.ITEM: _l("Agenda item"),
            TrashKind.PERSON: _l("Person"),
        },
        "role": {
            Role.ADMIN: _l("Administrator"),
            Role.PLANNER: _l("Planner"),
            Role.HOST: _l("Host"),
            Role.VIEWER: _l("Viewer"),
        },
    }
