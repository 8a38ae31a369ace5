"""Character normalisation with an offset map back to the source.

Rules (the contract, see README "Offsets"):
- every character goes through Unicode NFKC, so full-width digits, letters and punctuation
  become ASCII ("２０２４（一）" -> "2024(一)"), U+3000 becomes a space;
- zero-width characters are removed, and so are pinyin glosses in brackets right after a Han
  character with a tone mark ("公开(kāi)" -> "公开", pages that print a reading aid);
- a run of whitespace becomes one space, and disappears entirely where either neighbour is a
  CJK character or CJK punctuation ("2024 年" -> "2024年", "统 计 指 标" -> "统计指标");
- leading and trailing whitespace of a line is removed.
"""
from __future__ import annotations

import re
import sys
import unicodedata

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"


def _tables() -> tuple[dict[int, str], str]:
    one_to_one: dict[int, str] = {}
    expanding = []
    for cp in range(0x80, 0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        n = unicodedata.normalize("NFKC", ch)
        if n == ch:
            continue
        if len(n) == 1:
            one_to_one[cp] = " " if n.isspace() else n
        else:
            expanding.append(ch)
    return one_to_one, "".join(expanding)


_ONE_TO_ONE, _EXPANDING_CHARS = _tables()
for _c in _ZERO_WIDTH:
    _ONE_TO_ONE.pop(ord(_c), None)
_SLOW = re.compile("[" + re.escape(_EXPANDING_CHARS + _ZERO_WIDTH) + "]")
# str.translate looks every character up in the dict; a character-class scan finds the few
# characters that change (full-width punctuation, digits) about 5x faster on Chinese text
_CHANGING = re.compile("[" + re.escape("".join(map(chr, _ONE_TO_ONE))) + "]")
_BY_CHAR = {chr(cp): to for cp, to in _ONE_TO_ONE.items()}
_WS = re.compile(r"\s+")
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_GLOSS = re.compile(rf"(?<=[\u4e00-\u9fff])\((?=[a-zü]*[{_TONED}])[a-zü{_TONED}]{{1,7}}\)")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\u2018-\u201f\u2026\u2014\uff00-\uffef]")


def is_cjk(ch: str) -> bool:
    return bool(_CJK.match(ch))


def _expand(text: str) -> tuple[str, list[int]]:
    """NFKC for characters that change length; returns text and per-char source indices."""
    out, idx = [], []
    for i, ch in enumerate(text):
        if ch in _ZERO_WIDTH:
            continue
        n = unicodedata.normalize("NFKC", ch) if _SLOW.match(ch) else ch
        out.append(n)
        idx.extend([i] * len(n))
    return "".join(out), idx


def normalise(text: str) -> tuple[str, list[tuple[int, int]]]:
    """Normalise one line. Returns the text and anchors ``(norm_offset, source_offset)``:
    from each anchor on, characters map one to one until the next anchor."""
    text = _CHANGING.sub(lambda m: _BY_CHAR[m.group()], text)  # == text.translate(_ONE_TO_ONE)
    idx = None
    if _SLOW.search(text):
        text, idx = _expand(text)
    pieces: list[str] = []
    anchors: list[tuple[int, int]] = []
    n = 0
    pos = 0

    def src(i: int) -> int:
        return idx[i] if idx is not None else i

    def copy(a: int, b: int) -> None:
        nonlocal n
        if a >= b:
            return
        if idx is None:
            anchors.append((n, a))
        else:  # expansions map several characters to one source index
            for k in range(a, b):
                if not anchors or k == a or idx[k] != idx[k - 1] + 1:
                    anchors.append((n + k - a, idx[k]))
        pieces.append(text[a:b])
        n += b - a

    for m in _WS.finditer(text):
        a, b = m.span()
        copy(pos, a)
        pos = b
        if a == 0 or b == len(text):
            continue
        if not (is_cjk(text[a - 1]) or is_cjk(text[b])):
            anchors.append((n, src(a)))
            pieces.append(" ")
            n += 1
    copy(pos, len(text))
    out = "".join(pieces)
    if "(" in out and _GLOSS.search(out):
        return drop_spans(out, anchors, [m.span() for m in _GLOSS.finditer(out)])
    return out, anchors


def char_sources(anchors: list[tuple[int, int]], length: int) -> list[int]:
    """The source offset of every character of a normalised line."""
    src = [0] * length
    for k, (n, s) in enumerate(anchors):
        stop = anchors[k + 1][0] if k + 1 < len(anchors) else length
        for i in range(n, stop):
            src[i] = s + i - n
    return src


def anchors_of(src: list[int]) -> list[tuple[int, int]]:
    """Anchors for per-character source offsets (a new anchor wherever the run breaks)."""
    return [(i, s) for i, s in enumerate(src) if i == 0 or s != src[i - 1] + 1]


def drop_spans(text: str, anchors: list[tuple[int, int]], spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    src = char_sources(anchors, len(text))
    keep = [True] * len(text)
    for a, b in spans:
        keep[a:b] = [False] * (b - a)
    return "".join(c for c, k in zip(text, keep) if k), anchors_of([s for s, k in zip(src, keep) if k])


def shift(anchors: list[tuple[int, int]], norm_base: int, src_base: int) -> list[tuple[int, int]]:
    return [(a + norm_base, s + src_base) for a, s in anchors]


if sys.flags.optimize == 0:  # cheap self-check of the contract at import in debug runs
    _t, _a = normalise("２０２４ 年（一）")
    assert _t == "2024年(一)", _t
