"""Statuses, kinds and roles of the domain, stored as their string values."""

from enum import StrEnum


class Role(StrEnum):
    """What a staff login may do inside its own organisation."""

    ADMIN = "admin"
    PLANNER = "planner"
    HOST = "host"
    VIEWER = "viewer"


class Language(StrEnum):
    """Interface and document languages."""

    DE = "de"
    EN = "en"


class VisitStatus(StrEnum):
    """Life cycle of a visit: draft → planned → confirmed → completed, or cancelled."""

    DRAFT = "draft"
    PLANNED = "planned"
    CONFIRMED = "confirmed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class ItemKind(StrEnum):
    """What happens in an agenda item."""

    SESSION = "session"
    DEMO = "demo"
    WALKTHROUGH = "walkthrough"
    RECEPTION = "reception"
    MEAL = "meal"
    TRANSFER = "transfer"
    PRESS = "press"
    INTERNAL_HOLD = "internal-hold"


class PressAccess(StrEnum):
    """How far the press may attend an agenda item (any kind; closed unless opened)."""

    CLOSED = "closed"
    PHOTO_OPPORTUNITY = "photo-opportunity"
    STATEMENT = "statement"
    OPEN = "open"


class Accreditation(StrEnum):
    """Where a journalist's accreditation for a visit stands."""

    REQUESTED = "requested"
    ACCREDITED = "accredited"
    REFUSED = "refused"


class VehicleKind(StrEnum):
    """What kind of vehicle carries people between the places of a visit."""

    CAR = "car"
    VAN = "van"
    BUS = "bus"


class ItemStatus(StrEnum):
    """Whether an agenda item takes place."""

    CONFIRMED = "confirmed"
    TENTATIVE = "tentative"
    CANCELLED = "cancelled"


class Side(StrEnum):
    """Which side of a visit a participant is on."""

    GUEST = "guest"
    HOST = "host"


class GiftDirection(StrEnum):
    """Whether the host's side gave a gift or received it."""

    GIVEN = "given"
    RECEIVED = "received"


class GuestState(StrEnum):
    """Where a guest organisation stands on a visit a host named it for."""

    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    LEFT = "left"


class RsvpStatus(StrEnum):
    """A participant's answer, named as iCalendar's PARTSTAT values in lower case."""

    NEEDS_ACTION = "needs-action"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    TENTATIVE = "tentative"


class TravelMeans(StrEnum):
    """How a participant arrives or leaves."""

    TRAIN = "train"
    PLANE = "plane"
    CAR = "car"
    OTHER = "other"


class OutboxStatus(StrEnum):
    """Where an outbox message stands on its way to the SMTP server."""

    DRAFT = "draft"
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    DISCARDED = "discarded"


class AuditAction(StrEnum):
    """What was done to an object."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    # Brought back from the trash, and removed from it for good.
    RESTORE = "restore"
    ERASE = "erase"


class TrashKind(StrEnum):
    """What a trash entry holds: a visit, an agenda item or a person, with what belonged to it."""

    VISIT = "visit"
    ITEM = "item"
    PERSON = "person"


class ConflictKind(StrEnum):
    """The kinds of warnings the conflict checks give."""

    OVERLAP = "overlap"
    ROOM = "room"
    PERSON = "person"
    OUTSIDE_DAYS = "outside-days"
    CAPACITY = "capacity"
    TRANSFER = "transfer"


class RequestState(StrEnum):
    """Where a guest city's request for a visit stands."""

    REQUESTED = "requested"
    COUNTER_PROPOSED = "counter-proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class RequestStep(StrEnum):
    """A step one of the two offices takes on a visit request."""

    REQUESTED = "requested"
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class SeatingLayout(StrEnum):
    """How the tables of a seating plan stand."""

    LONG_TABLE = "long-table"
    ROUND_TABLES = "round-tables"
    U_SHAPE = "u-shape"
    THEATRE = "theatre"


class HeadsCustom(StrEnum):
    """Where the head of the guest delegation sits in relation to the host."""

    FACING = "facing"
    SIDE_BY_SIDE = "side-by-side"
