"""Importing attendee lists from CSV and Excel files: read, map, check, then save all or none.

German Excel writes CSV with semicolons, in UTF-8 with a byte order mark or in
Windows-1252; other programs write commas. Header names come in German or English and
are mapped to person fields automatically; the planner may correct the mapping. The
organisations a file names ("Stadt Dortmund") are matched to the visit's ("Dortmund");
names that stand for no organisation of the visit (a bus company) are mapped in the
preview, to a delegation or as the company of service staff. Every row is checked before
anything is saved; problem cells can be corrected in the preview. The import takes all
rows or none, or, on request, the rows without problems, keeping the others for correction.
"""

import codecs
import csv
import hashlib
import io
import itertools
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any
from xml.parsers import expat

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln
from openpyxl import load_workbook
from rapidfuzz.fuzz import ratio
from sqlalchemy import func, select

from planner.enums import Language
from planner.extensions import db
from planner.models import Organisation, Participation, PendingImport, Person, User, Visit
from planner.services.attendance import editable_organisations, side_for
from planner.services.errors import InvalidInput
from planner.services.locking import check_version, flush_or_conflict
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
    "company": ("firma", "company", "unternehmen", "dienstleister"),
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
    "company": _l("Company"),
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
    "office_title": 200, "function": 200, "company": 200, "email": 254, "phone": 50,
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
class NamedOrganisation:
    """An organisation name as the file writes it, and what the import takes it for.

    ``choice`` is the planner's decision or, without one, the visit's organisation the
    name matches: an organisation's id ("12") for its members, or "company-12" for
    service staff of that company who come with that organisation's delegation. ""
    means undecided: the rows are problems.
    """

    name: str
    key: str
    rows: int
    match: Organisation | None = None
    choice: str = ""


@dataclass
class Preview:
    """What an import would do: the mapping and every row with its problems."""

    table: Table
    mapping: list[str]
    rows: list[RowCheck]
    organisations: list[NamedOrganisation] = field(default_factory=list)

    @property
    def problem_count(self) -> int:
        """Return the number of rows with problems."""
        return sum(1 for row in self.rows if row.problems)

    @cached_property
    def _cells_by_row(self) -> dict[int, list[str]]:
        return dict(self.table.rows)

    @property
    def clean_count(self) -> int:
        """Return the number of rows without problems."""
        return len(self.rows) - self.problem_count

    def problem_cells(self, row: RowCheck) -> list["ProblemCell"]:
        """Return the cells of a row to correct: those of the fields with a problem."""
        cells = self._cells_by_row.get(row.number, [])
        found = []
        for name in FIELDS:
            column = _column_of(self.mapping, name)
            if name in row.failed and column is not None:
                value = cells[column] if column < len(cells) else ""
                label = FIELD_LABELS[self.mapping[column]]
                found.append(ProblemCell(name=name, label=label, column=column, value=value))
        return found


@dataclass(frozen=True)
class ProblemCell:
    """A cell of a row with a problem, as the preview offers it for correction."""

    name: str
    label: Any
    column: int
    value: str


def _column_of(mapping: list[str], name: str) -> int | None:
    """Return the column holding a field; a missing last name is in the full-name column."""
    if name in mapping:
        return mapping.index(name)
    if name in ("last_name", "first_name") and "full_name" in mapping:
        return mapping.index("full_name")
    return None


def _normal(header: str) -> str:
    return re.sub(r"[\s\-._/]+", "", header.casefold())


# Words around a city's or institution's name that say what kind of body it is; lists
# write "Stadt Dortmund" or "Landeshauptstadt Düsseldorf" where the planner keeps the
# plain name. Longer phrases first.
ORGANISATION_PREFIXES = tuple(
    tuple(phrase.split())
    for phrase in (
        "freie und hansestadt", "freie hansestadt", "kreisfreie stadt", "grosse kreisstadt",
        "landeshauptstadt", "hansestadt", "bundesstadt", "universitaetsstadt",
        "stadtverwaltung", "verwaltung der stadt", "stadt", "city of", "town of",
        "municipality of", "gemeinde", "landkreis", "kreisstadt", "kreis",
    )
)  # fmt: skip
ORGANISATION_SUFFIXES = tuple(
    tuple(phrase.split())
    for phrase in ("e v", "ev", "stadtverwaltung", "stadt", "city council", "city", "kreis")
)
# How alike two names must be, after normalisation, to be taken for the same (0-100).
MATCH_THRESHOLD = 85
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def normalise_organisation(name: str) -> str:
    """Return an organisation name folded for comparison: "Stadt Dortmund" → "dortmund"."""
    text = unicodedata.normalize("NFC", name).casefold().translate(_UMLAUTS)
    text = "".join(
        char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char)
    )
    words = re.sub(r"[^\w]+", " ", text).split()
    folded = list(words)
    changed = True
    while changed and folded:
        changed = False
        for phrase in ORGANISATION_PREFIXES:
            if len(folded) > len(phrase) and tuple(folded[: len(phrase)]) == phrase:
                folded, changed = folded[len(phrase) :], True
                break
        for phrase in ORGANISATION_SUFFIXES:
            if len(folded) > len(phrase) and tuple(folded[-len(phrase) :]) == phrase:
                folded, changed = folded[: -len(phrase)], True
                break
    return " ".join(folded or words)


