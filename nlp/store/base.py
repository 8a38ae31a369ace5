"""The :class:`Store` interface every output backend implements.

A store receives document records (``Document.to_dict()``), failures and run summaries. Writes
are buffered and committed in small batches; each backend commits a batch atomically (one
database transaction, or files made visible by one atomic rename), so a process killed at any
moment leaves only whole documents behind, and a batch that fails (disk full) is rolled back.
``known_ids``/``known_sources`` let a rerun skip what is already stored.

File stores take an exclusive writer lock when opened for writing (:mod:`nlp.store.lock`);
SQL stores let concurrent writers share the database, each document stored once.

Run bookkeeping is exact: the counts of a run (written, duplicates, failed, facts, paragraphs)
are counted from what each commit actually stored and are saved with that commit, so the run
record says what the store holds even after Ctrl-C or SIGKILL.
"""
from __future__ import annotations

import contextlib
import signal
import threading
import time
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterator

from ..errors import GovReportError
from .rows import RowsRecord, doc_key, sizes

COUNTS = ("written", "duplicates", "failed", "facts", "paragraphs")


class StoreError(GovReportError):
    """An output store cannot be opened, read or written."""


class StoreBusy(StoreError):
    """Another run holds the store's writer lock."""


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def os_error(path: Any, e: OSError, doing: str = "cannot write") -> StoreError:
    return StoreError(f"{getattr(e, 'filename', None) or path}: {doing} ({e.strerror or e})")


@dataclass
class Batch:
    records: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    runs: list[dict[str, Any]] = field(default_factory=list)
    duplicates: int = 0  # records refused at once: their doc_id was already stored

    def __len__(self) -> int:
        return len(self.records) + len(self.sources) + len(self.failures) + len(self.runs) + self.duplicates


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT/SIGTERM until the block ends, so a Ctrl-C never splits a commit from the
    bookkeeping that follows it. Only the main thread can do this; elsewhere it does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    old = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        handler = signal.getsignal(sig)
        if handler not in (None, signal.SIG_IGN):
            old[sig] = signal.signal(sig, lambda signum, _frame: caught.append(signum))
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)
        if caught:
            signal.raise_signal(caught[0])


class Store(ABC):
    """Base class: buffering, duplicate detection and run bookkeeping; backends commit batches."""

    default_batch_size = 32
    # Stores that take records as SQL rows (nlp.store.rows) name the function that builds them,
    # which worker processes then run; others take the record dicts.
    row_encoder: Any = None
    flush_seconds = 2.0  # also commit a partial batch this often, so slow runs save progress

    def __init__(self, url: str, mode: str = "a", batch_size: int | None = None, wait: bool = False):
        if mode not in ("a", "r"):
            raise ValueError(f"mode must be 'a' or 'r', not {mode!r}")
        self.url = url
        self.mode = mode
        self.wait = wait
        self.batch_size = batch_size or self.default_batch_size
        self._batch = Batch()
        self._last_flush = time.monotonic()
        self._ids: set[str] | None = None
        self._source_keys: set[str] | None = None
        self._run: dict[str, Any] | None = None
        self._failure_seq = 0
        self.stats: dict[str, int] = dict.fromkeys(COUNTS, 0)  # committed by the current run
        self._failed: StoreError | None = None  # a commit failed: the store takes no more writes
        self.commits = 0  # successful commits since the store was opened

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

    def iter_rows(self, table: str) -> Iterator[dict[str, Any]]:
        """The rows of a bookkeeping table (sources, runs, failures); SQL and table-file stores
        give every table. A run that is still writing, or was killed, has ``finished`` None."""
        raise StoreError(f"{self.url}: cannot list {table}")

    # --- writing ------------------------------------------------------------------------
    def write(self, record: dict[str, Any] | RowsRecord, source_key: str | None = None) -> bool:
        """Queue a document (a record, or its rows where ``row_encoder`` is set); False (and
        nothing but its source key stored) if its doc_id is already stored. A concurrent SQL
        writer may still store it first: ``stats`` counts what the commits really stored."""
        self._check_writable()
        if self.row_encoder is None and isinstance(record, RowsRecord):
            raise TypeError(f"{type(self).__name__} takes document records, not rows")
        doc_id, source = doc_key(record)
        new = doc_id not in self.known_ids()
        if new:
            self._batch.records.append(record)
            self._ids.add(doc_id)
        else:
            self._batch.duplicates += 1
        if source_key and source_key not in self.known_sources():
            self._batch.sources.append({"source_key": source_key, "source": source,
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
        self.stats = dict.fromkeys(COUNTS, 0)
        self._run_started()
        return self._run["run_id"]

    def finish_run(self, counts: dict[str, Any] | None = None) -> dict[str, Any]:
        """Commit what is queued, then the run record: ``counts`` (what the caller knows, e.g.
        inputs and seconds) plus this run's committed ``stats``, which win. Returns them."""
        if self._run is None:
            return {**(counts or {}), **self.stats}
        with signals_deferred():
            self.flush()
            final = {**(counts or {}), **self.stats}
            self._run.update(finished=now_iso(), counts=final)
            self._batch.runs.append(dict(self._run))
            self.flush()
            self._run = None
        return final

    def _run_started(self) -> None:
        """Hook: a backend that records a run before its first commit."""

    def _maybe_flush(self) -> None:
        if (len(self._batch.records) >= self.batch_size
                or time.monotonic() - self._last_flush >= self.flush_seconds):
            self.flush()

    def flush(self) -> None:
        """Commit everything queued, atomically; a failed commit is rolled back and raised."""
        self._check_writable()
        with signals_deferred():
            if len(self._batch):
                batch, self._batch = self._batch, Batch()
                try:
                    stored = self._commit(batch)
                except OSError as e:
                    self._failed = os_error(self.url, e)
                    raise self._failed from None
                except StoreError as e:
                    self._failed = e
                    raise
                self.stats = self._counts_after(batch, stored)
                self.commits += 1
        self._last_flush = time.monotonic()

    def _counts_after(self, batch: Batch, stored: list[Any]) -> dict[str, int]:
        """The run's counts once ``batch`` is committed, of which ``stored`` records were new."""
        c = dict(self.stats)
        c["written"] += len(stored)
        c["duplicates"] += batch.duplicates + len(batch.records) - len(stored)
        c["failed"] += len(batch.failures)
        for r in stored:
            paragraphs, facts = sizes(r)
            c["facts"] += facts
            c["paragraphs"] += paragraphs
        return c

    def _progress(self, batch: Batch, stored: list[Any]) -> dict[str, Any] | None:
        """The current run's record as of this commit, for backends that save it with the batch."""
        if self._run is None or batch.runs:
            return None
        return {**self._run, "counts": self._counts_after(batch, stored)}

    @abstractmethod
    def _commit(self, batch: Batch) -> list[dict[str, Any]]:
        """Store the batch atomically (all or nothing); return the records that were new."""

    def _check_writable(self) -> None:
        if self.mode != "a":
            raise StoreError(f"{self.url}: opened read-only")
        if self._failed is not None:
            raise self._failed

    def close(self) -> None:
        """Commit what is queued and let go of the store (and its writer lock)."""
        try:
            if self.mode == "a" and self._failed is None:
                self.flush()
        finally:
            self._release()

    def _release(self) -> None:
        """Hook: file stores release their writer lock."""

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        if exc[0] is None:
            self.close()
        else:  # the first error is the one to report
            with contextlib.suppress(StoreError):
                self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url!r})"
