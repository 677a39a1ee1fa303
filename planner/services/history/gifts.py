"""The words for the gift register and the Golden Book."""

from flask_babel import gettext as _

from planner.enums import AuditAction
from planner.services.history.actions import Action, Changed
from planner.services.history.words import Clause, Story, quote, same, visible


def _gift_clauses(obj: Changed, story: Story) -> list[Clause]:
    description = obj.value("description") or story.names.get("Gift", obj.id, "description")
    name = quote(description or _("a gift no longer known"))
    if obj.action is AuditAction.CREATE:
        return [same(_("recorded the gift %(name)s", name=name))]
    if obj.action is AuditAction.DELETE:
        return [same(_("removed the gift %(name)s from the register", name=name))]
    return [same(_("changed the gift %(name)s", name=name))]


def _entry_clauses(obj: Changed, story: Story) -> list[Clause]:
    item = story.names.item(obj.value("item_id"))
    if obj.action is AuditAction.CREATE:
        return [same(_("added a Golden Book entry to %(item)s", item=item))]
    return [same(_("removed the Golden Book entry of %(item)s", item=item))]


def tell_gifts(action: Action, story: Story, skip: set[AuditAction]) -> None:
    """Tell the gifts recorded, changed and removed, and the Golden Book's changes; those
    created or deleted with their visit (``skip``) are counted with it."""
    for obj in action.of_type("Gift"):
        if visible(obj) and obj.action not in skip:
            story.add(_gift_clauses(obj, story))
    entries = [o for o in action.of_type("GoldenBookEntry") if o.action is not AuditAction.UPDATE]
    for obj in entries:
        if obj.action not in skip:
            story.add(_entry_clauses(obj, story))
    # A new or removed entry brings its signers along; otherwise the order changed.
    if not entries and action.of_type("GoldenBookSigner"):
        story.add([same(_("changed the signing order of the Golden Book"))])
