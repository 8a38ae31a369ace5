"""Weak (silver) labels from section headings and cue phrases: labelling functions defined as
data in ``configs/weak_labels.yaml``, applied to parsed documents, with a coverage and
conflict report. Silver labels help when gold annotations are scarce; evaluate on gold."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from nlp.config import load_config
from nlp.document import Document, Paragraph
from nlp.errors import ConfigError


@dataclass
class Rule:
    name: str
    scope: str
    pattern: re.Pattern
    labels: list[str]
    requires: re.Pattern | None = None
    unless: re.Pattern | None = None
    priority: int = 0

    def fires(self, text: str, heading: str) -> bool:
        target = heading if self.scope == "heading" else text
        if not target or not self.pattern.search(target):
            return False
        if self.requires is not None and not self.requires.search(text):
            return False
        return not (self.unless is not None and self.unless.search(text))


@dataclass
class WeakReport:
    paragraphs: int = 0
    covered: int = 0
    conflicts: int = 0
    rule_hits: Counter = field(default_factory=Counter)
    label_counts: Counter = field(default_factory=Counter)
    conflict_pairs: Counter = field(default_factory=Counter)

    @property
    def coverage(self) -> float:
        return self.covered / self.paragraphs if self.paragraphs else 0.0

    def format(self) -> str:
        n = max(self.paragraphs, 1)
        lines = [f"paragraphs {self.paragraphs}  covered {self.covered} ({self.coverage:.1%})  "
                 f"conflicts {self.conflicts} ({self.conflicts / n:.1%})", "", "rule coverage:"]
        lines += [f"  {name:28s} {hits:5d}  {hits / n:6.1%}" for name, hits in self.rule_hits.most_common()]
        lines += ["", "silver label counts:"]
        lines += [f"  {label:28s} {c:5d}" for label, c in self.label_counts.most_common()]
        if self.conflict_pairs:
            lines += ["", "conflicting label pairs:"]
            lines += [f"  {a} / {b}: {c}" for (a, b), c in self.conflict_pairs.most_common()]
        return "\n".join(lines)


def _compile(pattern: str | None, where: str) -> re.Pattern | None:
    if pattern is None:
        return None
    try:
        return re.compile(pattern)
    except re.error as e:
        raise ConfigError(f"weak labels: bad pattern in {where}: {e}") from None


class WeakLabeller:
    def __init__(self, config: str | dict = "weak_labels"):
        cfg = load_config(config) if isinstance(config, str) else config
        try:
            self.rules = [
                Rule(r["name"], r.get("scope", "text"), _compile(r["pattern"], r["name"]), list(r["labels"]),
                     _compile(r.get("requires"), r["name"]), _compile(r.get("unless"), r["name"]),
                     int(r.get("priority", 0)))
                for r in cfg["rules"]
            ]
            self.exclusive = [tuple(pair) for pair in cfg.get("exclusive", [])]
            sent = cfg.get("sentence_rules", {})
        except (KeyError, TypeError) as e:
            raise ConfigError(f"weak labels config: missing or bad entry {e}") from None
        self.sentence_problems = _compile(sent.get("problems"), "sentence_rules")
        self.sentence_improvements = _compile(sent.get("improvements"), "sentence_rules")
        self.improvements_first = _compile(sent.get("improvements_first"), "sentence_rules")

    @staticmethod
    def heading_of(doc: Document, p: Paragraph) -> str:
        """The innermost section title plus the paragraph's inline heading."""
        title = next((s.marker + s.title for s in doc.sections if s.id == p.section), "")
        return title + (p.heading or "")

    def votes(self, text: str, heading: str = "") -> dict[str, list[str]]:
        return {r.name: r.labels for r in self.rules if r.fires(text, heading)}

    def _resolve(self, votes: dict[str, list[str]]) -> tuple[list[str], list[tuple[str, str]]]:
        priority = {r.name: r.priority for r in self.rules}
        best: dict[str, int] = {}
        for name, labels in votes.items():
            for label in labels:
                best[label] = max(best.get(label, -1), priority[name])
        conflicts = [(a, b) for a, b in self.exclusive if a in best and b in best]
        for a, b in conflicts:  # drop the lower-priority side; ties keep both
            if best.get(a, -1) > best.get(b, -1):
                best.pop(b, None)
            elif best.get(b, -1) > best.get(a, -1):
                best.pop(a, None)
        return sorted(best), conflicts

    def label(self, text: str, heading: str = "") -> list[str]:
        return self._resolve(self.votes(text, heading))[0]

    def sentence_labels(self, sentence: str) -> list[str]:
        probs = bool(self.sentence_problems and self.sentence_problems.search(sentence))
        imps = bool(self.sentence_improvements and self.sentence_improvements.search(sentence))
        if probs and imps:
            first = bool(self.improvements_first and self.improvements_first.search(sentence))
            return ["improvements"] if first else ["problems"]
        return ["problems"] * probs + ["improvements"] * imps

    def label_documents(self, docs: Iterable[Document], report: WeakReport | None = None):
        """Yield ``(doc, paragraph, labels)`` for every paragraph; fills ``report`` if given."""
        for doc in docs:
            for p in doc.paragraphs:
                votes = self.votes(p.text, self.heading_of(doc, p))
                labels, conflicts = self._resolve(votes)
                if report is not None:
                    report.paragraphs += 1
                    report.covered += bool(labels)
                    report.conflicts += bool(conflicts)
                    report.rule_hits.update(votes.keys())
                    report.label_counts.update(labels)
                    report.conflict_pairs.update(conflicts)
                yield doc, p, labels
