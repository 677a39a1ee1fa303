"""The press around a visit: the journalists who come, the public page, the release."""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.enums import Accreditation
from planner.extensions import db
from planner.models.agenda import AgendaItem
from planner.models.types import NEVER_REUSE_IDS, Locked, UTCDateTime, enum_column, utcnow
from planner.models.visit import Visit

press_contact_item = Table(
    "press_contact_item",
    db.metadata,
    Column(
        "press_contact_id",
        ForeignKey("press_contact.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "agenda_item_id",
        ForeignKey("agenda_item.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class PressContact(Locked, db.Model):
    """A journalist on a visit's press list: outlet, contact, accreditation, items attended."""

    __tablename__ = "press_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"), index=True)
    outlet: Mapped[str] = mapped_column(String(200))
    journalist: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    accreditation: Mapped[Accreditation] = mapped_column(
        enum_column(Accreditation, "accreditation"), default=Accreditation.REQUESTED
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    visit: Mapped[Visit] = relationship()
    items: Mapped[list[AgendaItem]] = relationship(
        secondary=press_contact_item, order_by=(AgendaItem.starts_at, AgendaItem.id)
    )

    __table_args__ = (NEVER_REUSE_IDS,)


class PressPage(Locked, db.Model):
    """A visit's press work kept once per visit: the public page and the release draft.

    The page is reached through ``token``, an unguessable value: None until the host
    first publishes, replaced when the host makes a new link (the old one dies), and
    shown only while ``published``. ``release_text`` is the press release as the host
    edits it, generated from the issued agenda when first opened.
    """

    __tablename__ = "press_page"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"), unique=True)
    token: Mapped[str | None] = mapped_column(String(64), unique=True)
    published: Mapped[bool] = mapped_column(default=False, server_default=false())
    release_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    visit: Mapped[Visit] = relationship()

    __table_args__ = (NEVER_REUSE_IDS,)
