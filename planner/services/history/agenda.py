"""The words for the visit itself, its agenda items and its issued versions."""

from datetime import date, datetime
from typing import Any

from babel.lists import format_list
from flask_babel import format_date, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from planner.enums import AuditAction, GuestState, ItemStatus, VisitStatus
from planner.i18n import format_time_in_zone
from planner.services.history.actions import Action, Changed
from planner.services.history.words import (
    Clause,
    Story,
    label,
    names_list,
    quote,
    rest_of,
    same,
    trash,
    visible,
)


def _moment(iso: str, fold: Any, zone_name: str, with_day: bool) -> str:
    local = datetime.fromisoformat(iso)
    clock = format_time_in_zone(local, zone_name, fold if fold in (0, 1) else 0)
    if not with_day:
        return clock
    return _("%(day)s, %(time)s", day=format_date(local.date(), format="medium"), time=clock)


def _span(obj: Changed, zone_name: str) -> str:
    starts, ends = obj.value("starts_at"), obj.value("ends_at")
    if not (isinstance(starts, str) and isinstance(ends, str)):
        return ""
    start = _moment(starts, obj.value("starts_fold"), zone_name, True)
    same_day = starts[:10] == ends[:10]
    end = _moment(ends, obj.value("ends_fold"), zone_name, not same_day)
    return f"{start}–{end}" if same_day else f"{start} – {end}"


def _times(obj: Changed, item: str, zone_name: str) -> list[Clause]:
    """Tell how an item's times changed: moved as a whole, or its start or end alone."""
    keys = ("starts_at", "ends_at", "starts_fold", "ends_fold")
    if not any(obj.changed(key) for key in keys):
        return []
    old_start, new_start = obj.old("starts_at"), obj.new("starts_at")
    old_end, new_end = obj.old("ends_at"), obj.new("ends_at")
    old_fold = (obj.old("starts_fold"), obj.old("ends_fold"))
    new_fold = (obj.new("starts_fold"), obj.new("ends_fold"))
    if all(isinstance(v, str) for v in (old_start, new_start, old_end, new_end)):
        shift = datetime.fromisoformat(new_start) - datetime.fromisoformat(old_start)
        duration_kept = datetime.fromisoformat(new_end) - datetime.fromisoformat(old_end) == shift
        with_day = old_start[:10] != new_start[:10]
        if duration_kept:
            old = _moment(old_start, old_fold[0], zone_name, with_day)
            new = _moment(new_start, new_fold[0], zone_name, with_day)
        else:
            old = _time_range(old_start, old_end, old_fold, zone_name, with_day)
            new = _time_range(new_start, new_end, new_fold, zone_name, with_day)
        return [
            (
                _("moved %(item)s from %(old)s to %(new)s", item=item, old=old, new=new),
                _("moved it from %(old)s to %(new)s", old=old, new=new),
            )
        ]
    if isinstance(old_start, str) and isinstance(new_start, str):
        with_day = old_start[:10] != new_start[:10]
        old = _moment(old_start, old_fold[0], zone_name, with_day)
        new = _moment(new_start, new_fold[0], zone_name, with_day)
        return [
            (
                _(
                    "moved the start of %(item)s from %(old)s to %(new)s",
                    item=item,
                    old=old,
                    new=new,
                ),
                _("moved its start from %(old)s to %(new)s", old=old, new=new),
            )
        ]
    if isinstance(old_end, str) and isinstance(new_end, str):
        with_day = old_end[:10] != new_end[:10]
        old = _moment(old_end, old_fold[1], zone_name, with_day)
        new = _moment(new_end, new_fold[1], zone_name, with_day)
        return [
            (
                _("moved the end of %(item)s from %(old)s to %(new)s", item=item, old=old, new=new),
                _("moved its end from %(old)s to %(new)s", old=old, new=new),
            )
        ]
    # Only which reading of a repeated time is meant (when the clocks go back).
    return [(_("changed the time of %(item)s", item=item), _("changed its time"))]


