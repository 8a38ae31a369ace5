"""Arithmetic checks on the extracted facts: the identities the statistics tables print or
imply, and prose that contradicts a table.

Every check is a record ``{name, ok, left, right, fields, detail}``: ``left`` and ``right``
are the two sides, ``fields`` the ids involved. A check runs only when both sides have at
least one value; an absent cell on a side that has values counts as 0 (a blank usually
means none).
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable

from .document import Document
from .facts.schema import FieldSchema, load_schema

TOLERANCE = 1e-6
APPROX_TOLERANCE = 0.1  # a prose "5500余" agrees with a table value within 10%


class TableChecks:
    """Pipeline component: ``doc.checks`` from ``doc.facts`` (run after FactExtractor)."""

    def __init__(self, fields: str = "fields", prose_vs_table: bool = True):
        self.schema: FieldSchema = load_schema(fields)
        self.prose_vs_table = prose_vs_table

    def __call__(self, doc: Document) -> Document:
        from .facts.tables import TableMapper

        kinds = {t.id: t.kind if t.kind != "unknown" else TableMapper.guess_kind(t) for t in doc.tables}
        doc.checks = self.run(doc.facts, kinds)
        return doc

    def run(self, facts: list[dict[str, Any]], table_kinds: dict[str, str]) -> list[dict[str, Any]]:
        """Checks over ``facts``; ``table_kinds`` maps a table id to its kind."""
        by_table: dict[str, dict[str, float]] = defaultdict(dict)
        for f in facts:
            if f["source"] == "table" and f["field"]:
                by_table[f.get("table") or ""].setdefault(f["field"], f["value"])
        checks: list[dict[str, Any]] = []
        run_kind = {"table3": self.table3, "table4": self.table4, "legacy_stats": self.legacy}
        for table_id, values in by_table.items():
            kind = table_kinds.get(table_id)
            if kind in run_kind:
                checks += [dict(c, table=table_id) for c in run_kind[kind](values)]
        if self.prose_vs_table:
            checks += self.prose_against_tables(facts)
        return checks

    # -- table identities -----------------------------------------------------------------
    def table3(self, v: dict[str, float]) -> list[dict[str, Any]]:
        cols = self.schema.table3_columns
        outcomes = [r["key"] for r in self.schema.table3_rows if r.get("outcome")]
        rows = [r["key"] for r in self.schema.table3_rows]
        out = []
        for c in cols:
            f = lambda row: f"requests.{row}.{c}"  # noqa: E731
            out.append(_sum_check("table3.balance", v, [f("new_received"), f("carried_over")],
                                  [f("total_processed"), f("carried_forward")]))
            out.append(_sum_check("table3.outcomes", v, [f("total_processed")], [f(o) for o in outcomes]))
        for row in rows:
            out.append(_sum_check("table3.applicant_total", v, [f"requests.{row}.total"],
                                  [f"requests.{row}.{c}" for c in cols if c != "total"]))
        return [c for c in out if c]

    def table4(self, v: dict[str, float]) -> list[dict[str, Any]]:
        out = [_sum_check("table4.block_total", v, [block[-1]], block[:-1]) for block in self.schema.table4_blocks]
        return [c for c in out if c]

    def legacy(self, v: dict[str, float]) -> list[dict[str, Any]]:
        out = [_sum_check(s["name"], v, [s["total"]], s["parts"], s.get("relation", "eq"))
               for s in self.schema.legacy_sums]
        return [c for c in out if c]

    # -- prose against tables -------------------------------------------------------------
    def prose_against_tables(self, facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        table: dict[str, float] = {}
        for f in facts:
            if f["source"] == "table" and f["field"]:
                table.setdefault(f["field"], f["value"])
        for fid, parts in self.schema.derived.items():
            if fid not in table and any(p in table for p in parts):
                table[fid] = sum(table.get(p, 0) for p in parts)
        prose: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for f in facts:
            if f["source"] == "prose" and f["field"] in table:
                prose[f["field"]].append(f)
        out = []
        for fid, stated in prose.items():
            t = table[fid]
            values = [p["value"] for p in stated]
            ok = any(_agrees(p["value"], t, p.get("qualifier")) for p in stated) or _close(sum(values), t)
            out.append({
                "name": "prose_vs_table", "ok": ok, "left": values if len(values) > 1 else values[0], "right": t,
                "fields": [fid],
                "detail": f"prose states {fid} = {', '.join(map(str, values))}; table has {t}",
            })
        return out


def _sum_check(name: str, v: dict[str, float], left: list[str], right: list[str],
               relation: str = "eq") -> dict[str, Any] | None:
    if not any(f in v for f in left) or not any(f in v for f in right):
        return None
    lval = sum(v.get(f, 0) for f in left)
    rval = sum(v.get(f, 0) for f in right)
    ok = _close(lval, rval) if relation == "eq" else lval <= rval + TOLERANCE
    sign = "=" if relation == "eq" else "<="
    return {
        "name": name, "ok": ok, "left": _num(lval), "right": _num(rval), "fields": [*left, *right],
        "detail": f"{' + '.join(left)} {sign} {' + '.join(right)}: {_num(lval)} {'' if ok else 'not '}{sign} {_num(rval)}",
    }


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE * max(1.0, abs(a), abs(b))


def _agrees(prose: float, table: float, qualifier: str | None) -> bool:
    if qualifier == "approx":
        return abs(prose - table) <= APPROX_TOLERANCE * max(abs(table), 1)
    return _close(prose, table)


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else round(x, 6)


def failed(checks: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in checks if not c["ok"]]
