"""Chinese word segmentation tuned to disclosure reports: jieba with a domain dictionary
(default) or a spacy-pkuseg model directory, behind one :class:`Segmenter` interface."""
from .base import Segmenter, make_segmenter
from .jieba_backend import JiebaSegmenter
from .pkuseg_backend import PkusegSegmenter, train_pkuseg, corpus_from_segmenter
from .component import SegmentComponent

__all__ = [
    "Segmenter", "make_segmenter", "JiebaSegmenter", "PkusegSegmenter", "SegmentComponent",
    "train_pkuseg", "corpus_from_segmenter",
]
