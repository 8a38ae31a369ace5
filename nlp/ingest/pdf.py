"""PDF via pdfplumber: ruled tables become grids; other lines are re-joined into paragraphs
using the page geometry (an indented line starts a paragraph, a short line ends one);
page numbers such as "- 3 -" are dropped; tables continued across a page break are merged."""
from __future__ import annotations

import io
import re
import statistics
from dataclasses import dataclass

import pdfplumber

from ..config import load_config
from ..errors import ReadError
from .blocks import Grid, Line, SourceBuilder, is_removable
from .normalise import normalise


@dataclass
class _TextLine:
    text: str
    x0: float
    x1: float
    top: float


def read_pdf(data: bytes, path: str) -> tuple[str, list[Line | Grid]]:
    if not data.lstrip()[:5] == b"%PDF-":
        raise ReadError(path, "not a PDF file (no %PDF header; corrupted or mislabelled)")
    cfg = load_config("ingest")["pdf"]
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [_page_items(p, cfg["min_table_columns"]) for p in pdf.pages]
    except ReadError:
        raise
    except Exception as e:  # pdfminer raises a wide range of types on damaged files
        inner = [e, *e.args, e.__cause__, e.__context__]  # pdfplumber wraps pdfminer's errors
        names = " ".join(type(x).__name__ for x in inner if isinstance(x, BaseException))
        if "Password" in names or "Encrypt" in names:
            raise ReadError(path, "encrypted PDF (password protected)") from None
        detail = " ".join(str(x) for x in inner if isinstance(x, BaseException) and str(x))[:200]
        raise ReadError(path, f"corrupted PDF ({type(e).__name__}{': ' + detail if detail else ''})") from None
    if not pages:
        raise ReadError(path, "PDF has no pages")
    if not any(items for items, _ in pages):
        raise ReadError(path, "PDF has no text layer (a scanned image?); OCR is not supported")
    return _blocks(pages, cfg)


def _page_items(page, min_columns: int) -> tuple[list, float]:
    tables = [t for t in page.find_tables() if _columns(t) >= min_columns]
    boxes = [t.bbox for t in tables]

    def outside(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    sizes = [c["size"] for c in page.chars] or [12.0]
    lines = [
        _TextLine(l["text"], l["x0"], l["x1"], l["top"])
        for l in page.filter(outside).extract_text_lines()
        if l["text"].strip()
    ]
    items: list = lines + [(t.bbox[1], t.extract()) for t in tables]
    items.sort(key=lambda it: it.top if isinstance(it, _TextLine) else it[0])
    return items, statistics.median(sizes)


def _columns(table) -> int:
    rows = table.extract()
    return max((sum(1 for c in row if c and c.strip()) for row in rows), default=0)


def _blocks(pages, cfg) -> tuple[str, list[Line | Grid]]:
    src = SourceBuilder()
    blocks: list[Line | Grid] = []
    open_paragraph = False
    for items, size in pages:
        text_lines = [it for it in items if isinstance(it, _TextLine) and not is_removable(normalise(it.text)[0])]
        left = min((l.x0 for l in text_lines), default=0.0)
        wide = [l.x1 for l in text_lines if l.x1 - l.x0 > 10 * size] or [l.x1 for l in text_lines] or [0.0]
        right = statistics.median(wide)
        kept = {id(l) for l in text_lines}
        for it in items:
            if isinstance(it, _TextLine):
                if id(it) not in kept:
                    continue
                piece = src.add(it.text)
                starts = it.x0 - left > cfg["indent_chars"] * size
                if open_paragraph and not starts and blocks and isinstance(blocks[-1], Line):
                    blocks[-1].pieces.append(piece)
                else:
                    blocks.append(Line([piece]))
                open_paragraph = it.x1 >= right - cfg["short_line_chars"] * size
            else:
                rows = [[[src.add(c, sep="\t")] if c and c.strip() else [] for c in row] for row in it[1]]
                if blocks and isinstance(blocks[-1], Grid) and not open_paragraph:
                    _continue_table(blocks[-1], rows, src.text())
                else:
                    blocks.append(Grid(rows))
                open_paragraph = False
    return src.text(), blocks


_LABEL_START = re.compile(r"^\s*([(（]|[一二三四五六七八九十]+[、.]|\d)")


def _continue_table(grid: Grid, rows: list, text: str) -> None:
    """Append rows continued from the previous page. A label cut by the page break
    ("(四)无" | "法提供") is re-joined with the label above it in the same column."""
    if rows:
        for j, pieces in enumerate(rows[0]):
            fragment = "".join(text[a:b] for a, b in pieces).strip()
            if not fragment or fragment[0].isdigit() or _LABEL_START.match(fragment):
                continue
            above = next((r[j] for r in reversed(grid.rows) if j < len(r) and r[j]), None)
            label = "".join(text[a:b] for a, b in above).strip() if above else ""
            if label and not label[0].isdigit() or label.startswith(("(", "（")):
                above.extend(pieces)
                rows[0][j] = []
    grid.rows.extend(rows)
