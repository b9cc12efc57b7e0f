"""Reading an untrusted workbook (xlsx, a CSV folder or a zip of CSVs) into plain text cells.

An xlsx is a zip: its declared uncompressed size is capped before openpyxl sees it (a zip
bomb is refused unread), then it is opened read-only with cached values only (data_only: no
formula is evaluated, no external link followed); with defusedxml installed, openpyxl refuses
any DTD or entity in the sheets' XML. Row, column, cell and byte caps bound the
work whatever the file claims.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .problems import Problem, WorkbookError
from .spec import LISTS_SHEET


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 10_000_000          # the file as uploaded
    max_unzipped: int = 50_000_000       # the sum of an xlsx/zip's members, uncompressed
    max_rows: int = 5_000                # per sheet, header excluded
    max_columns: int = 40
    max_cell: int = 4_000                # characters in one cell
    max_sheets: int = 20


DEFAULT_LIMITS = Limits()


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (row number, cells)


@dataclass
class RawWorkbook:
    name: str
    tables: dict[str, Table]
    problems: list[Problem] = field(default_factory=list)


def cell_str(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _check_zip(data: bytes, name: str, limits: Limits) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise WorkbookError(name, [Problem(None, None, None,
                                           f"not an xlsx workbook or zip ({exc})")]) from exc
    total = sum(i.file_size for i in infos)
    if total > limits.max_unzipped:
        raise WorkbookError(name, [Problem(None, None, None,
                                           f"unzips to {total} bytes; at most "
                                           f"{limits.max_unzipped} are read")])
    return archive


def _add_rows(book: RawWorkbook, sheet: str, rows: Iterable[Sequence[object]],
              limits: Limits) -> None:
    table: Table | None = None
    for number, raw in enumerate(rows, start=1):
        cells = [cell_str(v) for v in raw]
        while cells and cells[-1] == "":
            cells.pop()
        if number - 1 > limits.max_rows:  # blank rows count too: they cost time to read
            book.problems.append(Problem(sheet, number, None,
                                         f"the sheet is too large: at most {limits.max_rows} "
                                         "rows are read"))
            break
        if table is None:
            if len(cells) > limits.max_columns:
                book.problems.append(Problem(sheet, 1, None, f"{len(cells)} columns; at most "
                                             f"{limits.max_columns}"))
                cells = cells[:limits.max_columns]
            table = Table(cells)
            continue
        if not cells:
            continue
        for i, text in enumerate(cells[:len(table.headers)]):
            if len(text) > limits.max_cell:
                header = table.headers[i] if i < len(table.headers) else str(i + 1)
                book.problems.append(Problem(sheet, number, header,
                                             f"{len(text)} characters; at most "
                                             f"{limits.max_cell}"))
                cells[i] = ""
        table.rows.append((number, cells[:len(table.headers)]))
    book.tables[sheet] = table or Table([])


def read_xlsx(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> RawWorkbook:
    from openpyxl import load_workbook

    if len(data) > limits.max_bytes:
        raise WorkbookError(name, [Problem(None, None, None, f"{len(data)} bytes; at most "
                                           f"{limits.max_bytes}")])
    _check_zip(data, name, limits).close()
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise WorkbookError(name, [Problem(None, None, None,
                                           f"not a readable xlsx workbook ({exc})")]) from exc
    book = RawWorkbook(name, {})
    try:
        if len(wb.sheetnames) > limits.max_sheets:
            raise WorkbookError(name, [Problem(None, None, None, f"{len(wb.sheetnames)} "
                                               f"sheets; at most {limits.max_sheets}")])
        for ws in wb.worksheets:
            if ws.title == LISTS_SHEET:
                continue
            try:  # a read-only sheet is parsed as it is read
                _add_rows(book, ws.title, ws.iter_rows(values_only=True,
                                                      max_col=limits.max_columns + 1), limits)
            except Exception as exc:  # defusedxml's refusals, damaged XML, bad values
                book.tables.pop(ws.title, None)
                book.problems.append(Problem(ws.title, None, None, "the sheet cannot be read "
                                             f"({type(exc).__name__}: {exc})"))
    finally:
        wb.close()
    return book


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def read_csv_files(files: dict[str, bytes], name: str, limits: Limits) -> RawWorkbook:
    """Sheets from CSV files named '<Sheet>.csv' (csv-metadata.json and others are skipped)."""
    book = RawWorkbook(name, {})
    for fname, data in sorted(files.items()):
        if not fname.lower().endswith(".csv"):
            continue
        sheet = Path(fname).name[:-4]
        if sheet == LISTS_SHEET:
            continue  # the choices, written for other tools; not arrangements
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            book.problems.append(Problem(sheet, None, None, "not UTF-8 text"))
            continue
        try:
            rows = _csv_rows(text)
        except csv.Error as exc:
            book.problems.append(Problem(sheet, None, None, f"not readable as CSV ({exc})"))
            continue
        _add_rows(book, sheet, rows, limits)
    return book


def read_path(path: Path, limits: Limits = DEFAULT_LIMITS) -> RawWorkbook:
    """An xlsx file, a zip of CSVs, a folder of CSVs, or one CSV of such a folder."""
    name = path.name
    if path.is_file() and path.suffix.lower() == ".csv":
        path = path.parent
    if path.is_dir():
        files: dict[str, bytes] = {}
        total = 0
        for f in sorted(path.glob("*.csv")):
            total += f.stat().st_size
            if total > limits.max_bytes:
                raise WorkbookError(name, [Problem(None, None, None,
                                                   f"the CSV files exceed {limits.max_bytes} "
                                                   "bytes")])
            files[f.name] = f.read_bytes()
        return read_csv_files(files, name, limits)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise WorkbookError(name, [Problem(None, None, None, f"cannot read it ({exc})")]) from exc
    if size > limits.max_bytes:
        raise WorkbookError(name, [Problem(None, None, None,
                                           f"{size} bytes; at most {limits.max_bytes}")])
    return read_bytes(path.read_bytes(), name, limits)


def read_bytes(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> RawWorkbook:
    """An uploaded workbook: xlsx, or a zip of CSV files (told apart by their members)."""
    if len(data) > limits.max_bytes:
        raise WorkbookError(name, [Problem(None, None, None, f"{len(data)} bytes; at most "
                                           f"{limits.max_bytes}")])
    archive = _check_zip(data, name, limits)
    with archive:
        names = archive.namelist()
        if "[Content_Types].xml" in names:
            return read_xlsx(data, name, limits)
        # A zip of the files, or of the folder holding them (one level down).
        files = {Path(n).name: archive.read(n) for n in names
                 if n.lower().endswith(".csv") and n.count("/") <= 1
                 and not n.startswith("__MACOSX/")}
    return read_csv_files(files, name, limits)


def is_workbook(data: bytes) -> bool:
    """Whether uploaded bytes look like an xlsx or zip (a zip's magic number)."""
    return data[:4] == b"PK\x03\x04"
