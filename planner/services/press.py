"""The press around a visit: its press list, its public press page and its press release.

What the press learns comes from the issued agenda only, through the read model
(``agenda_view``): items marked press-open (a photo, a statement, open throughout),
never internal holds or notes. People appear only when marked public for the press, by
name, office and organisation; never with a phone number or an e-mail address.
"""

import io
import secrets
from dataclasses import dataclass
from datetime import date

from docx import Document
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import flag_modified

from planner.enums import Accreditation, ItemKind, Side
from planner.extensions import db
from planner.models import AgendaItem, Participation, Person, PressContact, PressPage, Visit
from planner.services.address import person_forms
from planner.services.agenda_view import Audience, ViewItem, visible_agenda
from planner.services.errors import InvalidInput
from planner.services.locking import save_with_lock
from planner.services.text import clean_text
from planner.services.trash import trashed_rows, visit_last_days
from planner.services.versions import latest_version

# A press release is a page or two; anything far longer is no release but a paste.
MAX_RELEASE_CHARS = 20_000
# A visit's press list; far more are a mistake (or an attack), not journalists.
MAX_CONTACTS = 300


# --- the press list --------------------------------------------------------------------


@dataclass(frozen=True)
class ContactValues:
    """A journalist's entry on the press list as a form hands it over."""

    outlet: str
    journalist: str = ""
    email: str = ""
    phone: str = ""
    accreditation: Accreditation = Accreditation.REQUESTED
    item_ids: tuple[int, ...] = ()


def press_contacts(visit: Visit) -> list[PressContact]:
    """Return the visit's press list by outlet and journalist, with the items they attend."""
    return list(
        db.session.scalars(
            select(PressContact)
            .where(PressContact.visit_id == visit.id)
            .options(selectinload(PressContact.items))
            .order_by(func.lower(PressContact.outlet), PressContact.journalist, PressContact.id)
        )
    )


def _items_of(visit: Visit, item_ids: tuple[int, ...]) -> list[AgendaItem]:
    """Return the visit's items with these ids, refusing any other."""
    wanted = set(item_ids)
    found = [item for item in visit.items if item.id in wanted]
    if len(found) != len(wanted):
        raise InvalidInput("items", _l("Choose items of this visit."))
    return found


def _assign(contact: PressContact, visit: Visit, values: ContactValues) -> None:
    outlet = clean_text(values.outlet)
    if not outlet:
        raise InvalidInput("outlet", _l("Please enter the media outlet."))
    contact.outlet = outlet
    contact.journalist = clean_text(values.journalist)
    contact.email = clean_text(values.email)
    contact.phone = clean_text(values.phone)
    contact.accreditation = values.accreditation
    contact.items = _items_of(visit, values.item_ids)


def add_contact(visit: Visit, values: ContactValues) -> PressContact:
    """Put a journalist on the visit's press list; the caller commits."""
    count = db.session.scalar(
        select(func.count()).select_from(PressContact).where(PressContact.visit_id == visit.id)
    )
    if count >= MAX_CONTACTS:
        raise InvalidInput(
            "outlet", _l("The press list holds %(count)s entries at most.", count=MAX_CONTACTS)
        )
    contact = PressContact(visit=visit)
    _assign(contact, visit, values)
    db.session.add(contact)
    db.session.flush()
    return contact


def update_contact(contact: PressContact, values: ContactValues, expected: int | None) -> None:
    """Change a press list entry unless someone else changed it first; the caller commits."""
    save_with_lock(contact, expected, lambda: _assign(contact, contact.visit, values))


def contact_values(contact: PressContact) -> ContactValues:
    """Return a stored entry's values as the form shows them."""
    return ContactValues(
        outlet=contact.outlet,
        journalist=contact.journalist,
        email=contact.email,
        phone=contact.phone,
        accreditation=contact.accreditation,
        item_ids=tuple(item.id for item in contact.items),
    )


# What a press list keeps of a person: gone when the visit's people are purged.
PERSONAL_FIELDS = ("journalist", "email", "phone")


