"""SQLite (the embedded default) and PostgreSQL stores: one SQLAlchemy Core schema, one
transaction per batch of documents."""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import create_engine, event, func, inspect, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from . import schema
from .base import Batch, Store, StoreError
from .files import make_parent

log = logging.getLogger(__name__)


def engine_url(url: str) -> str:
    """A store URL or SQLite path as an SQLAlchemy URL (``postgresql://`` uses psycopg 3)."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" in url:
        return url
    return "sqlite:///" + str(Path(url).expanduser().resolve())


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


class SqlStore(Store):
    def __init__(self, url: str, mode: str = "a", batch_size: int | None = None):
        super().__init__(url, mode, batch_size)
        try:
            sa_url = make_url(engine_url(url))
        except ArgumentError as e:
            raise StoreError(f"{url}: not a database URL ({e})") from None
        self.dialect = sa_url.get_backend_name()
        if self.dialect == "sqlite":
            db = Path(sa_url.database or "")
            if mode == "r" and not db.is_file():
                raise StoreError(f"{db}: no such SQLite store")
            if mode == "a":
                make_parent(db)
        try:
            self.engine: Engine = create_engine(sa_url, json_serializer=_dumps, future=True)
        except (ImportError, SQLAlchemyError) as e:
            raise StoreError(f"{self._safe_url()}: cannot open database ({e})") from None
        if self.dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            if mode == "a":
                self._create_schema()
            elif not inspect(self.engine).has_table("documents"):
                raise StoreError(f"{self._safe_url()}: not a govreport store (no documents table)")
        except SQLAlchemyError as e:
            raise StoreError(f"{self._safe_url()}: cannot open database: {_short(e)}") from None

    def _safe_url(self) -> str:
        try:
            return make_url(engine_url(self.url)).render_as_string(hide_password=True)
        except ArgumentError:
            return self.url

    def _create_schema(self) -> None:
        schema.metadata.create_all(self.engine)
        if "fact_values" not in inspect(self.engine).get_view_names():
            with self.engine.begin() as conn:
                conn.execute(text(schema.FACT_VALUES_VIEW))

    # --- reading ------------------------------------------------------------------------
    def _load_ids(self) -> Iterator[str]:
        with self.engine.connect() as conn:
            yield from conn.execute(select(schema.documents.c.doc_id)).scalars()

    def _load_source_keys(self) -> Iterator[str]:
        with self.engine.connect() as conn:
            yield from conn.execute(select(schema.sources.c.source_key)).scalars()

    def count(self, table: str) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(schema.TABLES[table])).scalar_one()

    def iter_records(self, chunk: int = 200) -> Iterator[dict[str, Any]]:
        docs, last = schema.documents, ""
        while True:
            with self.engine.connect() as conn:
                rows = [dict(r._mapping) for r in conn.execute(
                    select(docs).where(docs.c.doc_id > last).order_by(docs.c.doc_id).limit(chunk))]
                if not rows:
                    return
                ids = [r["doc_id"] for r in rows]
                children = {}
                for name in ("paragraphs", "facts", "checks"):
                    t = schema.TABLES[name]
                    grouped: dict[str, list[dict[str, Any]]] = {}
                    for r in conn.execute(select(t).where(t.c.doc_id.in_(ids))):
                        grouped.setdefault(r.doc_id, []).append(dict(r._mapping))
                    children[name] = grouped
            for d in rows:
                yield schema.rows_to_record(d, *(children[n].get(d["doc_id"], []) for n in ("paragraphs", "facts", "checks")))
            last = ids[-1]

    # --- writing ------------------------------------------------------------------------
    def _run_started(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(schema.runs.insert(), [self._run])

    def _commit(self, batch: Batch) -> None:
        try:
            self._commit_rows(batch, batch.records)
        except SQLAlchemyError as e:
            if not batch.records:
                raise StoreError(f"{self._safe_url()}: write failed: {_short(e)}") from None
            # One bad record must not lose the others: retry them one by one.
            log.warning("batch commit failed (%s); retrying documents one by one", _short(e))
            self._commit_one_by_one(batch)

    def _commit_one_by_one(self, batch: Batch) -> None:
        by_doc = {}
        for s in batch.sources:
            by_doc.setdefault(s["doc_id"], []).append(s)
        for record in batch.records:
            single = Batch(records=[record], sources=by_doc.pop(record["doc_id"], []))
            try:
                self._commit_rows(single, single.records)
            except SQLAlchemyError as e:
                self._ids.discard(record["doc_id"])
                for s in single.sources:
                    self._source_keys.discard(s["source_key"])
                self._failure_seq += 1
                batch.failures.append({"run_id": self.run_id or "", "seq": self._failure_seq,
                                       "source": str(record.get("source")),
                                       "error": f"cannot store document: {_short(e)}"})
        rest = Batch(sources=[s for group in by_doc.values() for s in group],
                     failures=batch.failures, runs=batch.runs)
        self._commit_rows(rest, [])

    def _commit_rows(self, batch: Batch, records: list[dict[str, Any]]) -> None:
        tables: dict[str, list[dict[str, Any]]] = {n: [] for n in schema.RECORD_TABLES}
        for record in records:
            for name, rows in schema.record_to_rows(record, self.run_id).items():
                tables[name].extend(rows)
        with self.engine.begin() as conn:
            for name in schema.RECORD_TABLES:
                if tables[name]:
                    conn.execute(schema.TABLES[name].insert(), tables[name])
            if batch.sources:
                conn.execute(schema.sources.insert(), batch.sources)
            if batch.failures:
                conn.execute(schema.failures.insert(), batch.failures)
            for run in batch.runs:
                r = schema.runs
                done = conn.execute(r.update().where(r.c.run_id == run["run_id"]).values(
                    finished=run["finished"], counts=run["counts"])).rowcount
                if not done:
                    conn.execute(r.insert(), [run])

    def close(self) -> None:
        super().close()
        self.engine.dispose()


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL: readers never block the writer; NORMAL sync is still atomic and safe against a
    # killed process (only an OS crash can lose the last committed transactions).
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _short(e: BaseException) -> str:
    return str(getattr(e, "orig", None) or e).splitlines()[0][:300]
