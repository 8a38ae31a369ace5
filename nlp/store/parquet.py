"""Parquet store: a directory (``reports.parquet/``) with one sub-directory per table, each
holding one part file per committed batch (``facts/part-00007.parquet``), readable as one
dataset by pyarrow, pandas, DuckDB or Spark. JSON columns (labels, scores, sections ...) hold
JSON text.

A batch's part files are written under temporary names, renamed, and then listed in
``_commit.json`` (atomically replaced); part files not listed there (left by a killed run) are
deleted when the store is opened again."""
from __future__ import annotations

import json
import os
from typing import Any, Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from . import schema
from .base import StoreError
from .files import fsync_dir
from .tablefiles import TableFileStore, merge_children

_ARROW = {int: pa.int64(), float: pa.float64(), bool: pa.bool_(), str: pa.string(), dict: pa.string()}


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([(c.name, _ARROW[schema.python_type(c)]) for c in schema.TABLES[table].columns])


class ParquetStore(TableFileStore):
    kind = "parquet"
    default_batch_size = 256  # fewer, larger part files

    def _initial_state(self) -> dict[str, Any]:
        return {"kind": self.kind, "next": 1, "parts": {n: [] for n in schema.ALL_TABLES}}

    def _discard_uncommitted(self) -> None:
        for name in schema.ALL_TABLES:
            d = self.dir / name
            if not d.is_dir():
                continue
            keep = {f"part-{n:05d}.parquet" for n in self.state["parts"].get(name, [])}
            for f in d.iterdir():
                if f.name not in keep:
                    f.unlink()

    def _append(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        n = self.state["next"]
        for name, rows in tables.items():
            d = self.dir / name
            d.mkdir(exist_ok=True)
            json_cols = schema.json_columns(name)
            cols = {c.name: [_json(r.get(c.name)) if c.name in json_cols else r.get(c.name) for r in rows]
                    for c in schema.TABLES[name].columns}
            tmp = d / f"part-{n:05d}.parquet.tmp"
            pq.write_table(pa.table(cols, schema=arrow_schema(name)), tmp, compression="zstd")
            with open(tmp, "rb") as f:
                os.fsync(f.fileno())
            os.replace(tmp, d / f"part-{n:05d}.parquet")
            fsync_dir(d)
            self.state["parts"].setdefault(name, []).append(n)
        self.state["next"] = n + 1

    def _part_files(self, table: str) -> list[tuple[int, Any]]:
        return [(n, self.dir / table / f"part-{n:05d}.parquet") for n in self.state["parts"].get(table, [])]

    def _table_rows(self, table: str, columns: list[str] | None = None) -> Iterator[dict[str, Any]]:
        json_cols = schema.json_columns(table)
        for _, path in self._part_files(table):
            for row in _read_table(path, columns).to_pylist():
                for c in json_cols.intersection(row):
                    if row[c] is not None:
                        row[c] = json.loads(row[c])
                yield row

    def count(self, table: str) -> int:
        n = 0
        for _, path in self._part_files(table):
            try:
                n += pq.ParquetFile(path).metadata.num_rows
            except (OSError, pa.ArrowException) as e:
                raise StoreError(f"{path}: unreadable part file ({e}); the store is damaged") from None
        live_run = table == "runs" and bool(self.state.get("run"))
        return n + live_run

    def iter_records(self) -> Iterator[dict[str, Any]]:
        # Children of a document live in the part with the same batch number: merge part by part.
        parts = {n: set(self.state["parts"].get(n, [])) for n in ("paragraphs", "facts", "checks")}
        for n, path in self._part_files("documents"):
            docs = self._read(path, "documents")
            children = {t: iter(self._read(self.dir / t / f"part-{n:05d}.parquet", t) if n in parts[t] else [])
                        for t in parts}
            yield from merge_children(docs, children)

    def _read(self, path: Any, table: str) -> list[dict[str, Any]]:
        json_cols = schema.json_columns(table)
        rows = _read_table(path).to_pylist()
        for row in rows:
            for c in json_cols:
                if row[c] is not None:
                    row[c] = json.loads(row[c])
        return rows


def _read_table(path: Any, columns: list[str] | None = None) -> pa.Table:
    try:
        return pq.read_table(path, columns=columns)
    except (OSError, pa.ArrowException) as e:
        raise StoreError(f"{path}: unreadable part file ({e}); the store is damaged") from None


def _json(v: Any) -> str | None:
    return None if v is None else json.dumps(v, ensure_ascii=False)
