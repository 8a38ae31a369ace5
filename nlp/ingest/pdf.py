"""PDF via pypdfium2: characters and their boxes from the text layer, ruled tables rebuilt from
the page's line and rectangle paths (``layout``); other lines are re-joined into paragraphs
using the page geometry (an indented line starts a paragraph, a short line ends one); page
numbers such as "- 3 -" are dropped; tables continued across a page break are merged."""
from __future__ import annotations

import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..config import load_config
from ..errors import ReadError
from .blocks import Grid, Line, SourceBuilder, is_removable
from .layout import TableGrid, TextLine, page_items
from .normalise import normalise
from .pdf_text import page_glyphs, page_rules


@dataclass
class PdfPage:
    items: list[TextLine | TableGrid]
    size: float  # median font size, points
    ocr: dict[str, Any] | None = None  # for a page read by OCR: its number, confidence, skew


@dataclass
class OcrResult:
    info: dict[str, Any] | None  # the record's "ocr": engine, dpi, min_confidence, pages
    confidence: dict[tuple[int, int], list]  # source pieces read by OCR -> each character's confidence
    warnings: list[str] = field(default_factory=list)


def read_pdf(data: bytes, path: str) -> tuple[str, list[Line | Grid], OcrResult | None]:
    cfg = load_config("ingest")["pdf"]
    pages, skipped = read_pages(data, path, cfg)
    if not pages:
        raise ReadError(path, "PDF has no pages")
    if not any(p.items for p in pages):
        if skipped:
            raise ReadError(path, f"PDF has no text layer (a scanned image?) and {skipped}")
        raise ReadError(path, "PDF has no text (no text layer and no page image to read)")
    src, blocks = _blocks(pages, cfg)
    ocr_pages = [p.ocr for p in pages if p.ocr is not None]
    if not ocr_pages and not skipped:
        return src.text(), blocks, None
    ocr_cfg = cfg["ocr"]
    info = {"engine": "rapidocr-onnxruntime", "dpi": ocr_cfg["dpi"], "min_confidence": ocr_cfg["min_confidence"],
            "pages": [{"page": i + 1, "ocr": p.ocr is not None, **(p.ocr or {})} for i, p in enumerate(pages)]}
    result = OcrResult(info if ocr_pages else None, src.confidence)
    if skipped:
        result.warnings.append(f"pages without a text layer were skipped: {skipped}")
    low = [f"page {o['page']}: {o['low_confidence_chars']}" for o in info["pages"] if o.get("low_confidence_chars")]
    if low:
        result.warnings.append(f"OCR characters below confidence {ocr_cfg['min_confidence']} ({', '.join(low)})")
    return src.text(), blocks, result


def read_pages(data: bytes, path: str, cfg=None) -> tuple[list[PdfPage], str]:
    """Each page's lines and tables, top to bottom. Pages without a text layer are read by OCR
    where it is on and installed; otherwise the second value says why they were skipped."""
    if not data.lstrip()[:5] == b"%PDF-":
        raise ReadError(path, "not a PDF file (no %PDF header; corrupted or mislabelled)")
    cfg = cfg or load_config("ingest")["pdf"]
    pdf = _open(data, path)
    try:
        pages: list[PdfPage | None] = []
        for i in range(len(pdf)):
            page = pdf[i]
            try:
                pages.append(_text_page(page, cfg))
            finally:
                page.close()
        todo = [i for i, p in enumerate(pages) if p is None]
        skipped = _ocr_pages(pdf, todo, pages, cfg["ocr"], cfg, path) if todo else ""
    except pdfium.PdfiumError as e:
        raise ReadError(path, f"corrupted PDF ({str(e)[:200]})") from None
    finally:
        pdf.close()
    return [p or PdfPage([], 12.0) for p in pages], skipped


def _open(data: bytes, path: str) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if getattr(e, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise ReadError(path, "encrypted PDF (password protected)") from None
        raise ReadError(path, f"corrupted PDF ({str(e)[:200]})") from None


def _text_page(page: pdfium.PdfPage, cfg) -> PdfPage | None:
    """The page read from its text layer; None for a page to OCR (no text, but something drawn)."""
    glyphs, size = page_glyphs(page)
    if not glyphs:
        return None if _has_image(page) else PdfPage([], 12.0)
    h_edges, v_edges = page_rules(page)
    return PdfPage(page_items(glyphs, h_edges, v_edges, cfg["min_table_columns"]), size)


def _has_image(page: pdfium.PdfPage) -> bool:
    return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=4))


