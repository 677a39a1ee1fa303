"""The words for the press work of a visit: its press list, press page and release."""

from flask_babel import gettext as _

from planner.enums import AuditAction
from planner.services.history.actions import Changed
from planner.services.history.words import Clause, Story, generic, quote, same


def press_contact_clauses(obj: Changed, story: Story) -> list[Clause]:
    """Tell a journalist put on the press list, changed or taken off it."""
    outlet = obj.value("outlet") or obj.old("outlet") or ""
    name = quote(outlet) if outlet else _("an entry")
    if obj.action is AuditAction.CREATE:
        return [same(_("put %(name)s on the press list", name=name))]
    if obj.action is AuditAction.DELETE:
        return [same(_("removed %(name)s from the press list", name=name))]
    return generic(
        obj,
        set(),
        lambda fields: _("changed %(fields)s of an entry of the press list", fields=fields),
        _("changed an entry of the press list"),
    )


def press_page_clauses(obj: Changed, story: Story) -> list[Clause]:
    """Tell the press page published or taken offline, and the release edited."""
    clauses: list[Clause] = []
    if obj.changed("published"):
        if obj.new("published"):
            clauses.append(same(_("published the press page")))
        elif obj.action is AuditAction.UPDATE:
            clauses.append(same(_("took the press page offline")))
    # The link's value is a secret the trail never keeps; publishing gives the first one.
    renewed = obj.changed("token") and not obj.changed("published")
    if renewed and obj.action is AuditAction.UPDATE:
        clauses.append(same(_("gave the press page a new link")))
    if obj.changed("release_text"):
        clauses.append(same(_("edited the press release")))
    return clauses
