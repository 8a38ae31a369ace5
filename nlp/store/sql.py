"""SQLite (the embedded default) and PostgreSQL stores: one SQLAlchemy Core schema, one
transaction per batch of documents.

Concurrent writers (two runs, or the workers of a distributed engine) share a database safely:
documents are inserted with ``ON CONFLICT (doc_id) DO NOTHING`` and only the documents a
transaction really inserted get their paragraphs, facts and checks; source keys are inserted the
same way; rows are inserted in key order so that two PostgreSQL transactions cannot deadlock, and
a transaction the server aborts (deadlock, serialization, SQLite busy) is retried. The run's
counts are updated in the same transaction as its documents.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import time
from pathlib import Path
from typing import Any, Callable, Iterator

from sqlalchemy import create_engine, event, func, inspect, select, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from . import schema
from .base import Batch, Store, StoreError
from .files import make_parent, remove_empty_dirs

log = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 60  # SQLite: how long a writer waits for another one's transaction
RETRIES = 5
MIN_FREE_BYTES = 256 * 1024  # room for SQLite's -wal and -shm files (32 KiB) and a transaction


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
    def __init__(self, url: str, mode: str = "a", batch_size: int | None = None, wait: bool = False):
        super().__init__(url, mode, batch_size, wait)  # no writer lock: see the module docstring
        try:
            sa_url = make_url(engine_url(url))
        except ArgumentError as e:
            raise StoreError(f"{url}: not a database URL ({e})") from None
        self.dialect = sa_url.get_backend_name()
        self.db: Path | None = None
        self._new_file = False
        self._opened = False
        self._created_dirs: list[Path] = []
        connect_args = {}
        if self.dialect == "sqlite":
            self.db = Path(sa_url.database or "")
            self._check_sqlite_file(mode)
            if mode == "a" and not self.db.exists():
                self._created_dirs = make_parent(self.db)
                self._create_file()
            connect_args = {"timeout": BUSY_TIMEOUT_S}
        try:
            self.engine: Engine = create_engine(sa_url, json_serializer=_dumps, future=True, connect_args=connect_args)
        except (ImportError, SQLAlchemyError) as e:
            raise StoreError(f"{self._safe_url()}: cannot open database ({e})") from None
        if self.dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            self._check_tables()
            if mode == "a":
                self._create_schema()
        except SQLAlchemyError as e:
            self._release()
            raise StoreError(f"{self._safe_url()}: cannot open database: {_short(e)}") from None
        except BaseException:
            self._release()
            raise
        self._opened = True

    def _create_file(self) -> None:
        """Create the empty database file here, so that an unwritable folder gets the OS's reason."""
        try:
            os.close(os.open(self.db, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
        except FileExistsError:
            return  # another writer created it just now
        except OSError as e:
            remove_empty_dirs(self._created_dirs)
            raise StoreError(f"{self.db}: cannot create the database ({e.strerror or e})") from None
        self._new_file = True

    def _check_sqlite_file(self, mode: str) -> None:
        db = self.db
        if db.is_dir():
            raise StoreError(f"{db}: is a directory, not an SQLite database")
        free = _free_bytes(db.parent)
        if mode == "a" and free < MIN_FREE_BYTES:
            # SQLite would fail with "disk I/O error" and leave its -wal and -shm files behind
            raise StoreError(f"{db}: cannot write (No space left on device: {free // 1024} KiB free)")
        if not db.exists():
            if mode == "r":
                raise StoreError(f"{db}: no such SQLite store")
            return
        try:
            with open(db, "rb") as f:
                head = f.read(20)
        except OSError as e:
            raise StoreError(f"{db}: cannot read ({e.strerror or e})") from None
        if head and not head.startswith(SQLITE_MAGIC):
            raise StoreError(f"{db}: exists and is not an SQLite database")
        if head[18:19] == b"\x01":
            # Not in WAL mode (every store is): look before the engine connects, as its WAL
            # pragma would change the file. Read-only, this creates nothing beside it.
            try:
                con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
                try:
                    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                    have = {r[1] for r in con.execute("PRAGMA table_info(documents)")}
                finally:
                    con.close()
            except sqlite3.Error as e:
                raise StoreError(f"{db}: cannot read the database ({e})") from None
            self._check_names(names, have)

    def _check_names(self, names: set[str], have: set[str]) -> None:
        """Never add tables to a database that holds something else (a foreign SQLite file), nor
        read or write a ``documents`` table that is not ours."""
        if "documents" in names:
            missing = {c.name for c in schema.documents.columns} - have
            if missing:
                raise StoreError(f"{self._safe_url()}: its documents table is not a govreport one "
                                 f"(no column {', '.join(sorted(missing))})")
        elif self.mode == "r":
            raise StoreError(f"{self._safe_url()}: not a govreport store (no documents table)")
        elif self.dialect == "sqlite" and names:
            raise StoreError(f"{self.db}: an SQLite database that is not a govreport store "
                             f"(tables: {', '.join(sorted(names)[:5])})")

    def _check_tables(self) -> None:
        insp = inspect(self.engine)
        names = set(insp.get_table_names())
        have = {c["name"] for c in insp.get_columns("documents")} if "documents" in names else set()
        self._check_names(names, have)

    def _safe_url(self) -> str:
        if self.db is not None:
            return str(self.db)
        try:
            return make_url(engine_url(self.url)).render_as_string(hide_password=True)
        except ArgumentError:
            return self.url

    def _create_schema(self) -> None:
        def create(conn: Connection) -> None:
            schema.metadata.create_all(conn)
            views = set(inspect(conn).get_view_names())
            for name, sql in schema.VIEWS.items():
                if name not in views:
                    conn.execute(text(sql))
        # Two runs creating one store at once: the loser's CREATE fails; retried, it finds the tables.
        self._transaction(create, retry_on=SQLAlchemyError)

    def _transaction(self, fn: Callable[[Connection], Any], retry_on: type[BaseException] = OperationalError) -> Any:
        for attempt in range(RETRIES):
            try:
                with self.engine.begin() as conn:
                    return fn(conn)
            except retry_on as e:
                if attempt == RETRIES - 1 or not _transient(e, retry_on is not OperationalError):
                    raise
                time.sleep(0.05 * 2 ** attempt)

    # --- reading ------------------------------------------------------------------------
    def _load_ids(self) -> Iterator[str]:
        with self.engine.connect() as conn:
            yield from conn.execute(select(schema.documents.c.doc_id)).scalars()

    def _load_source_keys(self) -> Iterator[str]:
        with self.engine.connect() as conn:
            yield from conn.execute(select(schema.sources.c.source_key)).scalars()

    def iter_rows(self, table: str) -> Iterator[dict[str, Any]]:
        """The rows of one table, as dicts (JSON columns decoded)."""
        with self.engine.connect() as conn:
            for r in conn.execute(select(schema.TABLES[table])):
                yield dict(r._mapping)

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
    def _commit(self, batch: Batch) -> list[dict[str, Any]]:
        try:
            return self._transaction(lambda conn: self._commit_rows(conn, batch, batch.records))
        except OperationalError as e:  # disk full, server gone, locked for too long
            raise StoreError(f"{self._safe_url()}: write failed: {_short(e)}") from None
        except SQLAlchemyError as e:
            if not batch.records:
                raise StoreError(f"{self._safe_url()}: write failed: {_short(e)}") from None
            # One bad record must not lose the others: retry them one by one.
            log.warning("batch commit failed (%s); retrying documents one by one", _short(e))
            return self._commit_one_by_one(batch)

    def _commit_one_by_one(self, batch: Batch) -> list[dict[str, Any]]:
        by_doc: dict[str, list[dict[str, Any]]] = {}
        for s in batch.sources:
            by_doc.setdefault(s["doc_id"], []).append(s)
        stored: list[dict[str, Any]] = []
        for record in batch.records:
            single = Batch(records=[record], sources=by_doc.pop(record["doc_id"], []))
            try:
                stored += self._transaction(lambda conn: self._commit_rows(conn, single, single.records, progress=False))
            except OperationalError as e:
                raise StoreError(f"{self._safe_url()}: write failed: {_short(e)}") from None
            except SQLAlchemyError as e:
                self._ids.discard(record["doc_id"])
                for s in single.sources:
                    self._source_keys.discard(s["source_key"])
                self._failure_seq += 1
                batch.failures.append({"run_id": self.run_id or "", "seq": self._failure_seq,
                                       "source": str(record.get("source")),
                                       "error": f"cannot store document: {_short(e)}"})
        rest = Batch(sources=[s for group in by_doc.values() for s in group], failures=batch.failures,
                     runs=batch.runs)
        try:
            # The progress row counts the whole batch: the documents stored above and the rest.
            self._transaction(lambda conn: self._commit_rows(conn, rest, [], progress_for=(batch, stored)))
        except SQLAlchemyError as e:
            raise StoreError(f"{self._safe_url()}: write failed: {_short(e)}") from None
        return stored

    def _insert(self, conn: Connection, table: str, rows: list[dict[str, Any]], key: list[str] | None = None,
                returning: str | None = None) -> list[Any]:
        """INSERT rows; with ``key``, rows whose key exists are skipped (``ON CONFLICT DO NOTHING``);
        with ``returning``, the values of that column in the rows inserted."""
        t = schema.TABLES[table]
        if key is None:
            conn.execute(t.insert(), rows)
            return []
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        stmt = insert(t).on_conflict_do_nothing(index_elements=key)
        if returning is None:
            conn.execute(stmt, rows)
            return []
        return list(conn.execute(stmt.returning(t.c[returning]), rows).scalars())

    def _commit_rows(self, conn: Connection, batch: Batch, records: list[dict[str, Any]], progress: bool = True,
                     progress_for: tuple[Batch, list[dict[str, Any]]] | None = None) -> list[dict[str, Any]]:
        # Key order: two transactions take their row locks in the same order, so neither waits
        # for the other while holding what the other waits for.
        records = sorted(records, key=lambda r: r["doc_id"])
        tables: dict[str, list[dict[str, Any]]] = {n: [] for n in schema.RECORD_TABLES}
        for record in records:
            for name, rows in schema.record_to_rows(record, self.run_id).items():
                tables[name].extend(rows)
        stored = records
        if records:
            new = set(self._insert(conn, "documents", tables["documents"], ["doc_id"], returning="doc_id"))
            stored = [r for r in records if r["doc_id"] in new]  # a concurrent writer stored the rest
            for name in schema.RECORD_TABLES[1:]:
                rows = [r for r in tables[name] if r["doc_id"] in new]
                if rows:
                    self._insert(conn, name, rows)
        if batch.sources:
            self._insert(conn, "sources", sorted(batch.sources, key=lambda s: s["source_key"]), ["source_key"])
        if batch.failures:
            self._insert(conn, "failures", batch.failures)
        runs = list(batch.runs)
        if progress:
            row = self._progress(*(progress_for or (batch, stored)))
            if row is not None:
                runs.append(row)
        for run in runs:
            r = schema.runs
            done = conn.execute(r.update().where(r.c.run_id == run["run_id"]).values(
                finished=run["finished"], counts=run["counts"])).rowcount
            if not done:
                conn.execute(r.insert(), [run])
        return stored

    def _release(self) -> None:
        discard = self._new_file and self.commits == 0 and (self._failed is not None or not self._opened)
        if discard and hasattr(self, "engine"):
            discard = self._holds_nothing()
        if hasattr(self, "engine"):
            self.engine.dispose()
        if discard:  # an SQLite file this writer created, and it could store nothing: remove it
            for suffix in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(OSError):
                    Path(f"{self.db}{suffix}").unlink(missing_ok=True)
        remove_empty_dirs(self._created_dirs)

    def _holds_nothing(self) -> bool:
        """No documents and no other run's record: nobody else wrote to the new file meanwhile."""
        try:
            with self.engine.connect() as conn:
                if not inspect(conn).has_table("documents"):
                    return True
                docs = conn.execute(select(func.count()).select_from(schema.documents)).scalar_one()
                runs = conn.execute(select(schema.runs.c.run_id)).scalars().all()
        except SQLAlchemyError:
            return False
        return docs == 0 and set(runs) <= {self.run_id}


def _free_bytes(folder: Path) -> int:
    while not folder.exists() and folder != folder.parent:  # a folder still to be created
        folder = folder.parent
    try:
        st = os.statvfs(folder)
    except OSError:
        return MIN_FREE_BYTES  # cannot tell: let SQLite try
    return st.f_bavail * st.f_frsize


def _transient(e: BaseException, creating: bool) -> bool:
    """Worth retrying: a deadlock or serialization failure, SQLite busy, or (while creating
    the schema) a table or view another writer has just created."""
    orig = getattr(e, "orig", None)
    if getattr(orig, "sqlstate", None) in ("40P01", "40001"):
        return True
    if isinstance(orig, sqlite3.OperationalError) and "locked" in str(orig):
        return True
    return creating and "exist" in str(orig or e).lower()


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL: readers never block the writer; NORMAL sync is still atomic and safe against a
    # killed process (only an OS crash can lose the last committed transactions).
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _short(e: BaseException) -> str:
    return str(getattr(e, "orig", None) or e).splitlines()[0][:300]
