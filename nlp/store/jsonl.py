"""JSON Lines store: ``NAME.jsonl`` holds one record per line (the ``govreport tag`` record
contract); ``NAME.sources.jsonl``, ``NAME.failures.jsonl`` and ``NAME.runs.jsonl`` sit beside it.

Each batch is appended with one write and fsync per file, records before their source keys.
A killed writer can only leave a torn last line, which opening the store cuts off; a record
whose source key was lost is found again by its doc_id, so nothing is stored twice.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterator

from .base import Batch, Store, StoreError
from .files import append_durably, make_parent, truncate_torn_line

_DOC_ID = re.compile(r'"doc_id":\s*"([^"]+)"')


class JsonlStore(Store):
    def __init__(self, url: str, mode: str = "a", batch_size: int | None = None):
        super().__init__(url, mode, batch_size)
        self.path = Path(url).expanduser()
        stem = self.path.with_suffix("")
        self.side = {name: stem.with_name(f"{stem.name}.{name}.jsonl") for name in ("sources", "failures", "runs")}
        if mode == "r" and not self.path.is_file():
            raise StoreError(f"{self.path}: no such JSON Lines store")
        if mode == "a":
            make_parent(self.path)
            for p in (self.path, *self.side.values()):
                truncate_torn_line(p)
            self.path.touch()

    def _lines(self, path: Path) -> Iterator[str]:
        if not path.exists():
            return
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.endswith("\n"):  # a torn last line (read-only open) is not a record
                    yield line

    def _load_ids(self) -> Iterator[str]:
        for line in self._lines(self.path):
            m = _DOC_ID.search(line, 0, 400)  # doc_id comes second in a record: no full parse
            yield m.group(1) if m else json.loads(line)["doc_id"]

    def _load_source_keys(self) -> Iterator[str]:
        for line in self._lines(self.side["sources"]):
            yield json.loads(line)["source_key"]

    def iter_records(self) -> Iterator[dict[str, Any]]:
        for line in self._lines(self.path):
            yield json.loads(line)

    def iter_rows(self, table: str) -> Iterator[dict[str, Any]]:
        for line in self._lines(self.side[table]):
            yield json.loads(line)

    def count(self, table: str) -> int:
        if table == "documents":
            return sum(1 for _ in self._lines(self.path))
        if table in self.side:
            return sum(1 for _ in self._lines(self.side[table]))
        return sum(len(r.get(table) or []) for r in self.iter_records())

    def _commit(self, batch: Batch) -> None:
        for path, rows in ((self.path, batch.records), (self.side["sources"], batch.sources),
                           (self.side["failures"], batch.failures), (self.side["runs"], batch.runs)):
            if rows:
                data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
                append_durably(path, data.encode("utf-8"))
