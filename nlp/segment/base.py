"""The segmenter interface and a factory that picks a backend by name."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Iterable

from ..errors import ConfigError

DEFAULT_BACKEND = "rjieba"
BACKENDS = ("rjieba", "jieba", "pkuseg")


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


def make_segmenter(backend: str = DEFAULT_BACKEND, **options) -> Segmenter:
    """``backend`` is ``rjieba`` or ``jieba`` (options: ``dictionaries``, ``hmm``; both built once
    per process) or ``pkuseg`` (options: ``model``, ``user_dict``)."""
    if backend == "rjieba":
        from .rjieba_backend import RjiebaSegmenter

        return RjiebaSegmenter.shared(**options)
    if backend == "jieba":
        from .jieba_backend import JiebaSegmenter

        return JiebaSegmenter.shared(**options)
    if backend == "pkuseg":
        from .pkuseg_backend import PkusegSegmenter

        return PkusegSegmenter(**options)
    raise ConfigError(f"unknown segmenter backend {backend!r} (choose {', '.join(BACKENDS)})")
