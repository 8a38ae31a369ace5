"""Workers hand an SQL store its rows (nlp/store/rows.py), not the record: the store holds the
same bytes either way, and a record the workers cannot encode still ends as a failure."""
from __future__ import annotations

import sqlite3

from nlp.batch import runner, tag_corpus
from nlp.batch.inputs import InputItem
from nlp.store import open_store, schema
from nlp.store.rows import RowsRecord, encode_record
from tests.batch_support import FACTORY, report_text, write_reports


def test_a_worker_returns_rows_for_a_store_that_takes_them(tmp_path):
    (path,) = write_reports(tmp_path, 1)
    item = InputItem(key="k", source=str(path), path=str(path))
    try:
        runner._init_worker(FACTORY, None, None, False, encode_record)
        rows, error, timings = runner.tag_item(item)
        runner._init_worker(FACTORY, None, None, False, None)
        record, _, _ = runner.tag_item(item)
    finally:
        runner._pipeline = runner._encoder = None
    assert error is None and timings["facts"] > 0
    assert isinstance(rows, RowsRecord) and isinstance(record, dict)
    assert rows == encode_record(record)


def table_dump(db) -> list:
    con = sqlite3.connect(db)
    out = []
    for table in (*schema.RECORD_TABLES, "sources", "failures"):
        cols = [c.name for c in schema.TABLES[table].columns if c.name not in ("run_id", "seq" if table == "failures" else "")]
        key = {"documents": "doc_id", "sources": "source_key", "failures": "source"}.get(table, "doc_id, seq")
        out += [(table, *r) for r in con.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY {key}")]
    con.close()
    return out


def test_rows_from_workers_store_what_records_store(tmp_path):
    write_reports(tmp_path / "c", 20)
    (tmp_path / "c" / "bad.txt").write_text("FAIL")
    (tmp_path / "c" / "odd.txt").write_text(report_text(99) + "UNSTORABLE")
    seen = []
    summaries = {}
    for name, workers, on_result in (("rows2", 2, None), ("rows1", 1, None),
                                     ("records2", 2, lambda item, record, error: seen.append(type(record)))):
        with open_store(tmp_path / f"{name}.sqlite") as store:
            summaries[name] = tag_corpus([str(tmp_path / "c")], store, workers=workers, pipeline_factory=FACTORY,
                                         progress=False, on_result=on_result)
    assert dict in seen and RowsRecord not in seen  # a caller that reads the records gets them
    for s in summaries.values():
        assert (s.written, s.failed, s.facts, s.paragraphs) == (20, 2, 60, 20 * 6)
    dumps = {name: table_dump(tmp_path / f"{name}.sqlite") for name in summaries}
    assert dumps["rows2"] == dumps["rows1"] == dumps["records2"]
    failures = [r for r in dumps["rows2"] if r[0] == "failures"]
    assert [(r[1].rsplit("/", 1)[-1], r[2].split(":")[0]) for r in failures] == [
        ("bad.txt", "marked as a bad input"), ("odd.txt", "cannot store document")]
    assert not any(r[0] == "sources" and r[2].endswith("odd.txt") for r in dumps["rows2"])  # a rerun retries it
