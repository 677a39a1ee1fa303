"""The domain model: one module per concept, all importable from here."""

from planner.models.agenda import AgendaItem
from planner.models.answer import InboundMessage, ItemAnswer
from planner.models.artefact import ArtefactEpoch, IssuedArtefact
from planner.models.audit import AuditEntry
from planner.models.conflict import ConflictAcknowledgement
from planner.models.feed import FeedToken
from planner.models.imports import PendingImport
from planner.models.module import ProgrammeModule
from planner.models.organisation import Organisation
from planner.models.outbox import LetterText, OutboxMessage
from planner.models.participation import Participation, participation_item
from planner.models.person import Person
from planner.models.planning import PlannedConflict, VisitPlanning
from planner.models.transport import Ride, Vehicle
from planner.models.trash import TrashEntry
from planner.models.user import User
from planner.models.venue import Room, Venue
from planner.models.version import AgendaVersion
from planner.models.visit import Visit, VisitGuest, visit_guest_organisation

__all__ = [
    "AgendaItem",
    "AgendaVersion",
    "ArtefactEpoch",
    "AuditEntry",
    "ConflictAcknowledgement",
    "FeedToken",
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
    "ProgrammeModule",
    "Ride",
    "TrashEntry",
    "Room",
    "User",
    "Vehicle",
    "Venue",
    "Visit",
    "VisitPlanning",
    "participation_item",
    "VisitGuest",
    "visit_guest_organisation",
]