def _time_range(
    start: str, end: str, folds: tuple[Any, Any], zone_name: str, with_day: bool
) -> str:
    same_day = start[:10] == end[:10]
    first = _moment(start, folds[0], zone_name, with_day)
    last = _moment(end, folds[1], zone_name, with_day and not same_day)
    return f"{first}–{last}"


def item_clauses(obj: Changed, story: Story) -> list[Clause]:
    """Tell what an action did to an agenda item."""
    names = story.names
    # The title in the reader's language, else the other one.
    english = get_locale().language == "en"
    first, second = ("title_en", "title_de") if english else ("title_de", "title_en")
    title = obj.value(first) or obj.value(second)
    item = quote(title) if obj.action is not AuditAction.UPDATE and title else names.item(obj.id)
    if obj.action is AuditAction.CREATE:
        when = _span(obj, story.zone)
        room = obj.new("room_id")
        if room is not None:
            text = _("added %(item)s to the agenda (%(when)s, %(room)s)", item=item, when=when,
                     room=names.room(room))  # fmt: skip
        else:
            text = _("added %(item)s to the agenda (%(when)s)", item=item, when=when)
        return [same(text)]
    if obj.action is AuditAction.DELETE:
        return [same(_("deleted %(item)s from the agenda", item=item))]
    clauses: list[Clause] = []
    told = {"title_de", "title_en", "starts_at", "ends_at", "starts_fold", "ends_fold"}
    told |= {"room_id", "status", "responsible_person_id", "kind", "deleted_at"}
    key = first if obj.changed(first) else second
    if obj.changed(key):
        old, new = quote(obj.old(key) or ""), quote(obj.new(key) or "")
        clauses.append(
            (_("renamed %(old)s to %(new)s", old=old, new=new), _("renamed it to %(new)s", new=new))
        )
    clauses += _times(obj, item, story.zone)
    if obj.changed("room_id"):
        room = obj.new("room_id")
        if room is not None:
            room_name = names.room(room)
            clauses.append(
                (
                    _("moved %(item)s to %(room)s", item=item, room=room_name),
                    _("moved it to %(room)s", room=room_name),
                )
            )
        else:
            clauses.append((_("removed the room of %(item)s", item=item), _("removed its room")))
    if obj.changed("status"):
        old, new = obj.old("status"), obj.new("status")
        if new == ItemStatus.CANCELLED:
            clauses.append((_("cancelled %(item)s", item=item), _("cancelled it")))
        elif old == ItemStatus.CANCELLED:
            clauses.append(
                (_("put %(item)s back on the agenda", item=item), _("put it back on the agenda"))
            )
        elif new == ItemStatus.TENTATIVE:
            clauses.append(
                (_("marked %(item)s as tentative", item=item), _("marked it as tentative"))
            )
        else:
            clauses.append((_("confirmed %(item)s", item=item), _("confirmed it")))
    if obj.changed("responsible_person_id"):
        person = obj.new("responsible_person_id")
        if person is not None:
            name = names.person(person)
            clauses.append(
                (
                    _("made %(person)s responsible for %(item)s", person=name, item=item),
                    _("made %(person)s responsible for it", person=name),
                )
            )
        else:
            clauses.append(
                (
                    _("removed the person responsible for %(item)s", item=item),
                    _("removed the person responsible for it"),
                )
            )
    if obj.changed("kind"):
        kind = label("item_kind", obj.new("kind"))
        clauses.append(
            (
                _("changed the kind of %(item)s to %(kind)s", item=item, kind=kind),
                _("changed its kind to %(kind)s", kind=kind),
            )
        )
    clauses += trash(obj, item)
    fields, unknown = rest_of(obj, told)
    if fields:
        clauses.append(
            (
                _("changed %(fields)s of %(name)s", fields=fields, name=item),
                _("changed %(fields)s", fields=fields),
            )
        )
    if unknown:
        clauses.append((_("changed %(name)s", name=item), _("changed other details")))
    return clauses


LANGUAGES = {"de": _l("German"), "en": _l("English")}


