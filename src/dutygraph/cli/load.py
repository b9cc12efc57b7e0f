"""dutygraph load FILE --authority IRI|slug: replace one authority's named graph, atomically.

The file is parsed in full (and must describe that authority) before the store is touched;
then the authority's graph is swapped for it in one step, so readers see the old
arrangements or the new, and a load killed at any moment leaves the old ones.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from rdflib import URIRef

from ..datasets import Source, authorities_in, parse_triples
from ..errors import InputError
from ..namespaces import LA, authority_graph, authority_iri, authority_slug
from ..store import describe_store
from ..store.progress import progress_bar
from .common import add_store_options, store_from

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("load", help="replace one authority's named graph with a file "
                                    "(atomically)")
    add_store_options(p)
    p.add_argument("file", metavar="FILE", help="the authority's arrangements (.ttl, .nt, .jsonld)")
    p.add_argument("--authority", required=True, metavar="IRI|slug",
                   help=f"the authority, as its IRI ({LA}bromley), la:bromley or bromley")
    p.add_argument("--format", choices=["turtle", "nt", "jsonld"],
                   help="the file's format (default: from its suffix)")
    p.add_argument("--progress", action="store_true",
                   help="show a progress bar on standard error even when it is not a terminal")
    p.set_defaults(func=run)


def authority_slug_of(value: str) -> str:
    """The slug named by --authority, or InputError naming the parameter."""
    text = value.strip()
    slug: str | None
    if text.startswith("la:"):
        slug = text[3:]
    elif "://" in text:
        slug = authority_slug(text)
        if slug is None or not text.startswith(str(LA)):
            raise InputError(f"'{value}' is not an authority IRI (expected {LA}{{slug}})",
                             parameter="authority")
    else:
        slug = text
    if not slug or not _SLUG.match(slug):
        raise InputError(f"'{value}' is not an authority slug (lower-case letters, digits and "
                         "hyphens)", parameter="authority")
    return slug


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    slug = authority_slug_of(args.authority)
    authority = authority_iri(slug)
    path = Path(args.file)
    # Read whole (syntax-checked) before anything is written; kept as the reader's Oxigraph
    # triples, which the store writes as they are. Repeats are dropped, as a graph would.
    triples = list(dict.fromkeys(parse_triples(path, args.format)))
    declared = authorities_in(triples)
    if authority not in declared:
        raise InputError(f"the file does not declare <{authority}> a dg:LocalAuthority; "
                         "is it this authority's arrangements?", file=args.file)
    others = [str(a) for a in declared if a != URIRef(authority)]
    if others:
        raise InputError(f"the file also declares other authorities ({', '.join(others)}); "
                         "load one authority per file", file=args.file)
    name = authority_graph(slug)
    bar = progress_bar(f"loading {slug}", args.progress)
    try:
        with store_from(args) as store:
            store.write(Source(graphs={name: triples}), replace=[name], progress=bar)
    finally:
        if bar:
            bar.close()
    print(f"loaded {len(triples)} triples into <{name}> of {describe_store(args.store)} "
          f"({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return 0
