"""Headings, the section tree, paragraphs and sentences from the non-table lines."""
from __future__ import annotations

from dataclasses import dataclass

from ..document import Paragraph, Section, Sentence
from .rules import Rules

Line = tuple[int, int, str]


@dataclass
class Heading:
    rank: int
    marker: str
    title: str
    start: int
    end: int
    inline: bool  # True when the heading opens a paragraph


def classify_heading(line: str, rules: Rules) -> tuple[int, int, bool] | None:
    """(rank, end of heading text, inline?) for a heading line or a paragraph opening with one."""
    found = rules.heading_rank(line)
    if not found:
        return None
    rank, marker_end = found
    rest = line[marker_end:]
    if rank <= 2 and (glued := rules.glued_heading.match(rest)) and glued.end() < len(rest):
        return rank, marker_end + glued.end(), True  # "四、咨询处理情况2016年度…": no stop after the title
    ends = [m for m in rules.sentence_end.finditer(rest)]
    colon = rest.find(":")
    text_after_colon = 0 <= colon < len(rest) - 1
    if len(line) <= rules.max_heading_line and (not ends or ends[0].end() == len(rest)) and not text_after_colon:
        if not ends or (rank < rules.enumerator_rank and len(line) <= rules.max_inline_heading):
            return rank, len(line), False
        return None  # one full sentence ("一是…不全面。") is prose, not a heading

    stops = [m.end() for m in ends[:1]] + [i + 1 for i, ch in enumerate(rest) if ch == ":"][:1]
    enumerator = rules.enumerator.search(rest, 2)  # "(五)规范中心运行一是…": a heading missing its full stop
    if enumerator:
        stops.append(enumerator.start())
    first_stop = min(stops)
    if first_stop <= rules.max_inline_heading:
        return rank, marker_end + first_stop, True
    return None


def is_unmarked_heading(line: str, next_line: str | None, rules: Rules) -> bool:
    return (
        len(line) <= rules.max_unmarked_heading
        and not any(ch in line for ch in ",.:;!?。、()\"“”《》|")
        and not rules.is_value(line)
        and next_line is not None
        and len(next_line) > 2 * rules.max_unmarked_heading
    )


def sentences(text: str, start: int, rules: Rules) -> list[Sentence]:
    """Sentences end at 。!? and at a semicolon, except a semicolon before the next item of an
    enumeration (一是…;二是…)."""
    out, pos = [], 0
    for m in rules.sentence_end.finditer(text):
        if set(m.group()) <= set(";；") and rules.enumeration_item.match(text, m.end()):
            continue
        if m.end() > pos and text[pos:m.end()].strip():
            out.append(Sentence(start + pos, start + m.end(), text[pos:m.end()]))
        pos = m.end()
    if text[pos:].strip():
        out.append(Sentence(start + pos, start + len(text), text[pos:]))
    return out


class OutlineBuilder:
    """Feeds lines in order; keeps the open-section stack."""

    def __init__(self, rules: Rules):
        self.rules = rules
        self.sections: list[Section] = []
        self.paragraphs: list[Paragraph] = []
        self._stack: list[tuple[int, Section]] = []

    @property
    def current(self) -> str | None:
        return self._stack[-1][1].id if self._stack else None

    def open_section(self, rank: int, marker: str, title: str, start: int) -> Section:
        while self._stack and self._stack[-1][0] >= rank:
            self._stack.pop()
        parent = self.current
        sec = Section(f"s{len(self.sections) + 1}", len(self._stack) + 1, marker, title, start, start, parent)
        self.sections.append(sec)
        self._stack.append((rank, sec))
        return sec

    def paragraph(self, start: int, end: int, text: str, heading: str | None = None) -> None:
        p = Paragraph(f"p{len(self.paragraphs) + 1}", self.current, text, start, end,
                      sentences(text, start, self.rules), heading)
        self.paragraphs.append(p)

    def close(self, text_end: int) -> None:
        """Each section ends where the next section of the same or a higher rank starts."""
        for i, sec in enumerate(self.sections):
            end = text_end
            for later in self.sections[i + 1:]:
                if later.level <= sec.level:
                    end = later.start
                    break
            sec.end = end


def add_line(builder: OutlineBuilder, line: Line, next_text: str | None, next_rank: int | None) -> None:
    start, end, text = line
    rules = builder.rules
    found = classify_heading(text, rules)
    if found:
        rank, head_end, inline = found
        marker_len = rules.heading_rank(text)[1]
        title = text[marker_len:head_end].rstrip("。:;,. ")
        builder.open_section(rank, text[:marker_len], title, start)
        if inline:
            builder.paragraph(start, end, text, heading=text[:head_end])
        return
    if builder.sections and is_unmarked_heading(text, next_text, rules):
        parent_rank = builder._stack[-1][0] if builder._stack else 0
        rank = next_rank if next_rank and next_rank > parent_rank else parent_rank + 1
        builder.open_section(rank, "", text, start)
        return
    builder.paragraph(start, end, text)
