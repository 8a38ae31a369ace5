"""Records as SQL rows (nlp/store/rows.py): the tuples a worker builds hold exactly what the
dict rows of ``schema.record_to_rows`` hold, so either path stores the same bytes."""
from __future__ import annotations

import json
import pickle
import sqlite3

import pytest

from nlp.store import open_store, schema
from nlp.store.rows import RowsRecord, encode_record
from test_store import make_record, two_values_per_field

BARE = {"schema_version": "1.0", "doc_id": "bare", "source": "<text>", "meta": {}, "text": "x",
        "paragraphs": [{"id": "p0", "section": None, "text": "x", "start": 0, "end": 1}]}


def odd_record() -> dict:
    """Every corner record_to_rows handles: non-numeric values, unknown keys at each level,
    meta beyond the columns, a year that is not a number, missing lists."""
    fact = dict(make_record(3)["facts"][0], value="约百", note={"a": 1}, start=None)
    return make_record(3, meta={"title": None, "year": "二〇二〇", "x": [1, {"y": "中"}]}, facts=[fact, {"value": True}],
                       checks=[{"name": "c", "ok": 1, "left": "x", "right": None, "fields": None, "detail": 5, "more": True},
                               {"ok": None, "left": "7", "right": 2}],
                       warnings=None, sections=None, novel={"k": [1.5, None]})


RECORDS = [make_record(1), two_values_per_field(), odd_record(), BARE]


def as_tuples(table: str, rows: list[dict]) -> list[tuple]:
    json_cols = schema.json_columns(table)
    return [tuple(json.dumps(r[c.name], ensure_ascii=False) if c.name in json_cols else r[c.name]
                  for c in schema.TABLES[table].columns if c.name != "run_id") for r in rows]


@pytest.mark.parametrize("record", RECORDS, ids=["plain", "two_values", "odd", "bare"])
def test_encoded_rows_equal_the_dict_rows(record):
    rows = schema.record_to_rows(record)
    encoded = encode_record(record)
    assert [encoded.document] == as_tuples("documents", rows["documents"])
    for table in ("paragraphs", "facts", "checks"):
        assert getattr(encoded, table) == as_tuples(table, rows[table]), table
    assert (encoded.doc_id, encoded.source) == (record["doc_id"], record["source"])
    assert (encoded.n_paragraphs, encoded.n_facts) == (len(rows["paragraphs"]), len(rows["facts"]))
    assert pickle.loads(pickle.dumps(encoded)) == encoded


def dump(db) -> list:
    con = sqlite3.connect(db)
    out = []
    for table in schema.RECORD_TABLES:
        cols = [c.name for c in schema.TABLES[table].columns if c.name != "run_id"]
        out += con.execute(f"SELECT {', '.join(f'typeof({c}), {c}' for c in cols)} FROM {table} "
                           f"ORDER BY {', '.join(c.name for c in schema.TABLES[table].primary_key)}").fetchall()
    con.close()
    return out


@pytest.mark.parametrize("form", [dict, encode_record], ids=["records", "rows"])
def test_a_store_holds_what_sqlalchemy_writes_of_the_dict_rows(tmp_path, form):
    """The same bytes in SQLite as SQLAlchemy's own INSERT of record_to_rows' rows, whichever
    form was written, and the same records read back."""
    with open_store(tmp_path / "ours.sqlite") as store:
        store.start_run()
        for i, record in enumerate(RECORDS):
            store.write(form(record), f"k{i}")
        counts = store.finish_run()
    assert counts["written"] == 3 and counts["duplicates"] == 1  # two_values_per_field reuses make_record(1)'s id
    assert counts["facts"] == 2 + 2 + 0 and counts["paragraphs"] == 1 + 1 + 1
    with open_store(tmp_path / "reference.sqlite") as reference, reference.engine.begin() as conn:
        for record in (RECORDS[0], RECORDS[2], RECORDS[3]):
            for table, rows in schema.record_to_rows(record).items():
                if rows:
                    conn.execute(schema.TABLES[table].insert(), rows)
    assert dump(tmp_path / "ours.sqlite") == dump(tmp_path / "reference.sqlite")
    with open_store(tmp_path / "ours.sqlite", mode="r") as store:
        back = {r["doc_id"]: r for r in store.iter_records()}
    assert back[make_record(1)["doc_id"]] == make_record(1)
    assert back["bare"]["paragraphs"][0]["text"] == "x"


def test_file_stores_refuse_rows(tmp_path):
    with open_store(tmp_path / "x.jsonl") as store:
        assert store.row_encoder is None
        with pytest.raises(TypeError):
            store.write(encode_record(make_record(1)))
    assert isinstance(encode_record(BARE), RowsRecord)
