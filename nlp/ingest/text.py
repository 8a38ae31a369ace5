"""Plain text: one line per paragraph, unless the text was hard-wrapped (then re-joined).

Web pages flattened to text break in two more ways, both repaired here: lines broken inside a
sentence (at a link or a bracket) are joined again, and a whole report flattened onto one line
(often inside a layout-table cell, ``… |``) is cut again before its section headings."""
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
            spans.extend(_split_flattened(text, *_layout_cell(text, pos, pos + len(body))))
        pos += len(raw)
    if _hard_wrapped(text, spans):
        return _rejoin(text, spans)
    lines: list[Line] = []
    for a, b in spans:
        if lines and _continues("".join(text[x:y] for x, y in lines[-1].pieces), text[a:b]):
            lines[-1].pieces.append((a, b))
        else:
            lines.append(Line([(a, b)]))
    return lines


_LAYOUT_PROSE = 60  # a lone pipe cell longer than this, with a full stop, is prose, not a table cell
_FLAT_BREAK = re.compile(r"\s+(?=[一二三四五六七八九十]{1,3}、|[(（][一二三四五六七八九十]{1,3}[)）])")
_FLAT_ANNEX = re.compile(r"\s+(?=附表\d*[:：]|附件(下载)?\d*[:：])")  # the annex line that closes a page
# a space after a full stop was a line break (the flattening turned every break into a space)
_FLAT_PARAGRAPH = re.compile(r"(?<=。)\s+(?=[^\s|])")
_FLAT_TITLE = re.compile(r"^\s*[^。,;:，；：\s]{4,60}?(?:报告|年报)(?=\s)")


def _layout_cell(text: str, a: int, b: int) -> tuple[int, int]:
    """A line that is one cell of a layout table ("…。 |", "| 题名报告 | ||"): the cell only."""
    line = text[a:b]
    cells = [c for c in line.split("|") if c.strip()]
    if "|" not in line or len(cells) != 1:
        return a, b
    cell = cells[0].strip()
    if (len(cell) > _LAYOUT_PROSE and "。" in cell) or _FLAT_TITLE.match(cell + " "):
        start = a + line.index(cell)
        return start, start + len(cell)
    return a, b


def _split_flattened(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Cut a line holding several sections ("… 一、概述 2016年… (一)…") before each heading
    marker or annex line ("附件下载:…") that follows a space, and after a title that opens it."""
    line = text[a:b]
    if "|" in line:
        return [(a, b)]
    breaks = [(m.start(), m.end()) for m in _FLAT_BREAK.finditer(line)]
    if len(breaks) < 2:
        return [(a, b)]
    breaks = sorted(set(breaks + [(m.start(), m.end()) for m in _FLAT_ANNEX.finditer(line)]
                        + [(m.start(), m.end()) for m in _FLAT_PARAGRAPH.finditer(line)]))
    if title := _FLAT_TITLE.match(line):
        gap = re.match(r"\s+", line[title.end():])
        breaks.insert(0, (title.end(), title.end() + gap.end()))
    pieces, start = [], 0
    for gap_start, gap_end in breaks + [(len(line), len(line))]:
        if line[start:gap_start].strip():
            pieces.append((a + start, a + gap_start))
        start = gap_end
    return pieces


_OPENERS = "《“‘(（[【〔"
_CLOSERS = "》”’)）]】〕"
_NO_LINE_START = re.compile(r"^\s*[、,，。;；:：!！?？]")
_MARKER_ONLY = re.compile(r"^\s*([一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.、．])\s*$")


def _continues(prev: str, line: str) -> bool:
    """Does ``line`` continue ``prev``, which a web page broke mid-sentence? True after an
    opening bracket or an unclosed one that ``line`` closes, after a heading marker alone,
    before a mark that cannot start a line, for a few words without punctuation before a book
    title, and around a number set apart from its clause ("…配备了" / "132名…", "…信息" / "5928" /
    "条,…": prose with a comma that stops on a Han character, never a table label)."""
    if "|" in prev or "|" in line:
        return False
    prev, line = prev.strip(), line.strip()
    if prev[-1] in _OPENERS or _MARKER_ONLY.match(prev) or _NO_LINE_START.match(line):
        return True
    if _closes_first(line[:60]) and _depth(prev) > 0:
        return True
    if _HAN_END.search(prev) and _COMMA.search(prev) and (_NUMBER_WITH_UNIT.match(line) or _BARE_NUMBER.match(line)):
        return True
    if _DIGIT_END.search(prev) and _COMMA.search(prev) and _UNIT_THEN_TEXT.match(line):
        return True
    return len(prev) <= 8 and line.startswith("《") and not re.search(r"[。,;:!?，；：！？]", prev)


_UNITS = "名条件个人次篇项家份期场万亿元%"
_HAN_END = re.compile(r"[\u4e00-\u9fff]$")
_DIGIT_END = re.compile(r"[\u4e00-\u9fff,，]\s*\d[\d,.]*$")
_COMMA = re.compile(r"[,，]")
_NUMBER_WITH_UNIT = re.compile(rf"^\d[\d,.]*\s*[{_UNITS}]")
_BARE_NUMBER = re.compile(r"^\d[\d,.]*%?$")
_UNIT_THEN_TEXT = re.compile(rf"^[{_UNITS}][^|]")


def _depth(s: str) -> int:
    return sum(1 for c in s if c in _OPENERS) - sum(1 for c in s if c in _CLOSERS)


def _closes_first(s: str) -> bool:
    depth = 0
    for c in s:
        if c in _OPENERS:
            depth += 1
        elif c in _CLOSERS:
            depth -= 1
            if depth < 0:
                return True
    return False


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
