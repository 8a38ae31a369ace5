"""One classifier for the whole run when a transformer runs on an accelerator.

``govreport tag --model DIR --workers N`` on a GPU machine must not start N CUDA contexts holding
N copies of the model. Instead the worker processes run every other component on the CPUs and
send their records here; the main process labels them with the one model, paragraphs of many
documents in one batch (``ParagraphClassifier.pipe``), before the store writes them. The
components after ``classify`` in the default pipeline (facts, checks) do not read labels, so the
records are the same as when each worker classifies.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable

from ..config import load_config


def main_process_classifier(workers: int, config: str | None,
                            overrides: dict[str, dict[str, Any]] | None) -> "RecordClassifier | None":
    """A :class:`RecordClassifier` when several workers would each load a transformer onto an
    accelerator, else None (a CPU model, the baseline, or one worker). A ``--model`` always comes
    as overrides of a config pipeline, whose classify component can be left to this process."""
    options = dict((overrides or {}).get("classify") or {})
    model = options.get("model")
    if workers < 2 or not model or not Path(model).is_dir():
        return None
    names = [c["name"] for c in load_config(config or "pipeline").get("components", [])]
    if "classify" not in names or options.get("enabled") is False:
        return None
    from models.device import resolve_device

    if resolve_device(options.get("device", "auto")) == "cpu":
        return None
    return RecordClassifier(model, options.get("device", "auto"),
                            int(load_config("batch").get("gpu_batch_documents", 32)))


def without_classify(overrides: dict[str, dict[str, Any]] | None) -> dict[str, dict[str, Any]]:
    """The workers' overrides: the same pipeline without its classifier."""
    return {**(overrides or {}), "classify": {"enabled": False}}


class RecordClassifier:
    """Labels the paragraphs of records (``Document.to_dict()`` form) in batches of documents."""

    def __init__(self, model: str, device: str, batch_documents: int):
        from ..classify import ParagraphClassifier

        self.classifier = ParagraphClassifier(model=model, device=device)
        self.batch_documents = max(1, batch_documents)
        self.pending: list[tuple[Any, dict[str, Any]]] = []
        self.seconds = 0.0  # spent labelling

    def add(self, key: Any, record: dict[str, Any], write: Callable[[Any, dict[str, Any]], None]) -> None:
        """Queue a record; a full batch is labelled and each record passed to ``write``."""
        self.pending.append((key, record))
        if len(self.pending) >= self.batch_documents:
            self.flush(write)

    def flush(self, write: Callable[[Any, dict[str, Any]], None]) -> None:
        from ..document import Document

        batch, self.pending = self.pending, []
        if not batch:
            return
        t0 = time.perf_counter()
        docs = self.classifier.pipe([Document.from_dict(record) for _, record in batch])
        records = [doc.to_dict() for doc in docs]
        self.seconds += time.perf_counter() - t0
        for (key, _), record in zip(batch, records):
            write(key, record)
