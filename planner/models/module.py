"""Programme modules: reusable building blocks of an agenda."""

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.enums import ItemKind, Language
from planner.extensions import db
from planner.models.organisation import Organisation
from planner.models.types import NEVER_REUSE_IDS, Locked, enum_column
from planner.models.venue import Room


class ProgrammeModule(Locked, db.Model):
    """An agenda item template with titles in German and English, a duration and a room."""

    __tablename__ = "programme_module"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    # Stable identifier within the catalogue, so that loading the catalogue again
    # recognises modules that already exist.
    key: Mapped[str] = mapped_column(String(100))
    kind: Mapped[ItemKind] = mapped_column(enum_column(ItemKind, "item_kind"))
    title_de: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    description_de: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    default_duration_minutes: Mapped[int]
    default_room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()
    default_room: Mapped[Room | None] = relationship()

    __table_args__ = (
        UniqueConstraint("organisation_id", "key"),
        CheckConstraint("default_duration_minutes > 0", name="duration_positive"),
        NEVER_REUSE_IDS,
    )

    def title(self, language: Language | str) -> str:
        """Return the title in the given language."""
        return self.title_en if language == Language.EN else self.title_de

    def description(self, language: Language | str) -> str:
        """Return the description in the given language."""
        return self.description_en if language == Language.EN else self.description_de
