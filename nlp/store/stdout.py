"""``-o -``: records as JSON Lines on standard output, for pipes. Nothing is kept, so there is
no resuming; failures are only in the summary."""
from __future__ import annotations

import json
import sys
from typing import Any, Iterator

from .base import Batch, Store, StoreError


class StdoutStore(Store):
    default_batch_size = 1  # a pipe reader sees each document as soon as it is tagged

    def __init__(self, url: str = "-", mode: str = "a", batch_size: int | None = None, wait: bool = False):
        if mode != "a":
            raise StoreError("-: standard output cannot be read as a store")
        super().__init__(url, mode, batch_size, wait)

    def _load_ids(self) -> Iterator[str]:
        return iter(())

    def _load_source_keys(self) -> Iterator[str]:
        return iter(())

    def iter_records(self) -> Iterator[dict[str, Any]]:
        raise StoreError("-: standard output cannot be read as a store")

    def count(self, table: str) -> int:
        raise StoreError("-: standard output cannot be read as a store")

    def _commit(self, batch: Batch) -> list[dict[str, Any]]:
        for record in batch.records:
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        sys.stdout.flush()
        return batch.records
