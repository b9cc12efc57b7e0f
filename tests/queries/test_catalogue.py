"""The catalogue: headers parse, the contract's names are there, results convert cleanly."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from dutygraph.errors import InputError
from dutygraph.queries import NamedQuery, Param, QueryResult, catalogue, get_query
from dutygraph.queries.catalogue import clear_cache
from dutygraph.queries.header import parse_header

CONTRACT = {
    "who-is-accountable": {"function", "authority", "as_of"},
    "duties-of": {"subject", "as_of"},
    "provision": {"provision"},
    "board-partners": {"authority", "as_of"},
    "reporting-lines": {"authority", "as_of"},
    "functions-evidence": {"authority"},
    "report-recipients": {"authority"},
    "search": {"text"},
}
REQUIRED = {"function", "subject", "provision", "text", "authority"}


def test_the_catalogue_keeps_the_eight_contract_queries_sorted_by_name() -> None:
    names = [q.name for q in catalogue()]
    assert names == sorted(names)
    assert set(CONTRACT) <= set(names)
    for q in catalogue():
        if q.name in CONTRACT:
            assert {p.name for p in q.params} == CONTRACT[q.name]
        assert isinstance(q, NamedQuery) and all(isinstance(p, Param) for p in q.params)


def test_required_parameters_are_as_the_contract_says() -> None:
    for q in catalogue():
        if q.name not in CONTRACT:  # later queries say for themselves what they require
            continue
        for p in q.params:
            expected = p.name in REQUIRED and not (q.name == "who-is-accountable"
                                                   and p.name == "authority")
            assert p.required == expected, (q.name, p.name)


def test_every_iri_parameter_accepts_a_label_and_names_the_kinds_to_look_in() -> None:
    for q in catalogue():
        for p in q.params:
            assert p.accepts_label == (p.type == "iri")
            if p.type == "iri":
                assert p.kinds, (q.name, p.name)


def test_every_header_has_a_summary_description_provisions_and_a_runnable_example() -> None:
    for q in catalogue():
        assert q.summary and q.description
        assert q.example.startswith(f"dutygraph query {q.name} ")
        assert all(p.startswith(("http://", "https://")) for p in q.provisions)
        assert q.sparql == q.path.read_text(encoding="utf-8")


def test_the_first_column_of_every_query_is_a_group_key() -> None:
    """run_query relies on it to drop rdflib's empty row for an empty GROUP BY."""
    for q in catalogue():
        select = q.sparql[q.sparql.index("SELECT"):]
        first = select.split()[1]
        assert first.startswith("?"), q.name
        assert f"GROUP BY {first}" in " ".join(q.sparql.split()), q.name


def test_no_query_uses_filter_not_exists() -> None:
    for q in catalogue():
        assert "NOT EXISTS" not in q.sparql.upper(), q.name


def test_an_unknown_query_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(InputError) as info:
        get_query("who-is-responsible")
    assert info.value.parameter == "query"
    assert "who-is-accountable" in str(info.value)


def test_a_header_that_is_wrong_is_reported_with_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "broken.rq"
    bad.write_text("#+ name: other\n#+ summary: x\nSELECT * WHERE { }\n")
    with pytest.raises(InputError) as info:
        parse_header(bad.read_text(), bad)
    assert "broken.rq" in str(info.value)
    bad.write_text("SELECT * WHERE { }\n")
    with pytest.raises(InputError):
        parse_header(bad.read_text(), bad)


def test_a_folder_of_queries_is_read_once(tmp_path: Path) -> None:
    text = ("#+ name: tiny\n#+ summary: s\n#+ description: d\n#+ params: []\n"
            "#+ provisions: []\n#+ example: dutygraph query tiny\nSELECT * WHERE { }\n")
    (tmp_path / "tiny.rq").write_text(text)
    first = catalogue(tmp_path)
    (tmp_path / "tiny.rq").write_text(text.replace("summary: s", "summary: changed"))
    assert catalogue(tmp_path)[0].summary == first[0].summary == "s"
    clear_cache()
    assert catalogue(tmp_path)[0].summary == "changed"
    clear_cache()


def test_records_json_and_csv_give_plain_values() -> None:
    result = QueryResult(
        query="q", params={"as_of": "2013-05-01"}, variables=["a", "d", "n", "b", "s"],
        rows=[{"a": URIRef("urn:a"), "d": Literal("2013-05-01", datatype=XSD.date),
               "n": Literal(2), "b": Literal(True), "s": Literal("x, \"y\"", lang="en")},
              {"a": URIRef("urn:b")}])
    assert result.records()[0] == {"a": "urn:a", "d": dt.date(2013, 5, 1), "n": 2, "b": True,
                                   "s": 'x, "y"'}
    assert result.records()[1] == {"a": "urn:b", "d": None, "n": None, "b": None, "s": None}
    doc = result.to_json_dict()
    assert json.loads(json.dumps(doc)) == {
        "query": "q", "params": {"as_of": "2013-05-01"},
        "rows": [{"a": "urn:a", "d": "2013-05-01", "n": 2, "b": True, "s": 'x, "y"'},
                 {"a": "urn:b", "d": None, "n": None, "b": None, "s": None}]}
    assert result.to_csv().splitlines() == ["a,d,n,b,s", 'urn:a,2013-05-01,2,True,"x, ""y"""',
                                            "urn:b,,,,"]
