"""The catalogue of named queries: one .rq file per question in queries/, parsed once.

The .rq files are the public contract (their names and parameter names are fixed); this module
turns each header into a NamedQuery that the library, the CLI and the HTTP API all describe
the same way.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from .. import paths
from ..errors import InputError
from ..namespaces import PREFIXES
from .header import parse_header


@dataclass(frozen=True)
class Param:
    """One parameter of a named query, as its header declares it."""

    name: str
    type: str  # "iri" | "date" | "text"
    required: bool
    example: str
    description: str
    accepts_label: bool = False
    # Label look-up: instances of these classes (or of their subclasses) ...
    kinds: tuple[str, ...] = ()
    # ... and these classes' subclasses themselves (kinds of body used as individuals).
    kind_classes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "type": self.type, "required": self.required,
                "example": self.example, "description": self.description,
                "accepts_label": self.accepts_label}


@dataclass(frozen=True)
class NamedQuery:
    """A question the catalogue answers: its header and its SPARQL text (the whole file)."""

    name: str
    summary: str
    description: str
    params: list[Param]
    provisions: list[str]
    sparql: str
    path: Path
    example: str = ""
    param_names: tuple[str, ...] = field(default=(), repr=False)
    # Columns whose value is a "; "-separated list (GROUP_CONCAT): engines concatenate in
    # whatever order they meet the items, so dutygraph returns the items sorted.
    lists: tuple[str, ...] = ()
    # Which graphs it reads: "scoped" (shared graphs plus the one council asked about, see
    # queries/scope.py) or "all" (the whole store: search looks across every council).
    graphs: str = "scoped"
    # Engines known to answer this query wrongly, with why (matched in the server's Server
    # header): on them dutygraph evaluates it itself over the graphs it reads (run.engine_for).
    wrong_on: dict[str, str] = field(default_factory=dict)

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready description (what `dutygraph query NAME --describe` and the API show)."""
        return {"name": self.name, "summary": self.summary, "description": self.description,
                "params": [p.to_dict() for p in self.params], "provisions": self.provisions,
                "example": self.example}


def expand_iri(value: str) -> str:
    """A prefixed name from namespaces.PREFIXES written in a header, as a full IRI."""
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return str(PREFIXES[prefix]) + local
    return value


def _load(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    header = parse_header(text, path)
    params = []
    for raw in header["params"]:
        is_iri = raw["type"] == "iri"
        params.append(Param(
            name=raw["name"], type=raw["type"], required=raw["required"],
            example=raw["example"], description=str(raw["description"]).strip(),
            accepts_label=bool(raw.get("accepts_label", is_iri)) and is_iri,
            kinds=tuple(expand_iri(k) for k in raw.get("kinds") or ()),
            kind_classes=tuple(expand_iri(k) for k in raw.get("kind_classes") or ()),
        ))
    return NamedQuery(
        name=header["name"], summary=header["summary"].strip(),
        description=" ".join(header["description"].split()),
        params=params, provisions=[expand_iri(p) for p in header["provisions"]],
        sparql=text, path=path, example=header["example"].strip(),
        param_names=tuple(p.name for p in params),
        lists=tuple(header["lists"]), graphs=header["graphs"],
        wrong_on=dict(header["wrong_on"]),
    )


@functools.lru_cache(maxsize=4)
def _catalogue(folder: Path) -> tuple[NamedQuery, ...]:
    if not folder.is_dir():
        raise InputError("no queries folder", file=str(folder))
    return tuple(_load(p) for p in sorted(folder.glob("*.rq")))


def catalogue(folder: Path | None = None) -> list[NamedQuery]:
    """Every named query, sorted by name; the files are read once per folder."""
    return list(_catalogue((folder or paths.queries_dir()).resolve()))


def get_query(name: str, folder: Path | None = None) -> NamedQuery:
    """One named query, or InputError(parameter='query') listing the known names."""
    queries = catalogue(folder)
    for q in queries:
        if q.name == name:
            return q
    known = ", ".join(q.name for q in queries)
    raise InputError(f"unknown query '{name}' (known: {known})", parameter="query")


def clear_cache() -> None:
    """Forget parsed files (tests that write .rq files use this)."""
    _catalogue.cache_clear()