def forget_journalists(cutoff: date) -> int:
    """Clear the names and contact details on the press lists of visits that ended before
    ``cutoff`` (the trash included); the outlets stay. Return how many entries changed."""
    contacts = db.session.scalars(
        select(PressContact)
        .join(Visit, PressContact.visit_id == Visit.id)
        .where(
            Visit.last_day < cutoff,
            or_(*(getattr(PressContact, name) != "" for name in PERSONAL_FIELDS)),
        )
    ).all()
    for contact in contacts:
        for name in PERSONAL_FIELDS:
            setattr(contact, name, "")
    trashed = [(e, row) for e, row in trashed_rows("press_contact")
               if any(row.get(name) for name in PERSONAL_FIELDS)]  # fmt: skip
    last_days = visit_last_days({row["visit_id"] for _entry, row in trashed})
    cleared = len(contacts)
    for entry, row in trashed:
        if last_days.get(row["visit_id"], cutoff) < cutoff:
            row.update(dict.fromkeys(PERSONAL_FIELDS, ""))
            flag_modified(entry, "payload")
            cleared += 1
    return cleared


def participants_of(visit: Visit) -> list[Participation]:
    """Return the visit's participants with their people and organisations, in one query."""
    return list(
        db.session.scalars(
            select(Participation)
            .where(Participation.visit_id == visit.id)
            .options(joinedload(Participation.person).joinedload(Person.organisation))
            .order_by(Participation.id)
        ).unique()
    )


def set_public_people(visit: Visit, participation_ids: set[int]) -> None:
    """Name exactly these participants on the press page; the caller commits."""
    for participation in visit.participations:
        public = participation.id in participation_ids
        if participation.press_public != public:
            participation.press_public = public


# --- the press page --------------------------------------------------------------------


def press_page_of(visit: Visit) -> PressPage | None:
    """Return the visit's press page record, None before anyone worked on it."""
    return db.session.scalar(select(PressPage).where(PressPage.visit_id == visit.id))


def _ensure_page(visit: Visit) -> PressPage:
    page = press_page_of(visit)
    if page is None:
        page = PressPage(visit=visit)
        db.session.add(page)
    return page


def _new_token() -> str:
    return secrets.token_urlsafe(24)


def publish(visit: Visit) -> PressPage:
    """Publish the visit's press page, at its link (a new one if it has none); commit after."""
    page = _ensure_page(visit)
    if page.token is None:
        page.token = _new_token()
    page.published = True
    return page


def unpublish(visit: Visit) -> None:
    """Take the press page offline; its link answers "not found" until published again."""
    page = press_page_of(visit)
    if page is not None and page.published:
        page.published = False


def renew_link(visit: Visit) -> PressPage:
    """Give the press page a new link: the old one is dead for good; commit after."""
    page = _ensure_page(visit)
    page.token = _new_token()
    return page


@dataclass(frozen=True)
class PublicPerson:
    """A participant as the press page names them: no contact details."""

    name: str
    office: str
    function: str
    organisation: str


@dataclass(frozen=True)
class PressView:
    """What the public press page shows of a visit."""

    title: str
    timezone: str
    host: str
    guests: tuple[str, ...]
    items: tuple[ViewItem, ...]
    people: tuple[PublicPerson, ...]
    language: str


def _public_people(visit: Visit, language: str) -> tuple[PublicPerson, ...]:
    public = [p for p in participants_of(visit) if p.press_public]
    public.sort(key=lambda p: (p.side != Side.GUEST, p.effective_rank or 10**6, p.person_id))
    return tuple(
        PublicPerson(
            name=person_forms(p.person, language).card,
            office=person_forms(p.person, language).office,
            function=p.person.function,
            organisation=p.person.organisation.name,
        )
        for p in public
    )


def _issued_items(visit: Visit, language: str) -> list[ViewItem]:
    """Return the items of the latest issued version that take place, in time order, as
    the public reads them (no internal holds or notes); none before the first issue."""
    agenda = visible_agenda(visit, Audience.FEED, language, latest_version(visit.id))
    if agenda is None:
        return []
    return [item for item in agenda.ordered() if not item.cancelled]


def press_items(visit: Visit, language: str) -> tuple[ViewItem, ...]:
    """Return the issued items the press may attend, in time order."""
    return tuple(item for item in _issued_items(visit, language) if item.press_open)


def public_press_page(token: str) -> PressView | None:
    """Return the published press page behind a link, None for an unknown, revoked or
    unpublished one."""
    if not token or len(token) > 64:
        return None
    page = db.session.scalar(
        select(PressPage)
        .where(PressPage.token == token, PressPage.published)
        .options(joinedload(PressPage.visit).joinedload(Visit.host_organisation))
    )
    if page is None:
        return None
    visit = page.visit
    language = visit.language.value
    return PressView(
        title=visit.title,
        timezone=visit.timezone,
        host=visit.host_organisation.name,
        guests=tuple(org.name for org in visit.guest_organisations),
        items=press_items(visit, language),
        people=_public_people(visit, language),
        language=language,
    )


# --- the press release -----------------------------------------------------------------


