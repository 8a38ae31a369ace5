"""Quantities stated in narrative paragraphs: value, unit, qualifier, the subject phrase
before the number, and the canonical field when the sentence states one (data rules in
``configs/fields.yaml``). Dates, years, document numbers, phone numbers, postcodes,
addresses, e-mails, URLs, list ordinals and article references are not facts
(``not_facts`` in ``configs/facts.yaml``)."""
from __future__ import annotations

import re
from typing import Any

from ..config import load_config
from ..document import Document, Paragraph
from .numbers import NumberReader, Quantity
from .schema import FieldSchema, ProseRule

SENTENCE_BREAK = re.compile(r"[。!?;\n]")


def document_era(doc: Document) -> str | None:
    """legacy | 2019 | 2021, from the parser's meta, else the report year; None if unknown."""
    if doc.meta.era in ("legacy", "2019", "2021"):
        return doc.meta.era
    if any(t.kind == "legacy_stats" for t in doc.tables):
        return "legacy"
    year = doc.meta.year
    if year:
        return "legacy" if year < 2019 else "2019" if year < 2021 else "2021"
    return None


class ProseExtractor:
    def __init__(self, schema: FieldSchema, reader: NumberReader, config: dict[str, Any] | str = "facts"):
        cfg = load_config(config) if isinstance(config, str) else config
        self.schema = schema
        self.reader = reader
        self.not_facts = [(name, re.compile(p, re.M)) for name, p in cfg["not_facts"].items()]
        sub = cfg["subject"]
        self.clause_break = re.compile("[" + re.escape(sub["clause_breaks"]) + "]")
        self.strip_leading = re.compile("^(?:" + "|".join(sub["strip_leading"]) + ")+")
        self.strip_trailing = re.compile("(?:" + "|".join(sub["strip_trailing"]) + ")+$")
        self.post_after = tuple(sub["post_subject_after"])

    # -- document ---------------------------------------------------------------------------
    def extract(self, doc: Document) -> list[dict[str, Any]]:
        era = document_era(doc)
        tables = [(t.start, t.end) for t in doc.tables]
        facts: list[dict[str, Any]] = []
        for p in doc.paragraphs:
            if any(s < p.end and p.start < e for s, e in tables):
                continue
            facts.extend(self.paragraph_facts(doc.text[p.start:p.end], era, p.start, p.id))
        return facts

    def paragraph_facts(self, text: str, era: str | None, offset: int = 0,
                        paragraph: str | None = None) -> list[dict[str, Any]]:
        """Facts of one paragraph; ``offset`` is where ``text`` starts in the document."""
        excluded = [m.span() for _, rx in self.not_facts for m in rx.finditer(text) if m.end() > m.start()]
        kept = [q for q in self.reader.find(text)
                if not any(s < q.end and q.start < e for s, e in excluded)]
        opening = SENTENCE_BREAK.split(text, 1)[0]
        facts, prev_end = [], 0
        for i, q in enumerate(kept):
            s0 = _last_break(SENTENCE_BREAK, text, q.start)
            span = text[max(s0, prev_end):q.start]
            clause = span[_last_break(self.clause_break, span, len(span)):]
            next_start = kept[i + 1].start if i + 1 < len(kept) else len(text)
            post = text[q.end:next_start]
            post = post[: self.clause_break.search(post).start()] if self.clause_break.search(post) else post
            sentence = text[s0:q.start]
            subject = self._subject(clause)
            if clause.rstrip().endswith(self.post_after) and self._subject(post) or not subject:
                subject = self._subject(post) or subject
            field = self._field(q, clause, post, sentence, opening, era)
            facts.append({
                "field": field, "label": self.schema.label(field) if field else None, "subject": subject,
                "value": q.value, "unit": q.unit, "qualifier": q.qualifier, "raw": q.raw, "source": "prose",
                "paragraph": paragraph, "table": None, "start": offset + q.start, "end": offset + q.end,
            })
            prev_end = q.end
        return facts

    # -- subject and field ------------------------------------------------------------------
    def _subject(self, clause: str) -> str:
        s = self.strip_leading.sub("", clause.strip().strip("()"))
        return self.strip_trailing.sub("", s).strip("() ")

    def _field(self, q: Quantity, clause: str, post: str, sentence: str, opening: str,
               era: str | None) -> str | None:
        if any(w in sentence or w in opening for w in self.schema.prose_scope_exclude):
            return None
        in_part = "其中" in sentence or clause.startswith("含")
        topic = self._topic(sentence)
        ctx = clause + post if clause.rstrip().endswith(self.post_after) else clause  # 另有103件顺延到下年度答复
        for rule in self.schema.prose_rules:
            if self._applies(rule, q, ctx, topic, in_part, era):
                return rule.field
        return None

    def _applies(self, rule: ProseRule, q: Quantity, ctx: str, topic: str | None, in_part: bool,
                 era: str | None) -> bool:
        if not ctx or (rule.total and in_part) or (rule.topic and rule.topic != topic):
            return False
        if not all(w in ctx for w in rule.all) or (rule.any and not any(w in ctx for w in rule.any)):
            return False
        if any(w in ctx for w in rule.none):
            return False
        fd = self.schema.get(rule.field)
        if not fd.in_era(era) or fd.kind != q.kind:
            return False
        if fd.kind == "count":
            return q.unit is not None and q.unit in self.schema.prose_units.get(fd.unit, [fd.unit])
        return True

    def _topic(self, sentence: str) -> str | None:
        best, best_at = None, -1
        for topic, words in self.schema.prose_topics.items():
            for w in words:
                at = sentence.rfind(w)
                if at >= 0 and at + len(w) > best_at:
                    best, best_at = topic, at + len(w)
        return best


def _last_break(rx: re.Pattern, text: str, end: int) -> int:
    """Index just after the last match of ``rx`` in ``text[:end]`` (0 if none)."""
    last = 0
    for m in rx.finditer(text, 0, end):
        last = m.end()
    return last
