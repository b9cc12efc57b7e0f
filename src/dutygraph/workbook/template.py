"""The empty template: every sheet with its columns and one filled example row.

The example's choices are read from the store's vocabulary (the first choice of a list where
the usual one is absent), so the example is valid against the framework it is written from.
"""

from __future__ import annotations

from rdflib import URIRef

from .project import Rows
from .vocab import VocabList, local_name

EXAMPLE_SLUG = "example"


def pick(vl: VocabList, name: str) -> str:
    for term in vl.labels:
        if local_name(term) == name:
            return vl.display(term)
    choices = vl.choices()
    return choices[0] if choices else ""


def pick_provision(vl: VocabList) -> str:
    guidance = sorted(t for t in vl.labels if "reporting-lines" in str(t))
    term: URIRef | None = guidance[0] if guidance else None
    return vl.display(term) if term is not None else (vl.choices() or [""])[0]


def example_rows(vocab: dict[str, VocabList], slug: str = EXAMPLE_SLUG) -> Rows:
    """One row per sheet, describing a small council whose DCS reports to its Chief Executive."""
    prov = {"source": "annual-report-2024", "locator": "para 3.1", "as at": "2024-06-30"}
    return {
        "Sources": [{"id": "annual-report-2024", "title": "Children's Services Annual Report "
                     "2023/24", "file name": "annual-report-2024.pdf", "date": "2024-06-30"}],
        "Bodies": [{"id": slug, "name": "Example Borough Council",
                    "kind": pick(vocab["body-kind"], "LocalAuthority"), **prov},
                   {"id": "safeguarding-partnership",
                    "name": "Example Safeguarding Children Partnership",
                    "kind": pick(vocab["body-kind"], "SafeguardingPartnership"),
                    "has members": slug, **prov}],
        "Posts": [
            {"id": "post-dcs", "title": "Director of Children's Services",
             "role": pick(vocab["role"], "dcs"), "in body": slug, **prov},
            {"id": "post-chief-executive", "title": "Chief Executive",
             "role": pick(vocab["role"], "chief-executive"), "in body": slug, **prov},
        ],
        "People": [{"id": "jane-smith", "name": "Jane Smith", **prov}],
        "Holders": [{"id": "appt-dcs-smith", "post": "post-dcs", "holder": "jane-smith",
                     "organisation": slug, "valid from": "2022-09-01", **prov}],
        "Members": [{"id": "membership-dcs-partnership", "body": "safeguarding-partnership",
                     "member": "post-dcs",
                     "role": pick(vocab["role"], "local-authority-representative"), **prov}],
        "Links": [{"id": "link-dcs-reports-to-ce", "subject": "post-dcs",
                   "relation": pick(vocab["relation"], "reportsTo"),
                   "object": "post-chief-executive",
                   "modality": pick(vocab["modality"], "LocalCommitment"),
                   "provision": pick_provision(vocab["provision"]), **prov}],
        "Reports": [{"id": "yearly-report-2023-24",
                     "title": "Safeguarding Children Partnership Yearly Report 2023/24",
                     "kind": pick(vocab["report-kind"], "SafeguardingYearlyReport"),
                     "report of": "safeguarding-partnership", "period": "2023/24",
                     "period end": "2024-03-31", "published on": "2024-06-30", **prov}],
        "Evidence": [{"id": "evidence-dcs-s18", "function": pick(vocab["function"], "s18-2-a"),
                      "evidenced by": "post-dcs", **prov}],
    }
