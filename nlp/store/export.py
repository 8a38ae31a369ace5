"""Copy a store into another store, or into a Hugging Face ``datasets`` directory."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any, Iterator

from . import schema
from .base import Store, StoreError


def copy_store(src: Store, dst: Store) -> dict[str, int]:
    """Write every record of ``src`` into ``dst``; records ``dst`` already has are skipped."""
    written = skipped = 0
    dst.start_run(f"export {src.url}")
    for record in src.iter_records():
        if dst.write(record):
            written += 1
        else:
            skipped += 1
    dst.finish_run({"written": written, "skipped": skipped, "source": src.url})
    return {"documents written": written, "already there": skipped}


def _hf_features(table: str) -> Any:
    from datasets import Features, Value

    kinds = {int: "int64", float: "float64", bool: "bool", str: "string", dict: "string"}
    return Features({c.name: Value(kinds[schema.python_type(c)]) for c in schema.TABLES[table].columns})


def _rows(url: str, table: str) -> Iterator[dict[str, Any]]:
    from . import open_store

    json_cols = schema.json_columns(table)
    with open_store(url, mode="r") as store:
        for record in store.iter_records():
            for row in schema.record_to_rows(record)[table]:
                yield {k: (json.dumps(v, ensure_ascii=False) if k in json_cols and v is not None else v)
                       for k, v in row.items()}


def export_hf(src: Store, path: str | Path) -> dict[str, int]:
    """Save the store as a ``datasets.DatasetDict`` with one split per table (documents,
    paragraphs, facts, checks); JSON columns are JSON text. Load it with ``load_from_disk``."""
    import datasets
    from datasets import Dataset, DatasetDict

    path = Path(path)
    if path.is_file() or (path.is_dir() and any(path.iterdir())):
        raise StoreError(f"{path}: already exists")
    was_enabled = datasets.is_progress_bar_enabled()
    datasets.disable_progress_bars()
    try:
        with tempfile.TemporaryDirectory(prefix="govreport-hf-") as cache:
            splits = {}
            for table in schema.RECORD_TABLES:
                features = _hf_features(table)
                if src.count(table) == 0:  # from_generator cannot make an empty split
                    splits[table] = Dataset.from_dict({c: [] for c in features}, features=features)
                else:
                    splits[table] = Dataset.from_generator(_rows, features=features, cache_dir=cache,
                                                           gen_kwargs={"url": src.url, "table": table})
            DatasetDict(splits).save_to_disk(str(path), num_shards={t: 1 for t, ds in splits.items() if len(ds) == 0} or None)
            return {table: len(ds) for table, ds in splits.items()}
    except (OSError, ValueError) as e:
        raise StoreError(f"{path}: cannot write the dataset ({e})") from None
    finally:
        if was_enabled:
            datasets.enable_progress_bars()
