"""Importing attendee lists from CSV and Excel files: read, map, check, then save all or none.

German Excel writes CSV with semicolons, in UTF-8 with a byte order mark or in
Windows-1252; other programs write commas. Header names come in German or English and
are mapped to person fields automatically; the planner may correct the mapping. Every
row is checked before anything is saved, and one bad row stops the whole import.
"""

import codecs
import csv
import io
import itertools
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln
from openpyxl import load_workbook
from sqlalchemy import func, select

from planner.enums import Language
from planner.extensions import db
from planner.models import Organisation, Participation, PendingImport, Person, User, Visit
from planner.services.attendance import editable_organisations, side_for
from planner.services.errors import InvalidInput
from planner.services.people import PersonValues, apply_values, visible_people
from planner.services.text import clean_text
from planner.services.users import normalise_email

ENCODINGS = ("utf-8", "windows-1252")
# Separators a CSV file may use, in the order preferred when two split the rows alike.
DELIMITERS = (";", "\t", ",")
# The header is the row naming most known fields among the first rows that are not empty.
HEADER_SEARCH = 10
# Blank and title rows a sheet may have above and between its rows.
SPARE_ROWS = 50
# Characters read to choose the separator and to recognise binary data.
SAMPLE_CHARS = 65_536
# Excel itself has no more columns; a row with more cells is no spreadsheet.
EXCEL_COLUMNS = 16_384
XLSX_MAX_PARTS = 1000
# Parts this small cannot cost much whatever they unpack to.
RATIO_FLOOR_BYTES = 1_000_000
IGNORE = ""
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

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


@dataclass(frozen=True)
class Limits:
    """How much of an uploaded file an import reads before it refuses the file.

    Every limit is checked while the file is read, before a row is padded or mapped, so
    that the work and the memory an upload costs stay bounded whatever the file declares.
    """

    max_bytes: int = 5_000_000
    max_rows: int = 5000
    max_columns: int = 60
    max_cell_chars: int = 2000
    # .xlsx: what its parts may unpack to, in all and each relative to its packed size.
    max_unpacked_bytes: int = 20_000_000
    max_compression_ratio: int = 100

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "Limits":
        """Return the limits set in the app's configuration."""
        return cls(
            max_bytes=int(config["IMPORT_MAX_BYTES"]),
            max_rows=int(config["IMPORT_MAX_ROWS"]),
            max_columns=int(config["IMPORT_MAX_COLUMNS"]),
            max_cell_chars=int(config["IMPORT_MAX_CELL_CHARS"]),
            max_unpacked_bytes=int(config["IMPORT_MAX_UNPACKED_BYTES"]),
            max_compression_ratio=int(config["IMPORT_MAX_COMPRESSION_RATIO"]),
        )

    @property
    def max_cells(self) -> int:
        """Return how many cells a sheet may hold, empty or not."""
        return (self.max_rows + SPARE_ROWS) * self.max_columns


DEFAULT_LIMITS = Limits()


