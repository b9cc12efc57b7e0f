"""The OpenAPI description of /api/validate says what the API returns: each finding's outcome
(not met, not evidenced, superseded), its guidance editions and its evidence (document and
paragraph), and the report's counts by outcome and by requirement (met included).

Two checks: the schema names every field the report's JSON carries (so a field added to the
report without its description fails here), and real responses for uploads of each outcome
validate against the published schema.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from flask.testing import FlaskClient

from dutygraph.validation.report import Evidence, Finding, ValidationReport

CASES = Path(__file__).resolve().parents[1] / "cases" / "validation"


def _schemas(client: FlaskClient) -> dict[str, Any]:
    spec = client.get("/api/openapi.json").get_json()
    schemas: dict[str, Any] = spec["components"]["schemas"]
    return schemas


def _as_json_schema(node: Any) -> Any:
    """OpenAPI 3.0's `nullable` and component references, as plain JSON Schema."""
    if isinstance(node, list):
        return [_as_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _as_json_schema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable") and "type" in node:
        out["type"] = [node["type"], "null"]
    if "$ref" in out:
        out["$ref"] = out["$ref"].replace("#/components/schemas/", "#/definitions/")
    return out


def _validate(client: FlaskClient, instance: Any, name: str) -> None:
    schema = {"definitions": _as_json_schema(_schemas(client)),
              "$ref": f"#/definitions/{name}"}
    jsonschema.validate(instance, schema)


def _sample_report() -> ValidationReport:
    evidence = Evidence("urn:x:absence", "absence", "urn:x:src", "seed x", "para 4.2",
                        "2015-04-01")
    finding = Finding("Violation", "m", "urn:x:lscb", "LSCB", None, "urn:x:shape",
                      ["urn:x:p"], "urn:x:la", outcome="not met", evidence=(evidence,),
                      editions=("WT 2015",))
    return ValidationReport(as_of=dt.date(2015, 4, 1), results=[finding])


@pytest.mark.parametrize(("schema", "keys"), [
    ("ValidationReport", lambda r: r.to_json_dict()),
    ("Finding", lambda r: r.results[0].to_json_dict()),
    ("Evidence", lambda r: r.results[0].evidence[0].to_json_dict()),
])
def test_the_schema_names_every_field_the_report_carries(
        client: FlaskClient, schema: str, keys: Any) -> None:
    described = _schemas(client)[schema]
    carried = set(keys(_sample_report()))
    assert carried == set(described["properties"])
    assert set(described["required"]) <= carried


def test_a_findings_outcome_is_one_of_the_three_and_a_requirement_may_be_met(
        client: FlaskClient) -> None:
    schemas = _schemas(client)
    assert schemas["Finding"]["properties"]["outcome"]["enum"] == [
        "not met", "not evidenced", "superseded"]
    assert set(schemas["ValidationReport"]["properties"]["requirements"]["properties"]) == {
        "met", "not met", "not evidenced", "not applicable", "superseded"}


@pytest.mark.parametrize(("case", "outcome"), [
    ("a document stating there is no chair makes reg 4 not met, citing its paragraph",
     "not met"),
    ("a function the document says the board does not carry out is not met under reg 5(1)",
     "not met"),
    ("a 2011 audit does not see a chair recorded only in a 2015 document", "not evidenced"),
    ("a Corporate Parenting Panel with no reporting to the LSCB gets an info finding",
     "not evidenced"),
])
def test_the_api_answers_each_outcome_as_its_schema_says(
        client: FlaskClient, case: str, outcome: str) -> None:
    folder = CASES / case
    as_of = str(yaml.safe_load((folder / "expected.yaml").read_text())["as_of"])
    response = client.post(f"/api/validate?as_of={as_of}",
                           data=(folder / "data.ttl").read_bytes(), content_type="text/turtle")
    assert response.status_code == 200, response.data
    report = response.get_json()
    _validate(client, report, "ValidationReport")
    assert outcome in {f["outcome"] for f in report["results"]}
    assert report["outcomes"][outcome] >= 1
    if outcome == "not met":
        assert any(f["evidence"] for f in report["results"] if f["outcome"] == "not met")
