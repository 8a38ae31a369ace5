"""Year-over-year comparison of one issuer's reports, computed from an SQL store.

    >>> from nlp.views import compare_issuer
    >>> result = compare_issuer("reports.sqlite", "会同县")      # a JSON-ready dict
    >>> [(s["from"], s["to"]) for s in result["steps"]]

For each pair of consecutive years: every canonical field (old, new, change, % change,
unchanged / changed / appeared / disappeared), checks that newly fail, labels whose share of
paragraphs moved, and the problem sentences of both years paired by similarity.
"""
from __future__ import annotations

from typing import Any, Sequence

from ..config import load_config
from ..errors import GovReportError
from ..facts.schema import load_schema
from ..store import SqlStore
from .issuers import IssuerNames
from .queries import Queries, open_sql_store
from .similarity import BigramSimilarity

UNCHANGED, CHANGED, APPEARED, DISAPPEARED = "unchanged", "changed", "appeared", "disappeared"


class CompareError(GovReportError):
    """No such issuer or year in the store."""


class Comparer:
    """Builds comparisons from one open SQL store (reuse it for many issuers)."""

    def __init__(self, store: SqlStore, config: dict[str, Any] | str = "views",
                 issuers: IssuerNames | None = None):
        cfg = (load_config(config) if isinstance(config, str) else config)["compare"]
        self.queries = Queries(store)
        self.names = issuers or IssuerNames()
        self.share_change = float(cfg["label_share_change"])
        self.problem_label = cfg["problem_label"]
        sim = cfg["similarity"]
        self.similarity = BigramSimilarity(sim.get("ignore_patterns") or ())
        self.pair_at_least, self.repeated_at = float(sim["pair_at_least"]), float(sim["repeated"])
        self.schema = load_schema()
        self._issuers: dict[str, list[str]] | None = None

    def issuers(self) -> dict[str, list[str]]:
        """{canonical name: [names as written in the store]}, from one GROUP BY."""
        if self._issuers is None:
            groups: dict[str, list[str]] = {}
            for name, _n in self.queries.issuer_counts():
                canon = self.names.canonical(name)
                if canon:
                    groups.setdefault(canon, []).append(name)
            self._issuers = dict(sorted(groups.items()))
        return self._issuers

    def compare(self, issuer: str, years: Sequence[int] | None = None) -> dict[str, Any]:
        canon = self.names.canonical(issuer)
        variants = self.issuers().get(canon or "")
        if not variants:
            near = [c for c in self.issuers() if canon and (canon in c or c in canon)][:10]
            hint = f"; similar: {', '.join(near)}" if near else ""
            raise CompareError(f"no documents for issuer {issuer!r} (canonical {canon!r}){hint}")
        docs = self.queries.documents(variants, years)
        if not docs:
            raise CompareError(f"issuer {canon!r} has no documents for the years {list(years or [])}")
        chosen: dict[int, dict[str, Any]] = {}
        for d in docs:  # per year the document with the most facts (ordered so by the query)
            if d["year"] in chosen:
                chosen[d["year"]].setdefault("others", []).append(d["doc_id"])
            else:
                chosen[d["year"]] = d
        year_list = sorted(chosen)
        ids = [chosen[y]["doc_id"] for y in year_list]
        values = self._values(ids)
        failed = _group(self.queries.failed_checks(ids), "doc_id")
        labels = self.queries.label_counts(ids)
        problems = self.queries.labelled_sentences(ids, self.problem_label)

        fields = [f for f in self._field_order(values)]
        result: dict[str, Any] = {
            "issuer": canon, "names": variants, "years": year_list,
            "missing_years": sorted(set(years or []) - set(year_list)),
            "documents": [_doc_summary(chosen[y]) for y in year_list],
            "fields": [self._series(f, year_list, ids, values) for f in fields],
            "steps": [],
        }
        for (y0, a), (y1, b) in zip(zip(year_list, ids), zip(year_list[1:], ids[1:])):
            result["steps"].append({
                "from": y0, "to": y1,
                **self._field_changes(fields, values.get(a, {}), values.get(b, {})),
                "checks": _check_changes(failed.get(a, []), failed.get(b, [])),
                "labels": self._label_changes(labels.get(a, {}), labels.get(b, {}),
                                              chosen[y0]["n_paragraphs"], chosen[y1]["n_paragraphs"]),
                "problems": self._problem_pairs(problems.get(a, []), problems.get(b, [])),
            })
        return result

    # --- pieces ----------------------------------------------------------------------------
    def _values(self, ids: Sequence[str]) -> dict[str, dict[str, dict[str, Any]]]:
        out: dict[str, dict[str, dict[str, Any]]] = {}
        for doc_id, field, value, unit, source in self.queries.best_values(ids):
            out.setdefault(doc_id, {})[field] = {"value": value, "unit": unit, "source": source}
        return out

    def _field_order(self, values: dict[str, dict[str, Any]]) -> list[str]:
        present = {f for per_doc in values.values() for f in per_doc}
        order = {f: i for i, f in enumerate(self.schema.fields)}
        return sorted(present, key=lambda f: (order.get(f, len(order)), f))

    def _describe(self, field: str) -> tuple[str | None, str | None]:
        fd = self.schema.fields.get(field)
        return (fd.label, fd.unit) if fd else (None, None)

    def _series(self, field: str, years: list[int], ids: list[str], values: dict) -> dict[str, Any]:
        label, unit = self._describe(field)
        cells = {str(y): values.get(d, {}).get(field) for y, d in zip(years, ids)}
        return {"field": field, "label": label, "unit": unit,
                "values": {y: (c["value"] if c else None) for y, c in cells.items()},
                "sources": {y: c["source"] for y, c in cells.items() if c}}

    def _field_changes(self, fields: list[str], old: dict, new: dict) -> dict[str, Any]:
        rows, counts = [], {UNCHANGED: 0, CHANGED: 0, APPEARED: 0, DISAPPEARED: 0}
        for f in fields:
            a, b = old.get(f), new.get(f)
            if a is None and b is None:
                continue
            va, vb = (a or {}).get("value"), (b or {}).get("value")
            if a is None:
                status = APPEARED
            elif b is None:
                status = DISAPPEARED
            else:
                status = UNCHANGED if va == vb else CHANGED
            change = None if a is None or b is None else _round(vb - va)
            pct = None if change is None or va == 0 else round(100.0 * change / abs(va), 2)
            label, unit = self._describe(f)
            rows.append({"field": f, "label": label, "unit": unit, "old": va, "new": vb,
                         "change": change, "pct": pct, "status": status})
            counts[status] += 1
        return {"fields": rows, "summary": counts,
                "appeared": [r["field"] for r in rows if r["status"] == APPEARED],
                "disappeared": [r["field"] for r in rows if r["status"] == DISAPPEARED]}

    def _label_changes(self, old: dict[str, int], new: dict[str, int], n_old: int | None,
                       n_new: int | None) -> list[dict[str, Any]]:
        out = []
        for label in sorted(set(old) | set(new)):
            a = old.get(label, 0) / n_old if n_old else None
            b = new.get(label, 0) / n_new if n_new else None
            change = None if a is None or b is None else round(b - a, 4)
            out.append({"label": label, "old_share": _round4(a), "new_share": _round4(b),
                        "old_paragraphs": old.get(label, 0), "new_paragraphs": new.get(label, 0),
                        "change": change, "changed": change is not None and abs(change) >= self.share_change})
        return out

    def _problem_pairs(self, old: list[str], new: list[str]) -> dict[str, Any]:
        pairs, old_only, new_only = self.similarity.pair(old, new, self.pair_at_least)
        rows = [{"old": old[i], "new": new[j], "similarity": round(sim, 3), "repeated": sim >= self.repeated_at}
                for i, j, sim in pairs]
        return {"pairs": rows, "repeated": sum(r["repeated"] for r in rows),
                "old_only": [old[i] for i in old_only], "new_only": [new[j] for j in new_only],
                "method": "character-bigram Jaccard", "repeated_at": self.repeated_at}


