"""Plain SPARQL 1.1 (no reasoning) answers "who bears each duty of this provision, under which
subsection, and since when?", the same way on both store kinds.

The query walks eli:is_part_of* from the subsection that imposes a duty up to the section or
regulation asked about, so a question about s13 finds the duties of s13(1), s13(2), s13(4)...
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from dutygraph.namespaces import sparql_prefixes
from dutygraph.store import Store

from .framework_sparql import Select

LEG = "http://www.legislation.gov.uk/id/"

WHO_BEARS = """
SELECT ?duty ?bearer ?citation ?modality ?from WHERE {
    VALUES ?part { <%s> }
    ?duty a dg:Duty ;
          dg:imposedBy ?provision ;
          dg:bearer ?bearer ;
          dg:modality ?modality ;
          dg:validFrom ?from .
    ?provision eli:is_part_of* ?part ;
               dg:citationLabel ?citation .
}
ORDER BY ?from ?citation
"""

# (part asked about, rows that must be among the answers: bearer, citation, modality, since)
EXPECTED = {
    "ukpga/2004/31/section/13": [
        ("LocalAuthority", "CA 2004 s13(1)", "Must", date(2006, 4, 1)),
        ("LSCB", "CA 2004 s13(2)", "Must", date(2006, 4, 1)),
        ("LocalAuthority", "CA 2004 s13(4)", "MustTakeReasonableSteps", date(2006, 4, 1)),
        ("LocalAuthority", "CA 2004 s13(4A)", "MustTakeReasonableSteps", date(2010, 4, 1)),
    ],
    "ukpga/2004/31/section/14": [
        ("LSCB", "CA 2004 s14(1)", "Must", date(2006, 4, 1)),
        ("SecretaryOfState", "CA 2004 s14(2)", "May", date(2005, 3, 1)),
    ],
    "ukpga/2004/31/section/14A": [
        ("LSCB", "CA 2004 s14A", "Must", date(2010, 4, 1)),
    ],
    "ukpga/2004/31/section/18": [
        ("LocalAuthority", "CA 2004 s18(1)", "Must", date(2005, 4, 1)),
        ("LocalAuthority", "CA 2004 s18", "MustHaveRegardTo", date(2005, 4, 1)),
    ],
    "ukpga/2004/31/section/19": [
        ("LocalAuthority", "CA 2004 s19(1)", "Must", date(2005, 4, 1)),
        ("LocalAuthority", "CA 2004 s19(2)", "MustHaveRegardTo", date(2005, 4, 1)),
    ],
    "uksi/2006/90/regulation/4": [
        ("LocalAuthority", "SI 2006/90 reg 4", "Must", date(2006, 4, 1)),
    ],
    "uksi/2006/90/regulation/5": [
        ("LSCB", "SI 2006/90 reg 5(1)", "Must", date(2006, 4, 1)),
        ("LSCB", "SI 2006/90 reg 5(3)", "May", date(2006, 4, 1)),
    ],
    "uksi/2006/90/regulation/6": [
        ("LSCB", "SI 2006/90 reg 6(2)", "May", date(2006, 4, 1)),
        ("LSCB", "SI 2006/90 reg 6(1)", "Must", date(2008, 4, 1)),
    ],
}


@pytest.fixture(params=["memory_store", "embedded_store"])
def store(request: pytest.FixtureRequest) -> Store:
    store: Store = request.getfixturevalue(request.param)
    return store


def _local_name(term: object) -> str:
    return re.split(r"[/#]", str(term))[-1]


def _answers(store: Store, part: str) -> set[tuple[str, str, str, date]]:
    result = store.select(sparql_prefixes() + WHO_BEARS % (LEG + part))
    return {
        (_local_name(row["bearer"]), str(row["citation"]), _local_name(row["modality"]),
         row["from"].toPython())
        for row in result
    }


@pytest.mark.parametrize("part", sorted(EXPECTED))
def test_plain_sparql_tells_who_bears_each_duty_of_a_provision_under_which_subsection_and_since_when(  # noqa: E501
    part: str, store: Store,
) -> None:
    answers = _answers(store, part)
    missing = [row for row in EXPECTED[part] if row not in answers]
    assert not missing, f"{part}: missing {missing}; got {sorted(answers)}"


def test_both_store_kinds_give_the_same_answers(memory_store: Store, embedded_store: Store) -> None:
    for part in EXPECTED:
        assert _answers(memory_store, part) == _answers(embedded_store, part), part


def test_the_answers_name_no_duty_without_a_bearer(memory_store: Store) -> None:
    unborne = memory_store.select(sparql_prefixes() + """
        SELECT ?duty WHERE { ?duty a dg:Duty . FILTER NOT EXISTS { ?duty dg:bearer ?b } }""")
    assert len(unborne) == 0


def test_a_bearer_reads_as_a_role_or_a_kind_of_body(memory_store: Store) -> None:
    odd = memory_store.select(sparql_prefixes() + """
        SELECT DISTINCT ?bearer WHERE {
            GRAPH <https://w3id.org/dutygraph/graph/framework> {
                ?duty a dg:Duty ; dg:bearer ?bearer
            }
            FILTER NOT EXISTS { ?bearer a dg:Role }
            FILTER NOT EXISTS { ?bearer rdfs:subClassOf dg:Body }
            FILTER NOT EXISTS { ?bearer skos:inScheme dg:BoardPartnerKinds }
        }""")
    assert [row["bearer"] for row in odd] == []


def _day(term: object) -> date | None:
    return None if term is None else date.fromisoformat(str(term))


S11_BEARERS = {
    # kind of body -> (first day, last day or None), as s11(1) lists it
    "LocalAuthority": (date(2005, 10, 1), None),
    "district-council": (date(2005, 10, 1), None),
    "strategic-health-authority": (date(2005, 10, 1), date(2013, 3, 31)),
    "primary-care-trust": (date(2005, 10, 1), date(2013, 3, 31)),
    "nhs-trust": (date(2005, 10, 1), None),
    "police": (date(2005, 10, 1), None),
    "probation-board": (date(2005, 10, 1), date(2010, 3, 31)),
    "secretary-of-state-offender-management": (date(2008, 4, 1), None),
    "youth-offending-team": (date(2005, 10, 1), None),
    "prison": (date(2005, 10, 1), None),
    "secure-training-centre": (date(2005, 10, 1), None),
    "connexions": (date(2005, 10, 1), None),
    "clinical-commissioning-group": (date(2013, 4, 1), date(2022, 6, 30)),
}


def test_the_s11_2_duty_is_borne_by_each_body_s11_1_lists_with_its_own_dates(
        select: Select) -> None:
    rows = select("""
        SELECT ?bearer ?from ?through WHERE {
            ?duty a dg:Duty ; dg:modality dg:Must ; dg:bearer ?bearer ; dg:validFrom ?from ;
                  dg:imposedBy <http://www.legislation.gov.uk/id/ukpga/2004/31/section/11/2> .
            OPTIONAL { ?duty dg:validThrough ?through }
        }""")
    found = {_local_name(r.bearer): (_day(r["from"]), _day(r.through)) for r in rows}
    assert found == S11_BEARERS


@pytest.mark.parametrize(("day", "present", "absent"), [
    (date(2013, 3, 31), "primary-care-trust", "clinical-commissioning-group"),
    (date(2013, 4, 1), "clinical-commissioning-group", "primary-care-trust"),
    (date(2007, 6, 1), "probation-board", "secretary-of-state-offender-management"),
])
def test_who_bears_the_s11_duty_changes_with_the_nhs_and_probation_reorganisations(
        select: Select, day: date, present: str, absent: str) -> None:
    rows = select(f"""
        SELECT ?bearer WHERE {{
            ?duty dg:bearer ?bearer ; dg:validFrom ?from ;
                  dg:imposedBy <http://www.legislation.gov.uk/id/ukpga/2004/31/section/11/2> .
            OPTIONAL {{ ?duty dg:validThrough ?through }}
            FILTER(?from <= "{day.isoformat()}"^^xsd:date &&
                   (!BOUND(?through) || "{day.isoformat()}"^^xsd:date <= ?through))
        }}""")
    bearers = {_local_name(r.bearer) for r in rows}
    assert present in bearers and absent not in bearers
