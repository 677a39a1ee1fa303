"""The words for warnings a planner acknowledged, and acknowledgements withdrawn."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from planner.enums import AuditAction, ConflictKind
from planner.services.history.actions import Changed
from planner.services.history.words import Clause, Story, quote, same

# The kinds of warnings, named as the history quotes them.
KIND_NAMES = {
    ConflictKind.OVERLAP: _l("overlap in the agenda"),
    ConflictKind.ROOM: _l("room booked twice"),
    ConflictKind.PERSON: _l("people booked twice"),
    ConflictKind.CAPACITY: _l("room too small"),
    ConflictKind.TRANSFER: _l("transfer too short"),
    ConflictKind.OUTSIDE_DAYS: _l("outside the visit’s days"),
}


def acknowledgement_clauses(obj: Changed, story: Story) -> list[Clause]:
    """Tell a warning acknowledged with its note, the note changed, or the acknowledgement
    withdrawn."""
    names = story.names

    def known(key: str):
        value = obj.value(key)
        return value if value is not None else names.get(obj.type, obj.id, key)

    kind = known("kind")
    kind_name = quote(str(KIND_NAMES[kind])) if kind in KIND_NAMES else _("a warning")
    ids = [item for item in (known("agenda_item_id"), known("other_item_id")) if item]
    items = names.items(ids) if ids else _("an item no longer known")
    note = quote(obj.value("note") or "")
    if obj.action is AuditAction.CREATE:
        return [same(_("acknowledged the warning %(kind)s about %(items)s: %(note)s",
                       kind=kind_name, items=items, note=note))]  # fmt: skip
    if obj.action is AuditAction.DELETE:
        return [same(_("withdrew the acknowledgement of the warning %(kind)s about %(items)s",
                       kind=kind_name, items=items))]  # fmt: skip
    if obj.changed("note"):
        return [same(_("changed the note on the warning %(kind)s about %(items)s to %(note)s",
                       kind=kind_name, items=items, note=note))]  # fmt: skip
    return []
