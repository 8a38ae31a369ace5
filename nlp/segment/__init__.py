"""Chinese word segmentation tuned to disclosure reports, behind one :class:`Segmenter`
interface: rjieba (jieba-rs, compiled; the default), jieba (pure Python, same cuts) or a
spacy-pkuseg model directory, each with the domain dictionary. Backends import on first use."""
from importlib import import_module

from .base import DEFAULT_BACKEND, Segmenter, make_segmenter
from .component import SegmentComponent

_LAZY = {
    "RjiebaSegmenter": ".rjieba_backend", "JiebaSegmenter": ".jieba_backend",
    "PkusegSegmenter": ".pkuseg_backend", "train_pkuseg": ".pkuseg_backend",
    "corpus_from_segmenter": ".pkuseg_backend",
}

__all__ = ["Segmenter", "make_segmenter", "DEFAULT_BACKEND", "SegmentComponent", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
