"""The W3C CSV on the Web (CSVW) description of the CSV form, so other tools can read it.

A table group: one table per sheet, each column with its title, datatype, whether it is
required and how several values share a cell; ids are primary keys and each row is described
as the authority's IRI for it (aboutUrl).
"""

from __future__ import annotations

from typing import Any

from ..namespaces import authority_namespace
from . import spec

DATATYPES: dict[str, Any] = {
    spec.DATE: "date",
    spec.INT: "nonNegativeInteger",
    spec.BOOL: {"base": "boolean", "format": "yes|no"},
    spec.REF: "string",
    spec.WHEN: {"base": "string", "format": "^\\d{4}(-\\d{2}(-\\d{2})?)?$"},
}


def column_json(column: spec.Column) -> dict[str, Any]:
    col: dict[str, Any] = {
        "name": column.name,
        "titles": column.header,
        "datatype": DATATYPES.get(column.kind, "string"),
        "required": column.required,
    }
    if column.predicate is not None:
        col["propertyUrl"] = str(column.predicate)
    if column.separator:
        col["separator"] = column.separator
    if column.help:
        col["dc:description"] = column.help
    return col


LISTS_TABLE = {
    "url": f"{spec.LISTS_SHEET}.csv", "dc:title": spec.LISTS_SHEET,
    "dc:description": "The choices of the drop-down lists, read from the store's framework: "
                      "a cell may give the choice or the term.",
    "tableSchema": {"columns": [
        {"name": "list", "titles": "list", "datatype": "string", "required": True},
        {"name": "choice", "titles": "choice", "datatype": "string", "required": True},
        {"name": "term", "titles": "term", "datatype": "anyURI", "required": True},
    ], "primaryKey": ["list", "term"]},
}


def metadata(slug: str, lists: bool = False) -> dict[str, Any]:
    tables: list[dict[str, Any]] = [LISTS_TABLE] if lists else []
    for sheet in spec.SHEETS:
        schema: dict[str, Any] = {
            "columns": [column_json(c) for c in sheet.columns],
            "primaryKey": "id",
        }
        if sheet is not spec.SOURCES:
            schema["aboutUrl"] = str(authority_namespace(slug)) + "{id}"
        tables.append({"url": f"{sheet.name}.csv", "dc:title": sheet.name,
                       "dc:description": sheet.help, "tableSchema": schema})
    return {
        "@context": "http://www.w3.org/ns/csvw",
        "dc:title": f"dutygraph local arrangements workbook ({slug})",
        "dialect": {"trim": True},
        "tables": tables,
    }
