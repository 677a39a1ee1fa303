"""The words for visit requests: who asked whom, and each answer (``services/requests.py``).

A request's own row tells its story; the rows of its steps (``VisitRequestEvent``) say
the same again, with a message the trail does not keep, so they are told by the request.
"""

from flask_babel import gettext as _

from planner.enums import AuditAction, RequestState
from planner.services.history.actions import Changed
from planner.services.history.words import Clause, Story, quote, same


def request_clauses(obj: Changed, story: Story) -> list[Clause]:
    """Tell what became of a visit request: asked for, answered, settled."""
    names = story.names
    title = quote(obj.value("title") or names.get("VisitRequest", obj.id, "title") or "")
    if obj.action is AuditAction.CREATE:
        host = names.organisation(obj.value("host_organisation_id"))
        return [same(_("asked %(host)s for the visit %(title)s", host=host, title=title))]
    if obj.action is AuditAction.DELETE or not obj.changed("state"):
        return []
    state = obj.new("state")
    if state == RequestState.ACCEPTED.value:
        return [same(_("accepted the visit request %(title)s", title=title))]
    if state == RequestState.DECLINED.value:
        return [same(_("declined the visit request %(title)s", title=title))]
    if state == RequestState.WITHDRAWN.value:
        return [same(_("withdrew the visit request %(title)s", title=title))]
    return [same(_("proposed other days for the visit request %(title)s", title=title))]
