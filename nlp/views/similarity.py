"""Character-bigram Jaccard similarity between sentences, and the pairing of two lists of
sentences (last year's problems against this year's).

Simple and explainable: two sentences share a fraction of their two-character pieces
(|A ∩ B| / |A ∪ B|), after list markers (一是, 1.) and punctuation are dropped.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Sequence

_KEEP = re.compile(r"[\w]", re.UNICODE)


class BigramSimilarity:
    def __init__(self, ignore_patterns: Iterable[str] = ()):
        self.ignore = [re.compile(p) for p in ignore_patterns]

    def bigrams(self, sentence: str) -> set[str]:
        s = unicodedata.normalize("NFKC", sentence).strip()
        for pattern in self.ignore:
            s = pattern.sub("", s, count=1)
        chars = "".join(c for c in s if _KEEP.match(c) and c != "_")
        return {chars[i:i + 2] for i in range(len(chars) - 1)} or ({chars} if chars else set())

    def __call__(self, a: str, b: str) -> float:
        return jaccard(self.bigrams(a), self.bigrams(b))

    def pair(self, old: Sequence[str], new: Sequence[str], at_least: float = 0.0
             ) -> tuple[list[tuple[int, int, float]], list[int], list[int]]:
        """Greedy one-to-one pairing, most similar first: ([(old i, new j, similarity)],
        unpaired old indexes, unpaired new indexes). Pairs below ``at_least`` are not made."""
        grams_old = [self.bigrams(s) for s in old]
        grams_new = [self.bigrams(s) for s in new]
        scored = sorted(((jaccard(a, b), i, j) for i, a in enumerate(grams_old) for j, b in enumerate(grams_new)),
                        key=lambda t: (-t[0], t[1], t[2]))
        used_old, used_new, pairs = set(), set(), []
        for sim, i, j in scored:
            if sim < at_least or sim == 0:
                break
            if i in used_old or j in used_new:
                continue
            used_old.add(i)
            used_new.add(j)
            pairs.append((i, j, sim))
        pairs.sort(key=lambda t: (t[1], t[0]))
        return (pairs, [i for i in range(len(old)) if i not in used_old],
                [j for j in range(len(new)) if j not in used_new])


def jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)
