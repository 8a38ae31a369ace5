"""Structure: rebuild title/metadata, sections, paragraphs, sentences and tables from the
reader's lines. A pipeline component (``StructureParser``)."""
from __future__ import annotations

from itertools import groupby

from ..document import Document, Sentence
from .meta import MetaSources, build_meta
from .outline import OutlineBuilder, add_line, is_unmarked_heading, sentences
from .rules import Rules, load_rules
from .tables import find_text_tables, grid_table, text_table

__all__ = ["StructureParser", "split_sentences"]


def split_sentences(text: str, start: int = 0, rules: str = "structure") -> list[Sentence]:
    """Sentences of ``text`` as the parser splits them; offsets are ``start`` + index in ``text``."""
    return sentences(text, start, load_rules(rules))


class StructureParser:
    def __init__(self, rules: str = "structure"):
        self.rules: Rules = load_rules(rules)

    def __call__(self, doc: Document) -> Document:
        rules = self.rules
        items = self._tables_and_lines(doc)
        builder = OutlineBuilder(rules)
        seen = MetaSources(title_lines=[], text=doc.text, removed=doc.removed_lines)
        in_preamble = True
        body = [it for it in items if it[0] == "line"]
        next_of = {id(body[k]): body[k + 1][1] for k in range(len(body) - 1)}
        ranks = [rules.heading_rank(it[1][2]) for it in body]
        next_rank_of = {}
        upcoming = None
        for k in range(len(body) - 1, -1, -1):
            next_rank_of[id(body[k])] = upcoming
            if ranks[k]:
                upcoming = ranks[k][0]
        tables = []
        for item in items:
            if item[0] == "table":
                table = item[1]
                table.id = f"t{len(tables) + 1}"
                table.section = builder.current
                tables.append(table)
                in_preamble = False
                continue
            line = item[1]
            text = line[2]
            nxt = next_of.get(id(item))
            if in_preamble and self._is_title_line(text, rules):
                seen.title_lines.append(text)
                continue
            in_preamble = False
            if not self._set_aside(text, nxt[2] if nxt else None, builder, seen):
                add_line(builder, line, nxt[2] if nxt else None, next_rank_of.get(id(item)))
        builder.close(len(doc.text))
        doc.sections, doc.paragraphs, doc.tables = builder.sections, builder.paragraphs, tables
        seen.table_text = "\n".join(doc.text[t.start:t.end] for t in tables)
        script = doc.meta.script  # set by the reader
        doc.meta = build_meta(seen, rules)
        doc.meta.script = script
        if doc.meta.year is None:
            doc.warnings.append("report year not found")
        if not doc.paragraphs:
            doc.warnings.append("no prose paragraphs found")
        return doc

    def _set_aside(self, text: str, nxt: str | None, builder: OutlineBuilder, seen: MetaSources) -> bool:
        """True for a line that is not prose: the title repeated, a caption, the signature block,
        a stray table cell (metadata lines are kept in ``seen``)."""
        rules = self.rules
        if rules.title_repeat.search(text) or (nxt and rules.title_repeat.search(nxt) and self._is_title_line(text, rules)):
            seen.title_repeats.append(text)  # the title again, after page chrome or a notice
            return True
        if rules.is_caption(text):
            return True
        if rules.signature_date.match(text):
            seen.signature_dates.append(text)
            return True
        if rules.signature_body.match(text) and nxt and rules.signature_date.match(nxt):
            seen.signature_bodies.append(text)
            return True
        return rules.is_stray_cell(text) and not (builder.sections and is_unmarked_heading(text, nxt, rules))

    @staticmethod
    def _is_title_line(text: str, rules: Rules) -> bool:
        return len(text) <= 40 and not rules.heading_rank(text) and not any(c in text for c in "。,;")

    def _tables_and_lines(self, doc: Document) -> list[tuple[str, object]]:
        """The reader's lines as ("line", (start, end, text)) and ("table", Table) items, in
        document order: grids from the reader, and tables found among the text lines."""
        items: list[tuple[str, object]] = []
        for kind, run in groupby(doc.lines, key=lambda line: line[2]):
            run = list(run)
            if kind != "text":
                rows = doc.source_tables[int(kind.split(":")[1])]
                items.append(("table", grid_table(rows, run[0][0], run[-1][1], self.rules, "")))
                continue
            lines = [(start, end, doc.text[start:end]) for start, end, _ in run]
            pos = 0
            for i, j in find_text_tables(lines, self.rules):
                items.extend(("line", line) for line in lines[pos:i])
                items.append(("table", text_table(lines[i:j], self.rules, "")))
                pos = j
            items.extend(("line", line) for line in lines[pos:])
        return items
