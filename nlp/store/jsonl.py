"""JSON Lines store: ``NAME.jsonl`` holds one record per line (the ``govreport tag`` record
contract); ``NAME.sources.jsonl``, ``NAME.failures.jsonl`` and ``NAME.runs.jsonl`` sit beside it,
and ``NAME.jsonl.lock`` while a run writes.

Each batch is appended with one write and fsync per file, records before their source keys, then
one line with the run's counts so far (``runs.jsonl`` keeps one line per commit; the last line of
a run is its record). A failed append is cut off again. A killed writer can only leave a torn
last line, which the next writer cuts off; a record whose source key was lost is found again by
its doc_id, so nothing is stored twice; records past the last counts line of a killed run are
added to its record by the next writer.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterator

from .base import Batch, Store, StoreError, os_error
from .files import (append_durably, file_size, last_line, make_parent, remove_empty_dirs, restore_sizes,
                    truncate_torn_line)
from .lock import WriterLock

_DOC_ID = re.compile(r'"doc_id":\s*"([^"]+)"')
# A key every line of each file has: a file without it in its first line is not ours.
_MARKERS = {"records": b'"doc_id"', "sources": b'"source_key"', "failures": b'"error"', "runs": b'"run_id"'}


class JsonlStore(Store):
    def __init__(self, url: str, mode: str = "a", batch_size: int | None = None, wait: bool = False):
        super().__init__(url, mode, batch_size, wait)
        self.path = Path(url).expanduser()
        stem = self.path.with_suffix("")
        self.side = {name: stem.with_name(f"{stem.name}.{name}.jsonl") for name in ("sources", "failures", "runs")}
        self._lock: WriterLock | None = None
        self._created_dirs: list[Path] = []
        if mode == "r" and not self.path.is_file():
            raise StoreError(f"{self.path}: no such JSON Lines store")
        self._check_files()
        if mode == "a":
            self._created_dirs = make_parent(self.path)
            try:
                self._lock = WriterLock(self.path.with_name(self.path.name + ".lock"), str(self.path), wait).acquire()
                for p in self._files():
                    truncate_torn_line(p)
                self._finish_killed_run()
            except OSError as e:
                self._release()
                raise os_error(self.path, e, "cannot open") from None
            except BaseException:
                self._release()
                raise

    def _files(self) -> list[Path]:
        return [self.path, *self.side.values()]

    def _check_files(self) -> None:
        """Refuse, before touching anything, files at the store's paths that are not ours."""
        for name, path in (("records", self.path), *self.side.items()):
            if not path.exists():
                continue
            if path.is_dir():
                raise StoreError(f"{path}: is a directory, not a JSON Lines file")
            if not path.is_file():
                raise StoreError(f"{path}: not a regular file")
            try:
                with open(path, "rb") as f:
                    head = f.read(4096)
            except OSError as e:
                raise os_error(path, e, "cannot read") from None
            first = head.split(b"\n", 1)[0]
            if head and not (first.startswith(b"{") and _MARKERS[name] in first):
                raise StoreError(f"{path}: exists and is not a govreport JSON Lines store "
                                 f"(its first line has no {_MARKERS[name].decode()})")

    def _lines(self, path: Path, start: int = 0) -> Iterator[str]:
        if not path.exists():
            return
        try:
            with open(path, encoding="utf-8") as f:
                f.seek(start)
                for line in f:
                    if line.endswith("\n"):  # a torn last line (read-only open) is not a record
                        yield line
        except UnicodeDecodeError as e:
            raise StoreError(f"{path}: not a govreport JSON Lines store (not UTF-8: {e.reason})") from None
        except OSError as e:
            raise os_error(path, e, "cannot read") from None

    def _rows(self, path: Path, start: int = 0) -> Iterator[dict[str, Any]]:
        for n, line in enumerate(self._lines(path, start), 1):
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise StoreError(f"{path}: line {n} is not JSON ({e.msg}); the store is damaged") from None
            if not isinstance(row, dict):
                raise StoreError(f"{path}: line {n} is not a JSON object; the store is damaged")
            yield row

    def _load_ids(self) -> Iterator[str]:
        for n, line in enumerate(self._lines(self.path), 1):
            m = _DOC_ID.search(line, 0, 400)  # doc_id comes second in a record: no full parse
            if m:
                yield m.group(1)
                continue
            try:
                yield json.loads(line)["doc_id"]
            except (json.JSONDecodeError, TypeError, KeyError):
                raise StoreError(f"{self.path}: line {n} is not a govreport record (no doc_id)") from None

    def _load_source_keys(self) -> Iterator[str]:
        for row in self._rows(self.side["sources"]):
            yield row["source_key"]

    def iter_records(self) -> Iterator[dict[str, Any]]:
        yield from self._rows(self.path)

    def iter_rows(self, table: str) -> Iterator[dict[str, Any]]:
        if table != "runs":
            yield from self._rows(self.side[table])
            return
        runs: dict[str, dict[str, Any]] = {}  # one line per commit: a run's last line is its record
        for row in self._rows(self.side["runs"]):
            row.pop("records_end", None)
            runs[row["run_id"]] = row
        yield from runs.values()

    def count(self, table: str) -> int:
        if table == "documents":
            return sum(1 for _ in self._lines(self.path))
        if table in self.side:
            return sum(1 for _ in self.iter_rows(table))
        return sum(len(r.get(table) or []) for r in self.iter_records())

    def _commit(self, batch: Batch) -> list[dict[str, Any]]:
        runs = list(batch.runs)
        progress = self._progress(batch, batch.records)
        if progress is not None:
            runs.append(progress)
        files = [(self.path, batch.records), (self.side["sources"], batch.sources),
                 (self.side["failures"], batch.failures), (self.side["runs"], runs)]
        sizes = {path: file_size(path) for path, _ in files}
        try:
            for path, rows in files:
                if path is self.side["runs"]:
                    for r in rows:  # where this run's records end: see _finish_killed_run
                        r["records_end"] = file_size(self.path) or 0
                if rows or path is self.path:
                    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
                    append_durably(path, data.encode("utf-8"))
        except BaseException:
            restore_sizes(sizes)
            raise
        return batch.records

    def _finish_killed_run(self) -> None:
        """A run that died between commits left its last counts line unfinished: add the
        records it stored after that line and its failures, and close its record."""
        raw = last_line(self.side["runs"])
        if raw is None:
            return
        try:
            run = json.loads(raw)
        except json.JSONDecodeError:
            raise StoreError(f"{self.side['runs']}: last line is not JSON; the store is damaged") from None
        if (run.get("finished") is not None or not isinstance(run.get("counts"), dict)
                or run["counts"].get("interrupted")):  # finished, or already closed by a writer
            return
        counts = dict(run["counts"])
        for record in self._rows(self.path, int(run.get("records_end") or 0)):
            counts["written"] = counts.get("written", 0) + 1
            counts["facts"] = counts.get("facts", 0) + len(record.get("facts") or [])
            counts["paragraphs"] = counts.get("paragraphs", 0) + len(record.get("paragraphs") or [])
        counts["failed"] = sum(1 for f in self._rows(self.side["failures"]) if f.get("run_id") == run["run_id"])
        counts["interrupted"] = True
        run.update(counts=counts, records_end=file_size(self.path) or 0)
        append_durably(self.side["runs"], (json.dumps(run, ensure_ascii=False) + "\n").encode("utf-8"))

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None
        remove_empty_dirs(self._created_dirs)