def _day_text(value: Any) -> str:
    return format_date(date.fromisoformat(value), format="medium") if isinstance(value, str) else ""


def visit_clauses(obj: Changed, story: Story) -> list[Clause]:
    """Tell what an action did to the visit itself."""
    names = story.names
    title = obj.value("title")
    visit = quote(title) if obj.action is not AuditAction.UPDATE and title else names.visit(obj.id)
    if obj.action is AuditAction.CREATE:
        return [same(_("created the visit %(title)s", title=visit))]
    if obj.action is AuditAction.DELETE:
        return [same(_("deleted the visit %(title)s", title=visit))]
    clauses: list[Clause] = []
    told = {"title", "first_day", "last_day", "status", "timezone", "language"}
    told |= {"contact_person_id", "guest_organisations", "deleted_at"}
    if obj.changed("title"):
        old, new = quote(obj.old("title") or ""), quote(obj.new("title") or "")
        clauses.append(
            (
                _("renamed the visit %(old)s to %(new)s", old=old, new=new),
                _("renamed it to %(new)s", new=new),
            )
        )
    first, last = obj.new("first_day"), obj.new("last_day")
    if obj.changed("first_day") and obj.changed("last_day"):
        days = _day_text(first) if first == last else f"{_day_text(first)}–{_day_text(last)}"
        clauses.append(
            (
                _("moved the visit %(title)s to %(days)s", title=visit, days=days),
                _("moved it to %(days)s", days=days),
            )
        )
    elif obj.changed("first_day"):
        clauses.append(
            (
                _("moved the first day of the visit %(title)s to %(day)s", title=visit,
                  day=_day_text(first)),
                _("moved its first day to %(day)s", day=_day_text(first)),
            )
        )  # fmt: skip
    elif obj.changed("last_day"):
        clauses.append(
            (
                _("moved the last day of the visit %(title)s to %(day)s", title=visit,
                  day=_day_text(last)),
                _("moved its last day to %(day)s", day=_day_text(last)),
            )
        )  # fmt: skip
    if obj.changed("status"):
        new = obj.new("status")
        if new == VisitStatus.CANCELLED:
            clauses.append((_("cancelled the visit %(title)s", title=visit), _("cancelled it")))
        else:
            old_label = label("visit_status", obj.old("status"))
            new_label = label("visit_status", new)
            clauses.append(
                (
                    _("set the status of the visit %(title)s from %(old)s to %(new)s",
                      title=visit, old=old_label, new=new_label),
                    _("set its status from %(old)s to %(new)s", old=old_label, new=new_label),
                )
            )  # fmt: skip
    if obj.changed("timezone"):
        old, new = obj.old("timezone") or "", obj.new("timezone") or ""
        clauses.append(
            (
                _("changed the time zone of the visit %(title)s from %(old)s to %(new)s",
                  title=visit, old=old, new=new),
                _("changed its time zone from %(old)s to %(new)s", old=old, new=new),
            )
        )  # fmt: skip
    if obj.changed("language"):
        language = str(LANGUAGES.get(obj.new("language"), _("unknown")))
        clauses.append(
            (
                _("changed the language of the visit %(title)s to %(language)s", title=visit,
                  language=language),
                _("changed its language to %(language)s", language=language),
            )
        )  # fmt: skip
    if obj.changed("contact_person_id"):
        person = obj.new("contact_person_id")
        if person is not None:
            name = names.person(person)
            clauses.append(
                (
                    _("made %(person)s the contact person of the visit %(title)s", person=name,
                      title=visit),
                    _("made %(person)s its contact person", person=name),
                )
            )  # fmt: skip
        else:
            clauses.append(
                (
                    _("removed the contact person of the visit %(title)s", title=visit),
                    _("removed its contact person"),
                )
            )
    guests = obj.fields.get("guest_organisations")
    if isinstance(guests, dict):
        added = names_list(names.organisation(org) for org in guests.get("added", []))
        removed = names_list(names.organisation(org) for org in guests.get("removed", []))
        if added:
            clauses.append(
                (
                    _("added %(organisations)s as guests of the visit %(title)s",
                      organisations=added, title=visit),
                    _("added %(organisations)s as guests", organisations=added),
                )
            )  # fmt: skip
        if removed:
            clauses.append(
                (
                    _("removed %(organisations)s from the guests of the visit %(title)s",
                      organisations=removed, title=visit),
                    _("removed %(organisations)s from its guests", organisations=removed),
                )
            )  # fmt: skip
    clauses += trash(obj, visit)
    fields, unknown = rest_of(obj, told)
    if fields:
        clauses.append(
            (
                _("changed %(fields)s of the visit %(title)s", fields=fields, title=visit),
                _("changed %(fields)s", fields=fields),
            )
        )
    if unknown:
        clauses.append((_("changed the visit %(title)s", title=visit), _("changed other details")))
    return clauses


