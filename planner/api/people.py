"""The people of a visit through the API: its participants in protocol order, a person's
own items of the issued agenda, and adding or removing participants.

What a guest reads of the host's people is what the attendee page shows them
(``services/host_details.py``): no host list when the host keeps it to itself, functions
and phones only where made public, internal phones never; needs and answers only for
the host's staff and for whoever looks after the person's delegation.
"""

from datetime import UTC, datetime, timezone

from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select

from planner.api import people_schemas as schemas
from planner.api import precondition, problem
from planner.api.schemas import Problem
from planner.enums import Language
from planner.extensions import db
from planner.models import Participation, Person, Visit
from planner.services.address import person_forms
from planner.services.answers import OwnItem, answer_lines, own_items
from planner.services.attendance import add_participant, remove_participant, set_ranks
from planner.services.errors import InvalidInput
from planner.services.host_details import shown_function, shown_phone
from planner.services.item_texts import reader_language
from planner.services.permissions import can_see_internal, manages_delegation
from planner.services.visits import attendee_rows
from planner.views.access import load_named, permission_required

blp = Blueprint(
    "api-people",
    __name__,
    url_prefix="/api/v1/visits",
    description="The participants of a visit and each person's own items.",
)


@blp.route("/<id:visit_id>/participants")
@permission_required("visit.view")
@blp.arguments(schemas.ParticipantQuery, location="query", as_kwargs=True)
@blp.response(200, schemas.ParticipantList)
def participants(visit: Visit, page: int, size: int, lang: Language | None = None):
    """List one page of the participants as the attendee page shows them: guests first,
    each side in protocol order; a page costs the same few queries however long the list."""
    internal = can_see_internal(current_user, visit)
    shown, ordered = attendee_rows(visit, internal, page, size)
    language = lang.value if lang else reader_language()
    looked_after = _looked_after(visit, ordered, internal)
    answers = answer_lines(visit.id)[1] if looked_after else {}
    return {
        "participants": [
            _participant(p, internal, language, p.person.organisation_id in looked_after, answers)
            for p in ordered
        ],
        "page": shown.number,
        "pages": shown.count,
        "total": shown.total,
    }


def _looked_after(visit: Visit, participations: list[Participation], internal: bool) -> set[int]:
    """Return the organisations whose people's needs and answers the reader may see."""
    organisations = {p.person.organisation for p in participations}
    return {
        org.id for org in organisations if internal or manages_delegation(current_user, visit, org)
    }


def _participant(
    participation: Participation, internal: bool, language: str, looked_after: bool, answers
) -> dict:
    person = participation.person
    forms = person_forms(person, language)
    data = {
        "id": participation.id,
        "side": participation.side,
        "rank": participation.effective_rank,
        "rsvp_status": participation.rsvp_status,
        "lock_version": participation.lock_version,
        "person": {
            "id": person.id,
            "name": person.display_name,
            "forms": {
                "address": forms.address,
                "salutation": forms.salutation,
                "card": forms.card,
                "spoken": forms.spoken,
                "office": forms.office,
            },
            "function": shown_function(participation, internal),
            "phone": shown_phone(participation, internal),
            "organisation": {"id": person.organisation.id, "name": person.organisation.name},
        },
    }
    if internal:
        data["phone_internal"] = person.phone_internal
    if looked_after:
        data["needs"] = {
            "dietary": person.dietary_needs,
            "accessibility": person.accessibility_needs,
            "escort": person.needs_escort,
            "parking": person.needs_parking,
        }
        data["answers"] = [
            {
                "item_id": line.item_id,
                "title": line.title,
                "status": line.status,
                "replied_at": line.replied_at,
            }
            for line in answers.get(participation.id, [])
        ]
    return data


@blp.route("/<id:visit_id>/participants", methods=["POST"])
@permission_required("delegation.edit")
@blp.arguments(schemas.ParticipantAdd)
@blp.response(201, schemas.Participant)
@blp.alt_response(403, schema=Problem)
@blp.alt_response(404, schema=Problem, description="No person of that id that you see.")
@blp.alt_response(422, schema=Problem)
def add(data: dict, visit: Visit):
    """Add a stored person to the visit, on the side of their organisation, with a rank
    if given; people of an organisation whose list is not yours are refused (403)."""
    person = load_named("person_id", data["person_id"])
    try:
        participation = add_participant(current_user, visit, person)
        if data.get("rank") is not None:
            set_ranks(
                current_user,
                visit,
                {participation.id: data["rank"]},
                {participation.id: participation.lock_version},
            )
        db.session.commit()
    except PermissionError:
        db.session.rollback()
        return problem(403, _("You may not change this organisation's list."))
    except InvalidInput as error:
        db.session.rollback()
        return problem(
            422, _("Check the fields named in errors."), {"person_id": [str(error.message)]}
        )
    internal = can_see_internal(current_user, visit)
    answers = answer_lines(visit.id)[1]
    body = _participant(participation, internal, reader_language(), True, answers)
    location = f"/api/v1/visits/{visit.id}/participants"
    return body, 201, {"Location": location}


@blp.route("/<id:visit_id>/participants/<id:participation_id>", methods=["DELETE"])
@permission_required("participation.remove")
@blp.response(204)
@blp.alt_response(412, schema=Problem)
@blp.alt_response(428, schema=Problem)
def remove(visit: Visit, participation: Participation):
    """Remove a participant, their answers with them. Send the participation's
    `lock_version` of your last read as `If-Match: "<lock_version>"`: one changed since is
    refused with 412."""
    refused = precondition(
        str(participation.lock_version),
        _('Send the participant\'s lock version as If-Match: "<version>".'),
        _("The participant changed since you read them: read again."),
    )
    if refused is not None:
        return refused
    remove_participant(current_user, participation)
    db.session.commit()
    return "", 204


@blp.route("/<id:visit_id>/people/<id:person_id>/items")
@permission_required("person.calendar")
@blp.arguments(schemas.PersonItemsQuery, location="query", as_kwargs=True)
@blp.response(200, schemas.PersonItems)
def person_items(visit: Visit, person: Person, lang: Language | None = None):
    """Read a person's own items of the issued agenda, with their answers, as their
    calendar has them: no internal holds, no internal notes, nothing of the draft."""
    participation = db.session.scalar(
        select(Participation).where(
            Participation.visit_id == visit.id, Participation.person_id == person.id
        )
    )
    version, items = own_items(participation, lang.value if lang else None)
    return {
        "visit_id": visit.id,
        "person_id": person.id,
        "version": version.number if version else None,
        "items": [_own_item(item) for item in items],
    }


def _own_item(item: OwnItem) -> dict:
    return {
        "id": item.id,
        "uid": item.uid,
        "title": item.title,
        "description": item.description,
        "starts": _moment(item.starts_at, item.starts_utc),
        "ends": _moment(item.ends_at, item.ends_utc),
        "place": item.place,
        "cancelled": item.cancelled,
        "answer": item.answer,
        "answered_at": item.answered_at,
    }


def _moment(local: datetime, instant: datetime) -> dict:
    """Return a wall-clock time with the offset its instant gives it, and the instant."""
    offset = timezone(local - instant.astimezone(UTC).replace(tzinfo=None))
    return {
        "local": local.replace(tzinfo=offset).isoformat(),
        "utc": instant.astimezone(UTC).isoformat().replace("+00:00", "Z"),
    }
