"""What one transaction did, object by object: the entries of a change set merged."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from planner.enums import AuditAction
from planner.models import AuditEntry, User
from planner.services.audit import REDACTED


@dataclass
class Changed:
    """What one action did to one object, its entries merged."""

    type: str
    id: int
    action: AuditAction
    fields: dict[str, Any]
    order: int

    def new(self, key: str) -> Any:
        """Return the field's value after the action (None when unknown or cleared)."""
        value = self.fields.get(key)
        return _unredacted(value[1]) if isinstance(value, list) else None

    def old(self, key: str) -> Any:
        """Return the field's value before the action."""
        value = self.fields.get(key)
        return _unredacted(value[0]) if isinstance(value, list) else None

    def value(self, key: str) -> Any:
        """Return what the object's field held: after a create or update, before a delete."""
        return self.old(key) if self.action is AuditAction.DELETE else self.new(key)

    def changed(self, key: str) -> bool:
        """Return whether the action changed the field."""
        return key in self.fields


@dataclass
class Action:
    """The objects one transaction changed, who changed them and when."""

    user: User | None
    at: datetime
    visit_id: int | None
    newest: int
    objects: dict[tuple[str, int], Changed] = field(default_factory=dict)
    # The API token it came through; None: through the pages.
    via: str | None = None

    def of_type(self, *types: str) -> list[Changed]:
        """Return the action's objects of these types, in the order they were changed."""
        return sorted(
            (obj for obj in self.objects.values() if obj.type in types), key=lambda o: o.order
        )


def _unredacted(value: Any) -> Any:
    return None if value == REDACTED else value


def group(entries: list[AuditEntry]) -> list[Action]:
    """Group entries (newest first) into actions (newest first), merging per object."""
    actions: dict[str, Action] = {}
    for entry in reversed(entries):
        key = entry.change_set or f"{entry.user_id}@{entry.created_at.isoformat()}"
        action = actions.get(key)
        if action is None:
            action = actions[key] = Action(entry.user, entry.created_at, entry.visit_id, entry.id)
        action.at = max(action.at, entry.created_at)
        action.newest = max(action.newest, entry.id)
        action.visit_id = action.visit_id or entry.visit_id
        action.via = action.via or entry.via
        _merge(action, entry)
    for action in actions.values():
        for key, obj in list(action.objects.items()):
            obj.fields = {
                name: change
                for name, change in obj.fields.items()
                if not _unchanged(change) or obj.action is not AuditAction.UPDATE
            }
            if obj.action is AuditAction.UPDATE and not obj.fields:
                del action.objects[key]
    ordered = sorted(actions.values(), key=lambda action: action.newest, reverse=True)
    return [action for action in ordered if action.objects]


def _unchanged(change: Any) -> bool:
    if isinstance(change, dict):
        return not change.get("added") and not change.get("removed")
    # Redacted on both sides: changed, to values the trail does not keep.
    return change[0] == change[1] and change[0] != REDACTED


def _merge(action: Action, entry: AuditEntry) -> None:
    key = (entry.object_type, entry.object_id)
    changes = entry.changes or {}
    current = action.objects.get(key)
    if current is None:
        action.objects[key] = Changed(
            entry.object_type,
            entry.object_id,
            entry.action,
            {name: _copy(change) for name, change in changes.items()},
            entry.id,
        )
        return
    current.order = entry.id
    if entry.action is AuditAction.DELETE:
        if current.action is AuditAction.CREATE:
            # Made and removed in one go: nothing to tell.
            del action.objects[key]
            return
        current.action = AuditAction.DELETE
        current.fields = {name: _copy(change) for name, change in changes.items()}
        return
    for name, change in changes.items():
        before = current.fields.get(name)
        if isinstance(change, dict):
            added = set(before.get("added", [])) if isinstance(before, dict) else set()
            removed = set(before.get("removed", [])) if isinstance(before, dict) else set()
            for related in change.get("added", []):
                if related in removed:
                    removed.discard(related)
                else:
                    added.add(related)
            for related in change.get("removed", []):
                if related in added:
                    added.discard(related)
                else:
                    removed.add(related)
            current.fields[name] = {"added": sorted(added), "removed": sorted(removed)}
        elif isinstance(before, list):
            current.fields[name] = [before[0], change[1]]
        else:
            current.fields[name] = list(change)


def _copy(change: Any) -> Any:
    if isinstance(change, dict):
        return {"added": list(change.get("added", [])), "removed": list(change.get("removed", []))}
    return list(change)
