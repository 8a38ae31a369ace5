"""compare, overview and review on PostgreSQL (``$GOVREPORT_PG_URL``): the same SQL, the same
answers as SQLite on the same records."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from nlp.cli import app
from nlp.store import open_store
from nlp.views.compare import compare_issuer
from nlp.views.overview import overview_data
from nlp.views.queries import open_sql_store
from tests.test_postgres import fresh, pg_url  # noqa: F401 - the module's own database, an empty schema
from tests.test_views_compare import check_synthetic, field
from tests.views_support import acceptance_records, synthetic_records

pytestmark = pytest.mark.postgres
runner = CliRunner()


def fill(url, records):
    with open_store(url) as store:
        store.write_many(records)
    return url


def test_compare_and_overview_match_sqlite(fresh, tmp_path):
    records = synthetic_records()
    pg, lite = fill(fresh, records), fill(str(tmp_path / "s.sqlite"), records)
    result = compare_issuer(pg, "某县人民政府办公室")
    check_synthetic(result)
    assert result == compare_issuer(lite, "某县人民政府办公室")
    stores = [open_sql_store(u) for u in (pg, lite)]
    try:
        assert overview_data(stores[0]) == overview_data(stores[1])
    finally:
        for s in stores:
            s.close()


@pytest.mark.corpus
def test_acceptance_on_postgres(fresh, corpus, tmp_path):
    fill(fresh, acceptance_records(corpus))
    res = runner.invoke(app, ["compare", fresh, "--issuer", "会同县", "--format", "json"])
    assert res.exit_code == 0, res.output
    (step,) = json.loads(res.stdout)["steps"]
    received = field(step, "requests.new_received.total")
    assert (received["old"], received["new"], step["from"], step["to"]) == (2, 5, 2022, 2023)
    assert {r["field"] for r in step["fields"] if r["status"] != "unchanged"} == \
        {"requests.new_received.total", "requests.new_received.natural_person"}
    out = tmp_path / "r.html"
    doc = acceptance_records(corpus)[1]["doc_id"]
    assert runner.invoke(app, ["review", fresh, "--doc", doc, "-o", str(out)]).exit_code == 0
    assert out.read_text(encoding="utf-8").count('class="fact') == len(acceptance_records(corpus)[1]["facts"])
