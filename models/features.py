"""The text columns a baseline's vectorizers read, shared by training (scikit-learn) and the
fast NumPy predictor so both see exactly the same strings.

- ``text``: the paragraph or sentence as it is;
- ``words``: its words from the configured segmenter (default rjieba with the domain
  dictionary), joined by single spaces;
- ``context``: where the paragraph sits in the report (its heading path, :mod:`models.context`),
  given by the caller next to the texts, read without ordinal markers
  (:func:`models.context.model_view`); empty when none is given.

A new column is one more entry in :data:`COLUMNS`; every vectorizer names the column it reads."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Sequence

from nlp.errors import ModelError

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

    def columns(self, texts: Sequence[str], names: Sequence[str],
                contexts: Sequence[str] | None = None) -> dict[str, list[str]]:
        if contexts is not None and len(contexts) != len(texts):
            raise ModelError("features: need one context per text")
        return {name: COLUMNS[name](self, texts, contexts) for name in names}


def _context(texts: Sequence[str], contexts: Sequence[str] | None) -> list[str]:
    from .context import model_view

    return [model_view(c) for c in contexts] if contexts is not None else [""] * len(texts)


COLUMNS: dict[str, Callable[[Featurizer, Sequence[str], Sequence[str] | None], list[str]]] = {
    "text": lambda f, texts, contexts: list(texts),
    "words": lambda f, texts, contexts: [f.words(t) for t in texts],
    "context": lambda f, texts, contexts: _context(texts, contexts),
}


@lru_cache(maxsize=4)
def featurizer(segmenter: str = "rjieba") -> Featurizer:
    return Featurizer(segmenter)
