"""HTML: text blocks become lines, <table> elements stay grids; scripts and navigation go."""
from __future__ import annotations

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Doctype, ProcessingInstruction

from .blocks import Grid, Line, SourceBuilder

_DROP = {"script", "style", "noscript", "nav", "header", "footer", "iframe", "form", "button",
         "select", "input", "textarea", "head", "aside", "svg", "canvas", "template", "object"}
_BLOCK = {"p", "div", "section", "article", "main", "body", "h1", "h2", "h3", "h4", "h5", "h6",
          "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "center", "address", "hr",
          "figure", "figcaption", "caption", "tr", "td", "th", "table", "tbody", "thead", "tfoot"}


class _Walker:
    def __init__(self) -> None:
        self.src = SourceBuilder()
        self.blocks: list[Line | Grid] = []
        self.current: list[tuple[int, int]] = []

    def flush(self) -> None:
        if self.current:
            self.blocks.append(Line(self.current))
            self.current = []

    def add_text(self, text: str) -> None:
        if text.strip():
            self.current.append(self.src.add(text, sep="" if self.current else "\n"))

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, (Comment, Doctype, ProcessingInstruction)):
                continue
            if isinstance(child, NavigableString):
                self.add_text(str(child))
            elif isinstance(child, Tag):
                name = child.name.lower()
                if name in _DROP:
                    continue
                if name == "br":
                    self.flush()
                elif name == "table":
                    self.flush()
                    self.blocks.append(self.table(child))
                elif name in _BLOCK:
                    self.flush()
                    self.walk(child)
                    self.flush()
                else:
                    self.walk(child)

    def table(self, table: Tag) -> Grid:
        rows: list[list[list[tuple[int, int]]]] = []
        pending: dict[int, int] = {}  # column -> rows still covered by a rowspan above
        for tr in _rows(table):
            row: list[list[tuple[int, int]]] = []
            col = 0
            for cell in tr.find_all(["td", "th"], recursive=False):
                while pending.get(col, 0) > 0:
                    pending[col] -= 1
                    row.append([])
                    col += 1
                pieces = [self.src.add(s, sep="\t") for s in cell.stripped_strings]
                row.append(pieces)
                span = _int(cell.get("colspan"))
                down = _int(cell.get("rowspan"))
                for k in range(span):
                    if down > 1:
                        pending[col + k] = down - 1
                    if k:
                        row.append([])
                col += span
            while pending.get(col, 0) > 0:
                pending[col] -= 1
                row.append([])
                col += 1
            rows.append(row)
        return Grid(rows)


def _rows(table: Tag) -> list[Tag]:
    rows = []
    for child in table.children:
        if isinstance(child, Tag):
            if child.name == "tr":
                rows.append(child)
            elif child.name in ("thead", "tbody", "tfoot"):
                rows.extend(c for c in child.children if isinstance(c, Tag) and c.name == "tr")
    return rows


def _int(value) -> int:
    try:
        return max(1, min(int(str(value).strip()), 100))
    except (TypeError, ValueError):
        return 1


def read_html(html: str) -> tuple[str, list[Line | Grid]]:
    soup = BeautifulSoup(html, "lxml")
    w = _Walker()
    w.walk(soup.body or soup)
    w.flush()
    return w.src.text(), w.blocks
