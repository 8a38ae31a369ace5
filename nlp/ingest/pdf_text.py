"""A PDF page's text layer and drawn rules, read with pypdfium2 (PDFium): every character with
its loose box (font ascent to descent) and baseline, and the horizontal and vertical straight
segments of its paths (lines, rectangle sides), in top-down points."""
from __future__ import annotations

import ctypes
import math
import statistics

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .layout import Glyph

_SPACES = " \t\u3000\u00a0"
_BREAKS = "\r\n\ufffe\uffff"


def page_glyphs(page: pdfium.PdfPage) -> tuple[list[Glyph], float]:
    """The page's characters (top-down points) and its median font size."""
    textpage = page.get_textpage()
    try:
        return _glyphs(textpage, page.get_mediabox()[3])
    finally:
        textpage.close()


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


def page_rules(page: pdfium.PdfPage) -> tuple[list, list]:
    """Horizontal and vertical straight segments of the page's paths (lines, rectangle sides)."""
    page_top = page.get_mediabox()[3]
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
