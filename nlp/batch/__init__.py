"""Batch tagging of report corpora into stores: input discovery and a parallel, resumable runner."""
from .inputs import InputItem, InputSource, discover, iter_items
from .runner import RunSummary, build_pipeline, default_workers, tag_corpus

__all__ = ["tag_corpus", "RunSummary", "discover", "iter_items", "InputItem", "InputSource",
           "build_pipeline", "default_workers"]