def read_table(
    content: bytes, filename: str, encoding: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> Table:
    """Read a CSV or .xlsx file into a table; raise ``ImportRefused`` for unusable files."""
    if len(content) > limits.max_bytes:
        raise ImportRefused(
            _l("The file is larger than %(size)s MB.", size=round(limits.max_bytes / 1_000_000, 1))
        )
    if not content.strip():
        raise ImportRefused(_l("The file is empty."))
    name = filename.lower()
    if content.startswith(b"PK\x03\x04"):
        if not name.endswith(".xlsx"):
            raise ImportRefused(_l("This is not a CSV file. Please upload .csv or .xlsx."))
        return _read_xlsx(content, limits)
    if name.endswith(".xlsx"):
        raise ImportRefused(_l("This is not an Excel (.xlsx) file."))
    if not name.endswith((".csv", ".txt")):
        raise ImportRefused(_l("Please upload a .csv or .xlsx file."))
    return _read_csv(content, encoding, limits)


def _encodings(content: bytes, encoding: str | None) -> list[str]:
    # Excel's "Unicode text" is UTF-16 with a byte order mark, whatever was chosen.
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return ["utf-16"]
    if b"\x00" in content:
        raise ImportRefused(_l("This is not a CSV file: it contains binary data."))
    return [encoding] if encoding else list(ENCODINGS)


def _read_csv(content: bytes, encoding: str | None, limits: Limits) -> Table:
    for choice in _encodings(content, encoding):
        try:
            return _parse_csv(content, choice, limits)
        except (UnicodeDecodeError, LookupError):
            continue
    raise ImportRefused(
        _l("The file's characters cannot be read as %(encoding)s.", encoding=encoding or "UTF-8")
    )


def _parse_csv(content: bytes, encoding: str, limits: Limits) -> Table:
    """Read the rows one by one from the bytes, decoding as they are read."""
    codec = "utf-8-sig" if encoding == "utf-8" else encoding
    stream = io.TextIOWrapper(io.BytesIO(content), encoding=codec, newline="")
    sample = stream.read(SAMPLE_CHARS)
    if _CONTROL.search(sample[:10000]):
        raise ImportRefused(_l("This is not a CSV file: it contains binary data."))
    stream.seek(0)
    delimiter = _delimiter(sample)
    table = _collect(_csv_rows(csv.reader(stream, delimiter=delimiter), limits), limits)
    table.encoding, table.delimiter = encoding, delimiter
    return table


def _csv_rows(reader, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    number = 0
    try:
        for number, row in enumerate(reader, start=1):
            yield number, row
    except csv.Error as error:
        # The csv module stops at its own field limit, far above ours.
        if "field limit" in str(error):
            raise _cell_too_long(number + 1, limits) from error
        raise ImportRefused(_l("The file is not valid CSV: %(error)s", error=str(error))) from error


def _delimiter(sample: str) -> str:
    """Choose the separator that splits most of the first rows into the same columns.

    Not ``csv.Sniffer``: its patterns take seconds on a few kilobytes of quotes.
    """
    best, best_score = DELIMITERS[0], (0, 0)
    for candidate in DELIMITERS:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=candidate)
        try:
            widths = [len(row) for row in itertools.islice(reader, 20) if any(row)]
        except csv.Error:
            continue
        width = max(set(widths), key=widths.count, default=1)
        score = (widths.count(width), width) if width > 1 else (0, 0)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _cell_too_long(row: int, limits: Limits) -> ImportRefused:
    return ImportRefused(
        _ln(
            "Row %(row)s: a cell is longer than %(num)s character.",
            "Row %(row)s: a cell is longer than %(num)s characters.",
            limits.max_cell_chars,
            row=row,
        )
    )


def _too_many_columns(row: int, limits: Limits) -> ImportRefused:
    return ImportRefused(
        _ln(
            "Row %(row)s has more than %(num)s column.",
            "Row %(row)s has more than %(num)s columns.",
            limits.max_columns,
            row=row,
        )
    )


def _too_many_rows(limits: Limits) -> ImportRefused:
    return ImportRefused(
        _ln(
            "The file has more than %(num)s row.",
            "The file has more than %(num)s rows.",
            limits.max_rows,
        )
    )


def _collect(rows: Iterable[tuple[int, list[str]]], limits: Limits) -> Table:
    """Keep the rows that are not empty, refusing the file at the first row over a limit."""
    kept: list[tuple[int, list[str]]] = []
    for number, row in rows:
        while row and not row[-1].strip():
            row.pop()
        if not row:
            continue
        if len(row) > limits.max_columns:
            raise _too_many_columns(number, limits)
        if any(len(cell) > limits.max_cell_chars for cell in row):
            raise _cell_too_long(number, limits)
        cells = [clean_text(cell) for cell in row]
        if any(cells):
            kept.append((number, cells))
            if len(kept) > limits.max_rows + HEADER_SEARCH:
                raise _too_many_rows(limits)
    return _table(kept, limits)


def _check_archive(content: bytes, limits: Limits) -> None:
    """Refuse a workbook whose parts unpack to too much, before anything unpacks them.

    ``zipfile`` stops every part at the size its directory declares (a part that claims
    less fails its checksum), so the declared sizes bound what opening the file costs.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
            if len(parts) > XLSX_MAX_PARTS:
                raise ImportRefused(
                    _ln(
                        "The Excel file has more than %(num)s part.",
                        "The Excel file has more than %(num)s parts.",
                        XLSX_MAX_PARTS,
                    )
                )
            if sum(part.file_size for part in parts) > limits.max_unpacked_bytes:
                raise ImportRefused(
                    _l(
                        "The Excel file unpacks to more than %(size)s MB.",
                        size=round(limits.max_unpacked_bytes / 1_000_000, 1),
                    )
                )
            for part in parts:
                if (
                    part.file_size > RATIO_FLOOR_BYTES
                    and part.file_size > part.compress_size * limits.max_compression_ratio
                ):
                    raise ImportRefused(
                        _l(
                            "A part of the Excel file unpacks to more than %(ratio)s times its "
                            "packed size, which no real list does.",
                            ratio=limits.max_compression_ratio,
                        )
                    )
            budget = _Budget(limits)
            for part in parts:
                budget.new_part()
                with archive.open(part) as stream:
                    _scan_xml(stream, budget)
    except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, OSError) as error:
        # Broken, encrypted or oddly compressed archives: nothing a list is saved as.
        raise ImportRefused(_l("The Excel file cannot be read.")) from error


class _Budget:
    """Counts the elements of a workbook's XML parts, whatever they are called.

    Also finds values outside the rows and columns that are read: openpyxl, asked for
    explicit bounds, does not tell whether anything lies beyond them.
    """

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.last_row = limits.max_rows + SPARE_ROWS
        # A cell takes at most a few elements: <c>, <v>, <is>, <t>.
        self.left = 3 * limits.max_cells + 10_000
        self.new_part()

    def new_part(self) -> None:
        """Start counting rows and columns anew for the next part."""
        self.row = self.cells_in_row = self.column = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        """Count one element; refuse the file when it breaks a limit."""
        self.left -= 1
        if self.left < 0:
            raise ImportRefused(
                _ln(
                    "The Excel file holds more than %(num)s cell.",
                    "The Excel file holds more than %(num)s cells.",
                    self.limits.max_cells,
                )
            )
        if name == "row":
            self.row = _number(attributes.get("r", ""), self.row + 1)
            self.cells_in_row = self.column = 0
        elif name == "c":
            self.cells_in_row += 1
            if self.cells_in_row > EXCEL_COLUMNS:
                raise ImportRefused(_l("This is not an Excel sheet: a row has too many cells."))
            self.column = _column(attributes.get("r", ""), self.column + 1)
        elif name in ("v", "is") and self.row > self.last_row:
            raise ImportRefused(
                _ln(
                    "The sheet has data below row %(last)s; at most %(num)s row can be imported.",
                    "The sheet has data below row %(last)s; at most %(num)s rows can be imported.",
                    self.limits.max_rows,
                    last=self.last_row,
                )
            )
        elif name in ("v", "is") and self.column > self.limits.max_columns:
            raise _too_many_columns(self.row, self.limits)


def _number(text: str, default: int) -> int:
    return int(text) if text.isdecimal() and len(text) < 9 else default


def _column(reference: str, default: int) -> int:
    """Return the column of a cell reference such as "AB12" (28)."""
    letters = reference.rstrip("0123456789")
    if not letters or len(letters) > 3 or not letters.isalpha() or not letters.isascii():
        return default
    column = 0
    for letter in letters.upper():
        column = column * 26 + ord(letter) - ord("A") + 1
    return column


def _scan_xml(stream, budget: _Budget) -> None:
    """Count the elements of one part, refusing DTDs (and so entity expansion) outright."""
    head = stream.read(64 * 1024)
    if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return  # an image or other binary part: openpyxl does not parse it as XML
    parser = expat.ParserCreate()
    parser.StartElementHandler = budget.start

    def refuse_dtd(*_args) -> None:
        raise ImportRefused(_l("The Excel file cannot be read."))

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    try:
        while head:
            parser.Parse(head, False)
            head = stream.read(64 * 1024)
        parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise ImportRefused(_l("The Excel file cannot be read.")) from error


def _read_xlsx(content: bytes, limits: Limits) -> Table:
    _check_archive(content, limits)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 (a broken workbook can fail in many ways)
        raise ImportRefused(_l("The Excel file cannot be read.")) from error
    try:
        # Explicit bounds: the sheet's declared dimension may claim a million rows and
        # columns, and openpyxl pads every row to it. Values beyond the bounds were
        # refused by _check_archive.
        rows = workbook.worksheets[0].iter_rows(
            min_row=1,
            max_row=limits.max_rows + SPARE_ROWS,
            max_col=limits.max_columns + 1,
            values_only=True,
        )
        cells = (
            (number, ["" if value is None else _cell_text(value) for value in row])
            for number, row in enumerate(rows, start=1)
        )
        return _collect(cells, limits)
    except ImportRefused:
        raise
    except Exception as error:  # noqa: BLE001 (a broken workbook can fail in many ways)
        raise ImportRefused(_l("The Excel file cannot be read.")) from error
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _table(cells: list[tuple[int, list[str]]], limits: Limits) -> Table:
    """Find the header row (the one naming most known fields among the first ten).

    Rows keep their own length; a missing cell reads as empty.
    """
    if not cells:
        raise ImportRefused(_l("The file is empty."))
    known = {alias for aliases in FIELDS.values() for alias in aliases}
    best = max(
        cells[:HEADER_SEARCH], key=lambda entry: sum(_normal(cell) in known for cell in entry[1])
    )
    header_index = cells.index(best)
    header = best[1]
    rows = cells[header_index + 1 :]
    if not rows:
        raise ImportRefused(_l("The file has a header but no rows."))
    if len(rows) > limits.max_rows:
        raise _too_many_rows(limits)
    return Table(header=header, rows=rows)


def table_data(table: Table) -> dict[str, Any]:
    """Return a table as JSON-ready data, to be stored once instead of read again."""
    return {
        "header": table.header,
        "rows": table.rows,
        "encoding": table.encoding,
        "delimiter": table.delimiter,
    }


def table_from_data(data: dict[str, Any]) -> Table:
    """Return the table stored by ``table_data``."""
    return Table(
        header=list(data["header"]),
        rows=[(int(number), list(cells)) for number, cells in data["rows"]],
        encoding=data.get("encoding"),
        delimiter=data.get("delimiter"),
    )


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


def pending_table(pending: PendingImport, encoding: str | None, limits: Limits) -> Table:
    """Return the rows of an upload, reading the file only if not read with this encoding."""
    if pending.parsed is None or pending.parsed_encoding != (encoding or ""):
        table = read_table(pending.content, pending.filename, encoding, limits)
        pending.parsed = table_data(table)
        pending.parsed_encoding = encoding or ""
        return table
    return table_from_data(pending.parsed)
