"""Importing attendee lists from CSV and Excel files: read, map, check, then save all or none.

German Excel writes CSV with semicolons, in UTF-8 with a byte order mark or in
Windows-1252; other programs write commas. Header names come in German or English and
are mapped to person fields automatically; the planner may correct the mapping. Every
row is checked before anything is saved, and one bad row stops the whole import.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from sqlalchemy import func, select

from planner.enums import Language
from planner.extensions import db
from planner.models import Organisation, Participation, Person, User, Visit
from planner.services.attendance import editable_organisations, side_for
from planner.services.errors import InvalidInput
from planner.services.people import PersonValues, apply_values, visible_people
from planner.services.text import clean_text
from planner.services.users import normalise_email

MAX_ROWS = 5000
ENCODINGS = ("utf-8", "windows-1252")
IGNORE = ""

# Person fields an import can fill, with the header names that mean them (compared
# case-insensitively, without spaces, dashes, dots and underscores).
FIELDS: dict[str, tuple[str, ...]] = {
    "salutation": ("anrede", "salutation", "greeting"),
    "academic_title": ("titel", "akademischertitel", "title", "academictitle", "grad"),
    "first_name": ("vorname", "firstname", "givenname", "forename"),
    "last_name": ("nachname", "familienname", "lastname", "surname", "familyname"),
    "full_name": ("name", "fullname", "vollständigername"),
    "office_title": ("amtsbezeichnung", "amt", "officetitle", "office", "dienstbezeichnung"),
    "function": ("funktion", "function", "rolle", "role", "position", "jobtitle"),
    "organisation": ("organisation", "organization", "institution", "behörde", "stadt", "org"),
    "email": ("email", "mail", "emailadresse", "emailaddress", "mailadresse"),
    "phone": ("telefon", "phone", "tel", "telefonnummer", "mobil", "mobile", "handy"),
    "language": ("sprache", "language", "lang"),
    "dietary_needs": ("ernährung", "essen", "dietary", "dietaryneeds", "diet", "allergien"),
    "accessibility_needs": ("barrierefreiheit", "accessibility", "accessibilityneeds"),
    "needs_escort": ("begleitung", "escort", "needsescort"),
    "needs_parking": ("parkplatz", "parking", "needsparking"),
    "precedence_rank": ("rang", "protokollrang", "precedence", "rank", "reihenfolge"),
    "side": ("seite", "side"),
}
FIELD_LABELS = {
    IGNORE: _l("– ignore –"),
    "salutation": _l("Salutation"),
    "academic_title": _l("Academic title"),
    "first_name": _l("First name"),
    "last_name": _l("Last name"),
    "full_name": _l("Full name"),
    "office_title": _l("Office title"),
    "function": _l("Function"),
    "organisation": _l("Organisation"),
    "email": _l("Email"),
    "phone": _l("Phone"),
    "language": _l("Language"),
    "dietary_needs": _l("Dietary needs"),
    "accessibility_needs": _l("Accessibility needs"),
    "needs_escort": _l("Needs escort"),
    "needs_parking": _l("Needs parking"),
    "precedence_rank": _l("Precedence rank"),
    "side": _l("Side"),
}
# Longest values the person columns hold.
LIMITS = {
    "salutation": 50, "academic_title": 100, "first_name": 100, "last_name": 100,
    "office_title": 200, "function": 200, "email": 254, "phone": 50,
    "dietary_needs": 2000, "accessibility_needs": 2000, "organisation": 200,
}  # fmt: skip
YES = {"ja", "j", "yes", "y", "x", "1", "true", "wahr"}
NO = {"nein", "n", "no", "0", "false", "falsch", ""}
# A spreadsheet export puts a quote before text that looks like a formula; undo it.
NEUTRALISED = re.compile(r"^'(?=[=+\-@\t\r])")


class ImportRefused(Exception):
    """The file as a whole cannot be imported; nothing was changed."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass
