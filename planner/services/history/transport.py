"""The words for the vehicles of a visit."""

from flask_babel import gettext as _

from planner.enums import AuditAction
from planner.services.history.actions import Changed
from planner.services.history.words import Clause, Story, quote, same


def vehicle_clauses(obj: Changed, story: Story) -> list[Clause]:
    """Tell a vehicle added, changed or deleted, by its name at the time."""
    name = obj.value("name") if obj.action is not AuditAction.UPDATE else None
    name = quote(name or story.names.get("Vehicle", obj.id, "name") or _("a vehicle"))
    if obj.action is AuditAction.CREATE:
        return [same(_("added the vehicle %(name)s", name=name))]
    if obj.action is AuditAction.DELETE:
        return [same(_("deleted the vehicle %(name)s", name=name))]
    return [same(_("changed the vehicle %(name)s", name=name))]
