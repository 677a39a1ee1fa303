"""What the API gives of people, their participations and own items, and of the
organisation's catalogue (venues, rooms, programme modules), as marshmallow schemas."""

import marshmallow as ma
from marshmallow import validate

from planner.api.schemas import Moment, OrganisationRef
from planner.enums import ItemKind, Language, RsvpStatus, Side

ID = validate.Range(min=1, max=2**31 - 1)


class AddressForms(ma.Schema):
    """A person's forms of address in the reader's language (services/address.py)."""

    address = ma.fields.String(required=True)
    salutation = ma.fields.String(required=True)
    card = ma.fields.String(required=True)
    spoken = ma.fields.String(required=True)
    office = ma.fields.String(required=True)


class ParticipantPerson(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    forms = ma.fields.Nested(AddressForms, required=True)
    function = ma.fields.String(
        required=True, metadata={"description": "Empty where the host keeps it from guests."}
    )
    phone = ma.fields.String(
        required=True, metadata={"description": "Empty where the viewer may not see it."}
    )
    organisation = ma.fields.Nested(OrganisationRef, required=True)


class ParticipantNeeds(ma.Schema):
    """What the person needs: for the host's staff and whoever looks after the delegation."""

    dietary = ma.fields.String(required=True)
    accessibility = ma.fields.String(required=True)
    escort = ma.fields.Boolean(required=True)
    parking = ma.fields.Boolean(required=True)


class ParticipantAnswer(ma.Schema):
    """The answer for one issued item the person attends."""

    item_id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    status = ma.fields.Enum(RsvpStatus, by_value=True, required=True)
    replied_at = ma.fields.DateTime(allow_none=True, required=True)


class Participant(ma.Schema):
    """A participation: who takes part on which side, in which rank, how they answered."""

    id = ma.fields.Integer(required=True, metadata={"description": "The participation's id."})
    side = ma.fields.Enum(Side, by_value=True, required=True)
    rank = ma.fields.Integer(allow_none=True, required=True)
    rsvp_status = ma.fields.Enum(RsvpStatus, by_value=True, required=True)
    lock_version = ma.fields.Integer(
        required=True, metadata={"description": 'Send as `If-Match: "<lock_version>"` to remove.'}
    )
    person = ma.fields.Nested(ParticipantPerson, required=True)
    phone_internal = ma.fields.Boolean(metadata={"description": "The host's only."})
    needs = ma.fields.Nested(ParticipantNeeds, metadata={"description": "Where the viewer may."})
    answers = ma.fields.List(
        ma.fields.Nested(ParticipantAnswer), metadata={"description": "Where the viewer may."}
    )


class ParticipantList(ma.Schema):
    """One page of a visit's participants, guests first, each side in protocol order."""

    participants = ma.fields.List(ma.fields.Nested(Participant), required=True)
    page = ma.fields.Integer(required=True)
    pages = ma.fields.Integer(required=True)
    total = ma.fields.Integer(required=True)


class ParticipantQuery(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    size = ma.fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    lang = ma.fields.Enum(
        Language, by_value=True, metadata={"description": "Of the forms of address and titles."}
    )


class ParticipantAdd(ma.Schema):
    """A stored person to add; the side follows from the person's organisation."""

    person_id = ma.fields.Integer(required=True, validate=ID)
    rank = ma.fields.Integer(validate=validate.Range(min=0, max=9999))


class PersonItem(ma.Schema):
    """An item of a person's own programme, as issued, with their answer."""

    id = ma.fields.Integer(allow_none=True, required=True)
    uid = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    description = ma.fields.String(required=True)
    starts = ma.fields.Nested(Moment, required=True)
    ends = ma.fields.Nested(Moment, required=True)
    place = ma.fields.String(required=True)
    cancelled = ma.fields.Boolean(required=True)
    answer = ma.fields.Enum(RsvpStatus, by_value=True, required=True)
    answered_at = ma.fields.DateTime(allow_none=True, required=True)


class PersonItems(ma.Schema):
    visit_id = ma.fields.Integer(required=True)
    person_id = ma.fields.Integer(required=True)
    version = ma.fields.Integer(
        allow_none=True, required=True, metadata={"description": "null: nothing issued yet."}
    )
    items = ma.fields.List(ma.fields.Nested(PersonItem), required=True)


class PersonItemsQuery(ma.Schema):
    lang = ma.fields.Enum(
        Language, by_value=True, metadata={"description": "By default the person's language."}
    )


class CatalogueRoom(ma.Schema):
    id = ma.fields.Integer(required=True)
    venue_id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    capacity = ma.fields.Integer(allow_none=True, required=True)
    accessibility_notes = ma.fields.String(required=True)
    lock_version = ma.fields.Integer(required=True)


class CatalogueVenue(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    address = ma.fields.String(required=True)
    accessibility_notes = ma.fields.String(required=True)
    lock_version = ma.fields.Integer(required=True)
    rooms = ma.fields.List(ma.fields.Nested(CatalogueRoom), required=True)


class VenueList(ma.Schema):
    venues = ma.fields.List(ma.fields.Nested(CatalogueVenue), required=True)


class CatalogueModule(ma.Schema):
    """A programme module, its texts in both languages."""

    id = ma.fields.Integer(required=True)
    key = ma.fields.String(required=True)
    kind = ma.fields.Enum(ItemKind, by_value=True, required=True)
    titles = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), required=True)
    descriptions = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), required=True)
    default_duration_minutes = ma.fields.Integer(required=True)
    default_room_id = ma.fields.Integer(allow_none=True, required=True)
    lock_version = ma.fields.Integer(required=True)


class ModuleList(ma.Schema):
    modules = ma.fields.List(ma.fields.Nested(CatalogueModule), required=True)
