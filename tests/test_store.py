"""Stores: round trips, duplicates, crash recovery, the SQL schema and view."""
from __future__ import annotations

import json
import sqlite3

import pytest

from nlp.store import StoreError, open_store, store_kind
from nlp.store.csvdir import CsvStore
from nlp.store.jsonl import JsonlStore
from nlp.store.parquet import ParquetStore
from nlp.store.sql import SqlStore

BACKENDS = ["out.sqlite", "out.jsonl", "out.csv", "out.parquet"]


def make_record(i: int, **changes) -> dict:
    record = {
        "schema_version": "1.0", "doc_id": f"{i:016x}", "source": f"r{i}.txt",
        "meta": {"title": f"某县{2020 + i}年报告", "issuer": "某县人民政府", "year": 2020 + i, "era": "2021",
                 "published": "2021-01-15"},
        "text": f"某县{2020 + i}年报告\n收到申请{i}件。",
        "sections": [{"id": "s1", "level": 1, "marker": "一、", "title": "总体情况", "start": 0, "end": 9, "parent": None}],
        "paragraphs": [{"id": "p1", "section": "s1", "text": f"收到申请{i}件。", "start": 10, "end": 17,
                        "sentences": [{"start": 10, "end": 17, "text": f"收到申请{i}件。", "labels": ["requests"],
                                       "scores": {"requests": 0.9}}],
                        "heading": None, "labels": ["requests"], "scores": {"requests": 0.9}}],
        "tables": [{"id": "t1", "kind": "table3", "section": "s1", "start": 0, "end": 4, "rows": [["a", "1"]],
                    "offsets": [[[0, 1], [2, 3]]]}],
        "facts": [{"field": "requests.new_received.total", "label": "收到申请", "subject": None, "value": i,
                   "unit": "件", "qualifier": None, "raw": f"{i}件", "source": "prose", "paragraph": "p1",
                   "table": None, "start": 14, "end": 16},
                  {"field": "disclosure.admin_fees.amount", "label": None, "subject": "本级", "value": 68400.5,
                   "unit": "元", "qualifier": "approx", "raw": "6.84万元", "source": "table", "paragraph": None,
                   "table": "t1", "start": 0, "end": 4}],
        "checks": [{"name": "sum", "ok": False, "left": 3, "right": 4.5, "fields": ["a", "b"], "detail": "3 != 4.5"}],
        "warnings": ["odd table"],
    }
    record.update(changes)
    return record


@pytest.mark.parametrize("name", BACKENDS)
def test_round_trip_keeps_every_field(tmp_path, name):
    bare = {"schema_version": "1.0", "doc_id": "bare", "source": "<text>", "meta": {}, "text": "x",
            "paragraphs": [{"id": "p0", "section": None, "text": "x", "start": 0, "end": 1}]}
    with open_store(tmp_path / name) as store:
        store.start_run("test")
        assert store.write(make_record(1), "k1")
        assert store.write(make_record(2), "k2")
        assert store.write(bare)  # no facts, checks, labels or meta: still stored
        store.finish_run({"written": 3})
    store = open_store(tmp_path / name, mode="r")
    records = {r["doc_id"]: r for r in store.iter_records()}
    assert records[make_record(1)["doc_id"]] == make_record(1)
    assert records[make_record(2)["doc_id"]] == make_record(2)
    assert records["bare"]["paragraphs"][0]["text"] == "x" and not records["bare"].get("facts")
    assert store.known_sources() == {"k1", "k2"}
    assert store.known_ids() == set(records)


@pytest.mark.parametrize("name", BACKENDS)
def test_a_doc_id_is_stored_once_and_reopening_resumes(tmp_path, name):
    with open_store(tmp_path / name) as store:
        store.start_run()
        assert store.write(make_record(1), "a")
        assert not store.write(make_record(1), "b")  # same text from another file
        store.write_failure("bad.pdf", "not a PDF")
        store.finish_run({})
    with open_store(tmp_path / name) as store:
        assert store.has(make_record(1)["doc_id"]) and store.known_sources() == {"a", "b"}
        store.start_run()
        assert not store.write(make_record(1), "c")
        assert store.write(make_record(2), "d")
        store.finish_run({})
    store = open_store(tmp_path / name, mode="r")
    assert store.count("documents") == 2
    if not isinstance(store, JsonlStore):
        assert store.count("facts") == 4 and store.count("paragraphs") == 2 and store.count("checks") == 2
        assert store.count("failures") == 1 and store.count("runs") == 2 and store.count("sources") == 4
    else:
        assert [r["error"] for r in store.iter_rows("failures")] == ["not a PDF"]


