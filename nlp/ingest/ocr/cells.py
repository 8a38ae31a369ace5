"""Table cells read again, one crop each: the figures that page-level OCR misses or misreads."""
from __future__ import annotations

import re
from typing import Any

import numpy as np

from ..layout import Glyph, ruled_tables
from .engine import read_crops


def reread_cells(gray: np.ndarray, rule_mask: np.ndarray, scale: float, glyphs: list[Glyph], h_edges, v_edges,
                 cfg: dict[str, Any]) -> list[Glyph]:
    """Read each one-line cell of the ruled tables again from its own padded crop.

    Page-level detection misses or misreads isolated short figures (a lone "0" or "9" in a
    wide cell); recognition on the cell's ink, cut out with a white margin, reads them well.
    In a column of figures, a reading made only of look-alikes ("I" for 1, "D" for 0) is read as
    the figure, keeping its low confidence. The re-read replaces the page-level glyphs of a
    cell unless it differs from them and is less confident."""
    heights = sorted(g.bottom - g.top for g in glyphs) or [12.0]
    line_px = heights[len(heights) // 2] * scale  # a text line's height in pixels
    jobs = []  # (cell, column, box in points, crop)
    for t, table in enumerate(ruled_tables(h_edges, v_edges)):
        for row in table.rows:
            for j, cell in enumerate(row):
                if cell is None or not _worth_rereading([g for g in glyphs if _centre_in(g, cell)]):
                    continue
                found = _cell_ink(gray, rule_mask, cell, scale, line_px)
                if found is not None:
                    jobs.append((cell, (t, j), *found))
    results = read_crops([crop for *_, crop in jobs], cfg)
    texts = ["".join(text.split()) for text, _ in results]
    figures: dict[tuple[int, int], list[bool]] = {}
    for (_, column, _, _), text in zip(jobs, texts):
        figures.setdefault(column, []).append(_NUMBER.fullmatch(text) is not None)
    confusions = cfg.get("figure_confusions") or {}
    replaced: dict[tuple, list[Glyph]] = {}
    for k, ((cell, column, box, _), text, (_, score)) in enumerate(zip(jobs, texts, results)):
        votes = figures[column]
        if sum(votes) * 2 >= len(votes) and text and all(c.isdigit() or c in ".,%" or c in confusions for c in text):
            text = "".join(confusions.get(c, c) for c in text)
        if not text:
            continue
        old = sorted((g for g in glyphs if _centre_in(g, cell)), key=lambda g: g.x0)
        old_conf = min((g.conf for g in old if g.conf is not None), default=0.0)
        if old and "".join(g.text for g in old) != text and score < old_conf:
            continue
        width = (box[2] - box[0]) / len(text)
        replaced[cell] = [Glyph(c, box[0] + i * width, box[0] + (i + 1) * width, box[1], box[3], box[3],
                                False, score, -2 - k) for i, c in enumerate(text)]
    if not replaced:
        return glyphs
    kept = [g for g in glyphs if not any(_centre_in(g, cell) for cell in replaced)]
    return kept + [g for new in replaced.values() for g in new]


def _cell_ink(gray, rule_mask, cell, scale, line_px):
    """The cell's text (rules whitened) cut out with a white margin, and its box in points;
    None for an empty cell or one holding several lines (kept as read on the page)."""
    inset = 2
    x0, t, x1, b = (int(round(v * scale)) for v in cell)
    area = gray[t + inset:b - inset, x0 + inset:x1 - inset]
    rules_here = rule_mask[t + inset:b - inset, x0 + inset:x1 - inset]
    if area.size == 0:
        return None
    ys, xs = np.nonzero((area < 160) & ~rules_here)
    if len(ys) < 6 or ys.max() - ys.min() < 0.3 * line_px or ys.max() - ys.min() > 1.3 * line_px:
        return None
    iy0, iy1, ix0, ix1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    ink = np.where(rules_here, 255, area)[iy0:iy1, ix0:ix1]
    pad = max(2, int(0.3 * (iy1 - iy0)))
    box = ((x0 + inset + ix0) / scale, (t + inset + iy0) / scale, (x0 + inset + ix1) / scale, (t + inset + iy1) / scale)
    return box, np.pad(ink, pad, constant_values=255)


_NUMBER = re.compile(r"\d[\d,]*(\.\d+)?%?")
_FIGURE = re.compile(r"[0-9A-Za-z.,%\-]{0,12}")


def _worth_rereading(old: list[Glyph]) -> bool:
    """A cell the page reading left empty, or holding a short figure (or what looks like a
    misread one: "D" for "0"); labels in Chinese read well at page level and stay."""
    return _FIGURE.fullmatch("".join(g.text for g in old)) is not None


def _centre_in(g: Glyph, box) -> bool:
    cx, cy = (g.x0 + g.x1) / 2, (g.top + g.bottom) / 2
    return box[0] <= cx < box[2] and box[1] <= cy < box[3]
