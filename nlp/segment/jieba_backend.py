"""jieba (pure Python) with the domain dictionary of ``configs/dictionaries/``, on a private Tokenizer."""
from __future__ import annotations

import logging
from functools import lru_cache
from typing import Sequence

import jieba

from .base import Segmenter
from .dictionary import DEFAULT_DICTIONARIES, dictionary_path


class JiebaSegmenter(Segmenter):
    """jieba (HMM off: the domain dictionary should decide, not guesses) with user dictionaries.

    A private :class:`jieba.Tokenizer` keeps the global jieba state untouched; use
    :meth:`shared` to build it once per process.
    """

    name = "jieba"

    def __init__(self, dictionaries: Sequence[str] = DEFAULT_DICTIONARIES, hmm: bool = False):
        jieba.setLogLevel(logging.WARNING)
        self.tokenizer = jieba.Tokenizer()
        self.hmm = hmm
        self.dictionaries = tuple(dictionaries)
        for name in self.dictionaries:
            self.tokenizer.load_userdict(str(dictionary_path(name)))

    @classmethod
    def shared(cls, dictionaries: Sequence[str] = DEFAULT_DICTIONARIES, hmm: bool = False) -> "JiebaSegmenter":
        return _shared_jieba(tuple(dictionaries), hmm)

    def cut(self, text: str) -> list[str]:
        return [w for w in self.tokenizer.lcut(text, HMM=self.hmm) if w.strip()]


@lru_cache(maxsize=8)
def _shared_jieba(dictionaries: tuple[str, ...], hmm: bool) -> JiebaSegmenter:
    return JiebaSegmenter(dictionaries, hmm)
