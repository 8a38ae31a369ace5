"""Map the cells of the statistics tables (table 2, 3, 4 and the legacy statistics table) to
canonical field ids.

The structure parser hands tables over in many shapes: real grids (HTML, DOCX, PDF; merged
cells repeated or blank), one row per pipe-separated line, or rows re-built from one cell a
line. So a table is read as a stream of cells: a cell whose text names a row (by the
variants in ``configs/fields.yaml``) opens that row; when the rest of its grid row holds
enough number-or-blank cells they are the row's columns by position (a blank is an absent
value); otherwise the next number cells in reading order fill the row until the next label.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

from ..document import Cell, Document, Table
from .numbers import NumberReader, Quantity
from .schema import FieldSchema, compact

# A text cell that starts like a row label (一、 (一) 1. 其中) closes the open row even when
# its wording is unknown, so its numbers are never given to the row before.
ROW_LABEL_START = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d{1,2}[.、]|其中)")


@dataclass
class RowHit:
    """A row label found in the cell stream and the values gathered for it."""

    key: str
    label: Cell | None  # None: a row whose label cell is lost, placed by the template's row order
    expected: int
    values: list[tuple[Quantity | None, Cell]] = field(default_factory=list)
    unit: str | None = None
    subject: str | None = None
    closed_short: bool = False  # the next label came before all its columns: positions unknown

    @property
    def full(self) -> bool:
        return len(self.values) >= self.expected

    @property
    def name(self) -> str:
        return self.subject if self.label is None else compact(self.label.text)


class TableMapper:
    """Turns ``doc.tables`` into table facts (dicts of the record's ``facts`` shape)."""

    def __init__(self, schema: FieldSchema, reader: NumberReader):
        self.schema = schema
        self.reader = reader
        self.units = set(reader.money_units) | {"条", "件", "次", "篇", "人", "人次", "个", "项", "万元", "元"}
        self._text_kind = lru_cache(maxsize=4096)(self._kind_of_text)

    # -- entry point ----------------------------------------------------------------------
    def facts(self, doc: Document, table: Table) -> list[dict[str, Any]]:
        kind = table.kind if table.kind != "unknown" else self.guess_kind(table)
        if kind == "table2":
            return self.table2(doc, table)
        if kind == "table3":
            return self.table3(doc, table)
        if kind == "table4":
            return self.table4(table)
        if kind == "legacy_stats":
            return self.legacy(table)
        return []

    @staticmethod
    def guess_kind(table: Table) -> str:
        text = compact("".join(c.text for row in table.rows for c in row))
        if "本年新收" in text or "上年结转" in text:
            return "table3"
        if "结果维持" in text and "尚未审结" in text:
            return "table4"
        if "统计指标" in text or "收到申请数" in text:
            return "legacy_stats"
        if "信息内容" in text and any(w in text for w in ("处理决定数量", "制发件数", "新制作", "收费金额", "采购")):
            return "table2"
        return "unknown"

    # -- the cell stream ------------------------------------------------------------------
    def _cell_kind(self, cell: Cell) -> str:
        return self._text_kind(cell.text)

    def _kind_of_text(self, text: str) -> str:
        if self.reader.is_blank(text):
            return "blank"
        if self.reader.parse_cell(text) is not None:
            return "number"
        if compact(text) in self.units:
            return "unit"
        return "text"

    def _read_rows(self, table: Table, match: Callable[[str], tuple[str, int] | None | bool],
                   value_start: int | None = None, order: list[tuple[str, int, str]] | None = None) -> list[RowHit]:
        """``match(cell_text)`` -> (key, expected columns) for a row label, True for a known
        header that closes the open row, None/False for anything else. ``value_start``: the
        grid column of the first value, when a header row tells it. ``order``: the template's
        rows in order, (key, expected columns, label), to place a row whose label is lost."""
        hits: list[RowHit] = []
        current: RowHit | None = None
        consumed: set[int] = set()
        orphans: list[tuple[Quantity | None, Cell]] = []  # numbers since the last text, no row open
        for r, row in enumerate(table.rows):
            kinds = [self._cell_kind(c) for c in row]
            for c, cell in enumerate(row):
                if id(cell) in consumed:
                    continue
                kind = kinds[c]
                if kind == "text":
                    m = match(cell.text)
                    if current is not None and not current.full and (isinstance(m, tuple) or m is True
                                                                      or ROW_LABEL_START.match(compact(cell.text))):
                        current.closed_short = True
                    if isinstance(m, tuple) and order and orphans:
                        lost = _lost_row(m[0], orphans, hits, order)
                        if lost is not None:
                            hits.append(lost)
                    orphans = []
                    if isinstance(m, tuple):
                        current = RowHit(m[0], cell, m[1])
                        hits.append(current)
                        start = value_start if value_start is not None and value_start > c else c + 1
                        if self._take_positional(current, row[start:], kinds[start:], consumed):
                            current = None
                    elif m is True or ROW_LABEL_START.match(compact(cell.text)):
                        current = None
                elif current is not None:
                    if kind == "unit":
                        current.unit = compact(cell.text)
                    elif kind == "number":
                        current.values.append((self.reader.parse_cell(cell.text), cell))
                        if current.full:
                            current = None
                elif kind == "number":
                    orphans.append((self.reader.parse_cell(cell.text), cell))
        return hits

    def _take_positional(self, hit: RowHit, after: list[Cell], kinds: list[str], consumed: set[int]) -> bool:
        """Fill ``hit`` from the rest of its grid row when that row holds its columns."""
        if "text" in kinds:
            return False
        cols = [(cell, k) for cell, k in zip(after, kinds) if k != "unit"]
        if len(cols) < hit.expected:
            return False
        while len(cols) > hit.expected and cols[0][1] == "blank":  # a merged label cell left blanks
            cols.pop(0)
        for cell, k in zip(after, kinds):
            if k == "unit":
                hit.unit = compact(cell.text)
        for cell, k in cols[: hit.expected]:
            hit.values.append((self.reader.parse_cell(cell.text) if k == "number" else None, cell))
        consumed.update(id(cell) for cell in after)
        return True

    # -- fact records ---------------------------------------------------------------------
    def _fact(self, table: Table, field_id: str, q: Quantity, cell: Cell, subject: str,
              scale_unit: str | None = None) -> dict[str, Any]:
        fd = self.schema.get(field_id)
        value, unit = q.value, q.unit
        if fd.kind == "money":
            if q.kind != "money":  # a bare number: written in the column's unit
                value, unit, _ = self.reader.normalise(_decimal(value), scale_unit or fd.table_unit or "元")
        else:
            unit = fd.unit if q.kind == "count" and q.unit is None else q.unit
        return {
            "field": field_id, "label": fd.label, "subject": subject, "value": value, "unit": unit,
            "qualifier": None, "raw": cell.text.strip(), "source": "table", "paragraph": None,
            "table": table.id, "start": cell.start, "end": cell.end,
        }

    def _emit(self, table: Table, hits: list[RowHit], columns: Callable[[str], list[str]],
              scale_unit: Callable[[RowHit], str | None] = lambda h: None) -> list[dict[str, Any]]:
        facts, seen = [], set()
        for hit in hits:
            for col_id, (q, cell) in zip(columns(hit.key), hit.values):
                if q is None or col_id in seen:
                    continue
                seen.add(col_id)
                facts.append(self._fact(table, col_id, q, cell, hit.name, scale_unit(hit)))
        return facts

    # -- table kinds ----------------------------------------------------------------------
    def _era(self, table: Table, doc: Document, markers: dict[str, list[str]], default: str) -> str:
        text = compact("".join(c.text for row in table.rows for c in row))
        for era, words in markers.items():
            if any(w in text for w in words):
                return era
        return doc.meta.era if doc.meta.era in ("2019", "2021") else default

    def table2(self, doc: Document, table: Table) -> list[dict[str, Any]]:
        era = self._era(table, doc, self.schema.table2_era_markers, "2021")
        columns = self.schema.table2_columns[era]
        rows = [r for r in self.schema.table2_rows if r["key"] in columns]

        def match(text: str):
            key = _longest(compact(text), rows)
            return (key, len(columns[key])) if key else None

        order = [(r["key"], len(columns[r["key"]]), r["label"]) for r in rows]
        hits = self._read_rows(table, match, order=order)
        return self._emit(table, hits, lambda key: [f"{key}.{c}" for c in columns[key]],
                          lambda h: h.unit if h.unit in self.reader.money_units else None)

    def table3(self, doc: Document, table: Table) -> list[dict[str, Any]]:
        era = self._era(table, doc, self.schema.table3_era_markers, "2019")
        rows = [r for r in self.schema.table3_rows if era in r["eras"]]
        ncols = len(self.schema.table3_columns)

        def match(text: str):
            key = _longest(compact(text), rows)
            return (key, ncols) if key else None

        first_column = self.schema.table3_column_match[0]
        value_start = next((c for row in table.rows for c, cell in enumerate(row)
                            if compact(cell.text) in first_column), None)
        hits = self._read_rows(table, match, value_start, [(r["key"], ncols, r["label"]) for r in rows])
        if hits and not hits[-1].full and doc.text[table.end:].strip():
            hits[-1].closed_short = True  # the report goes on after the table: its last row is whole
        unplaced = [h for h in hits if h.closed_short and h.values and not _keep_total(h)]
        if unplaced:
            doc.warnings.append(f"table {table.id}: {len(unplaced)} row(s) of table 3 list fewer values than columns "
                                f"and no positions ({', '.join(h.name for h in unplaced[:5])}): not read")
        return self._emit(table, hits, lambda key: [f"requests.{key}.{c}" for c in self.schema.table3_columns])

    def table4(self, table: Table) -> list[dict[str, Any]]:
        order = self.schema.table4_order
        cells: list[tuple[Quantity | None, Cell]] | None = None
        for row in table.rows:  # a grid row holding the 15 numbers by position
            kinds = [self._cell_kind(c) for c in row]
            if len(row) >= len(order) and "text" not in kinds and "number" in kinds:
                cells = [(self.reader.parse_cell(c.text), c) for c in row[: len(order)]]
                break
        if cells is None:  # the numbers one after another
            stream = [(self.reader.parse_cell(c.text), c) for row in table.rows for c in row
                      if self._cell_kind(c) == "number"]
            if len(stream) != len(order):
                return []
            cells = stream
        return [self._fact(table, fid, q, cell, self.schema.label(fid))
                for fid, (q, cell) in zip(order, cells) if q is not None]

    def legacy(self, table: Table) -> list[dict[str, Any]]:
        schema = self.schema
        section = 0

        def match(text: str):
            nonlocal section
            t = compact(text)
            for number, words in schema.legacy_sections.items():
                if any(w in t for w in words) and not t.startswith(("(", "其中")):
                    section = number
                    break
            candidates = [r for r in schema.legacy_rows if r["section"] == section] or schema.legacy_rows
            key = _longest(t, candidates, key="field") or _longest(t, schema.legacy_rows, key="field")
            if key:
                return key, 1
            return True if any(h in t for h in schema.legacy_headers) else None

        hits = self._read_rows(table, match)
        return self._emit(table, hits, lambda key: [key], lambda h: h.unit)


def _keep_total(hit: RowHit) -> bool:
    """A table-3 row that lists only its non-empty cells (a flattened grid that dropped the
    empty ones): which applicant column a value belongs to cannot be known, but the 总计 is the
    last column and equals the sum of the others, so a last value that is that sum is the total.
    Rewrites ``hit.values`` to the total alone (True) or to nothing (False)."""
    numbers = [q.value for q, _ in hit.values if q is not None]
    total = len(numbers) == len(hit.values) >= 2 and numbers[-1] == sum(numbers[:-1])
    last = hit.values[-1]
    hit.values = [(None, last[1])] * (hit.expected - 1) + [last] if total else []
    return total


def _lost_row(key: str, orphans: list[tuple[Quantity | None, Cell]], hits: list[RowHit],
              order: list[tuple[str, int, str]]) -> RowHit | None:
    """The numbers just before row ``key``'s label, with no label of their own, are the row the
    template puts before ``key`` when that row is not in the table yet and has exactly that
    many columns (a blank or whitespace label cell lost in flattening)."""
    keys = [k for k, _, _ in order]
    if key not in keys or keys.index(key) == 0:
        return None
    prev, expected, label = order[keys.index(key) - 1]
    if len(orphans) != expected or any(h.key == prev for h in hits):
        return None
    return RowHit(prev, None, expected, list(orphans), subject=compact(label))


def _longest(text: str, rows: list[dict[str, Any]], key: str = "key") -> str | None:
    """The row whose variant is the longest one contained in ``text`` (exact for `exact` rows)."""
    best, best_len = None, 0
    for r in rows:
        for v in r["match"]:
            hit = (text == v) if r.get("exact") else (v in text)
            if hit and len(v) > best_len:
                best, best_len = r[key], len(v)
    return best


def _decimal(value: int | float):
    from decimal import Decimal

    return Decimal(str(value))
