"""Label priors: what the genre says before any model is trained, as data
(``configs/label_priors.yaml``).

Each rule looks at a paragraph's context (its heading path, models/context.py), its text, or
both, and shifts the log-odds of some labels: a paragraph under 存在的主要问题 that admits a
shortcoming leans to ``problems``; ``improvements`` needs forward-looking or remedial wording
(下一步, 将, 今后…) or an 改进 heading, not just 进一步; the report-notes paragraph (本报告根据…
全文包括… 统计期限…) is ``report_meta`` even though it names every section; a short metadata line
(索引号, 发布日期…) is ``noise``. Shifts add up; the result is mapped back to a probability.

A rule marked ``secondary: true`` only helps a label join as a secondary one (a requests
paragraph that also counts 行政复议 cases gets ``review_litigation`` too): its shifts are left
out when the primary label is chosen (:meth:`LabelPriors.apply`) and added for the others
(:meth:`LabelPriors.apply_secondary`)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from nlp.errors import ConfigError

EPS = 1e-3  # calibrated scores are never certain; a strong rule can always win


@dataclass(frozen=True)
class PriorRule:
    name: str
    shift: dict[str, float]
    context: re.Pattern | None = None       # searched in the heading path
    text: re.Pattern | None = None          # searched in the paragraph text
    unless_context: re.Pattern | None = None
    unless_text: re.Pattern | None = None
    max_chars: int | None = None            # only paragraphs at most this long
    secondary: bool = False                 # shifts count for secondary labels only

    def fires(self, text: str, context: str) -> bool:
        return self.fires_text(text) and self.fires_context(context)

    def fires_text(self, text: str) -> bool:
        if self.max_chars is not None and len(text) > self.max_chars:
            return False
        if self.text is not None and not self.text.search(text):
            return False
        return not (self.unless_text is not None and self.unless_text.search(text))

    def fires_context(self, context: str) -> bool:
        if self.context is not None and not self.context.search(context):
            return False
        return not (self.unless_context is not None and self.unless_context.search(context))


def _pattern(rule: dict, key: str) -> re.Pattern | None:
    value = rule.get(key)
    if value is None:
        return None
    try:
        return re.compile(value)
    except re.error as e:
        raise ConfigError(f"label priors: rule {rule.get('name')!r}: bad {key} pattern: {e}") from None


class LabelPriors:
    """Log-odds shifts from ``configs/label_priors.yaml`` (or a dict of the same shape).

    >>> priors = LabelPriors.from_config()
    >>> P2 = priors.apply(P, labels, texts, contexts)
    """

    def __init__(self, rules: Sequence[PriorRule], scale: float = 1.0):
        self.rules = list(rules)
        self.scale = float(scale)

    @classmethod
    def from_config(cls, config: str | dict = "label_priors") -> "LabelPriors":
        from nlp.config import load_config

        cfg = load_config(config) if isinstance(config, str) else config
        try:
            rules = [PriorRule(r["name"], {str(k): float(v) for k, v in (r.get("shift") or {}).items()},
                               _pattern(r, "context"), _pattern(r, "text"), _pattern(r, "unless_context"),
                               _pattern(r, "unless_text"), r.get("max_chars"), bool(r.get("secondary", False)))
                     for r in cfg.get("rules") or []]
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise ConfigError(f"label priors: bad rule ({e})") from None
        for r in rules:
            if r.context is None and r.text is None:
                raise ConfigError(f"label priors: rule {r.name!r} needs a context or text pattern")
        return cls(rules, cfg.get("scale", 1.0))

    def check_labels(self, labels: Sequence[str]) -> None:
        unknown = sorted({l for r in self.rules for l in r.shift} - set(labels))
        if unknown:
            raise ConfigError(f"label priors: unknown label(s) {', '.join(unknown)}")

    def shifts(self, labels: Sequence[str], texts: Sequence[str], contexts: Sequence[str],
               secondary: bool = False) -> np.ndarray:
        """Summed log-odds shifts of the primary rules (or of the ``secondary`` ones), one row
        per paragraph."""
        index = {l: j for j, l in enumerate(labels)}
        S = np.zeros((len(texts), len(labels)))
        contexts = [c or "" for c in contexts]
        for r in self.rules:
            if r.secondary != secondary:
                continue
            # a report's paragraphs share a few contexts: test each distinct one once
            seen: dict[str, bool] = {}
            rows = [i for i, (text, context) in enumerate(zip(texts, contexts))
                    if (seen[context] if context in seen else seen.setdefault(context, r.fires_context(context)))
                    and r.fires_text(text)]
            if rows:
                shift = np.zeros(len(labels))
                for label, v in r.shift.items():
                    if label in index:
                        shift[index[label]] = v
                S[rows] += shift
        return S * self.scale

    def fired(self, text: str, context: str) -> list[str]:
        """Names of the rules that fire on one paragraph (for explanations and tests)."""
        return [r.name for r in self.rules if r.fires(text, context or "")]

    def apply(self, P: np.ndarray, labels: Sequence[str], texts: Sequence[str],
              contexts: Sequence[str], secondary: bool = False) -> np.ndarray:
        """``P`` shifted by the primary rules (``secondary=True``: by the secondary ones)."""
        if not len(P) or not self.rules:
            return P
        S = self.shifts(labels, texts, contexts, secondary)
        shifted = S != 0
        if not shifted.any():
            return P
        out = np.array(P, dtype=float, copy=True)  # labels no rule touches keep their probability
        p = np.clip(out[shifted], EPS, 1 - EPS)
        # logistic(logit(p) + shift), in NumPy: the one-report tag imports no SciPy
        out[shifted] = 1.0 / (1.0 + np.exp(-(np.log(p / (1.0 - p)) + S[shifted])))
        return out

    def apply_secondary(self, P: np.ndarray, labels: Sequence[str], texts: Sequence[str],
                        contexts: Sequence[str]) -> np.ndarray:
        return self.apply(P, labels, texts, contexts, secondary=True)