def tell_children(action: Action, kind: AuditAction, story: Story) -> None:
    """Count the items, participations, gifts and Golden Book entries created or deleted
    with their visit."""
    items = sum(1 for obj in action.of_type("AgendaItem") if obj.action is kind)
    participations = sum(1 for obj in action.of_type("Participation") if obj.action is kind)
    parts = []
    if items:
        parts.append(ngettext("%(num)s agenda item", "%(num)s agenda items", items))
    if participations:
        parts.append(ngettext("%(num)s participant", "%(num)s participants", participations))
    gifts = sum(1 for obj in action.of_type("Gift") if obj.action is kind)
    if gifts:
        parts.append(ngettext("%(num)s gift", "%(num)s gifts", gifts))
    entries = sum(1 for obj in action.of_type("GoldenBookEntry") if obj.action is kind)
    if entries:
        parts.append(ngettext("%(num)s Golden Book entry", "%(num)s Golden Book entries", entries))
    if not parts:
        return
    what = format_list(parts, locale=get_locale())
    if kind is AuditAction.CREATE:
        story.sentences.append(_("Created with it: %(what)s", what=what))
    else:
        story.sentences.append(_("Deleted with it: %(what)s", what=what))


def version_clauses(obj: Changed) -> list[Clause]:
    """Tell an issued version with its comment."""
    number = obj.value("number")
    comment = obj.value("comment")
    if obj.action is not AuditAction.CREATE:
        return [same(_("changed version %(number)s", number=number))] if visible(obj) else []
    if comment:
        return [
            same(_("issued version %(number)s: %(comment)s", number=number, comment=quote(comment)))
        ]
    return [same(_("issued version %(number)s", number=number))]


def guest_clauses(obj: Changed, visit_id: int | None, story: Story) -> list[Clause]:
    """Tell what an action did to an organisation's place as a guest of the visit."""
    names = story.names
    organisation = names.organisation(obj.id)
    visit = names.visit(visit_id)
    state = obj.value("state")
    if obj.action is AuditAction.DELETE:
        if state == GuestState.INVITED:
            return [same(_("withdrew the invitation of %(organisation)s to the visit %(title)s",
                           organisation=organisation, title=visit))]  # fmt: skip
        return [same(_("removed %(organisation)s from the guests of the visit %(title)s",
                       organisation=organisation, title=visit))]  # fmt: skip
    if obj.action is AuditAction.CREATE or (obj.changed("state") and state == GuestState.INVITED):
        return [same(_("invited %(organisation)s as a guest of the visit %(title)s",
                       organisation=organisation, title=visit))]  # fmt: skip
    if not obj.changed("state"):
        return []
    if state == GuestState.ACCEPTED:
        text = _("accepted the invitation to the visit %(title)s for %(organisation)s",
                 organisation=organisation, title=visit)  # fmt: skip
    elif state == GuestState.DECLINED:
        text = _("declined the invitation to the visit %(title)s for %(organisation)s",
                 organisation=organisation, title=visit)  # fmt: skip
    else:
        text = _("took %(organisation)s off the visit %(title)s",
                 organisation=organisation, title=visit)  # fmt: skip
    return [same(text)]
