"""Output stores for tagged documents, opened by suffix or URL::

    store = open_store("reports.sqlite")        # also .db/.sqlite3, sqlite:///..., or no suffix
    store = open_store("postgresql://user@host/db")
    store = open_store("reports.jsonl")         # one record per line (+ .sources/.failures/.runs.jsonl)
    store = open_store("reports.parquet")       # a directory: one sub-directory of parts per table
    store = open_store("reports.csv")           # a directory: one CSV file per table
    store = open_store("-")                     # JSON Lines on standard output (no resuming)

SQL and table-file stores share one relational schema (:mod:`nlp.store.schema`): documents,
paragraphs, facts, checks, sources, runs, failures, and the SQL views ``fact_values`` and
``fact_best``.

A file store opened for writing takes an exclusive writer lock: a second writer gets
:class:`StoreBusy` naming the holder, or waits for it with ``wait=True``. SQL stores take
concurrent writers.
"""
from __future__ import annotations

from importlib import import_module
from pathlib import Path

from .base import Store, StoreBusy, StoreError

# Each backend is imported when used (SQLAlchemy and pyarrow are heavy): name -> module.
_BACKENDS = {"SqlStore": ".sql", "JsonlStore": ".jsonl", "ParquetStore": ".parquet", "CsvStore": ".csvdir",
             "StdoutStore": ".stdout"}

__all__ = ["open_store", "store_kind", "Store", "StoreError", "StoreBusy", *_BACKENDS]

_BY_SUFFIX = {".jsonl": "JsonlStore", ".parquet": "ParquetStore", ".csv": "CsvStore",
              ".sqlite": "SqlStore", ".sqlite3": "SqlStore", ".db": "SqlStore", "": "SqlStore"}
_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://", "sqlite://")


def __getattr__(name: str):
    if name in _BACKENDS:
        return getattr(import_module(_BACKENDS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def store_kind(url: str) -> type[Store]:
    """The store class for an output path or URL."""
    if url == "-":
        return __getattr__("StdoutStore")
    if url.startswith(_SCHEMES):
        return __getattr__("SqlStore")
    suffix = Path(url).suffix.lower()
    if suffix in _BY_SUFFIX:
        return __getattr__(_BY_SUFFIX[suffix])
    raise StoreError(
        f"{url}: cannot tell the output type from the suffix {suffix!r}; use .sqlite, .jsonl, "
        ".parquet, .csv or a postgresql:// URL")


def open_store(url: str | Path, mode: str = "a", batch_size: int | None = None, wait: bool = False) -> Store:
    """Open (mode ``"a"``: create or resume) or read (``"r"``) the store at ``url``; ``wait``: if
    another run is writing a file store, wait for it instead of raising :class:`StoreBusy`."""
    url = str(url)
    return store_kind(url)(url, mode=mode, batch_size=batch_size, wait=wait)
