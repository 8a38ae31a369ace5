"""One relational schema for every store: SQLAlchemy Core tables (used as is by SQLite and
PostgreSQL, and as the column list and types of the CSV and Parquet stores), and the mapping
between a document record (``Document.to_dict()``) and its rows.

Offsets are called ``char_start``/``char_end`` and a fact's table ``table_id`` so that no
column name is an SQL keyword (``end``, ``table``, ``left``) and queries need no quoting.
"""
from __future__ import annotations

import json
from typing import Any, Iterable

from sqlalchemy import (
    JSON, Boolean, Column, Index, Numeric, Integer, MetaData, String, Table, Text,
)
from sqlalchemy.dialects.postgresql import JSONB

Json = JSON().with_variant(JSONB(), "postgresql")

metadata = MetaData()

documents = Table(
    "documents", metadata,
    Column("doc_id", String(32), primary_key=True),
    Column("source", Text),
    Column("title", Text),
    Column("issuer", Text),
    Column("year", Integer),
    Column("era", String(16)),
    Column("published", String(32)),
    Column("schema_version", String(16)),
    Column("n_paragraphs", Integer),
    Column("n_facts", Integer),
    Column("text", Text),
    Column("sections", Json),
    Column("tables", Json),
    Column("warnings", Json),
    Column("extra", Json),  # record keys this schema does not know, kept so export is lossless
    Column("run_id", String(32)),
    Index("ix_documents_issuer_year", "issuer", "year"),
    Index("ix_documents_year", "year"),
)

