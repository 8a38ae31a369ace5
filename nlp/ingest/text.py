"""Plain text: one line per paragraph, unless the text was hard-wrapped (then re-joined)."""
from __future__ import annotations

import re
from collections import Counter

from .blocks import Line

_TERMINAL = re.compile(r"[。:;!?”\"')】》]$")
_MIN_WRAP = 25  # shorter lines are not evidence of hard wrapping
_STARTS_BLOCK = re.compile(r"^\s*([一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.]|[一二三四五六七八九十]是)")


def read_text(text: str) -> list[Line]:
    spans = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        if body.strip():
            spans.append((pos, pos + len(body)))
        pos += len(raw)
    if _hard_wrapped(text, spans):
        return _rejoin(text, spans)
    return [Line([s]) for s in spans]


def _hard_wrapped(text: str, spans: list[tuple[int, int]]) -> bool:
    """True when most long lines share one width and do not end a sentence (PDF-to-text output)."""
    widths = [len(text[a:b].strip()) for a, b in spans if "|" not in text[a:b]]
    long = [w for w in widths if w >= _MIN_WRAP]
    if len(long) < 8:
        return False
    width = _wrap_width(long)
    at_width = [(a, b) for a, b in spans if abs(len(text[a:b].strip()) - width) <= 1]
    open_ended = sum(1 for a, b in at_width if not _TERMINAL.search(text[a:b].strip()))
    return len(at_width) >= 0.5 * len(long) and open_ended >= 0.6 * len(at_width)


def _wrap_width(widths: list[int]) -> int:
    counts = Counter(widths)
    return max(counts, key=lambda w: counts[w] + counts[w - 1] + counts[w + 1])


def _rejoin(text: str, spans: list[tuple[int, int]]) -> list[Line]:
    widths = [len(text[a:b].strip()) for a, b in spans]
    full = _wrap_width([w for w in widths if w >= _MIN_WRAP])
    lines: list[Line] = []
    open_line = False
    for (a, b), w in zip(spans, widths):
        body = text[a:b].strip()
        if open_line and not _STARTS_BLOCK.match(body) and not text[a:b].startswith(("  ", "\u3000")):
            lines[-1].pieces.append((a, b))
        else:
            lines.append(Line([(a, b)]))
        open_line = w >= full - 1 and not _TERMINAL.search(body)
    return lines
