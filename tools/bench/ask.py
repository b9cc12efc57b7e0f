"""The question box as a user meets it (issue 20's row): `GET /ask?q=...`, its redirect to the
answer page followed, timed end to end on `dutygraph serve`, for one question of each kind the
box answers. Computed: every request says Cache-Control: no-cache, so the reading and the
answer's query run each time; cached: the service's answer cache may serve them.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from .measure import Sample, percentile

# One question of each kind, in the words of tests/ask/questions.yaml (the repository's two
# councils are in every benchmark store, beside the synthetic ones).
QUESTIONS: dict[str, str] = {
    "accountable": "Who is accountable for undertaking reviews of serious cases in Bromley?",
    "partners": "Who is on Bromley's safeguarding board today?",
    "board-partners": "Who is on Bromley's safeguarding board in 2013?",
    "duties": "What must the DCS do?",
    "reports-to": "Who does the DCS report to?",
    "report-recipients": "Who must receive the LSCB annual report in Harrow?",
    "chair": "Who appoints the LSCB chair?",
    "chaired-by": "Who chairs the LSCB in Bromley?",
    "provision": "Which provision requires an annual report?",
    "replaced": "What replaced LSCBs?",
    "changes": "What changed between 2012 and 2014?",
    "law-today": "What does the law say today about the DCS?",
}


# The same kinds asked about a day, a different day at each repetition: a question nobody
# asked before (its answer computed) while the vocabulary the box reads with stays kept, as
# for a user's new question; Cache-Control: no-cache also rebuilds that vocabulary each time.
DATED: dict[str, str] = {
    "accountable": "Who is accountable for undertaking reviews of serious cases in Bromley "
                   "on {day}?",
    "board-partners": "Who is on Bromley's safeguarding board on {day}?",
    "duties": "What must the DCS do on {day}?",
    "reports-to": "Who does the DCS report to on {day}?",
    "report-recipients": "Who must receive the LSCB annual report in Harrow on {day}?",
    "chair": "Who appoints the LSCB chair on {day}?",
    "chaired-by": "Who chairs the LSCB in Bromley on {day}?",
}
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]


def _day(k: int) -> str:
    """The k-th day from 1 May 2013 on, spelt as officers write it (28 days a month)."""
    month = (4 + k // 28) % 12
    return f"{1 + k % 28} {_MONTHS[month]} {2013 + (4 + k // 28) // 12}"


def _sample(runs: list[float], error: str | None = None) -> dict[str, Any]:
    out = Sample(runs=runs, error=error).to_json("ms")
    if runs:
        out["p99_ms"] = round(percentile(runs, 99) * 1000, 4)
    return out


def answer_pages(session: Any, base_url: str, *, reps: int, budget_s: float,
                 cached: bool, new_days: bool = False) -> dict[str, Any]:
    """Each kind's question `reps` times (stopping at `budget_s` a kind), round-robin so that
    a cached run does not just repeat one page; per kind and over all, p50 and p99 in ms.
    new_days: the DATED questions, each repetition on another day."""
    headers = {} if cached else {"Cache-Control": "no-cache"}
    asked = DATED if new_days else QUESTIONS
    runs: dict[str, list[float]] = {kind: [] for kind in asked}
    errors: dict[str, str] = {}
    spent = dict.fromkeys(asked, 0.0)
    for rep in range(reps):
        for kind, template in asked.items():
            question = template.format(day=_day(rep)) if new_days else template
            if kind in errors or spent[kind] > budget_s:
                continue
            url = f"{base_url}/ask?{urlencode({'q': question})}"
            t0 = time.perf_counter()
            resp = session.get(url, timeout=60, headers=headers)
            elapsed = time.perf_counter() - t0
            spent[kind] += elapsed
            if resp.status_code != 200 or "/ask/" not in resp.url:
                errors[kind] = f"HTTP {resp.status_code} at {resp.url[len(base_url):][:120]}"
                continue
            runs[kind].append(elapsed)
    pooled = [t for ts in runs.values() for t in ts]
    return {"all": _sample(pooled),
            "kinds": {kind: _sample(runs[kind], errors.get(kind)) for kind in asked},
            "questions": asked}