def _ocr_pages(pdf, todo: list[int], pages: list, ocr_cfg, cfg, path: str) -> str:
    """OCR the pages in ``todo`` (filling ``pages``); returns why they were skipped, or ""."""
    from . import ocr

    numbers = ", ".join(str(i + 1) for i in todo)
    if not ocr_cfg.get("enabled", True):
        return f"OCR is off (configs/ingest.yaml pdf.ocr.enabled); pages {numbers}"
    if not ocr.available():
        return f"OCR is not installed ({ocr.INSTALL_HINT}); pages {numbers}"
    for i in _progress(todo, ocr_cfg, path):
        page = pdf[i]
        try:
            t0 = time.perf_counter()
            read = ocr.ocr_page(page, ocr_cfg)
        finally:
            page.close()
        confs = [g.conf for g in read.glyphs if g.conf is not None]
        pages[i] = PdfPage(page_items(read.glyphs, read.h_edges, read.v_edges, cfg["min_table_columns"]),
                           read.size, {
                               "confidence": round(sum(confs) / len(confs), 3) if confs else None,
                               "low_confidence_chars": sum(c < ocr_cfg["min_confidence"] for c in confs),
                               "chars": len(confs), "skew_degrees": round(read.skew, 2),
                               "seconds": round(time.perf_counter() - t0, 2)})
    return ""


def _progress(todo: list[int], ocr_cfg, path: str):
    """Per-page progress on stderr for long OCR files, in the main process only (batch workers
    report per document)."""
    import multiprocessing

    show = ocr_cfg.get("progress", "auto")
    if show == "auto":
        show = (len(todo) >= ocr_cfg.get("progress_min_pages", 3) and sys.stderr.isatty()
                and multiprocessing.current_process().name == "MainProcess")
    if not show:
        return todo
    from tqdm import tqdm

    return tqdm(todo, desc=f"OCR {Path(path).name}", unit="page", file=sys.stderr, leave=False)


def _blocks(pages: list[PdfPage], cfg) -> tuple[SourceBuilder, list[Line | Grid]]:
    src = SourceBuilder()
    blocks: list[Line | Grid] = []
    open_paragraph = False
    body = [[it for it in p.items if isinstance(it, TextLine) and not is_removable(normalise(it.text)[0])]
            for p in pages]
    right, pitch = _margin_and_pitch(body, pages)
    for page, text_lines in zip(pages, body):
        items, size = page.items, page.size
        left = min((l.x0 for l in text_lines), default=0.0)
        kept = {id(l) for l in text_lines}
        above = None  # the text line just above, on this page
        for it in items:
            if isinstance(it, TextLine):
                if id(it) not in kept:
                    continue
                piece = src.add(it.text, conf=it.confs)
                starts = it.x0 - left > cfg["indent_chars"] * size
                if above is not None and it.top - above.top > cfg["paragraph_gap_lines"] * pitch:
                    starts = True  # paragraph spacing
                if open_paragraph and not starts and blocks and isinstance(blocks[-1], Line):
                    blocks[-1].pieces.append(piece)
                else:
                    blocks.append(Line([piece]))
                open_paragraph = it.x1 >= right - cfg["short_line_chars"] * size
                above = it
            else:
                above = None
                rows = [[[src.add(c.text, sep="\t", conf=c.confs)] if c and c.text.strip() else [] for c in row]
                        for row in it.rows]
                if blocks and isinstance(blocks[-1], Grid) and not open_paragraph:
                    _continue_table(blocks[-1], rows, src.text())
                else:
                    blocks.append(Grid(rows))
                open_paragraph = False
    return src, blocks


def _margin_and_pitch(body: list[list[TextLine]], pages: list[PdfPage]) -> tuple[float, float]:
    """The body text's right margin (where wrapped lines end) and its line spacing (the
    smallest step between consecutive lines seen at least twice), over the whole document, so
    that a page of short lines or one-line paragraphs is measured against the others."""
    size = statistics.median(p.size for p in pages)
    ends = sorted(l.x1 for lines, p in zip(body, pages) for l in lines if l.x1 - l.x0 > 10 * p.size)
    if ends:
        far = ends[int(0.95 * (len(ends) - 1))]
        right = statistics.median(x for x in ends if x >= far - 2 * size)
    else:
        right = max((l.x1 for lines in body for l in lines), default=0.0)
    steps = sorted(b.top - a.top for lines in body for a, b in zip(lines, lines[1:])
                   if 0.8 * size < b.top - a.top < 4 * size)
    pitch = next((a for a, b in zip(steps, steps[1:]) if b - a <= 0.05 * a), None)
    return right, pitch or (statistics.median(steps) if steps else 2 * size)


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
