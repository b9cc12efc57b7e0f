"""Validation of local safeguarding arrangements against the law in force on a date.

The shapes (shapes/*.ttl) are SHACL-SPARQL and cite the provisions they check; this package
runs them (fast compiled SPARQL on Oxigraph, or pyshacl as the reference), and builds the
reports and the audit matrix. See shapes/README.md for what each shape checks and why.
"""

from .api import validate_files, validate_graph, validate_store
from .report import Finding, ValidationReport

__all__ = ["Finding", "ValidationReport", "validate_files", "validate_graph", "validate_store"]
