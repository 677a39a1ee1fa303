"""Attendee lists as spreadsheets: CSV for German Excel and .xlsx, in protocol order."""

import csv
import io
from collections.abc import Iterable

from flask_babel import format_datetime
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from planner.enums import Side
from planner.i18n import enum_labels
from planner.models import User, Visit
from planner.services.answers import answer_lines
from planner.services.attendance import load_participations
from planner.services.host_details import guests_see, shown_function, shown_phone
from planner.services.permissions import can_see_internal, manages_delegation

# Text that a spreadsheet would run as a formula, or that hides a formula behind a tab.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Quote a cell that begins like a formula, so a spreadsheet shows it as text."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _columns() -> list[str]:
    return [
        _("Side"), _("Rank"), _("Salutation"), _("Title"), _("First name"), _("Last name"),
        _("Office title"), _("Function"), _("Organisation"), _("Email"), _("Phone"),
        _("Language"), _("Dietary needs"), _("Accessibility needs"), _("Escort"),
        _("Parking"), _("Answer"), _("Company"),
    ]  # fmt: skip


def attendee_rows(viewer: User, visit: Visit) -> tuple[list[str], list[list[str]]]:
    """Return the header and the rows the viewer may see: guests, then hosts.

    Contact details and needs appear only for people whose list the viewer may
    change; internal phone numbers only for host staff. Guests see the host's people as
    the host decided (``host_details``): the list at all, functions and phone numbers.
    """
    internal = can_see_internal(viewer, visit)
    yes, no = _("yes"), _("no")
    items, answers = answer_lines(visit.id)
    labels = enum_labels()["answer"]
    rows = []
    for participation in load_participations(visit.id):
        if not guests_see(visit, participation, internal):
            continue
        person = participation.person
        own = internal or manages_delegation(viewer, visit, person.organisation)
        host = participation.side == Side.HOST
        phone = shown_phone(participation, internal) if own or host else ""
        rows.append(
            [
                _("Guest") if participation.side == Side.GUEST else _("Host"),
                "" if participation.effective_rank is None else str(participation.effective_rank),
                person.salutation,
                person.academic_title,
                person.first_name,
                person.last_name,
                person.office_title,
                shown_function(participation, internal),
                person.organisation.name,
                (person.email or "") if own else "",
                phone,
                person.language.value,
                person.dietary_needs if own else "",
                person.accessibility_needs if own else "",
                (yes if person.needs_escort else no) if own else "",
                (yes if person.needs_parking else no) if own else "",
                str(enum_labels()["rsvp"][participation.rsvp_status]),
                person.company,
                *_item_answers(items, answers.get(participation.id, []), labels),
            ]
        )
    header = [*_columns(), *(_("Answer: %(title)s", title=title) for _id, title in items)]
    return header, rows


def _item_answers(items, lines, labels) -> list[str]:
    """Return one cell per issued item: the answer in words and when it was given."""
    by_item = {line.item_id: line for line in lines}
    cells = []
    for item_id, _title in items:
        line = by_item.get(item_id)
        if line is None:
            cells.append("")  # does not attend this item
        elif line.replied_at is None:
            cells.append(str(labels[line.status]))
        else:
            when = format_datetime(line.replied_at, "yyyy-MM-dd HH:mm")
            cells.append(f"{labels[line.status]} ({when})")
    return cells


def to_csv(header: list[str], rows: Iterable[list[str]]) -> bytes:
    """Return CSV as German Excel opens it: semicolons, UTF-8 with BOM, CRLF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(title: str, header: list[str], rows: Iterable[list[str]]) -> bytes:
    """Return an .xlsx workbook whose cells are all text, never formulas."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31] or "Teilnehmende"
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([None] * len(row))
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=sheet.max_row, column=column)
            cell.value = value
            # Explicitly text: openpyxl would otherwise store "=..." as a formula.
            cell.data_type = "s"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