def compare_issuer(store: str | SqlStore, issuer: str, years: Sequence[int] | None = None,
                   config: dict[str, Any] | str = "views") -> dict[str, Any]:
    """Compare one issuer's reports across years (see the module docstring)."""
    own = isinstance(store, str)
    sql_store = open_sql_store(store) if own else store
    try:
        return Comparer(sql_store, config).compare(issuer, years)
    finally:
        if own:
            sql_store.close()


def _check_key(c: dict[str, Any]) -> tuple:
    return (c["name"], tuple(c.get("fields") or ()))


def _check_changes(old: list[dict], new: list[dict]) -> dict[str, list[dict[str, Any]]]:
    old_keys, new_keys = {_check_key(c) for c in old}, {_check_key(c) for c in new}
    view = lambda c: {"name": c["name"], "fields": c["fields"], "detail": c["detail"],  # noqa: E731
                      "left": c["left_value"], "right": c["right_value"]}
    return {"newly_failing": [view(c) for c in new if _check_key(c) not in old_keys],
            "still_failing": [view(c) for c in new if _check_key(c) in old_keys],
            "no_longer_failing": [view(c) for c in old if _check_key(c) not in new_keys]}


def _doc_summary(d: dict[str, Any]) -> dict[str, Any]:
    keys = ("year", "doc_id", "issuer", "title", "era", "source", "n_paragraphs", "n_facts")
    return {**{k: d.get(k) for k in keys}, "other_documents": d.get("others", [])}


def _group(rows: list[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(r[key], []).append(r)
    return out


def _round(v: float) -> int | float:
    v = round(v, 6)
    return int(v) if float(v).is_integer() else v


def _round4(v: float | None) -> float | None:
    return None if v is None else round(v, 4)
