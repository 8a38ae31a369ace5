"""OCR for PDF pages without a text layer, offline: rapidocr-onnxruntime (its wheel carries the
PP-OCR detection and recognition models). A page is rendered with pypdfium2 at the configured
dpi, straightened, read, and its characters (boxes and confidences) and ruled lines go to the
same layout code as a text layer's, in points, so lines, paragraphs and table grids are
rebuilt the same way; one-line table cells are read again from their own crops."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..layout import Glyph
from .cells import reread_cells
from .engine import engine, read_crops, read_page_image
from .glyphs import recognise
from .image import render, rules, skew_angle, straighten

__all__ = ["OcrPage", "available", "ocr_page", "engine", "read_page_image", "read_crops", "recognise",
           "render", "rules", "skew_angle", "straighten", "reread_cells", "INSTALL_HINT"]

INSTALL_HINT = "pip install 'govreport-nlp[ocr]' (rapidocr-onnxruntime)"


@dataclass
class OcrPage:
    glyphs: list[Glyph]
    h_edges: list[tuple[float, float, float]]
    v_edges: list[tuple[float, float, float]]
    size: float  # body font size estimated from the character boxes, points
    skew: float  # degrees the page was turned to straighten it


def available() -> bool:
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def ocr_page(page, cfg: dict[str, Any]) -> OcrPage:
    """Read one page without a text layer (``cfg``: configs/ingest.yaml ``pdf.ocr``)."""
    scale = cfg["dpi"] / 72
    gray = render(page, cfg["dpi"])
    angle = skew_angle(gray) if cfg.get("deskew", True) else 0.0
    gray = straighten(gray, angle)
    glyphs = recognise(read_page_image(gray, cfg), scale)
    h_edges, v_edges, rule_mask = rules(gray, scale)
    glyphs = reread_cells(gray, rule_mask, scale, glyphs, h_edges, v_edges, cfg)
    heights = sorted(g.bottom - g.top for g in glyphs)
    size = heights[len(heights) // 2] * 0.8 if heights else 12.0
    return OcrPage(glyphs, h_edges, v_edges, size, angle)
