"""What a read query may not do is refused by its words, not by its look: keywords inside
strings, IRIs, comments and prefixed names are not keywords."""

from __future__ import annotations

import pytest

from dutygraph.errors import InputError
from dutygraph.store.guard import check_read_query, dataset_clauses

ACCEPTED = [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
    ("PREFIX select: <http://x/> ASK { select:a ?p ?o }", "ASK"),
    ("BASE <http://x/> PREFIX : <http://y/> CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
     "CONSTRUCT"),
    ("DESCRIBE <http://x/insert>", "DESCRIBE"),
    ('SELECT ?load WHERE { ?load <http://x/p> "DROP ALL; SERVICE" } # INSERT DATA {}', "SELECT"),
    ("PREFIX ex: <http://x/> SELECT * WHERE { ex:add-copy ex:p.move ex:service }", "SELECT"),
    ("SELECT * WHERE { ?s ?p ?o FILTER(?o < 3 && LANG(?o) = 'en') }", "SELECT"),
]
REFUSED = [
    ("SELECT * WHERE { SERVICE <http://x/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * WHERE { OPTIONAL { Service SILENT <http://x/> { ?s ?p ?o } } }", "SERVICE"),
    ("INSERT DATA { <http://a> <http://b> 1 }", "not a read query"),
    ("PREFIX select: <http://x/> DELETE WHERE { ?s ?p ?o }", "not a read query"),
    ("SELECT * WHERE { ?s ?p ?o } ; CLEAR ALL", "CLEAR"),
    ("LOAD <http://x/data.ttl>", "not a read query"),
    ("define input:grab-all \"yes\" SELECT * WHERE { ?s ?p ?o }", "DEFINE"),
    ("", "not a read query"),
]


@pytest.mark.parametrize(("query", "form"), ACCEPTED)
def test_a_read_query_is_accepted_with_its_form(query: str, form: str) -> None:
    assert check_read_query(query) == form


@pytest.mark.parametrize(("query", "reason"), REFUSED)
def test_updates_service_and_pragmas_are_refused_naming_the_query_parameter(
        query: str, reason: str) -> None:
    with pytest.raises(InputError) as caught:
        check_read_query(query)
    assert reason in str(caught.value) and caught.value.parameter == "query"


def test_from_clauses_are_read_with_prefixes_resolved() -> None:
    query = ("PREFIX g: <https://w3id.org/dutygraph/graph/> SELECT * FROM <http://a> "
             "FROM NAMED g:b # FROM <http://not-this>\n WHERE { ?s ?p \"FROM <http://nor-this>\" }")
    assert dataset_clauses(query) == (["http://a"], ["https://w3id.org/dutygraph/graph/b"])
    with pytest.raises(InputError, match="unknown prefix"):
        dataset_clauses("SELECT * FROM nope:g WHERE { }")
