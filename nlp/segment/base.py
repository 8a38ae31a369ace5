"""The segmenter interface and a factory that picks a backend by name."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Iterable

from ..errors import ConfigError


class Segmenter(ABC):
    """Splits text into words. Backends differ only in ``cut``."""

    name: str = "segmenter"

    @abstractmethod
    def cut(self, text: str) -> list[str]:
        """Words of ``text`` in order; whitespace is not returned as a token."""

    def cut_many(self, texts: Iterable[str]) -> list[list[str]]:
        return [self.cut(t) for t in texts]

    def __call__(self, text: str) -> list[str]:
        return self.cut(text)


def make_segmenter(backend: str = "jieba", **options) -> Segmenter:
    """``backend`` is ``jieba`` (options: ``dictionaries``) or ``pkuseg`` (options: ``model``)."""
    if backend == "jieba":
        from .jieba_backend import JiebaSegmenter

        return JiebaSegmenter.shared(**options)
    if backend == "pkuseg":
        from .pkuseg_backend import PkusegSegmenter

        return PkusegSegmenter(**options)
    raise ConfigError(f"unknown segmenter backend {backend!r} (choose jieba or pkuseg)")
