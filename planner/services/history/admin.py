"""The words for what administrators and planners keep: organisations, logins, rooms, modules."""

from collections.abc import Callable

from flask_babel import get_locale
from flask_babel import gettext as _

from planner.enums import AuditAction
from planner.services.history.actions import Changed
from planner.services.history.words import Clause, Story, generic, label, quote, renamed, same


def _organisation_clauses(obj: Changed, story: Story) -> list[Clause]:
    names = story.names
    name = obj.value("name") if obj.action is not AuditAction.UPDATE else None
    name = name or names.organisation(obj.id)
    if obj.action is AuditAction.CREATE:
        return [same(_("created the organisation %(name)s", name=name))]
    if obj.action is AuditAction.DELETE:
        return [same(_("deleted the organisation %(name)s", name=name))]
    clauses: list[Clause] = []
    if obj.changed("name"):
        clauses.append(renamed(obj.old("name") or "", obj.new("name") or ""))
        name = obj.old("name") or name
    if obj.changed("accent_colour"):
        old, new = obj.old("accent_colour") or "", obj.new("accent_colour") or ""
        clauses.append(
            (
                _("changed the accent colour of %(name)s from %(old)s to %(new)s", name=name,
                  old=old, new=new),
                _("changed its accent colour from %(old)s to %(new)s", old=old, new=new),
            )
        )  # fmt: skip
    if obj.changed("logo"):
        if obj.fields["logo"][1]:
            clauses.append(
                (_("uploaded a new logo for %(name)s", name=name), _("uploaded a new logo"))
            )
        else:
            clauses.append((_("removed the logo of %(name)s", name=name), _("removed its logo")))
    told = {"name", "accent_colour", "logo"}
    clauses += generic(
        obj,
        told,
        lambda fields: _("changed %(fields)s of %(name)s", fields=fields, name=name),
        _("changed %(name)s", name=name),
    )
    return clauses


def _user_clauses(obj: Changed, story: Story) -> list[Clause]:
    names = story.names
    name = obj.value("name") if obj.action is not AuditAction.UPDATE else None
    name = name or names.user(obj.id)
    if obj.action is AuditAction.CREATE:
        role = label("role", obj.new("role"))
        return [same(_("created the login of %(name)s (%(role)s)", name=name, role=role))]
    if obj.action is AuditAction.DELETE:
        return [same(_("deleted the login of %(name)s", name=name))]
    clauses: list[Clause] = []
    if obj.changed("name"):
        old, new = obj.old("name") or "", obj.new("name") or ""
        clauses.append(
            (
                _("renamed %(old)s to %(new)s", old=old, new=new),
                _("renamed them to %(new)s", new=new),
            )
        )
        name = old or name
    if obj.changed("role"):
        role = label("role", obj.new("role"))
        clauses.append(
            (
                _("gave %(name)s the role %(role)s", name=name, role=role),
                _("gave them the role %(role)s", role=role),
            )
        )
    if obj.changed("active"):
        if obj.new("active"):
            clauses.append(
                (
                    _("reactivated the login of %(name)s", name=name),
                    _("reactivated their login"),
                )
            )
        else:
            clauses.append(
                (
                    _("deactivated the login of %(name)s", name=name),
                    _("deactivated their login"),
                )
            )
    if obj.changed("password_hash"):
        clauses.append((_("reset the password of %(name)s", name=name), _("reset their password")))
    clauses += generic(
        obj,
        {"name", "role", "active", "password_hash", "organisation_id"},
        lambda fields: _("changed %(fields)s of %(name)s", fields=fields, name=name),
        _("changed the login of %(name)s", name=name),
    )
    return clauses


def _venue_clauses(obj: Changed, story: Story) -> list[Clause]:
    name = obj.value("name") if obj.action is not AuditAction.UPDATE else None
    name = name or story.names.venue(obj.id)
    if obj.action is AuditAction.CREATE:
        return [same(_("created the building %(name)s", name=name))]
    if obj.action is AuditAction.DELETE:
        return [same(_("deleted the building %(name)s", name=name))]
    clauses: list[Clause] = []
    if obj.changed("name"):
        old, new = obj.old("name") or "", obj.new("name") or ""
        clauses.append(
            (
                _("renamed the building %(old)s to %(new)s", old=old, new=new),
                _("renamed it to %(new)s", new=new),
            )
        )
        name = old or name
    clauses += generic(
        obj,
        {"name"},
        lambda fields: _("changed %(fields)s of the building %(name)s", fields=fields, name=name),
        _("changed the building %(name)s", name=name),
    )
    return clauses


def _room_clauses(obj: Changed, story: Story) -> list[Clause]:
    names = story.names
    name = obj.value("name") if obj.action is not AuditAction.UPDATE else None
    name = name or names.room(obj.id)
    if obj.action is AuditAction.CREATE:
        building = names.venue(obj.new("venue_id"))
        return [same(_("created the room %(name)s in %(building)s", name=name, building=building))]
    if obj.action is AuditAction.DELETE:
        return [same(_("deleted the room %(name)s", name=name))]
    clauses: list[Clause] = []
    if obj.changed("name"):
        old, new = obj.old("name") or "", obj.new("name") or ""
        clauses.append(
            (
                _("renamed the room %(old)s to %(new)s", old=old, new=new),
                _("renamed it to %(new)s", new=new),
            )
        )
        name = old or name
    if obj.changed("capacity"):
        old, new = obj.old("capacity"), obj.new("capacity")
        old_text = str(old) if old is not None else _("no capacity given")
        new_text = str(new) if new is not None else _("no capacity given")
        clauses.append(
            (
                _("changed the capacity of the room %(name)s from %(old)s to %(new)s", name=name,
                  old=old_text, new=new_text),
                _("changed its capacity from %(old)s to %(new)s", old=old_text, new=new_text),
            )
        )  # fmt: skip
    clauses += generic(
        obj,
        {"name", "capacity"},
        lambda fields: _("changed %(fields)s of the room %(name)s", fields=fields, name=name),
        _("changed the room %(name)s", name=name),
    )
    return clauses


def _module_clauses(obj: Changed, story: Story) -> list[Clause]:
    english = get_locale().language == "en"
    title = obj.value("title_en" if english else "title_de")
    module = (
        quote(title)
        if obj.action is not AuditAction.UPDATE and title
        else story.names.module(obj.id)
    )
    if obj.action is AuditAction.CREATE:
        return [same(_("created the programme module %(title)s", title=module))]
    if obj.action is AuditAction.DELETE:
        return [same(_("deleted the programme module %(title)s", title=module))]
    return generic(
        obj,
        set(),
        lambda fields: _(
            "changed %(fields)s of the programme module %(title)s", fields=fields, title=module
        ),
        _("changed the programme module %(title)s", title=module),
    )


TELLERS: dict[str, Callable[[Changed, Story], list[Clause]]] = {
    "Organisation": _organisation_clauses,
    "User": _user_clauses,
    "Venue": _venue_clauses,
    "Room": _room_clauses,
    "ProgrammeModule": _module_clauses,
}
