"""Page images: rendering, straightening, and the ruled lines of tables."""
from __future__ import annotations

import numpy as np


def render(page, dpi: float) -> np.ndarray:
    """The page as a grey-level image (uint8, height × width) at ``dpi``."""
    bitmap = page.render(scale=dpi / 72, grayscale=True)
    img = bitmap.to_numpy()
    return np.ascontiguousarray(img[:, :, 0] if img.ndim == 3 else img)


def skew_angle(gray: np.ndarray, max_degrees: float = 3.0) -> float:
    """The rotation (degrees, counter-clockwise) that best aligns text rows and rules with the
    horizontal: the angle maximising the squared differences of the dark-pixel row profile."""
    import cv2

    small = cv2.resize(gray, (gray.shape[1] // 4, gray.shape[0] // 4), interpolation=cv2.INTER_AREA)
    dark = (small < 160).astype(np.float32)
    if dark.sum() < 50:
        return 0.0

    def score(angle: float, img: np.ndarray) -> float:
        h, w = img.shape
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        rows = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_NEAREST).sum(axis=1)
        return float(np.square(np.diff(rows)).sum())

    coarse = max(np.arange(-max_degrees, max_degrees + 1e-9, 0.25), key=lambda a: score(a, dark))
    half = (cv2.resize(gray, (gray.shape[1] // 2, gray.shape[0] // 2), interpolation=cv2.INTER_AREA) < 160)
    half = half.astype(np.float32)
    return float(max(np.arange(coarse - 0.25, coarse + 0.25 + 1e-9, 0.05), key=lambda a: score(a, half)))


def straighten(gray: np.ndarray, angle: float) -> np.ndarray:
    import cv2

    if abs(angle) < 0.05:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=255)


def rules(gray: np.ndarray, scale: float, min_points: float = 18.0, max_thickness: float = 3.0):
    """Horizontal and vertical ruled lines as (position, start, end) in points: dark runs at
    least ``min_points`` long (longer than any stroke of body text) and at most
    ``max_thickness`` points thick; and the mask of their pixels (to tell cell text from rules)."""
    import cv2

    dark = (gray < 170).astype(np.uint8)
    k = max(int(min_points * scale), 8)
    out = []
    mask = np.zeros_like(dark)
    for shape in ((k, 1), (1, k)):
        across = (3, 1) if shape[0] > 1 else (1, 3)  # bridge one- or two-pixel breaks of a blurred rule
        bridged = cv2.morphologyEx(dark, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, across))
        lines = cv2.morphologyEx(bridged, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, shape))
        n, labels, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
        edges = []
        for i, (x, y, w, h, _area) in enumerate(stats[1:n], 1):
            if shape[0] > 1 and h <= max_thickness * scale:
                edges.append(((y + h / 2) / scale, x / scale, (x + w) / scale))
            elif shape[1] > 1 and w <= max_thickness * scale:
                edges.append(((x + w / 2) / scale, y / scale, (y + h) / scale))
            else:
                continue
            mask[labels == i] = 1
        out.append(edges)
    mask = cv2.dilate(mask, np.ones((3, 3), np.uint8))
    return out[0], out[1], mask.astype(bool)
