"""The PostgreSQL store against a real server: ``$GOVREPORT_PG_URL`` (start one with
``export GOVREPORT_PG_URL="$(bash scripts/start-postgres.sh)"``). Each test module works in a
database of its own, dropped afterwards."""
from __future__ import annotations

import os
import uuid

import pytest

from nlp.store import open_store
from tests.batch_support import FACTORY, write_reports
from tests.test_batch_cli import kill_and_resume, tag
from tests.test_store import make_record, two_values_per_field
from tests.test_store_safety import two_sql_runs

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg_url():
    url = os.environ.get("GOVREPORT_PG_URL")
    if not url:
        pytest.skip("PostgreSQL tests skipped: GOVREPORT_PG_URL is not set "
                    "(export GOVREPORT_PG_URL=\"$(bash scripts/start-postgres.sh)\")")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from nlp.store.sql import engine_url

    admin_url = make_url(engine_url(url))
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as e:
        pytest.skip(f"PostgreSQL tests skipped: no server reachable at {admin_url.render_as_string()} "
                    f"({str(getattr(e, 'orig', e)).splitlines()[0]})")
    name = f"govreport_test_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    yield admin_url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture
def fresh(pg_url):
    """An empty schema in the module's database."""
    from nlp.store import schema
    from nlp.store.sql import SqlStore

    store = SqlStore(pg_url)
    with store.engine.begin() as conn:
        for view in schema.VIEWS:
            conn.exec_driver_sql(f"DROP VIEW IF EXISTS {view}")
    schema.metadata.drop_all(store.engine)
    store.close()
    return pg_url


def test_round_trip_view_and_indexes(fresh):
    with open_store(fresh) as store:
        store.start_run("test")
        for i in range(3):
            assert store.write(make_record(i), f"k{i}")
        assert not store.write(make_record(1), "k9")
        store.write_failure("bad.pdf", "not a PDF")
        store.finish_run({"written": 3})
    store = open_store(fresh, mode="r")
    assert sorted(store.iter_records(), key=lambda r: r["doc_id"]) == [make_record(i) for i in range(3)]
    assert store.known_sources() == {"k0", "k1", "k2", "k9"}
    assert (store.count("facts"), store.count("failures"), store.count("runs")) == (6, 1, 1)
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT issuer, year, value FROM fact_values WHERE field = 'requests.new_received.total' "
            "ORDER BY issuer, year").all()
        indexes = {r[0] for r in conn.exec_driver_sql("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")}
        counts = conn.exec_driver_sql("SELECT counts->>'written' FROM runs").scalar_one()
    assert [tuple(r) for r in rows] == [("某县人民政府", 2020, 0.0), ("某县人民政府", 2021, 1.0), ("某县人民政府", 2022, 2.0)]
    assert {"ix_facts_field_doc", "ix_documents_issuer_year"} <= indexes
    assert counts == "3"
    store.close()


def test_a_document_postgres_refuses_becomes_a_failure_not_a_lost_batch(fresh):
    with open_store(fresh, batch_size=10) as store:
        store.start_run()
        store.write(make_record(1))
        store.write(make_record(2, text="NUL \x00 byte"))  # PostgreSQL text cannot hold NUL
        store.write(make_record(3))
        store.finish_run({})
    store = open_store(fresh, mode="r")
    assert store.known_ids() == {make_record(1)["doc_id"], make_record(3)["doc_id"]}
    assert store.count("failures") == 1
    store.close()


def test_cli_tag_and_rerun(fresh, tmp_path):
    write_reports(tmp_path / "in", 5)
    first = tag(tmp_path / "in", "-o", fresh, "-j", "1")
    assert first.exit_code == 0 and "5 documents written" in first.output, first.output
    assert "0 documents written, 5 already stored" in tag(tmp_path / "in", "-o", fresh, "-j", "1").output


@pytest.mark.slow
def test_sigkill_mid_run_then_resume(fresh, tmp_path):
    kill_and_resume(tmp_path, fresh, workers=2)


def test_fact_best_keeps_one_value_per_field(fresh):
    with open_store(fresh) as store:
        store.write(two_values_per_field())
    store = open_store(fresh, mode="r")
    with store.engine.connect() as conn:
        both = conn.exec_driver_sql("SELECT source, value FROM fact_values WHERE field = 'requests.closed' "
                                    "ORDER BY source").all()
        best = conn.exec_driver_sql("SELECT field, source, value, qualifier FROM fact_best ORDER BY field").all()
    store.close()
    assert [tuple(r) for r in both] == [("prose", 12.0), ("table", 11.0)]
    assert [tuple(r) for r in best] == [("requests.closed", "table", 11.0, None),
                                        ("requests.new_received.total", "prose", 12.0, None)]


@pytest.mark.slow
def test_two_runs_at_once(fresh, tmp_path):
    two_sql_runs(fresh, tmp_path / "in")
