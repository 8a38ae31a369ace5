"""What readers produce (lines and grids over a source text) and how it becomes a Document."""
from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from ..config import load_config
from ..document import Cell, Document
from .normalise import normalise
from .script import Converter, detect

Piece = tuple[int, int]  # a [start, end) slice of the source text


@dataclass
class Line:
    """One logical line (a paragraph, heading, cell...), possibly joined from several pieces."""
    pieces: list[Piece]


@dataclass
class Grid:
    """A real table from HTML/DOCX/PDF: rows of cells, each cell made of pieces."""
    rows: list[list[list[Piece]]]


@dataclass
class SourceBuilder:
    """Accumulates the extracted text of a binary format, handing out piece offsets.
    ``confidence`` holds, for pieces read by OCR, each character's confidence (None: unknown)."""
    parts: list[str] = field(default_factory=list)
    size: int = 0
    confidence: dict[Piece, list[float | None]] = field(default_factory=dict)

    def add(self, text: str, sep: str = "\n", conf: list[float | None] | None = None) -> Piece:
        if self.parts:
            self.parts.append(sep)
            self.size += len(sep)
        start = self.size
        self.parts.append(text)
        self.size += len(text)
        if conf is not None and len(conf) == len(text):
            self.confidence[(start, self.size)] = conf
        return (start, self.size)

    def text(self) -> str:
        return "".join(self.parts)


@lru_cache(maxsize=1)
def _removal_rules() -> tuple[re.Pattern, re.Pattern, int]:
    """Patterns anchored with ^ are tried at the line start only (one combined match), the
    others anywhere in the line (one combined search)."""
    cfg = load_config("ingest")
    patterns = cfg["remove_lines"]
    at_start = "|".join(f"(?:{p})" for p in patterns if _anchored(p)) or "(?!)"
    anywhere = "|".join(f"(?:{p})" for p in patterns if not _anchored(p)) or "(?!)"
    return re.compile(at_start), re.compile(anywhere), int(cfg.get("max_chrome_chars", 200))


def _anchored(pattern: str) -> bool:
    """Starts with ``^`` and has no top-level ``|`` (whose other branch would float)."""
    if not pattern.startswith("^"):
        return False
    depth, in_class, escaped = 0, False, False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return False
    return True


def is_removable(line: str) -> bool:
    at_start, anywhere, longest = _removal_rules()
    return len(line) <= longest and bool(at_start.match(line) or anywhere.search(line))


class _TextWriter:
    def __init__(self, source_text: str, converter: Converter | None = None, blocks: list[Line | Grid] = ()):
        self.source = source_text
        self.parts: list[str] = []
        self.size = 0
        self.anchors_norm = array("i")
        self.anchors_src = array("i")
        self._converted: dict[tuple[Piece, ...], tuple[str, list[tuple[int, int]]]] = {}
        if converter is not None:  # one OpenCC call for the whole document
            keys = [tuple(piece) for b in blocks for piece in
                    ([b.pieces] if isinstance(b, Line) else [cell for row in b.rows for cell in row])]
            converted = converter.convert_all([self._normalise(list(k)) for k in keys])
            self._converted = dict(zip(keys, converted))

    def normalise_pieces(self, pieces: list[Piece]) -> tuple[str, list[tuple[int, int]]]:
        found = self._converted.get(tuple(pieces))
        return found if found is not None else self._normalise(pieces)

    def _normalise(self, pieces: list[Piece]) -> tuple[str, list[tuple[int, int]]]:
        text, anchors = "", []
        for a, b in pieces:
            t, an = normalise(self.source[a:b])
            anchors.extend((n + len(text), s + a) for n, s in an)
            text += t
        return text, anchors

    def write(self, text: str, anchors: list[tuple[int, int]]) -> tuple[int, int]:
        if self.parts:
            self.parts.append("\n")
            self.size += 1
        start = self.size
        for n, s in anchors:
            self.anchors_norm.append(start + n)
            self.anchors_src.append(s)
        self.parts.append(text)
        self.size += len(text)
        return start, self.size


def assemble(source_text: str, blocks: list[Line | Grid], source: str,
             confidence: dict[Piece, list[float | None]] | None = None) -> Document:
    """Normalise blocks into one text, dropping web chrome, and record lines and grids.
    Text in Traditional characters is converted to Simplified (``source_text`` keeps it).
    ``confidence``: per-character OCR confidences of source pieces, kept as one-character
    spans of the normalised text (``Document.ocr_spans``)."""
    converter = detect(source_text)
    w = _TextWriter(source_text, converter, blocks)
    lines: list[tuple[int, int, str]] = []
    grids: list[list[list[Cell]]] = []
    removed: list[str] = []
    spans: list[tuple[int, int, float]] = []
    char_conf = _char_confidences(len(source_text), confidence) if confidence else None
    for block in blocks:
        if isinstance(block, Line):
            text, anchors = w.normalise_pieces(block.pieces)
            if not text:
                continue
            if is_removable(text):
                removed.append(text)
                continue
            s, e = w.write(text, anchors)
            lines.append((s, e, "text"))
            if char_conf is not None:
                spans.extend(_spans(s, e, w, char_conf))
            continue
        rows = _write_grid(w, block)
        if rows:
            k = len(grids)
            grids.append([cells for cells, _, _, _ in rows])
            lines.extend((s, e, f"table:{k}") for _, s, e, _ in rows)
            if char_conf is not None:
                for _, s, e, _ in rows:
                    spans.extend(_spans(s, e, w, char_conf))
    doc = Document(text="".join(w.parts), source=source, source_text=source_text)
    doc.anchors_norm, doc.anchors_src = w.anchors_norm, w.anchors_src
    doc.lines, doc.source_tables, doc.removed_lines = lines, grids, removed
    doc.ocr_spans = sorted(spans)
    if converter is not None:
        doc.meta.script = "traditional"
        doc.warnings.append(f"text converted from Traditional to Simplified Chinese for analysis "
                            f"(OpenCC {converter.config}); source_text keeps the original characters")
    return doc


def _char_confidences(size: int, confidence: dict[Piece, list[float | None]]) -> list[float | None]:
    out: list[float | None] = [None] * size
    for (a, b), values in confidence.items():
        out[a:b] = values
    return out


def _spans(start: int, end: int, w: "_TextWriter", char_conf: list[float | None]) -> list[tuple[int, int, float]]:
    """One-character spans of ``text[start:end]`` with the OCR confidence of their source character."""
    norm, src = w.anchors_norm, w.anchors_src
    k = bisect_right(norm, start) - 1
    out = []
    for i in range(start, end):
        while k + 1 < len(norm) and norm[k + 1] <= i:
            k += 1
        if k < 0:
            continue
        j = src[k] + i - norm[k]
        if 0 <= j < len(char_conf) and char_conf[j] is not None:
            out.append((i, i + 1, char_conf[j]))
    return out


def _write_grid(w: _TextWriter, grid: Grid) -> list[tuple[list[Cell], int, int, list[list[Piece]]]]:
    """Write each row as one line 'a | b | c' and return cells with their offsets (and pieces)."""
    out = []
    for row in grid.rows:
        texts = [w.normalise_pieces(cell) for cell in row]
        if not any(t for t, _ in texts):
            continue
        line, anchors, spans = "", [], []
        for i, (t, an) in enumerate(texts):
            if i:
                line += " | "
            spans.append((len(line), len(line) + len(t), t))
            anchors.extend((n + len(line), s) for n, s in an)
            line += t
        start, end = w.write(line, anchors)
        out.append(([Cell(t, start + a, start + b) for a, b, t in spans], start, end, row))
    return out