class Table:
    """A file's cells: the header row and the data rows with their row numbers."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    encoding: str | None = None
    delimiter: str | None = None


@dataclass
class RowCheck:
    """One data row as it will be imported, with its problems."""

    number: int
    values: dict[str, str]
    problems: list[str] = field(default_factory=list)
    failed: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    existing: Person | None = None
    organisation: Organisation | None = None


@dataclass
class Preview:
    """What an import would do: the mapping and every row with its problems."""

    table: Table
    mapping: list[str]
    rows: list[RowCheck]

    @property
    def problem_count(self) -> int:
        """Return the number of rows with problems."""
        return sum(1 for row in self.rows if row.problems)


def _normal(header: str) -> str:
    return re.sub(r"[\s\-._/]+", "", header.casefold())


def read_table(content: bytes, filename: str, encoding: str | None = None) -> Table:
    """Read a CSV or .xlsx file into a table; raise ``ImportRefused`` for unusable files."""
    if not content.strip():
        raise ImportRefused(_l("The file is empty."))
    name = filename.lower()
    if content.startswith(b"PK\x03\x04"):
        if not name.endswith(".xlsx"):
            raise ImportRefused(_l("This is not a CSV file. Please upload .csv or .xlsx."))
        return _read_xlsx(content)
    if name.endswith(".xlsx"):
        raise ImportRefused(_l("This is not an Excel (.xlsx) file."))
    if not name.endswith((".csv", ".txt")):
        raise ImportRefused(_l("Please upload a .csv or .xlsx file."))
    return _read_csv(content, encoding)


def _decode(content: bytes, encoding: str | None) -> tuple[str, str]:
    if b"\x00" in content:
        raise ImportRefused(_l("This is not a CSV file: it contains binary data."))
    choices = [encoding] if encoding else list(ENCODINGS)
    for choice in choices:
        try:
            text = content.decode("utf-8-sig" if choice == "utf-8" else choice)
        except (UnicodeDecodeError, LookupError):
            continue
        if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text[:10000]):
            raise ImportRefused(_l("This is not a CSV file: it contains binary data."))
        return text, choice
    raise ImportRefused(
        _l("The file's characters cannot be read as %(encoding)s.", encoding=encoding or "UTF-8")
    )


def _read_csv(content: bytes, encoding: str | None) -> Table:
    text, used = _decode(content, encoding)
    sample = "\n".join(text.splitlines()[:20])
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        cells = [(number, row) for number, row in enumerate(reader, start=1)]
    except csv.Error as error:
        raise ImportRefused(_l("The file is not valid CSV: %(error)s", error=str(error))) from error
    table = _table(cells)
    table.encoding, table.delimiter = used, delimiter
    return table


def _read_xlsx(content: bytes) -> Table:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        cells = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells.append((number, ["" if value is None else _cell_text(value) for value in row]))
            if len(cells) > MAX_ROWS + 50:
                break
        workbook.close()
    except Exception as error:  # noqa: BLE001 (a broken workbook can fail in many ways)
        raise ImportRefused(_l("The Excel file cannot be read.")) from error
    return _table(cells)


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _table(cells: list[tuple[int, list[str]]]) -> Table:
    """Find the header row (the one naming most known fields among the first ten)."""
    filled = [(number, [clean_text(cell) for cell in row]) for number, row in cells]
    filled = [(number, row) for number, row in filled if any(row)]
    if not filled:
        raise ImportRefused(_l("The file is empty."))
    known = {alias for aliases in FIELDS.values() for alias in aliases}
    best = max(filled[:10], key=lambda entry: sum(_normal(cell) in known for cell in entry[1]))
    header_index = filled.index(best)
    header = best[1]
    rows = [
        (number, row + [""] * (len(header) - len(row)))
        for number, row in filled[header_index + 1 :]
    ]
    if not rows:
        raise ImportRefused(_l("The file has a header but no rows."))
    if len(rows) > MAX_ROWS:
        raise ImportRefused(_l("The file has more than %(limit)s rows.", limit=MAX_ROWS))
    return Table(header=header, rows=rows)


def guess_mapping(header: list[str]) -> list[str]:
    """Map each column to a person field by its header name, or to nothing."""
    by_alias = {alias: name for name, aliases in FIELDS.items() for alias in aliases}
    mapping = [by_alias.get(_normal(cell), IGNORE) for cell in header]
    # "Name" beside "Vorname" is the last name, not the full name.
    if "full_name" in mapping and "first_name" in mapping and "last_name" not in mapping:
        mapping[mapping.index("full_name")] = "last_name"
    seen: set[str] = set()
    for index, name in enumerate(mapping):
        if name and name in seen:
            mapping[index] = IGNORE
        seen.add(name)
    return mapping


def _flag(value: str) -> bool | None:
    lowered = value.casefold()
    if lowered in YES:
        return True
    if lowered in NO:
        return False
    return None


def check(
    table: Table, mapping: list[str], user: User, visit: Visit, default_organisation: Organisation
) -> Preview:
    """Check every row against the rules and the people already stored."""
    if "last_name" not in mapping and "full_name" not in mapping:
        raise ImportRefused(
            _l("No column holds the names. Map a column to “Last name” or “Full name”.")
        )
    editable = {org.name.casefold(): org for org in editable_organisations(user, visit)}
    visit_orgs = {
        org.name.casefold() for org in [visit.host_organisation, *visit.guest_organisations]
    }
    rows: list[RowCheck] = []
    emails_seen: dict[tuple[int, str], int] = {}
    for number, cells in table.rows:
        values = {
            name: NEUTRALISED.sub("", cells[index]) if index < len(cells) else ""
            for index, name in enumerate(mapping)
            if name
        }
        row = RowCheck(number=number, values=values)
        _check_row(row, editable, visit_orgs, default_organisation)
        if row.organisation is not None and row.values.get("email") and "email" not in row.failed:
            key = (row.organisation.id, row.values["email"])
            if key in emails_seen:
                row.problems.append(
                    str(_l("Email: the same address as in row %(row)s.", row=emails_seen[key]))
                )
            else:
                emails_seen[key] = number
        rows.append(row)
    _match_existing(rows, user)
    return Preview(table=table, mapping=mapping, rows=rows)


def _fail(row: RowCheck, field_name: str, message) -> None:
    row.failed.add(field_name)
    row.problems.append(str(message))


def _check_row(row: RowCheck, editable, visit_orgs, default: Organisation) -> None:
    values = row.values
    if "full_name" in values:
        # "Dr. Uwe Schneidewind": the last word is the last name.
        first, _, last = values.pop("full_name").rpartition(" ")
        values.setdefault("last_name", last)
        if first and not values.get("first_name"):
            values["first_name"] = first
    if not values.get("last_name"):
        _fail(row, "last_name", _l("Name: missing."))
    if values.get("email"):
        try:
            values["email"] = normalise_email(values["email"])
        except InvalidInput:
            _fail(
                row,
                "email",
                _l("Email: “%(value)s” is not a valid address.", value=values["email"]),
            )
    for name in ("needs_escort", "needs_parking"):
        if name in values and _flag(values[name]) is None:
            _fail(row, name, _l("%(field)s: “%(value)s” is neither yes nor no.",
                                field=FIELD_LABELS[name], value=values[name]))  # fmt: skip
    for name, limit in LIMITS.items():
        if len(values.get(name, "")) > limit:
            _fail(row, name, _l("%(field)s: longer than %(limit)s characters.",
                                field=FIELD_LABELS[name], limit=limit))  # fmt: skip
    rank = values.get("precedence_rank", "")
    if rank and not (rank.isdecimal() and len(rank) <= 4):
        _fail(row, "precedence_rank", _l("Precedence rank: “%(value)s” is not a whole number.",
                                         value=values["precedence_rank"]))  # fmt: skip
    if values.get("language") and values["language"].casefold()[:2] not in ("de", "en"):
        _fail(
            row,
            "language",
            _l("Language: “%(value)s” is neither de nor en.", value=values["language"]),
        )
    name = values.get("organisation", "").casefold()
    if not name:
        row.organisation = default
    elif name in editable:
        row.organisation = editable[name]
    elif name in visit_orgs:
        _fail(row, "organisation", _l("Organisation: you may not change the list of %(org)s.",
                                      org=values["organisation"]))  # fmt: skip
    else:
        _fail(row, "organisation", _l("Organisation: “%(org)s” does not take part in this visit.",
                                      org=values["organisation"]))  # fmt: skip


def _match_existing(rows: list[RowCheck], user: User) -> None:
    """Find people already stored with the same address in the same organisation.

    Only people the user may see are matched and updated; an address that belongs to
    someone else of that organisation cannot be used, and the row says so without
    naming that person.
    """
    keys = {(row.organisation.id, row.values["email"]) for row in rows
            if row.organisation is not None and row.values.get("email")}  # fmt: skip
    if not keys:
        return
    emails = {email for _, email in keys}
    people = list(db.session.scalars(select(Person).where(func.lower(Person.email).in_(emails))))
    visible = set(
        db.session.scalars(
            select(Person.id).where(
                Person.id.in_([person.id for person in people]), visible_people(user)
            )
        )
    )
    found = {(person.organisation_id, person.email): person for person in people}
    for row in rows:
        if row.organisation is None:
            continue
        person = found.get((row.organisation.id, row.values.get("email")))
        if person is not None and person.id not in visible:
            _fail(row, "email", _l("Email: this address cannot be used here."))
        elif person is not None:
            row.existing = person
            row.notes.append(
                str(_l("Matches %(name)s, who is stored already.", name=person.display_name))
            )


def _person_values(values: dict[str, str], existing: Person | None) -> PersonValues:
    base = PersonValues(last_name=values["last_name"])
    if existing is not None:
        base = PersonValues(
            **{key: getattr(existing, key) for key in PersonValues.__dataclass_fields__}
        )
    for key in ("salutation", "academic_title", "first_name", "last_name", "office_title",
                "function", "phone", "dietary_needs", "accessibility_needs"):  # fmt: skip
        if key in values and (values[key] or existing is None):
            setattr(base, key, values[key])
    if values.get("email"):
        base.email = values["email"]
    for key in ("needs_escort", "needs_parking"):
        if key in values:
            setattr(base, key, bool(_flag(values[key])))
    if values.get("precedence_rank"):
        base.precedence_rank = int(values["precedence_rank"])
    if values.get("language"):
        base.language = Language(values["language"].casefold()[:2])
    return base


def apply(preview: Preview, user: User, visit: Visit) -> tuple[int, int]:
    """Save every row of a preview without problems: all rows or none.

    Returns how many people were created and how many participations were added. The
    caller commits; on ``InvalidInput`` it rolls back.
    """
    if preview.problem_count:
        raise InvalidInput("file", _l("Rows with problems: %(count)s. Nothing was imported.",
                                      count=preview.problem_count))  # fmt: skip
    created = added = 0
    taking_part = set(
        db.session.scalars(
            select(Participation.person_id).where(Participation.visit_id == visit.id)
        )
    )
    for row in preview.rows:
        person = row.existing
        if person is None:
            person = Person(organisation=row.organisation)
            db.session.add(person)
            created += 1
        apply_values(person, _person_values(row.values, row.existing))
        db.session.flush()
        if person.id not in taking_part:
            db.session.add(Participation(visit=visit, person=person, side=side_for(visit, person)))
            taking_part.add(person.id)
            added += 1
    db.session.flush()
    return created, added
