"""Hostile and largest allowed attendee lists, generated for the import tests."""

import io
import re
import time
import tracemalloc
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from openpyxl import Workbook

MB = 1_000_000
SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)


def wide_csv() -> bytes:
    """Return a 200 KB CSV whose header has 100,000 columns."""
    return b"Nachname" + b";x" * 99_999 + b"\r\n" + b"Schneidewind\r\n" * 3


def largest_csv(max_bytes: int = 5 * MB, rows: int = 5000, columns: int = 60) -> bytes:
    """Return a CSV just under ``max_bytes`` with the most rows and columns allowed."""
    header = ";".join(["Vorname", "Nachname"] + [f"Spalte {n}" for n in range(3, columns + 1)])
    header += "\r\n"
    per_row = (max_bytes - len(header)) // rows
    width, spare = divmod(per_row - 2 - (columns - 1), columns)
    cells = ["x" * width] * (columns - 1) + ["x" * (width + spare)]
    content = (header + (";".join(cells) + "\r\n") * rows).encode()
    assert max_bytes - rows <= len(content) <= max_bytes
    return content


def xlsx(rows: list[list[str]]) -> bytes:
    """Return a workbook whose first sheet holds ``rows``."""
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def replace_part(content: bytes, name: str, change) -> bytes:
    """Return the workbook with one part's XML changed by ``change``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w") as target:
        for part in source.infolist():
            data = source.read(part)
            if part.filename == name:
                data = change(data)
            target.writestr(part, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def dimension_bomb() -> bytes:
    """Return a small workbook whose sheet declares the size A1:XFD1048576."""
    content = xlsx([["Vorname", "Nachname"], ["Uwe", "Schneidewind"], ["Dirk", "Albers"]])
    return replace_part(
        content,
        "xl/worksheets/sheet1.xml",
        lambda data: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', data),
    )


def shared_strings_bomb(unpacked: int = 256 * MB) -> bytes:
    """Return a workbook of under a megabyte whose shared strings unpack to ``unpacked``."""
    content = xlsx([["Nachname"], ["Schneidewind"]])
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for part in source.infolist():
            data = source.read(part)
            if part.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", SHARED_STRINGS_TYPE + b"</Types>")
            target.writestr(part, data)
        with target.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
            strings.write(
                b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            )
            chunk = b"<si><t>Schneidewind</t></si>" * 40_000
            for _ in range(unpacked // len(chunk)):
                strings.write(chunk)
            strings.write(b"</sst>")
    return out.getvalue()


@dataclass
class Cost:
    """What a block of code cost: the peak of memory allocated and the CPU time."""

    peak_bytes: int = 0
    seconds: float = 0.0


@contextmanager
def cost() -> Iterator[Cost]:
    """Measure the memory peak (``tracemalloc``) and CPU time of the block."""
    measured = Cost()
    tracemalloc.start()
    started = time.process_time()
    try:
        yield measured
    finally:
        measured.seconds = time.process_time() - started
        measured.peak_bytes = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
