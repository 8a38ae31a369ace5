"""Quantities stated in narrative paragraphs: value, unit, qualifier, the subject phrase
around the number, and the canonical field when the sentence states one (data rules in
``configs/fields.yaml``). Dates, years, document numbers, phone numbers, postcodes,
addresses, e-mails, URLs, list ordinals and article references are not facts
(``not_facts`` in ``configs/facts.yaml``). A count denied in words (未收到申请, 无行政复议,
零报告) is a fact of value 0 marked ``negated`` (``prose_negation`` in ``configs/fields.yaml``).

A paragraph is read in two scans with compiled patterns, never re-scanned per number:
one scan finds, left to right, every not-a-fact span, negation phrase and quantity (one
alternation, so a quantity inside a date or a phone number is never seen); the other finds
every rule keyword, topic word and sentence/clause break. Each number's context (its
sentence, its clause, the words after it) is then looked up in those lists by bisection.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Any

from ..config import load_config
from ..document import Document
from .numbers import NumberReader, Quantity
from .patterns import alternation, find_overlapping, guarded
from .schema import FieldSchema, NegationTarget

YEAR = re.compile(r"(?:1[89]|20)\d{2}")


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


@dataclass
class _Words:
    """Where the scan found words and breaks in one paragraph."""

    starts: list[int]           # occurrence starts, ascending
    occ: list[tuple[int, int, str, bool]]  # (start, end, word, longest at its start)
    sentence_breaks: list[int]  # positions of sentence-break characters
    clause_breaks: list[int]    # positions of clause-break characters (sentence breaks included)

    def within(self, a: int, b: int, longest_only: bool = False) -> set[str]:
        """Words wholly inside text[a:b]."""
        out = set()
        for i in range(bisect_left(self.starts, a), len(self.starts)):
            s, e, w, longest = self.occ[i]
            if s >= b:
                break
            if e <= b and (longest or not longest_only):
                out.add(w)
        return out

    def spans(self, a: int, b: int, words: set[str], whole: bool = True,
              longest_only: bool = False) -> list[tuple[int, int, str]]:
        """(start, end, word) of ``words`` inside text[a:b] (``whole``) or starting there."""
        out = []
        for i in range(bisect_left(self.starts, a), len(self.starts)):
            s, e, w, longest = self.occ[i]
            if s >= b:
                break
            if (e <= b or not whole) and w in words and (longest or not longest_only):
                out.append((s, e, w))
        return out


class ProseExtractor:
    def __init__(self, schema: FieldSchema, reader: NumberReader, config: dict[str, Any] | str = "facts"):
        cfg = load_config(config) if isinstance(config, str) else config
        self.schema = schema
        self.reader = reader
        sub = cfg["subject"]
        self.strip_leading = re.compile("^(?:" + "|".join(sub["strip_leading"]) + ")+")
        self.strip_trailing = re.compile("(?:" + "|".join(sub["strip_trailing"]) + ")+$")
        self.post_after = tuple(sub["post_subject_after"])
        self.sentence_chars = set(sub["sentence_breaks"])
        self.year_targets = set(sub["year_targets"])
        self.clause_chars = set(sub["clause_breaks"]) | self.sentence_chars

        # scan 1: not-facts, negation phrases and quantities, leftmost first
        nf = cfg["not_facts"]
        not_facts = "|".join(f"(?P<nf_{name}>{p})" for name, p in nf.items())
        any_not_fact = "|".join(f"(?:{p})" for p in nf.values())
        neg = self.negation = schema.negation
        parts = [not_facts]
        if neg.targets:
            breaks = re.escape("".join(sorted(self.clause_chars - {"、"})))
            targets = alternation(w for t in neg.targets for w in t.words)
            not_after = f"(?!{alternation(neg.not_after_cue)})" if neg.not_after_cue else ""
            # a cue, then the LAST target within the clause (未发生…行政复议、行政诉讼); or the
            # first target, then a zero word (依申请公开…为零)
            cues = alternation([*neg.cues, *(c for t in neg.targets for c in t.cues)])
            forms = [rf"(?P<neg_cue>(?P<neg_cue_word>{cues}){not_after}[^{breaks}]{{0,{neg.max_gap}}}(?:{targets}))"]
            if neg.zero_words:
                forms.append(rf"(?:{targets})[^{breaks}]{{0,{neg.max_gap}}}?(?:{alternation(neg.zero_words)})")
            parts.append("(?P<neg>" + "|".join(forms) + ")")
        # a qualifier (约, 近…) is never the start of a quantity when a not-fact follows it
        parts.append(rf"(?P<q>(?:(?P<pre>{reader.before})(?!{any_not_fact}))?{reader.body})")
        self.scan = guarded("|".join(parts), re.M)

        # scan 2: every keyword (all occurrences, overlapping) and every break character
        self.rule_words = {w for r in schema.prose_rules for w in (*r.all, *r.any, *r.none, *r.sentence_none)}
        self.topic_of = {w: t for t, ws in schema.prose_topics.items() for w in ws}
        self.topic_words = set(self.topic_of)
        self.scope_words = set(schema.prose_scope_exclude)
        self.period_words = set(schema.prose_other_period)
        self.part_words = set(schema.prose_part_words)
        self.neg_words = {w for t in neg.targets for w in (*t.words, *t.unless)} | set(neg.blockers)
        words = (self.rule_words | set(self.topic_of) | self.scope_words | self.period_words | self.part_words
                 | self.neg_words | self.clause_chars)
        self.word_scan = re.compile(alternation(words))
        # every word is found where the longest word at its position starts: its prefixes
        self.prefixes = {w: [p for p in words if w.startswith(p) and p != w] for w in words}
        # rules indexed by the words that can trigger them, so a number tries only those
        self.rules_by_word: dict[str, list[int]] = {}
        for i, r in enumerate(schema.prose_rules):
            for w in r.all or r.any:
                self.rules_by_word.setdefault(w, []).append(i)

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

    def _words(self, text: str) -> _Words:
        occ, sb, cb = [], [], []
        sentence, clause, prefixes = self.sentence_chars, self.clause_chars, self.prefixes
        for s, w in find_overlapping(self.word_scan, text):
            if len(w) == 1 and w in clause:
                cb.append(s)
                if w in sentence:
                    sb.append(s)
                continue
            occ.append((s, s + len(w), w, True))
            for p in prefixes[w]:
                occ.append((s, s + len(p), p, False))
        return _Words([o[0] for o in occ], occ, sb, cb)

    def paragraph_facts(self, text: str, era: str | None, offset: int = 0,
                        paragraph: str | None = None) -> list[dict[str, Any]]:
        """Facts of one paragraph; ``offset`` is where ``text`` starts in the document."""
        quantities: list[Quantity] = []
        negations: list[re.Match] = []
        years: list[tuple[int, int]] = []  # (end, year) of every year mention
        for m in self.scan.finditer(text):
            kind = m.lastgroup
            if kind == "q":
                q = self.reader.quantity(m)
                if q is not None:
                    quantities.append(q)
            elif kind == "neg":
                negations.append(m)
            elif kind == "nf_year" and not (m.start() and text[m.start() - 1] in self.year_targets):
                years.append((m.end(), int(YEAR.search(m.group()).group())))  # not 结转到2023年
        if not quantities and not negations:
            return []
        ws = self._words(text)
        opening_end = ws.sentence_breaks[0] if ws.sentence_breaks else len(text)
        ctx = _Context(text, ws, era, years, self.scope_words & ws.within(0, opening_end))
        facts = [self._fact(q, i, quantities, ctx, offset, paragraph) for i, q in enumerate(quantities)]
        for m in negations:
            facts.extend(self._negated(m, ctx, offset, paragraph))
        if negations:
            facts.sort(key=lambda f: f["start"])
        return facts

    # -- one quantity -----------------------------------------------------------------------
    def _fact(self, q: Quantity, i: int, quantities: list[Quantity], ctx: "_Context", offset: int,
              paragraph: str | None) -> dict[str, Any]:
        text, ws = ctx.text, ctx.words
        s0 = _after_last(ws.sentence_breaks, q.start)
        c0 = max(_after_last(ws.clause_breaks, q.start), s0, quantities[i - 1].end if i else 0)
        next_start = quantities[i + 1].start if i + 1 < len(quantities) else len(text)
        k = bisect_left(ws.clause_breaks, q.end)
        p1 = min(next_start, ws.clause_breaks[k] if k < len(ws.clause_breaks) else len(text))
        clause, post = text[c0:q.start], text[q.end:p1]
        subject = bare = self._subject(clause)
        after_noun = clause.rstrip().endswith(self.post_after)
        if after_noun and self._subject(post) or not subject:
            subject = self._subject(post) or subject
        own_post = p1 < next_start or next_start == len(text)  # the words after it are not the next number's
        # a clause of connectives only (…79小项,共计6657条) takes its subject from the sentence
        field = self._field(q, ctx, s0, c0, p1, clause, post, after_noun, own_post, bool(clause.strip()) and not bare)
        return {
            "field": field, "label": self.schema.label(field) if field else None, "subject": subject,
            "value": q.value, "unit": q.unit, "qualifier": q.qualifier, "raw": q.raw, "source": "prose",
            "paragraph": paragraph, "table": None, "start": offset + q.start, "end": offset + q.end,
        }

    def _subject(self, clause: str) -> str:
        s = self.strip_leading.sub("", clause.strip().strip("()"))
        return self.strip_trailing.sub("", s).strip("() ")

    def _field(self, q: Quantity, ctx: "_Context", s0: int, c0: int, p1: int, clause: str, post: str,
               after_noun: bool, own_post: bool, bare: bool) -> str | None:
        subject = self._subject(clause)
        ws = ctx.words
        sentence = ws.within(s0, q.start)
        if ctx.scoped or sentence & self.scope_words:
            return None  # a figure about one sector, not the body-wide statistic
        # last year's figure or a change against it: only rules about another period
        # (上年结转, 结转下年度) apply
        other_period = ctx.earlier_year(s0, q.start) or bool(ws.within(c0, q.start, longest_only=True)
                                                            & self.period_words)
        in_part = bool(sentence & self.part_words) or clause.startswith("含")
        topic = self._topic(ws, s0, q.start)
        before = ws.within(c0, q.start)
        after = ws.within(q.end, p1) if post else set()
        # the clause before the number; the noun after it too when the clause ends in 的/另有
        # (另有103件顺延到下年度答复), or, failing that, when it runs to the end of the clause
        # (配备了2名兼职工作人员) rather than into the next number's subject (6件申请中不掌握4件)
        tries = [before | after] if after_noun else [before, before | after] if after and own_post else [before]
        if bare:  # a clause with no subject of its own (…79小项,共计6657条): the sentence's
            tries.append(sentence | after if own_post else sentence)
        for present in tries:
            if not present:
                continue
            field = self._match_rule(q, present, sentence, topic, in_part, ctx.era, other_period, subject)
            if field:
                return field
        return None

    def _match_rule(self, q: Quantity, present: set[str], sentence: set[str], topic: str | None, in_part: bool,
                    era: str | None, other_period: bool, bare: str) -> str | None:
        candidates = sorted({i for w in present for i in self.rules_by_word.get(w, ())})
        rules = self.schema.prose_rules
        for i in candidates:
            rule = rules[i]
            if (rule.total and in_part) or (rule.topic and rule.topic != topic) or (other_period and not rule.any_period):
                continue
            if rule.max_clause is not None and len(bare) > rule.max_clause:
                continue
            if not rule.all_set <= present or (rule.any_set and not rule.any_set & present):
                continue
            if rule.none_set & present or rule.sentence_none_set & sentence:
                continue
            fd = self.schema.get(rule.field)
            if not fd.in_era(era) or fd.kind != q.kind:
                continue
            if fd.kind == "count" and (q.unit is None or q.unit not in self.schema.prose_units.get(fd.unit, [fd.unit])):
                continue
            return rule.field
        return None

    def _topic(self, ws: _Words, a: int, b: int) -> str | None:
        best, best_end = None, -1
        for s, e, w in ws.spans(a, b, self.topic_words):
            if e > best_end:  # the later end wins: 规章制度 over the 规章 inside it
                best, best_end = self.topic_of[w], e
        return best

    # -- a count denied in words ------------------------------------------------------------
    def _negated(self, m: re.Match, ctx: "_Context", offset: int, paragraph: str | None) -> list[dict[str, Any]]:
        ws, a, b = ctx.words, m.start(), m.end()
        s0 = _after_last(ws.sentence_breaks, a)
        c0 = max(_after_last(ws.clause_breaks, a), s0)
        present = ws.within(a, b)
        if (present & self.negation.blockers or ctx.scoped or ws.within(s0, b) & self.scope_words
                or ctx.earlier_year(s0, a) or ws.within(c0, a, longest_only=True) & self.period_words):
            return []
        zero_form = m.group("neg_cue") is None
        own_cue = not zero_form and m.group("neg_cue_word") not in self.negation.cues  # 未向…收取费用
        found: list[tuple[int, int, NegationTarget]] = []
        for t in self.negation.targets:
            spans = ws.spans(a, b, set(t.words), whole=False)
            if not spans or present & set(t.unless) or not self.schema.get(t.field).in_era(ctx.era):
                continue
            if own_cue and m.group("neg_cue_word") not in t.cues:
                continue
            # the phrase from the cue to the end of the target (未发生…行政诉讼, 没有依申请公开),
            # or from the target to the zero word (依申请公开…为零)
            found.append((spans[0][0], b, t) if zero_form else (a, max(e for _, e, _ in spans), t))
        facts = []
        for start, end, t in sorted(found, key=lambda x: (x[0] if zero_form else x[1])):
            raw = ctx.text[start:end]
            facts.append({
                "field": t.field, "label": self.schema.label(t.field), "subject": t.words[0],
                "value": 0, "unit": None, "qualifier": None, "raw": raw, "source": "prose",
                "paragraph": paragraph, "table": None, "start": offset + start, "end": offset + end,
                "negated": True,
            })
        return facts


class _Context:
    """What every number of one paragraph shares."""

    def __init__(self, text: str, words: _Words, era: str | None, years: list[tuple[int, int]],
                 opening_scope: set[str]):
        self.text, self.words, self.era = text, words, era
        self.year_ends = [e for e, _ in years]
        self.year_values = [y for _, y in years]
        self.scoped = bool(opening_scope)

    def earlier_year(self, s0: int, b: int) -> bool:
        """In a sentence naming several years (2021年收到3件,2022年收到7件), the figure at
        ``b`` belongs to the last year named before it; any but the latest is another period."""
        if len(self.year_ends) < 2:
            return False
        k = bisect_left(self.words.sentence_breaks, b)
        s1 = self.words.sentence_breaks[k] if k < len(self.words.sentence_breaks) else len(self.text)
        lo, hi = bisect_right(self.year_ends, s0), bisect_right(self.year_ends, s1)
        last = bisect_right(self.year_ends, b) - 1
        if hi - lo < 2 or last < lo:
            return False
        return self.year_values[last] < max(self.year_values[lo:hi])


def _after_last(positions: list[int], end: int) -> int:
    """Index just after the last position before ``end`` (0 if none)."""
    k = bisect_left(positions, end)
    return positions[k - 1] + 1 if k else 0
