"""The domain model: one module per concept, all importable from here."""

from planner.models.agenda import AgendaItem
from planner.models.answer import InboundMessage, ItemAnswer
from planner.models.api_token import ApiToken
from planner.models.artefact import ArtefactEpoch, IssuedArtefact
from planner.models.audit import AuditEntry
from planner.models.conflict import ConflictAcknowledgement
from planner.models.feed import FeedToken
from planner.models.gift import Gift, GoldenBookEntry, GoldenBookSigner
from planner.models.imports import PendingImport
from planner.models.module import ProgrammeModule
from planner.models.organisation import Organisation
from planner.models.outbox import LetterText, OutboxMessage
from planner.models.participation import Participation, participation_item
from planner.models.person import Person
from planner.models.planning import PlannedConflict, VisitPlanning
from planner.models.press import PressContact, PressPage, press_contact_item
from planner.models.request import (
    VisitRequest,
    VisitRequestEvent,
    VisitRequestModule,
    VisitRequestOption,
)
from planner.models.seating import Seat, SeatingPlan, SeatingTable
from planner.models.thread import ThreadReading, VisitMessage
from planner.models.transport import Ride, Vehicle
from planner.models.trash import TrashEntry
from planner.models.user import User
from planner.models.venue import Room, Venue
from planner.models.version import AgendaVersion
from planner.models.visit import Visit, VisitGuest, visit_guest_organisation

__all__ = [
    "AgendaItem",
    "ApiToken",
    "AgendaVersion",
    "ArtefactEpoch",
    "AuditEntry",
    "ConflictAcknowledgement",
    "FeedToken",
    "Gift",
    "GoldenBookEntry",
    "GoldenBookSigner",
    "InboundMessage",
    "IssuedArtefact",
    "ItemAnswer",
    "LetterText",
    "Organisation",
    "OutboxMessage",
    "Participation",
    "PendingImport",
    "Person",
    "PlannedConflict",
    "PressContact",
    "PressPage",
    "ProgrammeModule",
    "ThreadReading",
    "Seat",
    "SeatingPlan",
    "SeatingTable",
    "Ride",
    "TrashEntry",
    "Room",
    "User",
    "Vehicle",
    "Venue",
    "Visit",
    "VisitMessage",
    "VisitPlanning",
    "VisitRequest",
    "VisitRequestEvent",
    "VisitRequestModule",
    "VisitRequestOption",
    "participation_item",
    "press_contact_item",
    "VisitGuest",
    "visit_guest_organisation",
]
