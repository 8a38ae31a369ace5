"""The engine's text lines as glyphs (one per character, in points) for the layout code."""
from __future__ import annotations

import numpy as np

from ..layout import Glyph


def recognise(lines: list, scale: float) -> list[Glyph]:
    """Characters with their boxes (points) and recognition confidences."""
    glyphs: list[Glyph] = []
    for run, entry in enumerate(lines):
        box, text, score = entry[0], entry[1], float(entry[2])
        words = entry[3] if len(entry) > 3 else None
        contents = entry[4] if len(entry) > 4 else None
        confs = [float(c) for c in entry[5]] if len(entry) > 5 and entry[5] else []
        glyphs.extend(_line_glyphs(box, text, score, words, contents, confs, scale, run))
    return glyphs


def _line_glyphs(box, text, score, words, contents, confs, scale, run) -> list[Glyph]:
    """One OCR line: a glyph per character, placed by the engine's character/word boxes."""
    pts = np.asarray(box, dtype=float) / scale
    top, bottom = float(pts[:, 1].min()), float(pts[:, 1].max())
    base = float((pts[2, 1] + pts[3, 1]) / 2)
    chars = [c for c in text if not c.isspace()]
    if len(confs) != len(text):
        confs = [score] * len(text)
    char_confs = [c for ch, c in zip(text, confs) if not ch.isspace()]
    spaces = [i > 0 and text[i - 1].isspace() for i, ch in enumerate(text) if not ch.isspace()]
    spans = _char_spans(chars, words, contents, scale)
    if spans is None:  # spread the line box over its characters by their widths
        x0, x1 = float(pts[:, 0].min()), float(pts[:, 0].max())
        weights = [1.0 if ord(c) > 0x2E80 else 0.55 for c in chars]
        unit = (x1 - x0) / (sum(weights) or 1)
        spans, x = [], x0
        for wgt in weights:
            spans.append((x, x + wgt * unit))
            x += wgt * unit
    return [Glyph(ch, a, b, top, bottom, base, sp, conf, run)
            for ch, (a, b), sp, conf in zip(chars, spans, spaces, char_confs)]


def _char_spans(chars, words, contents, scale) -> list[tuple[float, float]] | None:
    if not words or not contents or len(words) != len(contents):
        return None
    spans = []
    for wbox, content in zip(words, contents):
        xs = [p[0] / scale for p in wbox]
        a, b = min(xs), max(xs)
        n = len(content.replace(" ", ""))
        if n == 0:
            continue
        step = (b - a) / n
        spans.extend((a + i * step, a + (i + 1) * step) for i in range(n))
    return spans if len(spans) == len(chars) else None