def match_organisation(name: str, organisations: Iterable[Organisation]) -> Organisation | None:
    """Return the organisation a name stands for, if one is alike enough.

    A name equal after normalisation wins; otherwise the most similar name above
    ``MATCH_THRESHOLD``.
    """
    key = normalise_organisation(name)
    if not key:
        return None
    best, best_score = None, 0.0
    for organisation in organisations:
        other = normalise_organisation(organisation.name)
        if other == key:
            return organisation
        score = ratio(key, other)
        if score > best_score:
            best, best_score = organisation, score
    return best if best_score >= MATCH_THRESHOLD else None


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


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
    table: Table,
    mapping: list[str],
    user: User,
    visit: Visit,
    default_organisation: Organisation,
    choices: Mapping[str, str] | None = None,
) -> Preview:
    """Check every row against the rules and the people already stored.

    ``choices`` holds the planner's decisions on the organisation names of the file,
    by ``_name_key`` (see ``NamedOrganisation.choice``).
    """
    if "last_name" not in mapping and "full_name" not in mapping:
        raise ImportRefused(
            _l("No column holds the names. Map a column to “Last name” or “Full name”.")
        )
    editable = {org.id: org for org in editable_organisations(user, visit)}
    named = _named_organisations(table, mapping, visit, editable, choices or {})
    rows: list[RowCheck] = []
    emails_seen: dict[tuple[int, str], int] = {}
    for number, cells in table.rows:
        values = {
            name: NEUTRALISED.sub("", cells[index]) if index < len(cells) else ""
            for index, name in enumerate(mapping)
            if name
        }
        row = RowCheck(number=number, values=values)
        _check_row(row, editable, named, default_organisation)
        if row.organisation is not None and row.values.get("email") and "email" not in row.failed:
            key = (row.organisation.id, row.values["email"])
            if key in emails_seen:
                message = _l("Email: the same address as in row %(row)s.", row=emails_seen[key])
                _fail(row, "email", message)
            else:
                emails_seen[key] = number
        rows.append(row)
    _match_existing(rows, user)
    return Preview(table=table, mapping=mapping, rows=rows, organisations=list(named.values()))


def _named_organisations(
    table: Table, mapping: list[str], visit: Visit, editable, choices: Mapping[str, str]
) -> dict[str, NamedOrganisation]:
    """Return the organisation names of the file with their match and the planner's choice."""
    if "organisation" not in mapping:
        return {}
    column = mapping.index("organisation")
    named: dict[str, NamedOrganisation] = {}
    for _, cells in table.rows:
        name = cells[column].strip() if column < len(cells) else ""
        key = _name_key(name)
        if not key:
            continue
        if key not in named:
            named[key] = NamedOrganisation(name=name, key=key, rows=0)
        named[key].rows += 1
    organisations = [visit.host_organisation, *visit.guest_organisations]
    for entry in named.values():
        entry.match = match_organisation(entry.name, organisations)
        choice = choices.get(entry.key, "")
        if _chosen_organisation(choice, editable) is not None:
            entry.choice = choice
        elif entry.match is not None and entry.match.id in editable:
            entry.choice = str(entry.match.id)
    return named


def _chosen_organisation(choice: str, editable) -> Organisation | None:
    number = choice.removeprefix("company-")
    if not (number.isdecimal() and len(number) < 10):
        return None
    return editable.get(int(number))


def default_delegation(
    table: Table, mapping: list[str], user: User, visit: Visit
) -> Organisation | None:
    """Return the delegation rows without an organisation join by default.

    The visit's guest organisation if there is one the user may edit, among several the
    one the file names most; the host's list only when no guest list is editable.
    """
    editable = editable_organisations(user, visit)
    guests = [org for org in editable if org.id != visit.host_organisation_id]
    if len(guests) > 1 and "organisation" in mapping:
        column = mapping.index("organisation")
        counts: dict[int, int] = {}
        for _, cells in table.rows:
            if column < len(cells) and cells[column].strip():
                found = match_organisation(cells[column], guests)
                if found is not None:
                    counts[found.id] = counts.get(found.id, 0) + 1
        if counts:
            return max(guests, key=lambda org: counts.get(org.id, 0))
    return (guests or editable or [None])[0]


