"""Page geometry shared by the PDF text layer and OCR: glyphs grouped into lines, ruled table
grids rebuilt from line segments, and the text of each cell.

Coordinates are top-down (``top < bottom``), in points for PDF text and pixels for OCR.
The grid finder follows pdfplumber's "lines" strategy (snap and join nearly collinear
segments, intersect them, take the smallest rectangle at each corner, group rectangles that
share corners), so a page gives the grids pdfplumber's ``find_tables`` gives, without
pdfminer's layout analysis."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field

SNAP = 3.0  # points: segments this close are one rule (pdfplumber's defaults)
MIN_EDGE = 3.0


@dataclass(slots=True)
class Glyph:
    """One character (or, from OCR, one estimated character) with its box."""
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    base: float  # baseline: the glyphs of one line share it
    space: bool = False  # a space came before this glyph in the source
    conf: float | None = None  # OCR recognition confidence; None for a text layer
    run: int = -1  # OCR: the text line read in one go (its spaces are the engine's); -1 for a text layer


@dataclass(slots=True)
class TextLine:
    text: str
    x0: float
    x1: float
    top: float
    confs: list[float | None] | None = None  # OCR: each character's confidence (None: a space)

    @property
    def conf(self) -> float | None:
        values = [c for c in self.confs or () if c is not None]
        return min(values) if values else None


@dataclass(slots=True)
class Ruled:
    """A ruled table: its box and rows of cell boxes (None where a merged cell covers the slot)."""
    bbox: tuple[float, float, float, float]
    rows: list[list[tuple[float, float, float, float] | None]]


@dataclass(slots=True)
class TableGrid:
    top: float
    rows: list[list[TextLine | None]]  # a cell's lines joined with "\n"; None for an empty cell
    bbox: tuple[float, float, float, float] = field(default=(0.0, 0.0, 0.0, 0.0))


def group_lines(glyphs: list[Glyph]) -> list[TextLine]:
    """Glyphs sharing a baseline (within 0.4 of their height) become one line, read left to right."""
    lines: list[TextLine] = []
    if not glyphs:
        return lines
    ordered = sorted(glyphs, key=lambda g: (g.base, g.x0))
    group: list[Glyph] = []
    anchor = ordered[0].base
    for g in ordered:
        if group and g.base - anchor > 0.4 * (g.bottom - g.top):
            lines.append(_line(group))
            group = []
        if not group:
            anchor = g.base
        group.append(g)
    lines.append(_line(group))
    return lines


def _line(group: list[Glyph]) -> TextLine:
    group.sort(key=lambda g: g.x0)
    parts: list[str] = []
    confs: list[float | None] = []
    prev = None
    for g in group:
        same_run = g.run != -1 and g.run == prev.run if prev is not None else False
        if prev is not None and (g.space or not same_run and g.x0 - prev.x1 > 0.5 * (g.bottom - g.top)):
            parts.append(" ")
            confs.append(None)
        parts.append(g.text)
        confs.extend([g.conf] * len(g.text))
        prev = g
    ocr = any(c is not None for c in confs)
    return TextLine("".join(parts), group[0].x0, max(g.x1 for g in group), min(g.top for g in group),
                    confs if ocr else None)


def cell_text(glyphs: list[Glyph]) -> TextLine | None:
    lines = group_lines(glyphs)
    if not lines:
        return None
    confs = None
    if any(l.confs for l in lines):
        confs = []
        for i, l in enumerate(lines):
            confs.extend(([None] if i else []) + (l.confs or [None] * len(l.text)))
    return TextLine("\n".join(l.text for l in lines), min(l.x0 for l in lines), max(l.x1 for l in lines),
                    lines[0].top, confs)


# --- ruled tables -------------------------------------------------------------------------

HEdge = tuple[float, float, float]  # (y, x0, x1)
VEdge = tuple[float, float, float]  # (x, top, bottom)


def ruled_tables(h_edges: list[HEdge], v_edges: list[VEdge], tol: float = SNAP) -> list[Ruled]:
    """Tables drawn with rules. ``h_edges``/``v_edges`` are horizontal and vertical segments."""
    h = _merge(h_edges, tol)
    v = _merge(v_edges, tol)
    if not h or not v:
        return []
    points: dict[tuple[float, float], tuple[set, set]] = {}
    for vx, vt, vb in sorted(v):
        for hy, hx0, hx1 in sorted(h):
            if vt - tol <= hy <= vb + tol and hx0 - tol <= vx <= hx1 + tol:
                hs, vs = points.setdefault((vx, hy), (set(), set()))
                hs.add((hy, hx0, hx1))
                vs.add((vx, vt, vb))
    cells = _cells(points)
    return [_rows(t) for t in _connected(cells)]


def _merge(edges: list[tuple[float, float, float]], tol: float) -> list[tuple[float, float, float]]:
    """Snap segments whose positions are within ``tol`` to their mean, join overlapping ones."""
    edges = sorted(e for e in edges if e[2] - e[1] >= 1.0)
    clusters: list[list[tuple[float, float, float]]] = []
    for e in edges:
        if clusters and e[0] - clusters[-1][-1][0] <= tol:
            clusters[-1].append(e)
        else:
            clusters.append([e])
    out = []
    for c in clusters:
        pos = sum(e[0] for e in c) / len(c)
        spans = sorted((e[1], e[2]) for e in c)
        a, b = spans[0]
        for s, t in spans[1:]:
            if s <= b + tol:
                b = max(b, t)
            else:
                out.append((pos, a, b))
                a, b = s, t
        out.append((pos, a, b))
    return [e for e in out if e[2] - e[1] >= MIN_EDGE]


def _cells(points: dict) -> list[tuple[float, float, float, float]]:
    """At each corner, the smallest rectangle whose four sides are drawn."""
    def joined(p, q) -> bool:
        if p[0] == q[0] and points[p][1] & points[q][1]:
            return True
        return p[1] == q[1] and bool(points[p][0] & points[q][0])

    by_x: dict[float, list] = defaultdict(list)
    by_y: dict[float, list] = defaultdict(list)
    for p in sorted(points):
        by_x[p[0]].append(p)
        by_y[p[1]].append(p)
    cells = []
    for p in sorted(points):
        below = [q for q in by_x[p[0]] if q[1] > p[1]]
        right = [q for q in by_y[p[1]] if q[0] > p[0]]
        found = None
        for b in below:
            if not joined(p, b):
                continue
            for r in right:
                corner = (r[0], b[1])
                if joined(p, r) and corner in points and joined(corner, r) and joined(corner, b):
                    found = (p[0], p[1], r[0], b[1])
                    break
            if found:
                break
        if found:
            cells.append(found)
    return cells


def _connected(cells: list) -> list[list]:
    """Group cells that share a corner; a table needs two cells at least."""
    parent = list(range(len(cells)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple[float, float], int] = {}
    for i, (x0, t, x1, b) in enumerate(cells):
        for corner in ((x0, t), (x0, b), (x1, t), (x1, b)):
            if corner in owner:
                parent[find(i)] = find(owner[corner])
            else:
                owner[corner] = i
    groups: dict[int, list] = defaultdict(list)
    for i, c in enumerate(cells):
        groups[find(i)].append(c)
    tables = [g for g in groups.values() if len(g) > 1]
    return sorted(tables, key=lambda g: min((c[1], c[0]) for c in g))


def _rows(cells: list) -> Ruled:
    xs = sorted({c[0] for c in cells})
    by_top: dict[float, dict[float, tuple]] = defaultdict(dict)
    for c in cells:
        by_top[c[1]][c[0]] = c
    rows = [[by_top[top].get(x) for x in xs] for top in sorted(by_top)]
    bbox = (min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells), max(c[3] for c in cells))
    return Ruled(bbox, rows)


def fill(table: Ruled, glyphs: list[Glyph]) -> TableGrid:
    """The text of each cell: the glyphs whose centre lies inside it."""
    cells = [c for row in table.rows for c in row if c is not None]
    slots: dict[tuple[float, float, float, float], list[Glyph]] = {c: [] for c in cells}
    # every cell covers whole slots of the grid made by all cell sides: index them
    xs = sorted({x for c in cells for x in (c[0], c[2])})
    ys = sorted({y for c in cells for y in (c[1], c[3])})
    owner: dict[tuple[int, int], tuple] = {}
    for c in cells:
        for i in range(bisect_left(xs, c[0]), bisect_left(xs, c[2])):
            for j in range(bisect_left(ys, c[1]), bisect_left(ys, c[3])):
                owner.setdefault((i, j), c)
    for g in glyphs:
        cell = owner.get((bisect_right(xs, (g.x0 + g.x1) / 2) - 1, bisect_right(ys, (g.top + g.bottom) / 2) - 1))
        if cell is not None:
            slots[cell].append(g)
    rows = [[cell_text(slots[c]) if c is not None else None for c in row] for row in table.rows]
    return TableGrid(table.bbox[1], rows, table.bbox)


def inside(g: Glyph, bbox: tuple[float, float, float, float]) -> bool:
    cx, cy = (g.x0 + g.x1) / 2, (g.top + g.bottom) / 2
    return bbox[0] <= cx <= bbox[2] and bbox[1] <= cy <= bbox[3]


def page_items(glyphs: list[Glyph], h_edges: list[HEdge], v_edges: list[VEdge],
               min_columns: int, tol: float = SNAP) -> list[TextLine | TableGrid]:
    """Lines outside tables and the tables (with at least ``min_columns`` filled columns), top to bottom."""
    grids = []
    if h_edges and v_edges:
        for t in ruled_tables(h_edges, v_edges, tol):
            grid = fill(t, glyphs)
            if max((sum(1 for c in row if c and c.text.strip()) for row in grid.rows), default=0) >= min_columns:
                grids.append(grid)
    if grids:
        glyphs = [g for g in glyphs if not any(inside(g, t.bbox) for t in grids)]
    items: list[TextLine | TableGrid] = [l for l in group_lines(glyphs) if l.text.strip()]
    items += grids
    items.sort(key=lambda it: it.top)
    return items
