"""A guest city's request to a host organisation for a visit, and the answers to it."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.enums import RequestState, RequestStep
from planner.extensions import db
from planner.models.module import ProgrammeModule
from planner.models.organisation import Organisation
from planner.models.types import NEVER_REUSE_IDS, Locked, UTCDateTime, enum_column, utcnow
from planner.models.user import User
from planner.models.visit import Visit


class VisitRequest(Locked, db.Model):
    """A visit a guest organisation asks a host for: what, when (options), who, wishes.

    The two offices take turns (``services/requests.py``): the host accepts one of the
    proposed day options, proposes other days or declines; the guest agrees to days the
    host proposed, proposes again or withdraws. ``round`` counts the proposals; the
    current options are those of the latest round.
    """

    __tablename__ = "visit_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    host_organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(String(300))
    purpose: Mapped[str] = mapped_column(Text, default="")
    delegation_size: Mapped[int]
    head_of_delegation: Mapped[str] = mapped_column(String(300), default="")
    wishes: Mapped[str] = mapped_column(Text, default="")
    # Languages needed: codes of the ones the planner supports ("de en"), others by name.
    languages: Mapped[str] = mapped_column(String(20), default="")
    other_languages: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[RequestState] = mapped_column(
        enum_column(RequestState, "request_state"), default=RequestState.REQUESTED
    )
    round: Mapped[int] = mapped_column(default=1)
    # The days agreed on, and the draft visit made of the request once accepted.
    agreed_first_day: Mapped[date | None]
    agreed_last_day: Mapped[date | None]
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    requester_organisation: Mapped[Organisation] = relationship(
        foreign_keys=[requester_organisation_id]
    )
    host_organisation: Mapped[Organisation] = relationship(foreign_keys=[host_organisation_id])
    created_by: Mapped[User | None] = relationship()
    visit: Mapped[Visit | None] = relationship()
    options: Mapped[list["VisitRequestOption"]] = relationship(
        back_populates="request",
        order_by="(VisitRequestOption.round, VisitRequestOption.position)",
        cascade="all, delete-orphan",
    )
    modules: Mapped[list[ProgrammeModule]] = relationship(
        secondary="visit_request_module", order_by=ProgrammeModule.title_de
    )
    events: Mapped[list["VisitRequestEvent"]] = relationship(
        back_populates="request",
        order_by="VisitRequestEvent.id",
        cascade="all, delete-orphan",
    )

    __table_args__ = (
        CheckConstraint("delegation_size > 0", name="delegation_size_positive"),
        CheckConstraint(
            "requester_organisation_id <> host_organisation_id", name="host_not_requester"
        ),
        NEVER_REUSE_IDS,
    )

    @property
    def current_options(self) -> list["VisitRequestOption"]:
        """Return the day options of the latest proposal."""
        return [option for option in self.options if option.round == self.round]

    def __repr__(self) -> str:
        return f"<VisitRequest {self.id} {self.title!r} {self.state}>"


class VisitRequestOption(db.Model):
    """One span of days proposed in one round of a visit request."""

    __tablename__ = "visit_request_option"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("visit_request.id", ondelete="CASCADE"))
    round: Mapped[int]
    position: Mapped[int]
    first_day: Mapped[date]
    last_day: Mapped[date]

    request: Mapped[VisitRequest] = relationship(back_populates="options")

    __table_args__ = (
        UniqueConstraint("request_id", "round", "position"),
        CheckConstraint("last_day >= first_day", name="option_last_day_not_before_first"),
        NEVER_REUSE_IDS,
    )


class VisitRequestModule(db.Model):
    """A programme module of the host's catalogue the guest wishes for."""

    __tablename__ = "visit_request_module"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("visit_request.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(
        ForeignKey("programme_module.id", ondelete="CASCADE"), index=True
    )

    __table_args__ = (UniqueConstraint("request_id", "module_id"), NEVER_REUSE_IDS)


class VisitRequestEvent(db.Model):
    """A step of a visit request: who did what, when, with which message.

    The name and organisation of whoever acted are kept as written then, so the history
    still reads right after a login is removed.
    """

    __tablename__ = "visit_request_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("visit_request.id", ondelete="CASCADE"))
    step: Mapped[RequestStep] = mapped_column(enum_column(RequestStep, "request_step"))
    # The proposal round this step opened or answered.
    round: Mapped[int]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    user_name: Mapped[str] = mapped_column(String(200), default="")
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"))
    message: Mapped[str] = mapped_column(Text, default="", server_default=text("''"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    request: Mapped[VisitRequest] = relationship(back_populates="events")
    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (Index("ix_visit_request_event_request", "request_id", "id"), NEVER_REUSE_IDS)
