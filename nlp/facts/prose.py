"""Quantities stated in narrative paragraphs: value, unit, qualifier, the subject phrase
around the number, and the canonical field when the sentence states one (data rules in
``configs/fields.yaml``). Dates, years, document numbers, phone numbers, postcodes,
addresses, e-mails, URLs, list ordinals and article references are not facts
(``not_facts`` in ``configs/facts.yaml``). A count denied in words (未收到申请, 无行政复议,
零报告) is a fact of value 0 marked ``negated`` (``prose_negation`` in ``configs/fields.yaml``).

A paragraph is read with compiled patterns, never re-scanned per number: one scan finds, left
to right, every not-a-fact span and every quantity (one alternation, so a number inside a date
or a phone number is never seen); a second finds every rule keyword, topic word and negation
word (overlapping occurrences included), a third the sentence and clause breaks. Each number's
context (its sentence, its clause, the words after it) is then looked up in those lists by
bisection, and negation phrases are read off the word list.
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
    hard_breaks: list[int]      # clause breaks but 、 (which joins the items of a list)

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
        self.max_lookback = int(sub.get("max_sentence_lookback", 400))
        self.clause_chars = set(sub["clause_breaks"]) | self.sentence_chars

        # scan 1: not-facts and quantities, leftmost first (a number inside a date or a phone
        # number is never seen); a qualifier (约, 近…) never starts a quantity when a not-fact
        # follows it
        nf = cfg["not_facts"]
        not_facts = "|".join(f"(?P<nf_{name}>{p})" for name, p in nf.items())
        any_not_fact = "|".join(f"(?:{p})" for p in nf.values())
        self.scan = guarded(f"{not_facts}|(?P<q>(?:(?P<pre>{reader.before})(?!{any_not_fact}))?{reader.body})",
                            re.M)

        # negations are found on the word scan: a cue, then within the clause the LAST target
        # (未发生…行政复议、行政诉讼); or the first target in the clause, then a zero word
        # (依申请公开…为零)
        neg = self.negation = schema.negation
        self.cue_words = set(neg.cues) | {c for t in neg.targets for c in t.cues}
        self.zero_words = set(neg.zero_words)
        self.target_words = {w for t in neg.targets for w in t.words}
        self.not_after_cue = tuple(neg.not_after_cue)
        self.neg_hint = re.compile(alternation(self.cue_words | self.zero_words)) if neg.targets else None

        # scan 2: every keyword (all occurrences, overlapping); the break characters
        breaks = "".join(sorted(self.clause_chars))
        self.break_scan = re.compile(f"[{re.escape(breaks)}]")
        self.rule_words = {w for r in schema.prose_rules for w in (*r.all, *r.any, *r.none, *r.sentence_none)}
        self.topic_of = {w: t for t, ws in schema.prose_topics.items() for w in ws}
        self.topic_words = set(self.topic_of)
        self.scope_words = set(schema.prose_scope_exclude)
        self.period_words = set(schema.prose_other_period)
        self.part_words = set(schema.prose_part_words)
        self.neg_words = ({w for t in neg.targets for w in t.unless} | set(neg.blockers) | self.cue_words
                          | self.zero_words | self.target_words)
        words = (self.rule_words | set(self.topic_of) | self.scope_words | self.period_words | self.part_words
                 | self.neg_words)
        self.word_scan = re.compile(alternation(words))
        # every word is found where the longest word at its position starts: its prefixes,
        # longest first
        self.prefixes = {w: sorted((p for p in words if w.startswith(p) and p != w), key=len, reverse=True)
                         for w in words}
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
        occ = []
        prefixes = self.prefixes
        for s, w in find_overlapping(self.word_scan, text):
            occ.append((s, s + len(w), w, True))
            for p in prefixes[w]:
                occ.append((s, s + len(p), p, False))
        cb = [m.start() for m in self.break_scan.finditer(text)]
        sentence = self.sentence_chars
        return _Words([o[0] for o in occ], occ, [i for i in cb if text[i] in sentence], cb,
                      [i for i in cb if text[i] != "、"])

    def paragraph_facts(self, text: str, era: str | None, offset: int = 0,
                        paragraph: str | None = None) -> list[dict[str, Any]]:
        """Facts of one paragraph; ``offset`` is where ``text`` starts in the document."""
        quantities: list[Quantity] = []
        skipped: list[tuple[int, int]] = []  # not-fact spans
        years: list[tuple[int, int]] = []  # (end, year) of every year mention
        for m in self.scan.finditer(text):
            kind = m.lastgroup
            if kind == "q":
                q = self.reader.quantity(m)
                if q is not None:
                    quantities.append(q)
                continue
            skipped.append(m.span())
            if kind == "nf_year" and not (m.start() and text[m.start() - 1] in self.year_targets):
                years.append((m.end(), int(YEAR.search(m.group()).group())))  # not 结转到2023年
        hint = self.neg_hint is not None and self.neg_hint.search(text) is not None
        if not quantities and not hint:
            return []
        ws = self._words(text)
        opening_end = ws.sentence_breaks[0] if ws.sentence_breaks else len(text)
        ctx = _Context(text, ws, era, years, self.scope_words & ws.within(0, opening_end))
        facts = [self._fact(q, i, quantities, ctx, offset, paragraph) for i, q in enumerate(quantities)]
        if hint:
            negated = [f for phrase in self._negation_phrases(ws, text, skipped)
                       for f in self._negated(*phrase, ctx, offset, paragraph)]
            if negated:
                facts = sorted(facts + negated, key=lambda f: f["start"])
        return facts

    # -- one quantity -----------------------------------------------------------------------
    def _fact(self, q: Quantity, i: int, quantities: list[Quantity], ctx: "_Context", offset: int,
              paragraph: str | None) -> dict[str, Any]:
        text, ws = ctx.text, ctx.words
        s0 = max(_after_last(ws.sentence_breaks, q.start), q.start - self.max_lookback)
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
        topic, topic_at = self._topic(ws, s0, q.start)
        # 其中 makes the figures after it parts, until a new topic starts (…其中网络申请5件,
        # 已按时办理,发生行政复议1件: the reviews are a total)
        parts = ws.spans(s0, q.start, self.part_words)
        in_part = bool(parts) and (topic_at < 0 or parts[-1][0] > topic_at) or clause.startswith("含")
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

    def _topic(self, ws: _Words, a: int, b: int) -> tuple[str | None, int]:
        """The nearest topic word's topic before ``b`` in text[a:b], and where it starts."""
        best, best_end, best_at = None, -1, -1
        for s, e, w in ws.spans(a, b, self.topic_words):
            if e > best_end:  # the later end wins: 规章制度 over the 规章 inside it
                best, best_end, best_at = self.topic_of[w], e, s
        return best, best_at

    # -- a count denied in words ------------------------------------------------------------
    def _negation_phrases(self, ws: _Words, text: str, skipped: list[tuple[int, int]]):
        """(start, end, cue or None) of every negation phrase: a cue then, before the next hard
        break and within ``max_gap`` characters, targets (the phrase ends after the last); or
        the first target of a clause then, within ``max_gap``, a zero word."""
        gap, hard = self.negation.max_gap, ws.hard_breaks
        targets = [(s, e) for s, e, w, _ in ws.occ if w in self.target_words]  # by start
        t_starts = [s for s, _ in targets]
        phrases, taken_to = [], -1
        for s, e, w, _ in ws.occ:
            if w not in self.cue_words or s < taken_to:
                continue
            taken_to = e  # a shorter cue at the same place, or one inside it (并无 / 无), is this one
            if text.startswith(self.not_after_cue, e):
                continue
            k = bisect_left(hard, e)
            stop = hard[k] if k < len(hard) else len(text)
            window = targets[bisect_left(t_starts, e):bisect_right(t_starts, e + gap)]
            ends = [te for _, te in window if te <= stop]
            if ends:
                phrases.append((s, max(ends), w))
                taken_to = max(ends)
        for s, e, w, _ in ws.occ:
            if w not in self.zero_words or any(a < e and s < b for a, b, _ in phrases):
                continue
            c0 = max(_after_last(hard, s), s - gap - 20)
            window = targets[bisect_left(t_starts, c0):bisect_left(t_starts, s)]
            first = next((ts for ts, te in window if te <= s and s - te <= gap), None)
            if first is not None:
                phrases.append((first, e, None))
        # never inside a not-fact (a book title, a quoted name)
        return [p for p in phrases if not _overlaps_any(skipped, p[0], p[1])]

    def _negated(self, a: int, b: int, cue: str | None, ctx: "_Context", offset: int,
                 paragraph: str | None) -> list[dict[str, Any]]:
        ws = ctx.words
        s0 = max(_after_last(ws.sentence_breaks, a), a - self.max_lookback)
        c0 = max(_after_last(ws.clause_breaks, a), s0)
        present = ws.within(a, b)
        if (present & self.negation.blockers or ctx.scoped or ws.within(s0, b) & self.scope_words
                or ctx.earlier_year(s0, a) or ws.within(c0, a, longest_only=True) & self.period_words):
            return []
        zero_form = cue is None
        own_cue = not zero_form and cue not in self.negation.cues  # 未向…收取费用 denies fees only
        found: list[tuple[int, int, NegationTarget, str]] = []
        for t in self.negation.targets:
            spans = ws.spans(a, b, set(t.words), whole=False)
            if not spans or present & set(t.unless) or not self.schema.get(t.field).in_era(ctx.era):
                continue
            if own_cue and cue not in t.cues:
                continue
            # the phrase from the cue to the end of the target (未发生…行政诉讼, 没有依申请公开),
            # or from the target to the zero word (依申请公开…为零)
            hit = spans[0] if zero_form else max(spans, key=lambda x: x[1])
            found.append((hit[0], b, t, hit[2]) if zero_form else (a, hit[1], t, hit[2]))
        facts = []
        for start, end, t, word in sorted(found, key=lambda x: (x[0] if zero_form else x[1])):
            raw = ctx.text[start:end]
            facts.append({
                "field": t.field, "label": self.schema.label(t.field), "subject": word,
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


def _overlaps_any(spans: list[tuple[int, int]], a: int, b: int) -> bool:
    """Whether text[a:b] overlaps one of ``spans`` (sorted, not overlapping each other)."""
    k = bisect_right(spans, (b, b))  # the spans that start before b
    return k > 0 and spans[k - 1][1] > a


def _after_last(positions: list[int], end: int) -> int:
    """Index just after the last position before ``end`` (0 if none)."""
    k = bisect_left(positions, end)
    return positions[k - 1] + 1 if k else 0
