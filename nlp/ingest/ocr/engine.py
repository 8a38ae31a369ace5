"""The OCR engine: rapidocr-onnxruntime (PP-OCR detection and recognition models shipped in
its wheel, run offline by onnxruntime), built once per process."""
from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

import numpy as np

@lru_cache(maxsize=2)
def _engine(options: tuple[tuple[str, Any], ...], det_max_side: int | None = None):
    from rapidocr_onnxruntime import RapidOCR

    eng = RapidOCR(**{k: list(v) if isinstance(v, tuple) else v for k, v in options})
    if det_max_side and hasattr(eng, "text_det"):
        eng.text_det = _SmallDetector(eng.text_det, det_max_side)
    return eng


class _SmallDetector:
    """Text detection on the page shrunk to ``max_side`` pixels, boxes scaled back: body-text
    lines are found as well on the smaller image, for a fraction of the CPU (detection's cost
    grows with the pixel count); recognition still reads crops of the full-resolution page."""

    def __init__(self, detector, max_side: int):
        self._detector, self._max_side = detector, max_side

    def __getattr__(self, name):
        return getattr(self._detector, name)

    def __call__(self, img: np.ndarray):
        import cv2

        h, w = img.shape[:2]
        ratio = self._max_side / max(h, w)
        if ratio >= 1:
            return self._detector(img)
        small = cv2.resize(img, (round(w * ratio), round(h * ratio)), interpolation=cv2.INTER_AREA)
        boxes, elapse = self._detector(small)
        if boxes is None or len(boxes) == 0:
            return boxes, elapse
        boxes = np.asarray(boxes, dtype=np.float32)
        boxes[..., 0] = np.clip(boxes[..., 0] * w / small.shape[1], 0, w - 1)
        boxes[..., 1] = np.clip(boxes[..., 1] * h / small.shape[0], 0, h - 1)
        return boxes, elapse


SHIPPED_LANGUAGES = {"ch", "en", "chinese_cht"}


def engine(cfg: dict[str, Any]):
    """The OCR engine (built once per process for a given set of options)."""
    from ...errors import ConfigError

    options = dict(cfg.get("engine_options") or {})
    if "intra_op_num_threads" not in options and os.environ.get("OMP_NUM_THREADS", "").isdigit():
        options["intra_op_num_threads"] = int(os.environ["OMP_NUM_THREADS"])  # batch workers: one thread each
    other = set(cfg.get("languages") or ["ch"]) - SHIPPED_LANGUAGES
    if other and "rec_model_path" not in options:
        raise ConfigError(f"configs/ingest.yaml pdf.ocr.languages: {sorted(other)} need a recognition model "
                          "(engine_options: rec_model_path); the shipped model reads Chinese and English")
    return _engine(tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in options.items())),
                   cfg.get("det_max_side"))


def read_page_image(gray: np.ndarray, cfg: dict[str, Any]) -> list:
    """The engine's lines on the whole page: [box, text, score, char boxes, chars, char scores]."""
    result, _ = engine(cfg)(np.stack([gray] * 3, axis=-1), return_word_box=True)
    return result or []


def read_crops(crops: list[np.ndarray], cfg: dict[str, Any]) -> list[tuple[str, float]]:
    """Recognition only (no detection) of single-line crops, in batches."""
    if not crops:
        return []
    eng = engine(cfg)
    images = [np.stack([c] * 3, axis=-1) for c in crops]
    rec = getattr(eng, "text_rec", None)
    shape = getattr(rec, "rec_image_shape", None)
    if rec is None or shape is None:  # another engine version: one public call per crop
        out = []
        for img in images:
            r, _ = eng(img, use_det=False, use_cls=False)
            out.append((str(r[0][0]), float(r[0][1])) if r else ("", 0.0))
        return out
    # The model takes any width; its default minimum (320 pixels at height 48, for page lines)
    # would pad a lone figure to ten times its size. Short crops need 96.
    rec.rec_image_shape = [shape[0], shape[1], 2 * shape[1]]
    try:
        res, _ = rec(images)
    finally:
        rec.rec_image_shape = shape
    return [(str(r[0]), float(r[1])) for r in res]
