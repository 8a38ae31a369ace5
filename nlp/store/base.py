"""The :class:`Store` interface every output backend implements.

A store receives document records (``Document.to_dict()``), failures and run summaries. Writes
are buffered and committed in small batches; each backend commits a batch atomically (one
database transaction, or files made visible by one atomic rename), so a process killed at any
moment leaves only whole documents behind. ``known_ids``/``known_sources`` let a rerun skip
what is already stored.
"""
from __future__ import annotations

import time
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterator

from ..errors import GovReportError


class StoreError(GovReportError):
    """An output store cannot be opened, read or written."""


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class Batch:
    records: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    runs: list[dict[str, Any]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.records) + len(self.sources) + len(self.failures) + len(self.runs)


class Store(ABC):
    """Base class: buffering, duplicate detection and run bookkeeping; backends commit batches."""

    default_batch_size = 32
    flush_seconds = 2.0  # also commit a partial batch this often, so slow runs save progress

    def __init__(self, url: str, mode: str = "a", batch_size: int | None = None):
        if mode not in ("a", "r"):
            raise ValueError(f"mode must be 'a' or 'r', not {mode!r}")
        self.url = url
        self.mode = mode
        self.batch_size = batch_size or self.default_batch_size
        self._batch = Batch()
        self._last_flush = time.monotonic()
        self._ids: set[str] | None = None
        self._source_keys: set[str] | None = None
        self._run: dict[str, Any] | None = None
        self._failure_seq = 0

    # --- what is stored ---------------------------------------------------------------
    def known_ids(self) -> set[str]:
        """doc_ids already stored (committed or pending)."""
        if self._ids is None:
            self._ids = set(self._load_ids())
        return self._ids

    def known_sources(self) -> set[str]:
        """Source keys (see :mod:`nlp.batch.inputs`) of inputs already stored."""
        if self._source_keys is None:
            self._source_keys = set(self._load_source_keys())
        return self._source_keys

    def has(self, doc_id: str) -> bool:
        return doc_id in self.known_ids()

    @abstractmethod
    def _load_ids(self) -> Iterator[str]: ...

    @abstractmethod
    def _load_source_keys(self) -> Iterator[str]: ...

    @abstractmethod
    def iter_records(self) -> Iterator[dict[str, Any]]:
        """Every stored document record, rebuilt as ``Document.to_dict()`` returns it."""

    @abstractmethod
    def count(self, table: str) -> int:
        """Rows in a table (documents, paragraphs, facts, checks, sources, runs, failures)."""

    # --- writing ------------------------------------------------------------------------
    def write(self, record: dict[str, Any], source_key: str | None = None) -> bool:
        """Queue a document; False (and nothing but its source key stored) if its doc_id is
        already stored."""
        self._check_writable()
        doc_id = record["doc_id"]
        new = doc_id not in self.known_ids()
        if new:
            self._batch.records.append(record)
            self._ids.add(doc_id)
        if source_key and source_key not in self.known_sources():
            self._batch.sources.append({"source_key": source_key, "source": record.get("source"),
                                        "doc_id": doc_id, "run_id": self.run_id})
            self._source_keys.add(source_key)
        self._maybe_flush()
        return new

    def write_many(self, records: Any) -> int:
        return sum(self.write(r) for r in records)

    def write_failure(self, source: str, error: str) -> None:
        """Record an input that could not be tagged; it has no source key, so a rerun retries it."""
        self._check_writable()
        self._failure_seq += 1
        self._batch.failures.append({"run_id": self.run_id or "", "seq": self._failure_seq,
                                     "source": str(source), "error": str(error)})
        self._maybe_flush()

    @property
    def run_id(self) -> str | None:
        return self._run["run_id"] if self._run else None

    def start_run(self, command: str = "") -> str:
        self._check_writable()
        self.flush()
        self._run = {"run_id": uuid.uuid4().hex[:16], "started": now_iso(), "finished": None,
                     "command": command, "counts": None}
        self._failure_seq = 0
        self._run_started()
        return self._run["run_id"]

    def finish_run(self, counts: dict[str, Any]) -> None:
        if self._run is None:
            return
        self._run.update(finished=now_iso(), counts=counts)
        self._batch.runs.append(dict(self._run))
        self.flush()
        self._run = None

    def _run_started(self) -> None:
        """Hook: databases record the run at once; file stores only when it finishes."""

    def _maybe_flush(self) -> None:
        if (len(self._batch.records) >= self.batch_size
                or time.monotonic() - self._last_flush >= self.flush_seconds):
            self.flush()

    def flush(self) -> None:
        """Commit everything queued, atomically."""
        if len(self._batch):
            batch, self._batch = self._batch, Batch()
            self._commit(batch)
        self._last_flush = time.monotonic()

    @abstractmethod
    def _commit(self, batch: Batch) -> None: ...

    def _check_writable(self) -> None:
        if self.mode != "a":
            raise StoreError(f"{self.url}: opened read-only")

    def close(self) -> None:
        if self.mode == "a":
            self.flush()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url!r})"
