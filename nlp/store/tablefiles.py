"""Shared logic of the stores that keep the relational schema as files (CSV, Parquet): one
directory, one set of rows per table, and ``_commit.json``, the single file whose atomic
replacement commits a batch (with the current run's counts so far). ``_lock`` inside the
directory is the writer lock while a run writes.

Whatever a killed or failed writer left beyond the last commit is discarded (by the next writer,
or at once by the failed one); a run killed between commits gets its record from the counts of
its last commit."""
from __future__ import annotations

import contextlib
import copy
import json
import os
import shutil
from pathlib import Path
from typing import Any, Iterable, Iterator

from . import schema
from .base import Batch, Store, StoreError, os_error
from .files import atomic_write_json, make_parent, remove_empty_dirs
from .lock import WriterLock

LOCK_NAME = "_lock"


class TableFileStore(Store):
    kind = "tables"

    def __init__(self, url: str, mode: str = "a", batch_size: int | None = None, wait: bool = False):
        super().__init__(url, mode, batch_size, wait)
        self.dir = Path(url).expanduser()
        self.commit_path = self.dir / "_commit.json"
        self._lock: WriterLock | None = None
        self._created_dirs: list[Path] = []
        self._new = False  # created by this writer
        if mode == "r":
            if not self.commit_path.is_file():
                self._check_not_foreign()
                raise StoreError(f"{self.dir}: no such {self.kind} store (no _commit.json)")
            self.state = self._read_state()
            return
        self._check_not_foreign()  # before creating anything
        self._created_dirs = make_parent(self.dir)
        try:
            with contextlib.suppress(FileExistsError):
                self.dir.mkdir()
                self._created_dirs.insert(0, self.dir)
            self._lock = WriterLock(self.dir / LOCK_NAME, str(self.dir), wait).acquire()
            if self.commit_path.is_file():
                self.state = self._read_state()
                self._discard_uncommitted()
                self._finish_killed_run()
            else:
                self._create()
        except OSError as e:
            self._release()
            raise os_error(self.dir, e, "cannot open") from None
        except BaseException:
            self._release()
            raise

    def _check_not_foreign(self) -> None:
        if not (self.dir.exists() or self.dir.is_symlink()):
            return
        if not self.dir.is_dir():
            raise StoreError(f"{self.dir}: exists and is not a govreport {self.kind} store (a file, "
                             "not a directory)")
        if self.commit_path.exists() and not self.commit_path.is_file():
            raise StoreError(f"{self.commit_path}: not a file; {self.dir} is not a govreport {self.kind} store")
        try:
            foreign = set(os.listdir(self.dir)) - {LOCK_NAME}
        except OSError as e:
            raise os_error(self.dir, e, "cannot read") from None
        if foreign and not self.commit_path.exists():
            raise StoreError(f"{self.dir}: exists and is not a govreport {self.kind} store")

    def _read_state(self) -> dict[str, Any]:
        try:
            state = json.loads(self.commit_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise StoreError(f"{self.commit_path}: unreadable ({e})") from None
        if not isinstance(state, dict) or state.get("kind") != self.kind:
            kind = state.get("kind") if isinstance(state, dict) else None
            raise StoreError(f"{self.dir}: a {kind} store, not {self.kind}")
        return state

    def _create(self) -> None:
        self._check_not_foreign()  # again, now that no other writer can be creating it
        try:
            self.state = self._initial_state()
            atomic_write_json(self.commit_path, self.state)
        except BaseException:
            self._remove_contents()
            raise
        self._new = True

    def _remove_contents(self) -> None:
        """Delete a store this writer created (the directory held nothing else: see the check)."""
        for entry in os.listdir(self.dir):
            if entry != LOCK_NAME:
                path = self.dir / entry
                with contextlib.suppress(OSError):
                    shutil.rmtree(path) if path.is_dir() else path.unlink()

    def _finish_killed_run(self) -> None:
        """A writer killed mid-run left its run's counts as of its last commit: record them."""
        run = self.state.get("run")
        if run:
            run["counts"] = {**(run.get("counts") or {}), "interrupted": True}
            self._commit(Batch(runs=[run]))

    # backends implement these
    def _initial_state(self) -> dict[str, Any]:
        raise NotImplementedError

    def _discard_uncommitted(self) -> None:
        raise NotImplementedError

    def _append(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        """Write the rows durably and update ``self.state``; the caller commits it."""
        raise NotImplementedError

    def _table_rows(self, table: str, columns: list[str] | None = None) -> Iterator[dict[str, Any]]:
        raise NotImplementedError

    # common logic
    def iter_rows(self, table: str, columns: list[str] | None = None) -> Iterator[dict[str, Any]]:
        yield from self._table_rows(table, columns)
        if table == "runs" and self.state.get("run"):  # a run still writing, or killed
            run = self.state["run"]
            yield {c: run.get(c) for c in columns} if columns else dict(run)

    def _commit(self, batch: Batch) -> list[dict[str, Any]]:
        tables: dict[str, list[dict[str, Any]]] = {n: [] for n in schema.ALL_TABLES}
        for record in batch.records:
            for name, rows in schema.record_to_rows(record, self.run_id).items():
                tables[name].extend(rows)
        tables["sources"] = batch.sources
        tables["failures"] = batch.failures
        tables["runs"] = batch.runs
        before = copy.deepcopy(self.state)
        try:
            self._append({k: v for k, v in tables.items() if v})
            self.state["run"] = self._progress(batch, batch.records)
            atomic_write_json(self.commit_path, self.state)
        except BaseException:
            self.state = before
            with contextlib.suppress(OSError, StoreError):
                self._discard_uncommitted()
            raise
        return batch.records

    def _load_ids(self) -> Iterator[str]:
        for r in self.iter_rows("documents", ["doc_id"]):
            yield r["doc_id"]

    def _load_source_keys(self) -> Iterator[str]:
        for r in self.iter_rows("sources", ["source_key"]):
            yield r["source_key"]

    def count(self, table: str) -> int:
        return sum(1 for _ in self.iter_rows(table, [schema.TABLES[table].c[0].name]))

    def iter_records(self) -> Iterator[dict[str, Any]]:
        children = {n: self.iter_rows(n) for n in ("paragraphs", "facts", "checks")}
        yield from merge_children(self.iter_rows("documents"), children)

    def _release(self) -> None:
        if self._new and self._failed is not None and self.commits == 0 and self._lock is not None:
            self._remove_contents()  # nothing could be stored: leave nothing behind
        if self._lock is not None:
            self._lock.release()
            self._lock = None
        remove_empty_dirs(self._created_dirs)


def merge_children(docs: Iterable[dict[str, Any]], children: dict[str, Iterator[dict[str, Any]]]) -> Iterator[dict[str, Any]]:
    """Rebuild records from documents and child rows stored in the same document order."""
    heads = {n: next(it, None) for n, it in children.items()}
    for d in docs:
        groups: dict[str, list[dict[str, Any]]] = {}
        for n, it in children.items():
            rows = groups.setdefault(n, [])
            while heads[n] is not None and heads[n]["doc_id"] == d["doc_id"]:
                rows.append(heads[n])
                heads[n] = next(it, None)
        yield schema.rows_to_record(d, groups["paragraphs"], groups["facts"], groups["checks"])