def _fail(row: RowCheck, field_name: str, message) -> None:
    row.failed.add(field_name)
    row.problems.append(str(message))


def _check_row(row: RowCheck, editable, named, default: Organisation) -> None:
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
    _check_organisation(row, editable, named, default)


def _check_organisation(row: RowCheck, editable, named, default: Organisation) -> None:
    """Find the delegation a row joins, and the company of service staff."""
    name = row.values.get("organisation", "").strip()
    entry = named.get(_name_key(name))
    if not name or entry is None:
        row.organisation = default
        return
    chosen = _chosen_organisation(entry.choice, editable)
    if chosen is not None:
        row.organisation = chosen
        if entry.choice.startswith("company-") and not row.values.get("company"):
            row.values["company"] = name
    elif entry.match is not None:
        _fail(row, "organisation", _l("Organisation: you may not change the list of %(org)s.",
                                      org=entry.match.name))  # fmt: skip
    else:
        _fail(row, "organisation", _l("Organisation: “%(org)s” does not take part in this visit.",
                                      org=name))  # fmt: skip


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
                "function", "company", "phone", "dietary_needs",
                "accessibility_needs"):  # fmt: skip
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


def apply(preview: Preview, user: User, visit: Visit, only_clean: bool = False) -> tuple[int, int]:
    """Save the rows of a preview: all rows or none, or with ``only_clean`` the rows
    without problems.

    Returns how many people were created and how many participations were added. The
    caller commits; on ``InvalidInput`` it rolls back.
    """
    rows = [row for row in preview.rows if not row.problems]
    if preview.problem_count and not only_clean:
        raise InvalidInput("file", _ln("%(num)s row has a problem. Nothing was imported.",
                                       "Rows with problems: %(num)s. Nothing was imported.",
                                       preview.problem_count))  # fmt: skip
    if not rows:
        raise InvalidInput("file", _l("No row is free of problems. Nothing was imported."))
    created = added = 0
    taking_part = set(
        db.session.scalars(
            select(Participation.person_id).where(Participation.visit_id == visit.id)
        )
    )
    for row in rows:
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


# --- the review of an upload: decisions kept with it ----------------------------------

CELL_FIELD = re.compile(r"cell-([0-9]{1,9})-([0-9]{1,4})")


@dataclass
class Review:
    """What planners decided in the preview of an upload, kept with it in ``parsed``.

    ``corrections`` maps "row:column" to the corrected cell; ``organisations`` maps an
    organisation name of the file (``_name_key``) to its ``NamedOrganisation.choice``;
    ``imported`` lists the rows imported already, which the preview no longer shows.
    """

    mapping: list[str] | None = None
    delegation: int | None = None
    organisations: dict[str, str] = field(default_factory=dict)
    corrections: dict[str, str] = field(default_factory=dict)
    imported: list[int] = field(default_factory=list)


def review_of(pending: PendingImport) -> Review:
    """Return the decisions kept with an upload."""
    data = (pending.parsed or {}).get("review") or {}
    return Review(
        mapping=data.get("mapping"),
        delegation=data.get("delegation"),
        organisations=dict(data.get("organisations") or {}),
        corrections=dict(data.get("corrections") or {}),
        imported=list(data.get("imported") or []),
    )


def _keep_review(pending: PendingImport, review: Review) -> None:
    # A new dict, so that the change is seen and the lock version raised.
    pending.parsed = {**(pending.parsed or {}), "review": asdict(review)}


def cell_key(number: int, column: int) -> str:
    """Return the key of a cell in ``Review.corrections``."""
    return f"{number}:{column}"


def reviewed_table(table: Table, review: Review) -> Table:
    """Return the rows still to import, with the corrected cells in place."""
    done = set(review.imported)
    corrected: dict[int, list[tuple[int, str]]] = {}
    for key, value in review.corrections.items():
        number, _, column = key.partition(":")
        corrected.setdefault(int(number), []).append((int(column), value))
    rows = []
    for number, cells in table.rows:
        if number in done:
            continue
        if number in corrected:
            cells = list(cells)
            for column, value in corrected[number]:
                cells.extend([""] * (column + 1 - len(cells)))
                cells[column] = value
        rows.append((number, cells))
    return Table(header=table.header, rows=rows, encoding=table.encoding,
                 delimiter=table.delimiter)  # fmt: skip


