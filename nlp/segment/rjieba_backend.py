"""rjieba (the jieba-rs binding, compiled) with the domain dictionary: the default segmenter.

jieba-rs ships jieba's own main dictionary and implements its DAG + max-probability cut, so
with HMM off and the same user words it cuts exactly like :class:`JiebaSegmenter`, about ten
times faster. rjieba has no ``load_userdict``; each entry of the user dictionaries goes in with
``add_word(word, freq, tag)``, which is what jieba's ``load_userdict`` does line by line."""
from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from .base import Segmenter
from .dictionary import DEFAULT_DICTIONARIES, read_entries


class RjiebaSegmenter(Segmenter):
    """A private ``rjieba.Jieba`` (the module-level one stays untouched) with user dictionaries;
    :meth:`shared` builds it once per process."""

    name = "rjieba"

    def __init__(self, dictionaries: Sequence[str] = DEFAULT_DICTIONARIES, hmm: bool = False):
        self.tokenizer = _jieba_class()()
        self.hmm = hmm
        self.dictionaries = tuple(dictionaries)
        for name in self.dictionaries:
            for word, freq, tag in read_entries(name):
                self.tokenizer.add_word(word, freq, tag)

    @classmethod
    def shared(cls, dictionaries: Sequence[str] = DEFAULT_DICTIONARIES, hmm: bool = False) -> "RjiebaSegmenter":
        return _shared(tuple(dictionaries), hmm)

    def cut(self, text: str) -> list[str]:
        return [w for w in self.tokenizer.cut(text, self.hmm) if w.strip()]


@lru_cache(maxsize=8)
def _shared(dictionaries: tuple[str, ...], hmm: bool) -> RjiebaSegmenter:
    return RjiebaSegmenter(dictionaries, hmm)


def _jieba_class() -> type:
    """rjieba's ``Jieba``. Importing the ``rjieba`` package builds a module-level tokenizer (all
    of jieba's dictionary, ~0.15 s of a one-report run) that is never used here, so when the
    package is not imported yet its compiled module is loaded alone and registered as
    ``rjieba.rjieba``, which a later ``import rjieba`` then reuses."""
    if "rjieba" not in sys.modules and "rjieba.rjieba" not in sys.modules:
        try:
            spec = importlib.util.find_spec("rjieba")
            for folder in (spec.submodule_search_locations or []) if spec else []:
                for suffix in importlib.machinery.EXTENSION_SUFFIXES:
                    path = Path(folder) / f"rjieba{suffix}"
                    if path.is_file():
                        ext = importlib.util.spec_from_file_location("rjieba.rjieba", path)
                        module = importlib.util.module_from_spec(ext)
                        sys.modules["rjieba.rjieba"] = module
                        ext.loader.exec_module(module)
                        return module.Jieba
        except (ImportError, OSError, AttributeError):
            sys.modules.pop("rjieba.rjieba", None)
    if "rjieba.rjieba" in sys.modules:
        return sys.modules["rjieba.rjieba"].Jieba
    import rjieba

    return rjieba.Jieba
