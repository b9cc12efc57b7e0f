"""Write docs/verification-facts.md: one row per recorded fact, with its source and how sure.

The record is generated from the data rather than kept by hand, so that it cannot drift from
what the graph asserts: every fact that carries dg:verification in the LSCB-era framework files,
and every local fact (with the seed file and paragraphs it cites). The hand-written half of the
record, docs/verification.md, says what the tags mean and what was checked on which day.

Run from the repository root:  .venv/bin/python docs/verification_record.py
(tests/framework/test_framework_verification_record.py fails when the file is out of date).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from rdflib import RDFS, Graph, Literal, URIRef
from rdflib.namespace import PROV, SKOS

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "verification-facts.md"
CHECKED = "2026-12-07"
DG = "https://w3id.org/dutygraph/def#"

# The framework files this record covers (the post-2017 files keep docs/verification-2017-2026.md).
FRAMEWORK_FILES = ("ca2004", "ca1989", "lscb-regs-2006", "wt2013", "dcs-lmcs", "instruments",
                   "partner-kinds", "roles")

TAGS = {
    "Verified": "[V]",
    "VerifiedSecondary": "[V-2]",
    "Unverified": "[M]",
    "Uncertain": "[?]",
    "Contradicted": "[X] contradicted",
}


def _dg(name: str) -> URIRef:
    return URIRef(DG + name)


def _parse(path: Path) -> Graph:
    graph = Graph()
    graph.parse(path, format="turtle")
    return graph


def _cell(text: object) -> str:
    """Text fit for one markdown table cell (no pipes, no line breaks)."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _label(graph: Graph, subject: URIRef) -> str:
    for prop in (_dg("citationLabel"), RDFS.label, SKOS.prefLabel):
        values = sorted(str(v) for v in graph.objects(subject, prop) if isinstance(v, Literal))
        if values:
            return values[0]
    return str(subject)


def _tag(graph: Graph, subject: URIRef) -> str:
    status = graph.value(subject, _dg("verification"))
    return TAGS.get(str(status).rsplit("#", 1)[-1], "") if status is not None else ""


def _legislation_source(graph: Graph, subject: URIRef) -> str:
    """The legislation.gov.uk page (or guidance IRI) a framework fact rests on."""
    pages = sorted(str(p) for p in graph.objects(subject, _dg("legislationPage")))
    if pages:
        return pages[0]
    for prop in (_dg("imposedBy"), _dg("listedBy"), _dg("version")):
        for target in sorted(graph.objects(subject, prop), key=str):
            page = graph.value(target, _dg("legislationPage"))
            if page is not None:
                return str(page)
            return str(target)
    see = sorted(str(p) for p in graph.objects(subject, RDFS.seeAlso))
    return see[0] if see else str(subject)


def _dates(graph: Graph, subject: URIRef) -> str:
    eli = "http://data.europa.eu/eli/ontology#"
    start = graph.value(subject, _dg("validFrom")) or graph.value(
        subject, URIRef(eli + "first_date_entry_in_force"))
    end = graph.value(subject, _dg("validThrough")) or graph.value(
        subject, URIRef(eli + "date_no_longer_in_force"))
    if start is None and end is None:
        return ""
    return f"{start or '?'} to {end or '(open)'}"


# ss16E-16Q of CA 2004 (in ca2004.ttl) belong to the post-2017 record, not this one.
POST_2017 = re.compile(r"/section/16[A-Q]\b|ca2004-s16[a-q]-")


def _post_2017(graph: Graph, subject: URIRef) -> bool:
    return bool(POST_2017.search(str(subject))) or any(
        POST_2017.search(str(p)) for p in graph.objects(subject, _dg("imposedBy")))


def lscb_era_facts(graph: Graph) -> list[URIRef]:
    """The subjects with a verification status that this record covers."""
    return sorted({s for s in graph.subjects(_dg("verification"), None)
                   if isinstance(s, URIRef) and not _post_2017(graph, s)}, key=str)


def framework_rows(stem: str) -> list[str]:
    graph = _parse(ROOT / "data" / "framework" / f"{stem}.ttl")
    rows = []
    for subject in lscb_era_facts(graph):
        note = graph.value(subject, _dg("verificationNote"))
        how = "checked against legislation.gov.uk on " + CHECKED if note is not None and \
            CHECKED in str(note) else "record reviewed " + CHECKED
        rows.append("| " + " | ".join(_cell(c) for c in (
            _label(graph, subject), f"`{subject}`", _dates(graph, subject),
            _legislation_source(graph, subject), how, _tag(graph, subject),
            note if note is not None else "")) + " |")
    return rows


def local_rows(path: Path, sources: Graph) -> list[str]:
    graph = _parse(path)
    rows = []
    for subject in sorted({s for s in graph.subjects(_dg("locator"), None)
                           if isinstance(s, URIRef)}, key=str):
        files = sorted(str(sources.value(src, _dg("fileName")) or src)
                       for src in graph.objects(subject, PROV.wasDerivedFrom))
        locators = sorted(str(loc) for loc in graph.objects(subject, _dg("locator")))
        as_at = ", ".join(sorted(str(d) for d in graph.objects(subject, _dg("asAt"))))
        claim = graph.value(subject, _dg("verification"))
        sure = (f"law: {_tag(graph, subject)}" if claim is not None
                else "[V] against the seed text")
        rows.append("| " + " | ".join(_cell(c) for c in (
            _label(graph, subject), f"`{subject}`", as_at,
            f"seed {', '.join(files)}: {'; '.join(locators)}", CHECKED, sure)) + " |")
    return rows


def render() -> str:
    sources = Graph()
    for path in sorted((ROOT / "data" / "sources").glob("*.ttl")):
        sources += _parse(path)
    out = [
        "# Verification record: fact by fact",
        "",
        "Generated by `docs/verification_record.py` from the data; do not edit by hand. What the",
        "tags mean and what was checked is in [verification.md](verification.md). Each",
        "legislation source is a legislation.gov.uk page: follow it rather than this table.",
        "",
        "## National framework (LSCB era)",
    ]
    for stem in FRAMEWORK_FILES:
        out += ["", f"### data/framework/{stem}.ttl", "",
                "| fact | IRI | in force | source | checked | how sure | why |",
                "|---|---|---|---|---|---|---|"]
        out += framework_rows(stem)
    out += ["", "## Local facts and claims (seed documents)"]
    # The five seed documents' files (named by the seed's file stem); facts from web pages
    # describing the present day belong to the post-2017 record.
    seeds = {p.stem for p in (ROOT / "data" / "sources").glob("*.ttl") if p.stem[:3].isdigit()}
    local = sorted(p for p in (ROOT / "data" / "local").glob("*/*.ttl") if p.stem in seeds)
    local += sorted(p for p in (ROOT / "data" / "sources").glob("*.ttl") if p.stem in seeds)
    for path in local:
        rows = local_rows(path, sources)
        if not rows:
            continue
        out += ["", f"### {path.relative_to(ROOT)}", "",
                "| fact | IRI | as at | source | checked | how sure |",
                "|---|---|---|---|---|---|"]
        out += rows
    return "\n".join(out) + "\n"


def main() -> int:
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
