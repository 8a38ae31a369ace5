"""The SQL behind compare and overview. Everything is aggregated by the database (SQLite or
PostgreSQL); only per-issuer, per-field or per-bin results come back to Python.

One value per field and document comes from the store's ``fact_best`` view (nlp/store/schema.py):
a table cell wins over a prose statement of the same field, an exact figure over an approximate one,
then the earliest fact.
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

from sqlalchemy import bindparam, text

from ..store import SqlStore, StoreError, open_store

BEST_FACTS = "best AS (SELECT doc_id, field, value, unit, source FROM fact_best WHERE value IS NOT NULL {where})"


def open_sql_store(url: str) -> SqlStore:
    """Open a store read-only; compare and overview need SQL (SQLite or PostgreSQL)."""
    store = open_store(url, mode="r")
    if not isinstance(store, SqlStore):
        store.close()
        raise StoreError(f"{url}: compare and overview need an SQLite or PostgreSQL store "
                         "(copy this one into one with: govreport export SRC out.sqlite)")
    from sqlalchemy import inspect

    if "fact_best" not in inspect(store.engine).get_view_names():
        store.close()
        raise StoreError(f"{url}: this store predates the fact_best view; copy it into a new one with: "
                         "govreport export SRC out.sqlite")
    return store


def number(v: Any) -> int | float | None:
    """Database numerics (Decimal in PostgreSQL) as int when whole, else float."""
    if v is None:
        return None
    v = float(v)
    return int(v) if v.is_integer() else v


class Queries:
    def __init__(self, store: SqlStore):
        self.store = store
        self.postgres = store.dialect == "postgresql"

    def _rows(self, sql: str, expanding: Sequence[str] = (), **params: Any) -> list[Any]:
        stmt = text(sql)
        if expanding:
            stmt = stmt.bindparams(*(bindparam(name, expanding=True) for name in expanding))
        with self.store.engine.connect() as conn:
            return list(conn.execute(stmt, params))

    # --- documents ---------------------------------------------------------------------
    def issuer_counts(self) -> list[tuple[str | None, int]]:
        return [(r[0], r[1]) for r in self._rows(
            "SELECT issuer, COUNT(*) FROM documents GROUP BY issuer ORDER BY issuer")]

    def documents(self, issuers: Iterable[str], years: Sequence[int] | None = None) -> list[dict[str, Any]]:
        sql = ("SELECT doc_id, issuer, year, era, title, source, n_paragraphs, n_facts FROM documents "
               "WHERE issuer IN :issuers AND year IS NOT NULL")
        params: dict[str, Any] = {"issuers": list(issuers)}
        expanding = ["issuers"]
        if years:
            sql += " AND year IN :years"
            params["years"] = list(years)
            expanding.append("years")
        sql += " ORDER BY year, n_facts DESC, doc_id"
        return [dict(r._mapping) for r in self._rows(sql, expanding, **params)]

    def count_by(self, column: str) -> list[tuple[Any, int]]:
        if column not in ("year", "era"):
            raise ValueError(column)
        return [(r[0], r[1]) for r in self._rows(
            f"SELECT {column}, COUNT(*) FROM documents GROUP BY {column} ORDER BY {column}")]

    def total_documents(self) -> int:
        return self._rows("SELECT COUNT(*) FROM documents")[0][0]

    # --- facts ---------------------------------------------------------------------------
    def best_values(self, doc_ids: Sequence[str]) -> list[tuple[str, str, Any, str | None, str | None]]:
        """(doc_id, field, value, unit, source), one per field and document."""
        sql = ("WITH " + BEST_FACTS.format(where="AND doc_id IN :ids")
               + " SELECT doc_id, field, value, unit, source FROM best ORDER BY doc_id, field")
        return [(r[0], r[1], number(r[2]), r[3], r[4]) for r in self._rows(sql, ["ids"], ids=list(doc_ids))]

    def field_coverage(self, fields: Sequence[str]) -> dict[str, int]:
        """Documents that state each field."""
        rows = self._rows("SELECT field, COUNT(DISTINCT doc_id) FROM facts WHERE field IN :fields "
                          "AND value IS NOT NULL GROUP BY field", ["fields"], fields=list(fields))
        return {r[0]: r[1] for r in rows}

    def histogram(self, patterns: Sequence[str], edges: Sequence[float]) -> tuple[list[int], int, float]:
        """Per document, the sum of the best values of the fields matching ``patterns``
        (``*`` = any part of an id), binned by ``edges``: (counts per bin, documents, total)."""
        match, params = _field_match(patterns)
        cases = " ".join(f"WHEN v < :e{i + 1} THEN {i}" for i in range(len(edges) - 1))
        params.update({f"e{i}": e for i, e in enumerate(edges)})
        sql = ("WITH " + BEST_FACTS.format(where="") + ", per_doc AS (SELECT doc_id, SUM(value) AS v FROM best "
               f"WHERE {match} GROUP BY doc_id), binned AS (SELECT CASE WHEN v < :e0 THEN -1 {cases} "
               f"ELSE {len(edges) - 1} END AS bin, v FROM per_doc) "
               "SELECT bin, COUNT(*), SUM(v) FROM binned GROUP BY bin ORDER BY bin")
        counts, docs, total = [0] * len(edges), 0, 0.0
        for b, n, s in self._rows(sql, **params):
            if b >= 0:
                counts[b] = n
            docs += n
            total += float(s or 0)
        return counts, docs, total

    # --- checks --------------------------------------------------------------------------
    def failed_checks(self, doc_ids: Sequence[str]) -> list[dict[str, Any]]:
        rows = self._rows("SELECT doc_id, seq, name, fields, detail, left_value, right_value FROM checks "
                          "WHERE ok = :no AND doc_id IN :ids ORDER BY doc_id, seq", ["ids"],
                          ids=list(doc_ids), no=False)
        out = []
        for r in rows:
            d = dict(r._mapping)
            d["fields"] = _json(d["fields"]) or []
            d["left_value"], d["right_value"] = number(d["left_value"]), number(d["right_value"])
            out.append(d)
        return out

    def failed_check_summary(self) -> tuple[int, list[tuple[str, int]]]:
        """Documents with at least one failed check, and documents failing each check name."""
        docs = self._rows("SELECT COUNT(DISTINCT doc_id) FROM checks WHERE ok = :no", no=False)[0][0]
        by_name = self._rows("SELECT name, COUNT(DISTINCT doc_id) AS n FROM checks WHERE ok = :no "
                             "GROUP BY name ORDER BY n DESC, name", no=False)
        return docs, [(r[0], r[1]) for r in by_name]

    # --- paragraphs ----------------------------------------------------------------------
    def label_counts(self, doc_ids: Sequence[str]) -> dict[str, dict[str, int]]:
        """{doc_id: {label: paragraphs carrying it}}."""
        if self.postgres:
            sql = ("SELECT p.doc_id, l.label, COUNT(*) FROM paragraphs p "
                   "CROSS JOIN LATERAL jsonb_array_elements_text(p.labels) AS l(label) "
                   "WHERE jsonb_typeof(p.labels) = 'array' AND p.doc_id IN :ids GROUP BY p.doc_id, l.label")
        else:
            sql = ("SELECT p.doc_id, l.value, COUNT(*) FROM paragraphs p, json_each(p.labels) l "
                   "WHERE p.doc_id IN :ids GROUP BY p.doc_id, l.value")
        out: dict[str, dict[str, int]] = {}
        for doc_id, label, n in self._rows(sql, ["ids"], ids=list(doc_ids)):
            out.setdefault(doc_id, {})[label] = n
        return out

    def labelled_sentences(self, doc_ids: Sequence[str], label: str) -> dict[str, list[str]]:
        """{doc_id: [sentence text, ...]} of the sentences carrying ``label``, in text order."""
        if self.postgres:
            sql = ("SELECT p.doc_id, p.seq, s.ord, s.value->>'text' FROM paragraphs p "
                   "CROSS JOIN LATERAL jsonb_array_elements(p.sentences) WITH ORDINALITY AS s(value, ord) "
                   "WHERE jsonb_typeof(p.sentences) = 'array' AND p.doc_id IN :ids "
                   "AND (s.value->'labels') @> jsonb_build_array(CAST(:label AS text)) "
                   "ORDER BY p.doc_id, p.seq, s.ord")
        else:
            sql = ("SELECT p.doc_id, p.seq, s.key, json_extract(s.value, '$.text') FROM paragraphs p, "
                   "json_each(p.sentences) s WHERE p.doc_id IN :ids AND EXISTS "
                   "(SELECT 1 FROM json_each(s.value, '$.labels') l WHERE l.value = :label) "
                   "ORDER BY p.doc_id, p.seq, s.key")
        out: dict[str, list[str]] = {}
        for doc_id, _seq, _i, sentence in self._rows(sql, ["ids"], ids=list(doc_ids), label=label):
            out.setdefault(doc_id, []).append(sentence)
        return out


def _json(v: Any) -> Any:
    if isinstance(v, str):
        import json

        try:
            return json.loads(v)
        except ValueError:
            return v
    return v


def _field_match(patterns: Sequence[str]) -> tuple[str, dict[str, Any]]:
    """An SQL condition on ``field`` for ids and ``*`` patterns (LIKE, ``_`` escaped)."""
    clauses, params = [], {}
    for i, p in enumerate(patterns):
        if "*" in p:
            like = p.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").replace("*", "%")
            clauses.append(f"field LIKE :f{i} ESCAPE '\\'")
            params[f"f{i}"] = like
        else:
            clauses.append(f"field = :f{i}")
            params[f"f{i}"] = p
    return "(" + (" OR ".join(clauses) or "1 = 0") + ")", params
