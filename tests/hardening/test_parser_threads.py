"""Eight threads reading their first queries at once all get the same answers as one thread.

pyparsing's grammar is shared module state: two first parses racing in two threads left it
broken for the life of the process (every later query a TypeError from inside the grammar),
which under load turned a fresh server's every answer into a 400. Each case runs in a new
interpreter, so the parser's first use really is the race.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

PROGRAM = textwrap.dedent("""
    import sys, threading
    from dutygraph.sparql.guard import check_query
    texts = [
        f"SELECT ?s WHERE {{ ?s ?p ?o FILTER(?o > {i}) }}" if i % 2 else
        f"ASK {{ ?s <urn:p{i}>/<urn:q>* ?o OPTIONAL {{ ?o ?p ?x }} }}"
        for i in range(THREADS)
    ]
    errors = []
    barrier = threading.Barrier(len(texts))
    def read(text):
        barrier.wait()
        try:
            check_query(text)
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
    threads = [threading.Thread(target=read, args=(t,)) for t in texts]
    for t in threads: t.start()
    for t in threads: t.join()
    print("\\n".join(errors))
    sys.exit(1 if errors else 0)
""")


@pytest.mark.parametrize("threads", [2, 4, 8])
def test_first_parses_racing_in_threads_all_succeed(threads: int) -> None:
    done = subprocess.run([sys.executable, "-c", PROGRAM.replace("THREADS", str(threads))],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


PACKRAT_PROGRAM = textwrap.dedent("""
    import pyparsing
    pyparsing.ParserElement.enable_packrat()  # as matplotlib does when it is imported
    from dutygraph.errors import InputError
    from dutygraph.sparql.guard import check_query
    from dutygraph.sparql.limits import MAX_NESTING
    for n in range(1, MAX_NESTING + 3):
        text = "SELECT (" + "STR(" * n + "1" + ")" * n + " AS ?x) WHERE {}"
        try:
            check_query(text)
        except InputError as exc:
            print(str(exc))
            break
""")


def test_with_pyparsing_memoisation_on_the_refusal_is_still_the_documented_limit() -> None:
    """Another library in the process may switch pyparsing's packrat memoisation on, which
    makes each level of nesting cost the parser more frames; the first refusal must still be
    the documented nesting limit, not the parser running out of frames."""
    done = subprocess.run([sys.executable, "-c", PACKRAT_PROGRAM],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "nests more than" in done.stdout, done.stdout