def choice_field(key: str) -> str:
    """Return the name of the form field choosing what an organisation name stands for."""
    return "org-" + hashlib.blake2s(key.encode(), digest_size=6).hexdigest()


def mapping_for(table: Table, review: Review) -> list[str]:
    """Return the column mapping kept with an upload, or the one its header suggests."""
    if review.mapping and len(review.mapping) == len(table.header):
        return [name if name in FIELD_LABELS else IGNORE for name in review.mapping]
    return guess_mapping(table.header)


def revise(
    pending: PendingImport,
    table: Table,
    submitted: Mapping[str, str],
    expected_version: int | None,
    user: User,
    visit: Visit,
    limits: Limits,
) -> Review:
    """Keep what a review form changed: mapping, delegation, organisations, corrected cells.

    Mapping and delegation are settings the page shows at once. Corrected cells and
    organisation choices are the planners' work: a form that changes them must have been
    opened at the upload's current version, or ``EditConflict`` is raised and nothing is
    kept. Values the form sends unchanged change nothing. The caller commits.
    """
    old = review_of(pending)
    review = Review(**asdict(old))
    editable = {org.id: org for org in editable_organisations(user, visit)}
    mapping = mapping_for(table, old)
    mapping = [submitted.get(f"column-{index}", name) for index, name in enumerate(mapping)]
    review.mapping = [name if name in FIELD_LABELS else IGNORE for name in mapping]
    delegation = submitted.get("organisation", "")
    if delegation.isdecimal() and len(delegation) < 10 and int(delegation) in editable:
        review.delegation = int(delegation)
    current = reviewed_table(table, old)
    cells, originals = dict(current.rows), dict(table.rows)
    worked = False
    for key, value in submitted.items():
        found = CELL_FIELD.fullmatch(key)
        if not found or int(found[1]) not in cells or int(found[2]) >= len(table.header):
            continue
        number, column = int(found[1]), int(found[2])
        if len(value) > limits.max_cell_chars:
            raise InvalidInput(key, _cell_too_long(number, limits).message)
        value = clean_text(value)
        row = cells[number]
        if value == (row[column] if column < len(row) else ""):
            continue
        worked = True
        original = originals[number]
        if value == (original[column] if column < len(original) else ""):
            review.corrections.pop(cell_key(number, column), None)
        else:
            review.corrections[cell_key(number, column)] = value
    if "organisation" in review.mapping:
        named = _named_organisations(current, review.mapping, visit, editable, old.organisations)
        for entry in named.values():
            choice = submitted.get(choice_field(entry.key))
            if choice is None or choice == entry.choice:
                continue
            if choice and _chosen_organisation(choice, editable) is None:
                continue
            worked = True
            review.organisations[entry.key] = choice
    if review == old:
        return old
    if worked:
        check_version(pending, expected_version)
    _keep_review(pending, review)
    flush_or_conflict(pending)
    return review


def import_reviewed(
    pending: PendingImport,
    preview: Preview,
    user: User,
    visit: Visit,
    expected_version: int | None,
    only_clean: bool = False,
) -> tuple[int, int, list[int]]:
    """Import the rows of a reviewed upload (all, or the rows without problems).

    The upload is dropped once every row is in; otherwise it keeps the other rows for
    correction. Returns people created, participations added and the rows left. The
    caller commits; on ``InvalidInput`` or ``EditConflict`` nothing is kept.
    """
    if expected_version is not None:
        check_version(pending, expected_version)
    created, added = apply(preview, user, visit, only_clean=only_clean)
    left = [row.number for row in preview.rows if row.problems]
    if left:
        review = review_of(pending)
        review.imported = sorted(
            {*review.imported, *(row.number for row in preview.rows if not row.problems)}
        )
        _keep_review(pending, review)
    else:
        db.session.delete(pending)
    # Two planners importing at once: the second finds the version moved and saves nothing.
    flush_or_conflict(pending)
    return created, added, left


def pending_table(pending: PendingImport, encoding: str | None, limits: Limits) -> Table:
    """Return the rows of an upload, reading the file only if not read with this encoding."""
    if pending.parsed is None or pending.parsed_encoding != (encoding or ""):
        table = read_table(pending.content, pending.filename, encoding, limits)
        review = (pending.parsed or {}).get("review")
        pending.parsed = {**table_data(table), **({"review": review} if review else {})}
        pending.parsed_encoding = encoding or ""
        return table
    return table_from_data(pending.parsed)
