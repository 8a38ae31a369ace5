"""From label probabilities to label lists (shared by every classifier; no heavy imports)."""
from __future__ import annotations

from typing import Sequence

import numpy as np


def decide(P: np.ndarray, labels: Sequence[str], thresholds: Sequence[float],
           at_least_one: bool = False) -> list[list[str]]:
    """Labels whose probability reaches their threshold. With ``at_least_one`` a row with no
    label above threshold gets its most probable label (every prose paragraph says something)."""
    out = []
    for row in P:
        chosen = [l for l, p, t in zip(labels, row, thresholds) if p >= t]
        if not chosen and at_least_one and len(row):
            chosen = [labels[int(np.argmax(np.asarray(row) / np.asarray(thresholds)))]]
        out.append(chosen)
    return out
