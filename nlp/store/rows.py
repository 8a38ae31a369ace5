"""A document record as the rows of the SQL schema (:mod:`nlp.store.schema`), built where it
is cheapest: in the worker process that tagged it, so that the process writing the store only
inserts. Plain Python, no SQLAlchemy: worker processes and the file stores import it too.
"""
from __future__ import annotations

import json
from typing import Any, NamedTuple

FACT_KEYS = {"field", "value", "unit", "qualifier", "label", "subject", "raw", "source",
              "paragraph", "table", "start", "end"}
CHECK_KEYS = {"name", "ok", "left", "right", "fields", "detail"}
META_COLUMNS = {"title", "issuer", "year", "era", "published"}
RECORD_KEYS = {"schema_version", "doc_id", "source", "meta", "text", "sections", "paragraphs",
                "tables", "facts", "checks", "warnings"}


def as_number(v: Any) -> float | None:
    if v is None or isinstance(v, bool):
        return None if v is None else float(v)
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def as_int(v: Any) -> int | None:
    try:
        return None if v is None else int(v)
    except (TypeError, ValueError):
        return None


def extra_fields(d: dict[str, Any], known: set[str]) -> dict[str, Any] | None:
    rest = {k: v for k, v in d.items() if k not in known}
    if "value" in known and d.get("value") is not None and as_number(d["value"]) is None:
        rest["value"] = d["value"]  # a non-numeric value survives in extra
    for k in ("left", "right"):
        if k in known and d.get(k) is not None and as_number(d[k]) is None:
            rest[k] = d[k]
    return rest or None


class RowsRecord(NamedTuple):
    """A document record as the rows of its four tables, in column order, JSON columns already
    JSON text, the documents row without its ``run_id``: what a worker process sends an SQL
    store, so the process that writes it only inserts (tuples of strings and numbers also
    pickle several times faster than the nested record)."""
    doc_id: str
    source: str | None
    n_paragraphs: int
    n_facts: int
    document: tuple[Any, ...]
    paragraphs: list[tuple[Any, ...]]
    facts: list[tuple[Any, ...]]
    checks: list[tuple[Any, ...]]


_json_text = json.JSONEncoder(ensure_ascii=False).encode  # what json.dumps(v, ensure_ascii=False) gives


def _js(v: Any) -> str:
    """A JSON column's text, as SQLAlchemy's JSON type writes it (None is JSON ``null``)."""
    return "null" if v is None else _json_text(v)


def encode_record(record: dict[str, Any]) -> RowsRecord:
    """:func:`record_to_rows` as tuples in each table's column order, JSON columns encoded
    (``tests/test_store_rows.py`` holds the two to the same rows)."""
    doc_id = record["doc_id"]
    meta = record.get("meta") or {}
    facts_ = record.get("facts") or []
    paras = record.get("paragraphs") or []
    year = meta.get("year")
    extra = extra_fields(record, RECORD_KEYS)
    extra_meta = {k: v for k, v in meta.items() if k not in META_COLUMNS}
    if year is not None and as_int(year) is None:
        extra_meta["year"] = year  # not a number: kept as written
    if extra_meta:
        extra = {**(extra or {}), "meta": extra_meta}
    document = (doc_id, record.get("source"), meta.get("title"), meta.get("issuer"), as_int(year), meta.get("era"),
                meta.get("published"), record.get("schema_version"), len(paras), len(facts_), record.get("text"),
                _js(record.get("sections") or []), _js(record.get("tables") or []),
                _js(record.get("warnings") or []), _js(extra))
    paragraphs_ = [(doc_id, i, p.get("id"), p.get("section"), p.get("heading"), p.get("text"), p.get("start"),
                    p.get("end"), _js(p.get("labels") or []), _js(p.get("scores") or {}),
                    _js(p.get("sentences") or []))
                   for i, p in enumerate(paras)]
    fact_rows = []
    for i, f in enumerate(facts_):
        value = f.get("value")
        number = as_number(value)
        fact_rows.append((doc_id, i, f.get("field"), number, f.get("unit"), f.get("qualifier"), f.get("label"),
                          f.get("subject"), f.get("raw"), f.get("source"), f.get("paragraph"), f.get("table"),
                          f.get("start"), f.get("end"),
                          "null" if f.keys() <= FACT_KEYS and (number is not None or value is None)
                          else _js(extra_fields(f, FACT_KEYS))))
    check_rows = [(doc_id, i, c.get("name"), None if c.get("ok") is None else bool(c["ok"]),
                   as_number(c.get("left")), as_number(c.get("right")), _js(c.get("fields")),
                   None if c.get("detail") is None else str(c["detail"]), _js(extra_fields(c, CHECK_KEYS)))
                  for i, c in enumerate(record.get("checks") or [])]
    return RowsRecord(doc_id, record.get("source"), len(paras), len(facts_), document, paragraphs_, fact_rows,
                      check_rows)


def doc_key(record: dict[str, Any] | RowsRecord) -> tuple[str, str | None]:
    """(doc_id, source) of a record in either form."""
    if isinstance(record, RowsRecord):
        return record.doc_id, record.source
    return record["doc_id"], record.get("source")


def sizes(record: dict[str, Any] | RowsRecord) -> tuple[int, int]:
    """(paragraphs, facts) of a record in either form."""
    if isinstance(record, RowsRecord):
        return record.n_paragraphs, record.n_facts
    return len(record.get("paragraphs") or []), len(record.get("facts") or [])
