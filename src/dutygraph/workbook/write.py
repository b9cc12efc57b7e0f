"""Writing workbook rows as an xlsx file (with drop-down lists) or as CSV files with CSVW metadata.

Every cell is written as text, so Excel keeps '2013-05-07' and '0' as typed; the drop-down
lists live on a hidden 'Lists' sheet (a list longer than 255 characters cannot be inline).
The lists warn rather than refuse, since a cell may hold several choices separated by ';'.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from . import spec
from .csvw import metadata
from .project import Rows
from .vocab import VocabList

MAX_VALIDATED_ROWS = 2000


def xlsx_bytes(rows: Rows, vocab: dict[str, VocabList]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    lists = wb.create_sheet(spec.LISTS_SHEET)
    ranges: dict[str, str] = {}
    for col, name in enumerate(sorted(vocab), start=1):
        letter = get_column_letter(col)
        lists.cell(row=1, column=col, value=name)
        choices = vocab[name].choices()
        for r, choice in enumerate(choices, start=2):
            lists.cell(row=r, column=col, value=choice)
        ranges[name] = f"{spec.LISTS_SHEET}!${letter}$2:${letter}${max(2, len(choices) + 1)}"
    lists.sheet_state = "hidden"
    for sheet in spec.SHEETS:
        ws = wb.create_sheet(sheet.name, index=len(wb.sheetnames) - 1)
        for c, column in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=1, column=c, value=column.header)
            cell.font = Font(bold=True)
            note = column.help or ""
            if column.required:
                note = ("required. " + note).strip()
            if column.vocab:
                note = (note + f" Choose from the list ({column.vocab}).").strip()
            if column.separator:
                note = (note + f" Several: separate with '{column.separator}'.").strip()
            if note:
                cell.comment = Comment(note, "dutygraph")
            ws.column_dimensions[get_column_letter(c)].width = max(12, len(column.header) + 4)
            if column.vocab:
                dv = DataValidation(type="list", formula1=ranges[column.vocab],
                                    allow_blank=True, showErrorMessage=True,
                                    errorStyle="warning",
                                    error=f"Not in the list of {column.vocab} choices.")
                letter = get_column_letter(c)
                dv.add(f"{letter}2:{letter}{MAX_VALIDATED_ROWS}")
                ws.add_data_validation(dv)
        for r, row in enumerate(rows.get(sheet.name, []), start=2):
            for c, column in enumerate(sheet.columns, start=1):
                value = row.get(column.header, "")
                if value:
                    # Text, never a formula: a value starting with '=' stays as written.
                    ws.cell(row=r, column=c, value=value).data_type = "s"
        ws.freeze_panes = "B2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_files(rows: Rows, slug: str,
              vocab: dict[str, VocabList] | None = None) -> dict[str, bytes]:
    """One CSV per sheet, the choices of each list (Lists.csv), and csv-metadata.json (W3C
    CSVW) describing their columns."""
    import csv

    files: dict[str, bytes] = {}
    if vocab is not None:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(["list", "choice", "term"])
        for name in sorted(vocab):
            for term in sorted(vocab[name].labels, key=lambda t: vocab[name].display(t).lower()):
                writer.writerow([name, vocab[name].display(term), str(term)])
        files[f"{spec.LISTS_SHEET}.csv"] = buf.getvalue().encode("utf-8")
    for sheet in spec.SHEETS:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow([c.header for c in sheet.columns])
        for row in rows.get(sheet.name, []):
            writer.writerow([row.get(c.header, "") for c in sheet.columns])
        files[f"{sheet.name}.csv"] = buf.getvalue().encode("utf-8")
    files["csv-metadata.json"] = json.dumps(metadata(slug, lists=vocab is not None),
                                            indent=2).encode("utf-8")
    return files


def write_csv(rows: Rows, slug: str, out: Path,
              vocab: dict[str, VocabList] | None = None) -> list[Path]:
    """To a folder (created), or to a .zip file."""
    files = csv_files(rows, slug, vocab)
    if out.suffix.lower() == ".zip":
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                archive.writestr(name, data)
        return [out]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in files.items():
        (out / name).write_bytes(data)
        written.append(out / name)
    return written
