"""Tables handed out as files: CSV for German Excel and .xlsx workbooks."""

from flask import Response

from planner.services.exports import to_csv, to_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_download(header: list[str], rows: list[list], filename: str) -> Response:
    """Answer with a table as a CSV file (semicolons, UTF-8 with BOM, formulas neutralised)."""
    return Response(
        to_csv(header, rows),
        mimetype="text/csv",
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


def xlsx_download(sheet: str, header: list[str], rows: list[list], filename: str) -> Response:
    """Answer with a table as an Excel workbook of one sheet."""
    return Response(
        to_xlsx(sheet, header, rows),
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