def test_sqlite_schema_view_and_indexes(tmp_path):
    with open_store(tmp_path / "r.sqlite") as store:
        store.start_run("govreport tag x")
        for i in range(3):
            store.write(make_record(i))
        store.finish_run({"written": 3})
    con = sqlite3.connect(tmp_path / "r.sqlite")
    rows = con.execute("SELECT issuer, year, value FROM fact_values WHERE field = 'requests.new_received.total' "
                       "ORDER BY issuer, year").fetchall()
    assert rows == [("某县人民政府", 2020, 0.0), ("某县人民政府", 2021, 1.0), ("某县人民政府", 2022, 2.0)]
    indexes = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"ix_facts_field_doc", "ix_documents_issuer_year"} <= indexes
    plan = " ".join(r[-1] for r in con.execute(
        "EXPLAIN QUERY PLAN SELECT issuer, year, value FROM fact_values WHERE field = 'x'"))
    assert "ix_facts_field_doc" in plan
    (counts,) = con.execute("SELECT counts FROM runs").fetchone()
    assert json.loads(counts) == {"written": 3, "duplicates": 0, "failed": 0, "facts": 6, "paragraphs": 3}
    # Chinese stays readable in JSON columns
    assert "requests" in con.execute("SELECT labels FROM paragraphs").fetchone()[0]
    assert "总体情况" in con.execute("SELECT sections FROM documents LIMIT 1").fetchone()[0]


def two_values_per_field() -> dict:
    """A record stating one figure in its table and its prose (which differ), and another only in
    prose, approximately and then exactly."""
    fact = make_record(1)["facts"][0]
    facts = [dict(fact, field="requests.closed", value=12, source="prose", qualifier=None),
             dict(fact, field="requests.closed", value=11, source="table", table="t1", paragraph=None),
             dict(fact, field="requests.new_received.total", value=10, source="prose", qualifier="approx"),
             dict(fact, field="requests.new_received.total", value=12, source="prose", qualifier=None),
             dict(fact, field=None, value=99, source="prose")]
    return make_record(1, facts=facts)


def test_fact_best_keeps_one_value_per_field(tmp_path):
    with open_store(tmp_path / "r.sqlite") as store:
        store.write(two_values_per_field())
    con = sqlite3.connect(tmp_path / "r.sqlite")
    both = con.execute("SELECT source, value FROM fact_values WHERE field = 'requests.closed' ORDER BY source")
    assert both.fetchall() == [("prose", 12.0), ("table", 11.0)]  # both sources stay queryable
    best = con.execute("SELECT field, source, value, qualifier FROM fact_best ORDER BY field").fetchall()
    assert best == [("requests.closed", "table", 11.0, None),  # the table over the prose
                    ("requests.new_received.total", "prose", 12.0, None)]  # exact over approximate
    columns = [d[0] for d in con.execute("SELECT * FROM fact_best").description]
    assert columns == [d[0] for d in con.execute("SELECT * FROM fact_values").description]


def test_an_older_store_gets_the_new_view(tmp_path):
    with open_store(tmp_path / "r.sqlite") as store:
        store.write(make_record(1))
    con = sqlite3.connect(tmp_path / "r.sqlite")
    con.execute("DROP VIEW fact_best")
    con.commit()
    open_store(tmp_path / "r.sqlite").close()
    assert con.execute("SELECT count(*) FROM fact_best").fetchone() == (2,)


def test_batches_commit_atomically_and_progressively(tmp_path):
    store = open_store(tmp_path / "r.sqlite", batch_size=2)
    store.start_run()
    store.write(make_record(1))
    assert open_store(tmp_path / "r.sqlite", mode="r").count("documents") == 0  # not committed yet
    store.write(make_record(2))
    assert open_store(tmp_path / "r.sqlite", mode="r").count("documents") == 2
    store.close()


