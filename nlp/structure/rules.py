"""configs/structure.yaml compiled once."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..config import load_config

_LETTER = re.compile(r"[\u3400-\u9fffA-Za-z]")
_LONGEST_LABEL = 16


@dataclass(frozen=True)
class MetaRules:
    title: re.Pattern
    title_in_notice: re.Pattern
    title_label: re.Pattern
    year_in_text: tuple[re.Pattern, ...]
    year_vote: dict[str, float]
    issuer_in_text: tuple[re.Pattern, ...]
    issuer_lead: re.Pattern
    issuer_tail: re.Pattern
    issuer_reject: tuple[re.Pattern, ...]
    issuer_office: re.Pattern
    issuer_units: re.Pattern
    issuer_pronoun: re.Pattern
    issuer_header: re.Pattern
    published: tuple[re.Pattern, ...]


@dataclass(frozen=True)
class Rules:
    headings: tuple[tuple[int, re.Pattern], ...]
    max_heading_line: int
    glued_heading: re.Pattern
    max_inline_heading: int
    max_unmarked_heading: int
    sentence_end: re.Pattern
    enumeration_item: re.Pattern
    enumerator: re.Pattern
    captions: tuple[re.Pattern, ...]
    signature_body: re.Pattern
    title_repeat: re.Pattern
    stray_cell: re.Pattern
    stray_cell_labels: tuple[str, ...]
    signature_date: re.Pattern
    table_anchors: tuple[re.Pattern, ...]
    max_cell_chars: int
    value_cell: re.Pattern
    unit_cell: re.Pattern
    max_row_values: int
    label_continuation: re.Pattern
    table_breaking_sections: tuple[re.Pattern, ...]
    table_kinds: tuple[tuple[str, re.Pattern], ...]
    meta: MetaRules
    era_markers: tuple[tuple[str, re.Pattern], ...]

    def heading_rank(self, line: str) -> tuple[int, int] | None:
        """(rank, marker length) of the heading marker opening ``line``, if any."""
        for rank, pattern in self.headings:
            m = pattern.match(line)
            if m:
                return rank, m.end()
        return None

    @property
    def enumerator_rank(self) -> int:
        return max(rank for rank, _ in self.headings)

    def is_value(self, cell: str) -> bool:
        return not cell or bool(self.value_cell.match(cell))

    def is_caption(self, line: str) -> bool:
        return any(p.search(line) for p in self.captions)

    def is_stray_cell(self, line: str) -> bool:
        """A table label alone (or its cut start), a fragment of a pipe table (or of a navigation
        bar) that is no table, or a line with no letter at all."""
        if "|" in line or not _LETTER.search(line) or self.stray_cell.match(line):
            return True
        return len(line) <= _LONGEST_LABEL and any(
            label == line or (len(line) >= 3 and label.startswith(line)) for label in self.stray_cell_labels)


def _all(items) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p) for p in items)


@lru_cache(maxsize=4)
def load_rules(name: str = "structure") -> Rules:
    c = load_config(name)
    return Rules(
        headings=tuple((h["rank"], re.compile(h["pattern"])) for h in c["headings"]),
        max_heading_line=c["max_heading_line"],
        glued_heading=re.compile(c["glued_heading"]),
        max_inline_heading=c["max_inline_heading"],
        max_unmarked_heading=c["max_unmarked_heading"],
        sentence_end=re.compile(c["sentence_end"]),
        enumeration_item=re.compile(c["enumeration_item"]),
        enumerator=re.compile(c["enumerator"]),
        captions=_all(c["captions"]),
        signature_body=re.compile(c["signature_body"]),
        title_repeat=re.compile(c["title_repeat"]),
        stray_cell=re.compile(c["stray_cell"]),
        stray_cell_labels=tuple(c["stray_cell_labels"]),
        signature_date=re.compile(c["signature_date"]),
        table_anchors=_all(c["table_anchors"]),
        max_cell_chars=c["max_cell_chars"],
        value_cell=re.compile(c["value_cell"]),
        unit_cell=re.compile(c["unit_cell"]),
        max_row_values=c["max_row_values"],
        label_continuation=re.compile(c["label_continuation"]),
        table_breaking_sections=_all(c["table_breaking_sections"]),
        table_kinds=tuple((k["kind"], re.compile(k["pattern"])) for k in c["table_kinds"]),
        meta=_meta_rules(c["meta"]),
        era_markers=tuple((m["era"], re.compile(m["pattern"])) for m in c["era_markers"]),
    )


def _meta_rules(m: dict) -> MetaRules:
    units = "|".join(sorted(m["issuer_units"].split("|"), key=len, reverse=True))
    return MetaRules(
        title=re.compile(m["title"]),
        title_in_notice=re.compile(m["title_in_notice"]),
        title_label=re.compile(m["title_label"]),
        year_in_text=_all(m["year_in_text"]),
        year_vote={k: float(v) for k, v in m["year_vote"].items()},
        issuer_in_text=_all(m["issuer_in_text"]),
        issuer_lead=re.compile(m["issuer_lead"]),
        issuer_tail=re.compile(m["issuer_tail"]),
        issuer_reject=_all(m["issuer_reject"]),
        issuer_office=re.compile(m["issuer_office"]),
        issuer_units=re.compile(f"(?:{units})$"),
        issuer_pronoun=re.compile(m["issuer_pronoun"]),
        issuer_header=re.compile(m["issuer_header"]),
        published=_all(m["published"]),
    )
