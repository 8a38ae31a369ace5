"""Traditional Chinese: detected on the source text and converted to Simplified with OpenCC for
analysis. ``Document.text`` holds the converted text, ``Document.source_text`` the original
characters, and the offset map stays exact where a conversion changes a phrase's length.

Settings live under ``traditional:`` in ``configs/ingest.yaml``."""
from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

from ..config import load_config
from .normalise import anchors_of, char_sources

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=1)
def _settings() -> dict:
    return dict(load_config("ingest").get("traditional") or {})


@lru_cache(maxsize=4)
def _opencc(config: str):
    import opencc  # lazy: a small C++ extension, only needed for Chinese text

    return opencc.OpenCC(config)


class Converter:
    """Converts normalised lines, carrying their anchors ``(offset, source offset)`` along."""

    def __init__(self, config: str):
        self.config = config
        self._cc = _opencc(config)

    def convert(self, text: str, anchors: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
        return self._carry(text, anchors, self._cc.convert(text))

    def convert_all(self, lines: list[tuple[str, list[tuple[int, int]]]]) -> list[tuple[str, list[tuple[int, int]]]]:
        """Many lines (without newlines) in one OpenCC call."""
        out = self._cc.convert("\n".join(text for text, _ in lines)).split("\n")
        if len(out) != len(lines):
            return [self.convert(text, anchors) for text, anchors in lines]
        return [self._carry(text, anchors, new) for (text, anchors), new in zip(lines, out)]

    @staticmethod
    def _carry(text: str, anchors: list[tuple[int, int]], out: str) -> tuple[str, list[tuple[int, int]]]:
        if len(out) == len(text):  # the usual case: character for character
            return out, anchors
        src = char_sources(anchors, len(text))
        return out, anchors_of([src[i] for i in _alignment(text, out)])


def detect(source_text: str) -> Converter | None:
    """A converter when the text is written in Traditional characters, else None: the share of
    Han characters that OpenCC changes reaches ``min_changed`` in a sample of the text."""
    cfg = _settings()
    if not cfg.get("enabled", True):
        return None
    sample = source_text[: int(cfg.get("sample_chars", 20000))]
    han = len(_HAN.findall(sample))
    if han < int(cfg.get("min_han", 20)):
        return None
    converter = Converter(cfg.get("opencc_config", "t2s"))
    converted = converter._cc.convert(sample)
    if len(converted) == len(sample):
        changed = sum(map(str.__ne__, sample, converted))
    else:
        changed = sum(b - a for tag, a, b, _, _ in _opcodes(sample, converted) if tag != "equal")
    return converter if changed >= float(cfg.get("min_changed", 0.05)) * han else None


def _opcodes(a: str, b: str):
    return SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


def _alignment(text: str, out: str) -> list[int]:
    """For each character of ``out``, the index of the ``text`` character it comes from; inside a
    phrase replaced by one of another length, characters map to the phrase from its start."""
    index: list[int] = []
    for tag, i1, i2, j1, j2 in _opcodes(text, out):
        for j in range(j2 - j1):
            index.append(i1 + min(j, max(i2 - i1 - 1, 0)) if i2 > i1 else max(i1 - 1, 0))
    return index
