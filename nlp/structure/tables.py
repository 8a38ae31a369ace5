"""Tables written as text lines: pipe rows ("a | b | c |"), cells one per line ("a | " or "a"),
and real grids from the reader; each becomes a Table of Cells with offsets into the text."""
from __future__ import annotations

from collections import Counter

from ..document import Cell, Table
from .rules import Rules

Line = tuple[int, int, str]  # start, end, text


def table_kind(text: str, rules: Rules) -> str:
    for kind, pattern in rules.table_kinds:
        if pattern.search(text):
            return kind
    return "unknown"


def find_text_tables(lines: list[Line], rules: Rules) -> list[tuple[int, int]]:
    """Index ranges [i, j) of ``lines`` that form tables."""
    found = []
    i = 0
    while i < len(lines):
        text = lines[i][2]
        if "|" in text:
            j = _extend_pipe(lines, i, rules)
        elif any(a.search(text) for a in rules.table_anchors):
            j = _extend_cells(lines, i, rules)
        else:
            i += 1
            continue
        values = sum(1 for c in _cells(lines[i:j], rules) if rules.is_value(c.text))
        piped = sum(1 for _, _, t in lines[i:j] if "|" in t)
        if values >= 2 or piped >= 3:  # a blank form (the official template) has no values
            found.append((i, j))
            i = j
        else:
            i += 1
    return found


def _extend_pipe(lines: list[Line], i: int, rules: Rules) -> int:
    """Pipe rows, value lines, and a table label alone between pipe rows ("第二十条第(五)项")."""
    j = i + 1
    while j < len(lines):
        text = lines[j][2]
        label = rules.is_stray_cell(text) and j + 1 < len(lines) and "|" in lines[j + 1][2]
        if not ("|" in text or rules.is_value(text) or label):
            break
        j += 1
    return j


def _extend_cells(lines: list[Line], i: int, rules: Rules) -> int:
    j = i + 1
    while j < len(lines):
        text = lines[j][2]
        if (len(text) > rules.max_cell_chars and not _long_label(lines, j, rules)) or _ends_table(lines, j, rules):
            break
        j += 1
    return j


def _long_label(lines: list[Line], j: int, rules: Rules) -> bool:
    """A long row label (a 规范性文件(…“…”…) note) followed by its values, not prose."""
    return (not rules.sentence_end.search(lines[j][2])
            and j + 1 < len(lines) and rules.is_value(lines[j + 1][2]))


def _ends_table(lines: list[Line], j: int, rules: Rules) -> bool:
    text = lines[j][2]
    if rules.is_value(text) or "|" in text:
        return False
    heading = rules.heading_rank(text)
    if heading and heading[0] == 1 and any(p.search(text) for p in rules.table_breaking_sections):
        return True
    nxt = lines[j + 1][2] if j + 1 < len(lines) else ""
    # a heading followed by prose is a section heading, not a row label
    return bool(heading) and len(nxt) > rules.max_cell_chars


def _cells(lines: list[Line], rules: Rules) -> list[Cell]:
    cells = []
    for start, _, text in lines:
        pos = 0
        for part in text.split("|"):
            stripped = part.strip()
            if stripped:
                a = start + pos + part.index(stripped)
                cells.append(Cell(stripped, a, a + len(stripped)))
            pos += len(part) + 1
    return cells


def _pipe_rows(lines: list[Line]) -> list[list[Cell]] | None:
    """Rows when each line is a row of several cells (seed 003); None for cell-per-line pipes."""
    rows = []
    for start, _, text in lines:
        parts = text.split("|")
        if text.rstrip().endswith("|"):
            parts = parts[:-1]
        row, pos = [], 0
        for part in parts:
            stripped = part.strip()
            a = start + pos + (part.index(stripped) if stripped else 0)
            row.append(Cell(stripped, a, a + len(stripped)))
            pos += len(part) + 1
        rows.append(row)
    multi = sum(1 for r in rows if sum(1 for c in r if c.text) >= 2)
    return rows if multi >= 0.5 * len(rows) else None


def _stream_rows(cells: list[Cell], rules: Rules) -> list[list[Cell]]:
    """Rebuild rows from a stream of cells: a row is its label cells followed by its value
    cells (units such as 万元 count with the values). Text before a row's label (headers,
    group labels) becomes a row of its own."""
    runs: list[tuple[list[Cell], list[Cell]]] = []
    for cell in cells:
        value = rules.is_value(cell.text) or bool(rules.unit_cell.match(cell.text))
        if not runs or (not value and runs[-1][1]):
            runs.append(([], []))
        runs[-1][1 if value else 0].append(cell)
    rows = []
    for texts, values in runs:
        if len(texts) > 1 and values and len(values) <= rules.max_row_values:
            k = len(texts) - 1
            while k > 0 and _continues(texts[k - 1].text, texts[k].text, rules):
                k -= 1
            rows.append(texts[:k])
            rows.append(texts[k:] + values)
        else:
            rows.append(texts + values)
    return [r for r in rows if r]


def _continues(prev: str, cell: str, rules: Rules) -> bool:
    """Is ``cell`` the wrapped end of the label in ``prev``?"""
    if rules.heading_rank(cell):
        return False
    return cell.startswith("(") or prev.count("(") > prev.count(")") or bool(rules.label_continuation.match(cell))


def text_table(lines: list[Line], rules: Rules, table_id: str) -> Table:
    rows = _pipe_rows(lines) if any("|" in t for _, _, t in lines) else None
    if rows is None:
        rows = _drop_cut_tail(_stream_rows(_cells(lines, rules), rules), rules)
    return grid_table(rows, lines[0][0], lines[-1][1], rules, table_id)


def _drop_cut_tail(rows: list[list[Cell]], rules: Rules) -> list[list[Cell]]:
    """A last row with more values than the table's rows have is followed by the cut start of the
    next row's label ("…| 0 | 0 | 2" where an excerpt stops inside "2.其他法律…"): not a value."""
    widths = [sum(1 for c in row if rules.is_value(c.text)) for row in rows]
    usual = Counter(w for w in widths if w >= 2).most_common(1)
    if len(rows) < 3 or not usual or widths[-1] <= usual[0][0]:
        return rows
    return rows[:-1] + [rows[-1][: len(rows[-1]) - (widths[-1] - usual[0][0])]]


def grid_table(rows: list[list[Cell]], start: int, end: int, rules: Rules, table_id: str) -> Table:
    text = " ".join(c.text for row in rows for c in row)
    return Table(table_id, table_kind(text, rules), start, end, rows)
