"""Findings as keys comparable across validators (pyshacl, the Rust validator, dutygraph).

Its own module so that the worker processes and the validation stage can both use it without
importing each other.
"""

from __future__ import annotations

from typing import Any


def finding_key(focus: str, severity: str, component: str, path: str | None,
                shape: str | None) -> str:
    """One finding, comparable across validators: blank-node shape ids differ between tools,
    so a shape is named by its IRI where it has one, else by the path it constrains."""
    def local(v: str | None) -> str:
        v = (v or "").strip("<>")
        return v.rsplit("#", 1)[-1]

    shape_id = (shape or "").strip("<>")  # callers pass IRIs only
    return "|".join([focus.strip("<>"), local(severity), local(component),
                     (path or "").strip("<>"), shape_id])



def dutygraph_findings_keys(report: Any) -> list[str]:
    """dutygraph's findings as the same comparable keys (every shape is SHACL-SPARQL)."""
    return sorted(finding_key(f.focus, f.severity, "SPARQLConstraintComponent", f.path,
                              f.shape if str(f.shape).startswith("http") else None)
                  for f in report.results)
