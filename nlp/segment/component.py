"""Pipeline component that fills ``paragraph.tokens`` (disabled by default)."""
from __future__ import annotations

from ..document import Document
from .base import DEFAULT_BACKEND, make_segmenter


class SegmentComponent:
    def __init__(self, backend: str = DEFAULT_BACKEND, **options):
        self.segmenter = make_segmenter(backend, **options)

    def __call__(self, doc: Document) -> Document:
        for p in doc.paragraphs:
            p.tokens = self.segmenter.cut(p.text)
        return doc