def test_jsonl_torn_last_line_is_cut_on_open(tmp_path):
    path = tmp_path / "r.jsonl"
    with open_store(path) as store:
        store.write(make_record(1))
    whole = path.read_bytes()
    line2 = json.dumps(make_record(2), ensure_ascii=False).encode()
    path.write_bytes(whole + line2[: len(line2) // 2])  # a writer killed mid-line
    assert open_store(path, mode="r").count("documents") == 1  # readers ignore it
    with open_store(path) as store:
        assert store.known_ids() == {make_record(1)["doc_id"]}
        assert path.read_bytes() == whole
        store.write(make_record(2))
    assert [r["doc_id"] for r in open_store(path, mode="r").iter_records()] == [make_record(1)["doc_id"], make_record(2)["doc_id"]]


def test_csv_bytes_past_the_last_commit_are_discarded(tmp_path):
    with open_store(tmp_path / "r.csv") as store:
        store.write(make_record(1))
    facts = tmp_path / "r.csv" / "facts.csv"
    committed = facts.read_bytes()
    facts.write_bytes(committed + b'0000000000000009,0,requests.x,1.0,"half a ro')  # killed mid-batch
    with open_store(tmp_path / "r.csv") as store:
        assert facts.read_bytes() == committed
        store.write(make_record(2))
    store = open_store(tmp_path / "r.csv", mode="r")
    assert store.count("facts") == 4
    assert {r["doc_id"] for r in store.iter_records()} == {make_record(1)["doc_id"], make_record(2)["doc_id"]}


def test_parquet_parts_not_committed_are_deleted(tmp_path):
    with open_store(tmp_path / "r.parquet") as store:
        store.write(make_record(1))
    part = tmp_path / "r.parquet" / "facts" / "part-00001.parquet"
    orphan = part.with_name("part-00002.parquet")
    orphan.write_bytes(part.read_bytes())  # a batch renamed into place but never committed
    (part.parent / "part-00003.parquet.tmp").write_bytes(b"PAR1")
    assert open_store(tmp_path / "r.parquet", mode="r").count("facts") == 2
    with open_store(tmp_path / "r.parquet") as store:
        assert not orphan.exists() and not (part.parent / "part-00003.parquet.tmp").exists()
        store.write(make_record(2))
    assert open_store(tmp_path / "r.parquet", mode="r").count("facts") == 4


def test_store_kind_by_suffix_or_url(tmp_path):
    assert store_kind("x.sqlite") is SqlStore and store_kind("x.db") is SqlStore and store_kind("x") is SqlStore
    assert store_kind("postgresql://u@localhost/db") is SqlStore
    assert store_kind("x.jsonl") is JsonlStore and store_kind("x.csv") is CsvStore
    assert store_kind("x.parquet") is ParquetStore
    with pytest.raises(StoreError, match="cannot tell the output type"):
        store_kind("x.xlsx")


def test_bad_store_paths_are_clear_errors(tmp_path):
    with pytest.raises(StoreError, match="no such SQLite store"):
        open_store(tmp_path / "missing.sqlite", mode="r")
    open_store(tmp_path / "new" / "dir" / "x.sqlite").close()  # folders are created
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="cannot create directory"):
        open_store(tmp_path / "file" / "x.jsonl")
    (tmp_path / "busy.csv").mkdir()
    (tmp_path / "busy.csv" / "notes.txt").write_text("mine")
    with pytest.raises(StoreError, match="not a govreport csv store"):
        open_store(tmp_path / "busy.csv")
    with open_store(tmp_path / "p.parquet"):
        pass
    (tmp_path / "p.parquet").rename(tmp_path / "p.csv")
    with pytest.raises(StoreError, match="a parquet store, not csv"):
        open_store(tmp_path / "p.csv")
    with open_store(tmp_path / "r.jsonl") as store:
        store.start_run()
        store.finish_run()
    with pytest.raises(StoreError, match="read-only"):
        open_store(tmp_path / "r.jsonl", mode="r").write(make_record(1))