def _head(visit: Visit, side: Side) -> Participation | None:
    """Return the head of one side's delegation: the first in protocol order."""
    people = [p for p in participants_of(visit) if p.side == side]
    people.sort(key=lambda p: (p.effective_rank is None, p.effective_rank or 0, p.person_id))
    return people[0] if people else None


def _full_name(participation: Participation, language: str) -> str:
    """Return "Oberbürgermeister Prof. Dr. Uwe Schneidewind": office, titles and name."""
    forms = person_forms(participation.person, language)
    return " ".join(part for part in (forms.office, forms.card) if part)


def _quote_name(participation: Participation, language: str) -> str:
    """Return "Oberbürgermeister Eiskirch": office and last name, as a placeholder names."""
    forms = person_forms(participation.person, language)
    return " ".join(part for part in (forms.office, participation.person.last_name) if part)


def date_line(visit: Visit, language: str, day: date | None = None) -> str:
    """Return the release's place and date: "Bochum, 23. Februar 2023"."""
    with force_locale(language):
        when = format_date(day or visit.first_day, "long")
    return f"{visit.host_organisation.name}, {when}"


def generate_release(visit: Visit) -> str:
    """Draft a press release from the issued agenda and the heads of delegation, in the
    visit's language: title, place and date line with the lead, what was shown, and
    placeholders for the quotes to fill in."""
    language = visit.language.value
    host, guest = _head(visit, Side.HOST), _head(visit, Side.GUEST)
    guests = ", ".join(org.name for org in visit.guest_organisations)
    # A ride between two places is no part of what the guests were shown.
    items = [
        item.title for item in _issued_items(visit, language) if item.kind != ItemKind.TRANSFER
    ]
    with force_locale(language):
        host_name = _full_name(host, language) if host else _("[host]")
        guest_name = _full_name(guest, language) if guest else _("[guest]")
        lead = _(
            "%(host)s welcomed %(guest)s and a delegation from %(guests)s to %(city)s.",
            host=host_name,
            guest=guest_name,
            guests=guests or _("[guest city]"),
            city=visit.host_organisation.name,
        )
        purpose = clean_text(visit.purpose)
        paragraphs = [
            visit.title,
            f"{date_line(visit, language)}. {lead}" + (f" {purpose}" if purpose else ""),
        ]
        if items:
            shown = "\n".join(f"– {title}" for title in items)
            paragraphs.append(_("The programme included:") + "\n" + shown)
        else:
            paragraphs.append(_("[The programme: no agenda has been issued yet.]"))
        for person in (host, guest):
            if person is not None:
                paragraphs.append(
                    _(
                        "“[Quote %(name)s]”, said %(full)s.",
                        name=_quote_name(person, language),
                        full=_full_name(person, language),
                    )
                )
    return "\n\n".join(paragraphs)[:MAX_RELEASE_CHARS]


def release_of(visit: Visit) -> PressPage:
    """Return the visit's press page record with its release, drafting the release the
    first time; the caller commits."""
    page = _ensure_page(visit)
    if not page.release_text:
        page.release_text = generate_release(visit)
    return page


def save_release(visit: Visit, text: str, expected: int | None) -> None:
    """Store the edited release unless someone else changed it first; the caller commits."""
    text = clean_text(text, multiline=True)
    if not text:
        raise InvalidInput("text", _l("Please enter the text of the press release."))
    if len(text) > MAX_RELEASE_CHARS:
        raise InvalidInput(
            "text", _l("At most %(count)s characters, please.", count=MAX_RELEASE_CHARS)
        )
    page = _ensure_page(visit)

    def change() -> None:
        page.release_text = text

    save_with_lock(page, expected, change)


def regenerate_release(visit: Visit) -> None:
    """Replace the release with a fresh draft from the issued agenda; the caller commits."""
    _ensure_page(visit).release_text = generate_release(visit)


def release_text(visit: Visit) -> str:
    """Return the stored release, or a fresh draft when none is stored yet."""
    page = press_page_of(visit)
    return page.release_text if page is not None and page.release_text else generate_release(visit)


def release_docx(text: str) -> bytes:
    """Return the release as a Word document: the first paragraph as its heading, lines
    beginning with a dash as a list."""
    document = Document()
    paragraphs = [block.strip() for block in text.split("\n\n") if block.strip()]
    for index, block in enumerate(paragraphs):
        if index == 0:
            document.add_heading(block, level=1)
            continue
        for line in block.split("\n"):
            if line.startswith(("– ", "- ")):
                document.add_paragraph(line[2:].strip(), style="List Bullet")
            else:
                document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
