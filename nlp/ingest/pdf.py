"""PDF via pypdfium2: characters and their boxes from the text layer, ruled tables rebuilt from
the page's line and rectangle paths (``layout``); other lines are re-joined into paragraphs
using the page geometry (an indented line starts a paragraph, a short line ends one); page
numbers such as "- 3 -" are dropped; tables continued across a page break are merged."""
from __future__ import annotations

import ctypes
import math
import re
import statistics

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..config import load_config
from ..errors import ReadError
from .blocks import Grid, Line, SourceBuilder, is_removable
from .layout import Glyph, TableGrid, TextLine, page_items
from .normalise import normalise

_SPACES = " \t\u3000\u00a0"
_BREAKS = "\r\n\ufffe\uffff"


def read_pdf(data: bytes, path: str) -> tuple[str, list[Line | Grid]]:
    cfg = load_config("ingest")["pdf"]
    pages = read_pages(data, path, cfg)
    if not pages:
        raise ReadError(path, "PDF has no pages")
    if not any(items for items, _ in pages):
        raise ReadError(path, "PDF has no text layer (a scanned image?); OCR is not supported")
    return _blocks(pages, cfg)


def read_pages(data: bytes, path: str, cfg=None) -> list[tuple[list[TextLine | TableGrid], float]]:
    """Each page's lines and tables, top to bottom, with the page's median font size."""
    if not data.lstrip()[:5] == b"%PDF-":
        raise ReadError(path, "not a PDF file (no %PDF header; corrupted or mislabelled)")
    cfg = cfg or load_config("ingest")["pdf"]
    pdf = _open(data, path)
    try:
        pages = []
        for i in range(len(pdf)):
            page = pdf[i]
            try:
                pages.append(_page(page, cfg))
            finally:
                page.close()
    except pdfium.PdfiumError as e:
        raise ReadError(path, f"corrupted PDF ({str(e)[:200]})") from None
    finally:
        pdf.close()
    return pages


def _open(data: bytes, path: str) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if getattr(e, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise ReadError(path, "encrypted PDF (password protected)") from None
        raise ReadError(path, f"corrupted PDF ({str(e)[:200]})") from None


def _page(page: pdfium.PdfPage, cfg) -> tuple[list[TextLine | TableGrid], float]:
    top = page.get_mediabox()[3]
    textpage = page.get_textpage()
    try:
        glyphs, size = _glyphs(textpage, top)
    finally:
        textpage.close()
    h_edges, v_edges = _rules(page, top) if glyphs else ([], [])
    return page_items(glyphs, h_edges, v_edges, cfg["min_table_columns"]), size


def _glyphs(textpage: pdfium.PdfTextPage, page_top: float) -> tuple[list[Glyph], float]:
    """Every character of the text layer with its loose box (font ascent to descent) and baseline."""
    tp = textpage.raw
    n = pdfium_c.FPDFText_CountChars(tp)
    text = textpage.get_text_range(0, n) if n > 0 else ""
    if len(text) != n:  # pypdfium2 returns UTF-16 code units; fall back to one call per char
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(tp, i)) for i in range(n))
    box, matrix = pdfium_c.FS_RECTF(), pdfium_c.FS_MATRIX()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    glyphs: list[Glyph] = []
    sizes: list[float] = []
    space = False
    for i, ch in enumerate(text):
        if ch in _SPACES:
            space = True
            continue
        if ch in _BREAKS or pdfium_c.FPDFText_IsGenerated(tp, i):
            continue
        pdfium_c.FPDFText_GetLooseCharBox(tp, i, box)
        pdfium_c.FPDFText_GetCharOrigin(tp, i, ox, oy)
        glyphs.append(Glyph(ch, box.left, box.right, page_top - box.top, page_top - box.bottom,
                            page_top - oy.value, space))
        space = False
        if len(sizes) < 400 or i % 8 == 0:  # enough for the median
            pdfium_c.FPDFText_GetMatrix(tp, i, matrix)
            scale = math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c))
            sizes.append(pdfium_c.FPDFText_GetFontSize(tp, i) * scale)
    return glyphs, statistics.median(sizes) if sizes else 12.0


def _rules(page: pdfium.PdfPage, page_top: float) -> tuple[list, list]:
    """Horizontal and vertical straight segments of the page's paths (lines, rectangle sides)."""
    h: list[tuple[float, float, float]] = []
    v: list[tuple[float, float, float]] = []
    raw = page.raw
    for k in range(pdfium_c.FPDFPage_CountObjects(raw)):
        _collect(pdfium_c.FPDFPage_GetObject(raw, k), (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), page_top, h, v, 0)
    return h, v


def _collect(obj, outer, page_top, h, v, depth) -> None:
    kind = pdfium_c.FPDFPageObj_GetType(obj)
    if kind not in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM):
        return
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, m):
        return
    a, b, c, d, e, f = outer
    # this object's matrix, then the enclosing forms' (row vectors: p' = p · M_obj · M_outer)
    mat = (m.a * a + m.b * c, m.a * b + m.b * d, m.c * a + m.d * c, m.c * b + m.d * d,
           m.e * a + m.f * c + e, m.e * b + m.f * d + f)
    if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
        if depth < 8:
            for k in range(pdfium_c.FPDFFormObj_CountObjects(obj)):
                _collect(pdfium_c.FPDFFormObj_GetObject(obj, k), mat, page_top, h, v, depth + 1)
        return
    x, y = ctypes.c_float(), ctypes.c_float()
    start = prev = None
    for k in range(pdfium_c.FPDFPath_CountSegments(obj)):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, k)
        pdfium_c.FPDFPathSegment_GetPoint(seg, x, y)
        px, py = x.value, y.value
        pt = (px * mat[0] + py * mat[2] + mat[4], page_top - (px * mat[1] + py * mat[3] + mat[5]))
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        if kind == pdfium_c.FPDF_SEGMENT_LINETO and prev is not None:
            _segment(prev, pt, h, v)
        elif kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = pt
        prev = pt
        if pdfium_c.FPDFPathSegment_GetClose(seg) and start is not None:
            _segment(pt, start, h, v)
            prev = start


def _segment(p, q, h, v) -> None:
    (x0, y0), (x1, y1) = p, q
    if abs(y1 - y0) <= 1.0 and abs(x1 - x0) > 1.0:
        h.append(((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
    elif abs(x1 - x0) <= 1.0 and abs(y1 - y0) > 1.0:
        v.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))


def _blocks(pages, cfg) -> tuple[str, list[Line | Grid]]:
    src = SourceBuilder()
    blocks: list[Line | Grid] = []
    open_paragraph = False
    for items, size in pages:
        text_lines = [it for it in items if isinstance(it, TextLine) and not is_removable(normalise(it.text)[0])]
        left = min((l.x0 for l in text_lines), default=0.0)
        wide = [l.x1 for l in text_lines if l.x1 - l.x0 > 10 * size] or [l.x1 for l in text_lines] or [0.0]
        right = statistics.median(wide)
        kept = {id(l) for l in text_lines}
        for it in items:
            if isinstance(it, TextLine):
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
                rows = [[[src.add(c.text, sep="\t")] if c and c.text.strip() else [] for c in row] for row in it.rows]
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
