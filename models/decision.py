"""From label probabilities to a paragraph's labels: one confident label rather than many weak.

Every prose paragraph gets its most probable label (the primary label, listed first). Another
label is added only when its calibrated probability reaches ``second`` (a high bar, tuned on
held-out reports: ``training/label_tuning.py``) and, with ``margin``, is not far below the
primary one; at most ``max_labels`` labels in all. Labels are listed by decreasing probability."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Sequence

import numpy as np


@dataclass
class LabelDecision:
    second: float = 0.6            # probability a non-primary label needs
    margin: float | None = None    # …and at most this far below the primary label's
    max_labels: int = 4

    def choose(self, row: Sequence[float], labels: Sequence[str]) -> list[str]:
        row = np.asarray(row, dtype=float)
        if not len(row):
            return []
        order = np.argsort(-row, kind="stable")
        top = row[order[0]]
        chosen = [labels[order[0]]]
        for j in order[1:]:
            if len(chosen) >= self.max_labels or row[j] < self.second:
                break
            if self.margin is not None and top - row[j] > self.margin:
                break
            chosen.append(labels[j])
        return chosen

    def decide(self, P: np.ndarray, labels: Sequence[str]) -> list[list[str]]:
        return [self.choose(row, labels) for row in P]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> "LabelDecision":
        d = dict(d or {})
        return cls(second=float(d.get("second", cls.second)),
                   margin=None if d.get("margin") is None else float(d["margin"]),
                   max_labels=int(d.get("max_labels", cls.max_labels)))