paragraphs = Table(
    "paragraphs", metadata,
    Column("doc_id", String(32), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("paragraph_id", String(64)),
    Column("section", String(64)),
    Column("heading", Text),
    Column("text", Text),
    Column("char_start", Integer),
    Column("char_end", Integer),
    Column("labels", Json),
    Column("scores", Json),
    Column("sentences", Json),
)

facts = Table(
    "facts", metadata,
    Column("doc_id", String(32), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("field", String(128)),
    Column("value", Numeric(asdecimal=False)),
    Column("unit", String(32)),
    Column("qualifier", String(32)),
    Column("label", Text),
    Column("subject", Text),
    Column("raw", Text),
    Column("source", String(16)),
    Column("paragraph", String(64)),
    Column("table_id", String(64)),
    Column("char_start", Integer),
    Column("char_end", Integer),
    Column("extra", Json),
    Index("ix_facts_field_doc", "field", "doc_id"),
)

checks = Table(
    "checks", metadata,
    Column("doc_id", String(32), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("name", String(128)),
    Column("ok", Boolean),
    Column("left_value", Numeric(asdecimal=False)),
    Column("right_value", Numeric(asdecimal=False)),
    Column("fields", Json),
    Column("detail", Text),
    Column("extra", Json),
    Index("ix_checks_name", "name", "ok"),
)

# Bookkeeping for resumable runs: one row per input already handled (keyed by path, size and
# mtime, or by container + id + text hash), so a rerun skips it without reading it again.
sources = Table(
    "sources", metadata,
    Column("source_key", String(512), primary_key=True),
    Column("source", Text),
    Column("doc_id", String(32)),
    Column("run_id", String(32)),
)

runs = Table(
    "runs", metadata,
    Column("run_id", String(32), primary_key=True),
    Column("started", String(32)),
    Column("finished", String(32)),
    Column("command", Text),
    Column("counts", Json),
)

failures = Table(
    "failures", metadata,
    Column("run_id", String(32), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("source", Text),
    Column("error", Text),
)

RECORD_TABLES = ("documents", "paragraphs", "facts", "checks")
ALL_TABLES = RECORD_TABLES + ("sources", "runs", "failures")
TABLES = {name: metadata.tables[name] for name in ALL_TABLES}

# Joins each fact with its document's issuer and year: the usual "field X across issuers and
# years" query is one SELECT on it. A report often states one quantity twice, in a table and in
# its prose: fact_values keeps both (see `source`).
FACT_VALUES_VIEW = """
CREATE VIEW fact_values AS
SELECT d.issuer, d.year, d.era, d.title, f.doc_id, f.field, f.value, f.unit, f.qualifier,
       f.subject, f.label, f.source, f.raw, f.char_start, f.char_end
FROM facts f JOIN documents d ON d.doc_id = f.doc_id
"""

# One value per field per document, the same columns: the table's figure over the prose's, an
# exact figure over an approximate one (约, 余 ...), then the first stated. Facts without a
# canonical field are left out.
FACT_BEST_VIEW = """
CREATE VIEW fact_best AS
SELECT issuer, year, era, title, doc_id, field, value, unit, qualifier, subject, label, source, raw,
       char_start, char_end
FROM (
  SELECT d.issuer, d.year, d.era, d.title, f.doc_id, f.field, f.value, f.unit, f.qualifier,
         f.subject, f.label, f.source, f.raw, f.char_start, f.char_end,
         ROW_NUMBER() OVER (PARTITION BY f.doc_id, f.field
                            ORDER BY CASE f.source WHEN 'table' THEN 0 ELSE 1 END,
                                     CASE WHEN f.qualifier IS NULL THEN 0 ELSE 1 END, f.seq) AS preference
  FROM facts f JOIN documents d ON d.doc_id = f.doc_id
  WHERE f.field IS NOT NULL
) ranked
WHERE preference = 1
"""

VIEWS = {"fact_values": FACT_VALUES_VIEW, "fact_best": FACT_BEST_VIEW}

_FACT_KEYS = {"field", "value", "unit", "qualifier", "label", "subject", "raw", "source",
              "paragraph", "table", "start", "end"}
_CHECK_KEYS = {"name", "ok", "left", "right", "fields", "detail"}
_RECORD_KEYS = {"schema_version", "doc_id", "source", "meta", "text", "sections", "paragraphs",
                "tables", "facts", "checks", "warnings"}


def _number(v: Any) -> float | None:
    if v is None or isinstance(v, bool):
        return None if v is None else float(v)
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def _int(v: Any) -> int | None:
    try:
        return None if v is None else int(v)
    except (TypeError, ValueError):
        return None


def _extra(d: dict[str, Any], known: set[str]) -> dict[str, Any] | None:
    rest = {k: v for k, v in d.items() if k not in known}
    if "value" in known and d.get("value") is not None and _number(d["value"]) is None:
        rest["value"] = d["value"]  # a non-numeric value survives in extra
    for k in ("left", "right"):
        if k in known and d.get(k) is not None and _number(d[k]) is None:
            rest[k] = d[k]
    return rest or None


def record_to_rows(record: dict[str, Any], run_id: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """Split one document record into rows for documents, paragraphs, facts and checks.
    Tolerates records without facts, checks, labels or meta."""
    doc_id = record["doc_id"]
    meta = record.get("meta") or {}
    facts_ = record.get("facts") or []
    paras = record.get("paragraphs") or []
    doc = {
        "doc_id": doc_id, "source": record.get("source"), "title": meta.get("title"),
        "issuer": meta.get("issuer"), "year": _int(meta.get("year")),
        "era": meta.get("era"), "published": meta.get("published"),
        "schema_version": record.get("schema_version"), "n_paragraphs": len(paras),
        "n_facts": len(facts_), "text": record.get("text"), "sections": record.get("sections") or [],
        "tables": record.get("tables") or [], "warnings": record.get("warnings") or [],
        "extra": _extra({k: v for k, v in record.items()}, _RECORD_KEYS), "run_id": run_id,
    }
    extra_meta = {k: v for k, v in meta.items() if k not in ("title", "issuer", "year", "era", "published")}
    if meta.get("year") is not None and doc["year"] is None:
        extra_meta["year"] = meta["year"]  # not a number: kept as written
    if extra_meta:
        doc["extra"] = {**(doc["extra"] or {}), "meta": extra_meta}
    return {
        "documents": [doc],
        "paragraphs": [
            {"doc_id": doc_id, "seq": i, "paragraph_id": p.get("id"), "section": p.get("section"),
             "heading": p.get("heading"), "text": p.get("text"), "char_start": p.get("start"),
             "char_end": p.get("end"), "labels": p.get("labels") or [], "scores": p.get("scores") or {},
             "sentences": p.get("sentences") or []}
            for i, p in enumerate(paras)
        ],
        "facts": [
            {"doc_id": doc_id, "seq": i, "field": f.get("field"), "value": _number(f.get("value")),
             "unit": f.get("unit"), "qualifier": f.get("qualifier"), "label": f.get("label"),
             "subject": f.get("subject"), "raw": f.get("raw"), "source": f.get("source"),
             "paragraph": f.get("paragraph"), "table_id": f.get("table"), "char_start": f.get("start"),
             "char_end": f.get("end"), "extra": _extra(f, _FACT_KEYS)}
            for i, f in enumerate(facts_)
        ],
        "checks": [
            {"doc_id": doc_id, "seq": i, "name": c.get("name"), "ok": None if c.get("ok") is None else bool(c["ok"]),
             "left_value": _number(c.get("left")), "right_value": _number(c.get("right")),
             "fields": c.get("fields"), "detail": None if c.get("detail") is None else str(c["detail"]),
             "extra": _extra(c, _CHECK_KEYS)}
            for i, c in enumerate(record.get("checks") or [])
        ],
    }


def _int_if_whole(v: float | None) -> int | float | None:
    return int(v) if isinstance(v, float) and v.is_integer() else v


def rows_to_record(doc: dict[str, Any], paras: Iterable[dict[str, Any]],
                   facts_: Iterable[dict[str, Any]], checks_: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Rebuild the record from its rows (the inverse of :func:`record_to_rows`)."""
    extra = dict(doc.get("extra") or {})
    meta = {"title": doc.get("title"), "issuer": doc.get("issuer"), "year": doc.get("year"),
            "era": doc.get("era"), "published": doc.get("published"), **extra.pop("meta", {})}
    record: dict[str, Any] = {
        "schema_version": doc.get("schema_version"), "doc_id": doc["doc_id"], "source": doc.get("source"),
        "meta": meta, "text": doc.get("text"), "sections": doc.get("sections") or [],
        "paragraphs": [
            {"id": p["paragraph_id"], "section": p.get("section"), "text": p.get("text"),
             "start": p.get("char_start"), "end": p.get("char_end"), "sentences": p.get("sentences") or [],
             "heading": p.get("heading"), "labels": p.get("labels") or [], "scores": p.get("scores") or {}}
            for p in sorted(paras, key=lambda r: r["seq"])
        ],
        "tables": doc.get("tables") or [],
        "facts": [], "checks": [], "warnings": doc.get("warnings") or [],
    }
    for f in sorted(facts_, key=lambda r: r["seq"]):
        fact = {"field": f.get("field"), "label": f.get("label"), "subject": f.get("subject"),
                "value": _int_if_whole(f.get("value")), "unit": f.get("unit"), "qualifier": f.get("qualifier"),
                "raw": f.get("raw"), "source": f.get("source"), "paragraph": f.get("paragraph"),
                "table": f.get("table_id"), "start": f.get("char_start"), "end": f.get("char_end")}
        fact.update(f.get("extra") or {})
        record["facts"].append(fact)
    for c in sorted(checks_, key=lambda r: r["seq"]):
        check = {"name": c.get("name"), "ok": c.get("ok"), "left": _int_if_whole(c.get("left_value")),
                 "right": _int_if_whole(c.get("right_value")), "fields": c.get("fields"), "detail": c.get("detail")}
        check.update(c.get("extra") or {})
        record["checks"].append(check)
    record.update(extra)
    return record


def json_columns(table: str) -> set[str]:
    return {c.name for c in TABLES[table].columns if isinstance(c.type, JSON)}


def python_type(column: Column) -> type:
    """The Python type a file store converts a column's text back to."""
    t = column.type
    if isinstance(t, JSON):
        return dict
    if isinstance(t, Boolean):
        return bool
    if isinstance(t, Integer):
        return int
    if isinstance(t, Numeric):
        return float
    return str


def dump_json(v: Any) -> str | None:
    return None if v is None else json.dumps(v, ensure_ascii=False)
