"""The /validate page takes the spreadsheet template too: its findings show the workbook row
behind them, and a wrong workbook is a 400 naming its cells."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient

from dutygraph.store import Store
from dutygraph.web import create_app
from dutygraph.workbook.project import Rows, authority_rows
from dutygraph.workbook.vocab import VocabList
from dutygraph.workbook.write import xlsx_bytes

from .conftest import MISTAKES, with_mistakes


@pytest.fixture()
def client(embedded_store: Store) -> FlaskClient:
    return create_app(embedded_store).test_client()


def post(client: FlaskClient, data: bytes, name: str) -> tuple[int, str]:
    answer = client.post("/validate", data={"file": (io.BytesIO(data), name), "as_of": ""},
                         content_type="multipart/form-data")
    return answer.status_code, answer.get_data(as_text=True)


def test_harrows_workbook_is_validated_and_each_finding_names_its_row(
        client: FlaskClient, memory_store: Store, vocab: dict[str, VocabList]) -> None:
    data = xlsx_bytes(authority_rows(memory_store, "harrow", vocab), vocab)
    status, page = post(client, data, "harrow.xlsx")
    assert status == 200, page[:2000]
    assert "from the workbook's</span> sheet &#39;" in page


def test_a_wrong_workbook_is_refused_naming_its_cells(
        client: FlaskClient, example: Rows, vocab: dict[str, VocabList]) -> None:
    status, page = post(client, with_mistakes(example, vocab, MISTAKES[:2]), "bad.xlsx")
    assert status == 400
    assert "sheet &#39;Posts&#39;, row 3, column &#39;role&#39;" in page
