"""From label probabilities to label lists (shared by every classifier; NumPy only).

- :func:`decide`: per-label thresholds (the sentence head, and models without a tuned decision);
- :class:`LabelDecision`: one confident label rather than many weak ones (paragraph labels).
  Every prose paragraph gets its most probable label (the primary label, listed first). Another
  label is added only when its calibrated probability reaches ``second`` (a high bar, tuned on
  held-out reports: ``training/label_tuning.py``) and, with ``margin``, is not far below the
  primary one; at most ``max_labels`` labels in all. The other labels may be judged on their own
  probabilities (``secondary``: e.g. with mention cues that must not pick the primary label,
  models/priors.py). Labels are listed primary first, then by decreasing probability."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Sequence

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


@dataclass
class LabelDecision:
    second: float = 0.6            # probability a non-primary label needs
    margin: float | None = None    # …and at most this far below the primary label's
    max_labels: int = 4

    def choose(self, row: Sequence[float], labels: Sequence[str],
               secondary: Sequence[float] | None = None) -> list[str]:
        row = np.asarray(row, dtype=float)
        if not len(row):
            return []
        first = int(np.argmax(row))
        other = row if secondary is None else np.asarray(secondary, dtype=float)
        top = other[first]
        chosen = [labels[first]]
        for j in np.argsort(-other, kind="stable"):
            if j == first:
                continue
            if len(chosen) >= self.max_labels or other[j] < self.second:
                break
            if self.margin is not None and top - other[j] > self.margin:
                break
            chosen.append(labels[j])
        return chosen

    def decide(self, P: np.ndarray, labels: Sequence[str], secondary: np.ndarray | None = None) -> list[list[str]]:
        if secondary is None:
            return [self.choose(row, labels) for row in P]
        return [self.choose(row, labels, sec) for row, sec in zip(P, secondary)]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        return d | {"second": float(d["second"]), "margin": None if d["margin"] is None else float(d["margin"])}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> "LabelDecision":
        d = dict(d or {})
        return cls(second=float(d.get("second", cls.second)),
                   margin=None if d.get("margin") is None else float(d["margin"]),
                   max_labels=int(d.get("max_labels", cls.max_labels)))
