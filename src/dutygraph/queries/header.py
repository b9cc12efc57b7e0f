"""Reading the header block at the top of each .rq file.

The header is grlc-style: lines starting with `#+ ` that together form one YAML mapping. It is
the single source of what a query answers and which parameters it takes, so that the library,
the CLI, the HTTP API and queries/README.md cannot drift apart. A SPARQL client ignores the
lines (they are comments), so each file stays runnable as plain SPARQL.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError

PREFIX = "#+"
PARAM_TYPES = ("iri", "date", "text")
REQUIRED_KEYS = ("name", "summary", "description", "params", "provisions", "example")
OPTIONAL_KEYS = ("lists", "graphs", "wrong_on")
GRAPHS = ("scoped", "all")
PARAM_KEYS = {"name", "type", "required", "example", "description", "accepts_label", "kinds",
              "kind_classes"}
_VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def header_lines(text: str) -> tuple[list[str], int]:
    """The YAML text of the leading `#+` lines, and how many lines the header spans."""
    lines = text.splitlines()
    yaml_lines: list[str] = []
    count = 0
    for line in lines:
        if not line.startswith(PREFIX):
            break
        body = line[len(PREFIX):]
        yaml_lines.append(body[1:] if body.startswith(" ") else body)
        count += 1
    return yaml_lines, count


def _fail(path: Path, message: str, line: int | None = None) -> InputError:
    return InputError(f"query header: {message}", file=str(path), line=line)


def parse_header(text: str, path: Path) -> dict[str, Any]:
    """The header of one .rq file as a checked dict; InputError names the file and problem."""
    yaml_lines, count = header_lines(text)
    if not count:
        raise _fail(path, "the file must start with '#+ ' header lines (name, summary, ...)", 1)
    try:
        data = yaml.safe_load("\n".join(yaml_lines))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise _fail(path, f"not valid YAML: {exc}", mark.line + 1 if mark else None) from exc
    if not isinstance(data, dict):
        raise _fail(path, "the header must be a YAML mapping", 1)
    missing = [k for k in REQUIRED_KEYS if k not in data]
    if missing:
        raise _fail(path, f"missing {', '.join(missing)}")
    if data["name"] != path.stem:
        raise _fail(path, f"name '{data['name']}' differs from the file name '{path.stem}'")
    for key in ("summary", "description", "example"):
        if not isinstance(data[key], str) or not data[key].strip():
            raise _fail(path, f"'{key}' must be non-empty text")
    if not isinstance(data["provisions"], list) or not all(
            isinstance(p, str) for p in data["provisions"]):
        raise _fail(path, "'provisions' must be a list of IRIs")
    unknown_keys = set(data) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS)
    if unknown_keys:
        raise _fail(path, f"unknown keys {', '.join(sorted(unknown_keys))}")
    lists = data.get("lists") or []
    if not isinstance(lists, list) or not all(
            isinstance(v, str) and _VAR_NAME.match(v) for v in lists):
        raise _fail(path, "'lists' must be a list of result column names")
    data["lists"] = lists
    graphs = data.get("graphs", "scoped")
    if graphs not in GRAPHS:
        raise _fail(path, f"'graphs' must be one of {', '.join(GRAPHS)}")
    data["graphs"] = graphs
    wrong = data.get("wrong_on") or {}
    if not isinstance(wrong, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in wrong.items()):
        raise _fail(path, "'wrong_on' must map an engine's name (as its Server header gives "
                          "it) to the reason it answers the query wrongly")
    data["wrong_on"] = wrong
    params = data["params"] or []
    if not isinstance(params, list):
        raise _fail(path, "'params' must be a list")
    seen: set[str] = set()
    for i, param in enumerate(params):
        if not isinstance(param, dict):
            raise _fail(path, f"parameter {i + 1} must be a mapping")
        unknown = set(param) - PARAM_KEYS
        if unknown:
            raise _fail(path, f"parameter {param.get('name', i + 1)}: unknown keys "
                              f"{', '.join(sorted(unknown))}")
        for key in ("name", "type", "required", "example", "description"):
            if key not in param:
                raise _fail(path, f"parameter {param.get('name', i + 1)}: missing '{key}'")
        name = param["name"]
        if not isinstance(name, str) or not _VAR_NAME.match(name):
            raise _fail(path, f"parameter name {name!r} is not a SPARQL variable name")
        if name in seen:
            raise _fail(path, f"parameter '{name}' is declared twice")
        seen.add(name)
        if param["type"] not in PARAM_TYPES:
            raise _fail(path, f"parameter '{name}': type must be one of {', '.join(PARAM_TYPES)}")
        if not isinstance(param["required"], bool):
            raise _fail(path, f"parameter '{name}': 'required' must be true or false")
        param["example"] = str(param["example"])
    data["params"] = params
    return data
