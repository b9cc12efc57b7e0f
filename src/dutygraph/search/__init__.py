"""A full-text index of the graph's labels and definitions (SQLite FTS5), one per store
generation: a file written with each embedded-store generation (dutygraph.store.search_file),
else built in memory once per store version.

    from dutygraph.search import index_for
    index = index_for(store)
    index.search("serious case")   # the rows queries/search.rq gives, from the index
    index.ranked("seriuos cases")  # stemmed, prefix and fuzzy matches, ranked by bm25
"""

from .generation import open_index
from .index import Hit, TextIndex
from .stores import index_for

__all__ = ["Hit", "TextIndex", "index_for", "open_index"]
