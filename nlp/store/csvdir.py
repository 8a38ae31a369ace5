"""CSV store: a directory (``reports.csv/``) with one CSV file per table (documents.csv,
paragraphs.csv, facts.csv, checks.csv, sources.csv, runs.csv, failures.csv). JSON columns
(labels, scores, sections ...) hold JSON text; an empty cell is NULL.

Each batch is appended to the files and fsynced, then the byte length of every file is
committed in ``_commit.json``; opening the store truncates each file to its committed length,
so a killed run leaves neither torn rows nor half documents."""
from __future__ import annotations

import csv
import io
import json
import os
import sys
from typing import Any, Iterator

from . import schema
from .base import StoreError
from .files import append_durably
from .tablefiles import TableFileStore

csv.field_size_limit(sys.maxsize)


def _cell(v: Any, is_json: bool) -> str:
    if v is None:
        return ""
    if is_json:
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _value(s: str, kind: type) -> Any:
    if s == "":
        return None
    if kind is dict:
        return json.loads(s)
    if kind is bool:
        return s == "true"
    if kind is int:
        return int(s)
    if kind is float:
        return float(s)
    return s


class CsvStore(TableFileStore):
    kind = "csv"

    def _file(self, table: str):
        return self.dir / f"{table}.csv"

    def _initial_state(self) -> dict[str, Any]:
        lengths = {}
        for name in schema.ALL_TABLES:
            header = self._encode([[c.name for c in schema.TABLES[name].columns]])
            self._file(name).write_bytes(header)
            lengths[name] = len(header)
        return {"kind": self.kind, "lengths": lengths}

    def _encode(self, rows: list[list[str]]) -> bytes:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        return buf.getvalue().encode("utf-8")

    def _discard_uncommitted(self) -> None:
        for name, length in self.state["lengths"].items():
            path = self._file(name)
            size = path.stat().st_size if path.exists() else -1
            if size < length:
                raise StoreError(f"{path}: shorter than its last commit; the store is damaged")
            if size > length:
                with open(path, "rb+") as f:
                    f.truncate(length)
                    os.fsync(f.fileno())

    def _append(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        for name, rows in tables.items():
            cols = schema.TABLES[name].columns
            json_cols = schema.json_columns(name)
            data = self._encode([[_cell(r.get(c.name), c.name in json_cols) for c in cols] for r in rows])
            self.state["lengths"][name] = append_durably(self._file(name), data)

    def _committed_lines(self, table: str) -> Iterator[str]:
        # Only the committed bytes: a reader never sees a batch that is still being written.
        length, pos = self.state["lengths"][table], 0
        try:
            with open(self._file(table), "rb") as f:
                for line in f:
                    pos += len(line)
                    if pos > length:
                        return
                    yield line.decode("utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise StoreError(f"{self._file(table)}: unreadable ({e})") from None

    def _table_rows(self, table: str, columns: list[str] | None = None) -> Iterator[dict[str, Any]]:
        kinds = {c.name: schema.python_type(c) for c in schema.TABLES[table].columns}
        reader = csv.reader(self._committed_lines(table))
        header = next(reader, None)
        if header != list(kinds):
            raise StoreError(f"{self._file(table)}: unexpected columns {header}")
        wanted = columns or header
        idx = [header.index(c) for c in wanted]
        try:
            for row in reader:
                yield {c: _value(row[i], kinds[c]) for c, i in zip(wanted, idx)}
        except (csv.Error, IndexError, ValueError) as e:
            raise StoreError(f"{self._file(table)}: row {reader.line_num} unreadable ({e}); the store is damaged") from None
