"""The corpus overview: documents per year, era and level, coverage of key fields, the
distribution of requests received and refused, and the share of reports with failed checks.
Every number is aggregated by the database; the page draws them as inline SVG.

    >>> data = overview_data(store)          # a JSON-ready dict
    >>> html = render_overview(data)         # one self-contained HTML file
"""
from __future__ import annotations

from typing import Any

from ..config import load_config
from ..facts.schema import load_schema
from ..store import SqlStore
from .html import bar_chart, esc, page, table
from .issuers import IssuerNames
from .queries import Queries, open_sql_store

CSS = """
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid #cfd8dc;border-radius:6px;padding:8px 14px}
.card b{display:block;font-size:22px}.charts{display:flex;flex-wrap:wrap;gap:24px}
"""


def bin_labels(edges: list[float]) -> list[str]:
    out = []
    for lo, hi in zip(edges, edges[1:]):
        out.append(f"{lo:g}" if hi - lo == 1 else f"{lo:g}–{hi - 1:g}")
    return out + [f"≥{edges[-1]:g}"]


def overview_data(store: SqlStore, config: dict[str, Any] | str = "views",
                  issuers: IssuerNames | None = None) -> dict[str, Any]:
    cfg = (load_config(config) if isinstance(config, str) else config)["overview"]
    q, names = Queries(store), issuers or IssuerNames()
    total = q.total_documents()
    levels = {lvl: 0 for lvl in cfg["levels"]}
    canonical: set[str] = set()
    for issuer, n in q.issuer_counts():
        level = names.level(issuer)
        levels[level] = levels.get(level, 0) + n
        if names.canonical(issuer):
            canonical.add(names.canonical(issuer))
    schema = load_schema()
    coverage = q.field_coverage(cfg["key_fields"])
    edges = [float(e) for e in cfg["bins"]]
    distributions = {}
    for name, patterns in cfg["distributions"].items():
        counts, docs, value_sum = q.histogram(patterns, edges)
        distributions[name] = {"fields": patterns, "bins": bin_labels(edges), "documents": counts,
                               "documents_with_value": docs, "total": value_sum}
    failed_docs, by_check = q.failed_check_summary()
    return {
        "documents": total,
        "issuers": len(canonical),
        "by_year": [{"year": y, "documents": n} for y, n in q.count_by("year")],
        "by_era": [{"era": e, "documents": n} for e, n in q.count_by("era")],
        "by_level": [{"level": lvl, "documents": n} for lvl, n in levels.items()],
        "coverage": [{"field": f, "label": schema.fields[f].label if f in schema.fields else None,
                      "documents": coverage.get(f, 0), "share": coverage.get(f, 0) / total if total else 0.0}
                     for f in cfg["key_fields"]],
        "distributions": distributions,
        "failed_checks": {"documents": failed_docs, "share": failed_docs / total if total else 0.0,
                          "by_check": [{"name": n, "documents": d} for n, d in by_check]},
    }


def render_overview(data: dict[str, Any]) -> str:
    total = data["documents"]
    fc = data["failed_checks"]
    cards = "".join(f'<div class="card"><b>{esc(v)}</b>{esc(k)}</div>' for k, v in (
        ("documents", total), ("issuers", data["issuers"]),
        ("with a failed check", f"{fc['share']:.0%}")))
    per = [
        bar_chart("Documents per year", [(str(r["year"] if r["year"] is not None else "unknown"), r["documents"])
                                         for r in data["by_year"]]),
        bar_chart("Documents per era", [(str(r["era"] or "unknown"), r["documents"]) for r in data["by_era"]],
                  colour="#26a69a"),
        bar_chart("Documents per level", [(r["level"], r["documents"]) for r in data["by_level"]], colour="#8d6e63"),
    ]
    coverage = bar_chart("Key fields: share of documents that state them",
                         [(r["field"], 100 * r["share"]) for r in data["coverage"]], width=720,
                         colour="#42a5f5", fmt="{:.0f}%", max_value=100)
    dists = []
    for name, d in data["distributions"].items():
        dists.append(bar_chart(f"Requests {name} per report ({d['documents_with_value']} reports, total {d['total']:g})",
                               list(zip(d["bins"], d["documents"])), colour="#ef6c00" if name == "refused" else "#5c6bc0"))
    checks = bar_chart(f"Reports failing each check ({fc['documents']} of {total} fail at least one)",
                       [(r["name"], r["documents"]) for r in fc["by_check"]] or [("none", 0)],
                       width=720, colour="#d32f2f")
    body = (f'<div class="cards">{cards}</div>'
            f'<h2>Documents</h2><div class="charts">{"".join(per)}</div>'
            f"<h2>Coverage of key fields</h2>{coverage}"
            + table(["field", "label", "documents", "share"],
                    [[r["field"], r["label"], r["documents"], f"{r['share']:.0%}"] for r in data["coverage"]],
                    classes=["", "", "num", "num"])
            + f'<h2>Requests received and refused</h2><div class="charts">{"".join(dists)}</div>'
            + '<p class="muted">per report, the sum of: '
            + "; ".join(f"{esc(n)} = {esc(' + '.join(d['fields']))}" for n, d in data["distributions"].items())
            + " (a table value preferred to the prose one)</p>"
            + f"<h2>Failed checks</h2>{checks}")
    return page("Corpus overview", body, css=CSS, subtitle=esc(f"{total} documents · govreport overview"))


def overview_page(url: str) -> str:
    store = open_sql_store(url)
    try:
        return render_overview(overview_data(store))
    finally:
        store.close()
