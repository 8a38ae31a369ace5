"""Shared logic of the stores that keep the relational schema as files (CSV, Parquet): one
directory, one set of rows per table, and ``_commit.json``, the single file whose atomic
replacement commits a batch. Whatever a killed writer left beyond the last commit is
discarded when the store is opened again."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Iterator

from . import schema
from .base import Batch, Store, StoreError
from .files import atomic_write_json, make_parent


class TableFileStore(Store):
    kind = "tables"

    def __init__(self, url: str, mode: str = "a", batch_size: int | None = None):
        super().__init__(url, mode, batch_size)
        self.dir = Path(url).expanduser()
        self.commit_path = self.dir / "_commit.json"
        if self.commit_path.is_file():
            try:
                self.state = json.loads(self.commit_path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as e:
                raise StoreError(f"{self.commit_path}: unreadable ({e})") from None
            if self.state.get("kind") != self.kind:
                raise StoreError(f"{self.dir}: a {self.state.get('kind')} store, not {self.kind}")
            if mode == "a":
                self._discard_uncommitted()
        elif mode == "r":
            raise StoreError(f"{self.dir}: no such {self.kind} store (no _commit.json)")
        elif self.dir.exists() and (not self.dir.is_dir() or any(self.dir.iterdir())):
            raise StoreError(f"{self.dir}: exists and is not a govreport {self.kind} store")
        else:
            make_parent(self.dir)
            self.dir.mkdir(exist_ok=True)
            self.state = self._initial_state()
            atomic_write_json(self.commit_path, self.state)

    # backends implement these
    def _initial_state(self) -> dict[str, Any]:
        raise NotImplementedError

    def _discard_uncommitted(self) -> None:
        raise NotImplementedError

    def _append(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        """Write the rows durably and update ``self.state``; the caller commits it."""
        raise NotImplementedError

    def iter_rows(self, table: str, columns: list[str] | None = None) -> Iterator[dict[str, Any]]:
        raise NotImplementedError

    # common logic
    def _commit(self, batch: Batch) -> None:
        tables: dict[str, list[dict[str, Any]]] = {n: [] for n in schema.ALL_TABLES}
        for record in batch.records:
            for name, rows in schema.record_to_rows(record, self.run_id).items():
                tables[name].extend(rows)
        tables["sources"] = batch.sources
        tables["failures"] = batch.failures
        tables["runs"] = batch.runs
        self._append({k: v for k, v in tables.items() if v})
        atomic_write_json(self.commit_path, self.state)

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
