"""The text columns a baseline's vectorizers read, shared by training (scikit-learn) and the
fast NumPy predictor so both see exactly the same strings.

- ``text``: the paragraph or sentence as it is;
- ``words``: its words from the configured segmenter (default rjieba with the domain
  dictionary), joined by single spaces.

A new column is one more entry in :data:`COLUMNS`; every vectorizer names the column it reads."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Sequence

# jieba never joins tokens across 。!?; so cutting sentence by sentence gives the same words as
# cutting the paragraph, and a paragraph's sentences then reuse the cached cuts.
_SENTENCE_CHUNK = re.compile(r"[^。!?;]*[。!?;]*")


class Featurizer:
    """Turns texts into named columns. One per segmenter per process (:func:`featurizer`)."""

    def __init__(self, segmenter: str = "rjieba"):
        from nlp.segment import make_segmenter

        self.segmenter = segmenter
        self._cut = make_segmenter(segmenter).cut
        self._chunk_words = lru_cache(maxsize=16384)(self._words_of_chunk)

    def _words_of_chunk(self, chunk: str) -> str:
        return " ".join(self._cut(chunk))

    def words(self, text: str) -> str:
        return " ".join(w for w in map(self._chunk_words, _SENTENCE_CHUNK.findall(text)) if w)

    def clear(self) -> None:
        """Drop cached cuts (the cache serves one document: its paragraphs, then its sentences)."""
        self._chunk_words.cache_clear()

    def columns(self, texts: Sequence[str], names: Sequence[str]) -> dict[str, list[str]]:
        return {name: COLUMNS[name](self, texts) for name in names}


COLUMNS: dict[str, Callable[[Featurizer, Sequence[str]], list[str]]] = {
    "text": lambda f, texts: list(texts),
    "words": lambda f, texts: [f.words(t) for t in texts],
}


@lru_cache(maxsize=4)
def featurizer(segmenter: str = "rjieba") -> Featurizer:
    return Featurizer(segmenter)
