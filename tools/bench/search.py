"""Search: the full-text index (SQLite FTS5, dutygraph.search) against search.rq on the same
store, for the same words.

search.rq has no index to use: it lower-cases and scans every label and definition on each
question. The index is written with each store generation (else built once per store
version): the time to its first answer is reported beside its lookups.
"""

from __future__ import annotations

import time
from typing import Any

import pyoxigraph as ox

from .measure import Sample
from .queries import raw_pyoxigraph, rendered_sparql, time_calls

# Words an officer might type: a phrase in many labels, a rare one, a short one, one in
# definitions, one that matches nothing.
TEXTS = ["serious case", "annual report", "chair", "independent", "child death",
         "safeguarding partners", "zzzz"]


def measure(store: Any, reps: int, budget_s: float) -> dict[str, Any]:
    """Build the index once (timed), then per text: the index's search (search.rq's rows),
    its ranked search (stemmed, prefix, fuzzy), and search.rq on raw pyoxigraph."""
    from dutygraph.search import index_for

    t0 = time.perf_counter()
    index = index_for(store)  # the generation's index file, else built once per version
    build_s = time.perf_counter() - t0
    ox_store: ox.Store = store.oxigraph
    texts: dict[str, Any] = {}
    for text in TEXTS:
        entry: dict[str, Any] = {
            "index": time_calls(lambda t=text: index.search(t), reps, budget_s).to_json("ms"),
            "ranked": time_calls(lambda t=text: index.ranked(t), reps, budget_s).to_json("ms"),
        }
        try:
            sparql = rendered_sparql(store, "search", {"text": text})
            entry["search_rq"] = time_calls(lambda q=sparql: raw_pyoxigraph(ox_store, q),
                                            reps, budget_s).to_json("ms")
            same = len(index.search(text).rows) == raw_pyoxigraph(ox_store, sparql)
            entry["same_row_count"] = same
        except Exception as exc:  # reported, not fatal
            entry["search_rq"] = Sample(error=f"{type(exc).__name__}: {exc}"[:300]).to_json()
        texts[text] = entry
    return {"build_s": round(build_s, 3), "records": len(index.records), "texts": texts}
