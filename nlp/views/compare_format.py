"""A comparison (:func:`nlp.views.compare.compare_issuer`) written as text, CSV or HTML; JSON
is the dict itself."""
from __future__ import annotations

import csv
import io
import json
import unicodedata
from typing import Any

from .html import esc, fmt_number, page, table

FORMATS = ("table", "json", "csv", "html")
SUFFIX = {"table": ".txt", "json": ".json", "csv": ".csv", "html": ".html"}


def render(result: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(result, ensure_ascii=False, indent=1) + "\n"
    return {"table": to_text, "csv": to_csv, "html": to_html}[fmt](result)


# --- text -----------------------------------------------------------------------------------
def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _grid(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    line = lambda cells: "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])


def _pct(p: float | None) -> str:
    return "" if p is None else f"{p:+.1f}%"


def _signed(v: float | int | None) -> str:
    return "" if v is None else ("+" if v > 0 else "") + fmt_number(v)


def to_text(result: dict[str, Any]) -> str:
    years = [str(y) for y in result["years"]]
    out = [f"issuer: {result['issuer']}  (as written: {', '.join(result['names'])})"]
    for d in result["documents"]:
        out.append(f"  {d['year']}: {d['doc_id']}  {d['title'] or ''}  [{d['source'] or ''}]")
    if result["missing_years"]:
        out.append(f"  no document for: {', '.join(map(str, result['missing_years']))}")
    status = {}
    for step in result["steps"]:
        for r in step["fields"]:
            status.setdefault(r["field"], []).append(r["status"])
    headers = ["field", *years, *(f"{s['from']}→{s['to']}" for s in result["steps"]), "status"]
    rows = []
    for f in result["fields"]:
        changes = []
        for step in result["steps"]:
            r = next((x for x in step["fields"] if x["field"] == f["field"]), None)
            changes.append("" if r is None or r["change"] is None else f"{_signed(r['change'])} {_pct(r['pct'])}".strip())
        rows.append([f["field"], *(fmt_number(f["values"][y]) if f["values"][y] is not None else "-" for y in years),
                     *changes, ",".join(sorted(set(status.get(f["field"], [])))) or "-"])
    out += ["", _grid(headers, rows)]
    for step in result["steps"]:
        out += ["", f"== {step['from']} → {step['to']}: " + ", ".join(f"{n} {k}" for k, n in step["summary"].items())]
        if step["appeared"]:
            out.append("appeared: " + ", ".join(step["appeared"]))
        if step["disappeared"]:
            out.append("disappeared: " + ", ".join(step["disappeared"]))
        for c in step["checks"]["newly_failing"]:
            out.append(f"newly failing check: {c['name']}: {c['detail']}")
        for c in step["checks"]["no_longer_failing"]:
            out.append(f"no longer failing: {c['name']}: {c['detail']}")
        for lab in step["labels"]:
            if lab["changed"]:
                out.append(f"label share changed: {lab['label']} {lab['old_share']:.1%} → {lab['new_share']:.1%}")
        probs = step["problems"]
        out.append(f"problem sentences: {len(probs['pairs'])} paired, {probs['repeated']} repeated "
                   f"(similarity ≥ {probs['repeated_at']})")
        for p in probs["pairs"]:
            mark = "REPEATED" if p["repeated"] else "similar"
            out.append(f"  [{mark} {p['similarity']:.2f}] {step['from']}: {p['old']}")
            out.append(f"  {' ' * (len(mark) + 7)} {step['to']}: {p['new']}")
        for s in probs["old_only"]:
            out.append(f"  only {step['from']}: {s}")
        for s in probs["new_only"]:
            out.append(f"  only {step['to']}: {s}")
    return "\n".join(out) + "\n"


# --- CSV ------------------------------------------------------------------------------------
def to_csv(result: dict[str, Any]) -> str:
    """One row per field: its values per year, then change, % change and status per step."""
    years = [str(y) for y in result["years"]]
    steps = result["steps"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["issuer", "field", "label", "unit", *years,
                *(f"{k}_{s['from']}_{s['to']}" for s in steps for k in ("change", "pct", "status"))])
    by_step = [{r["field"]: r for r in s["fields"]} for s in steps]
    for f in result["fields"]:
        row = [result["issuer"], f["field"], f["label"] or "", f["unit"] or "",
               *("" if f["values"][y] is None else f["values"][y] for y in years)]
        for rows in by_step:
            r = rows.get(f["field"])
            row += ["", "", ""] if r is None else [
                "" if r["change"] is None else r["change"], "" if r["pct"] is None else r["pct"], r["status"]]
        w.writerow(row)
    return buf.getvalue()


# --- HTML -----------------------------------------------------------------------------------
CSS = """
tr.changed td{background:#fff8e1}tr.appeared td{background:#e8f5e9}tr.disappeared td{background:#ffebee}
.pair{display:grid;grid-template-columns:1fr 1fr 90px;gap:6px;border-bottom:1px solid #eee;padding:4px 0}
.pair .sim{font-weight:bold;text-align:right}.pair.repeated .sim{color:#b71c1c}
.fail{color:#b71c1c}
"""


def to_html(result: dict[str, Any]) -> str:
    years = [str(y) for y in result["years"]]
    parts = ["<h2>Documents</h2>", table(
        ["year", "doc_id", "title", "as written", "era", "source"],
        [[d["year"], d["doc_id"], d["title"], d["issuer"], d["era"], d["source"]] for d in result["documents"]])]
    if result["missing_years"]:
        parts.append(f'<p class="muted">no document for {esc(", ".join(map(str, result["missing_years"])))}</p>')
    for step in result["steps"]:
        parts.append(_step_html(step))
    parts.append("<h2>Every field across years</h2>")
    parts.append(table(["field", "label", "unit", *years],
                       [[f["field"], f["label"], f["unit"], *(fmt_number(f["values"][y]) for y in years)]
                        for f in result["fields"]], classes=["", "", "", *["num"] * len(years)]))
    title = f"{result['issuer']}: {' → '.join(years)}"
    return page(title, "".join(parts), css=CSS, subtitle=esc("year-over-year comparison · govreport compare"))


def _step_html(step: dict[str, Any]) -> str:
    y0, y1 = step["from"], step["to"]
    summary = ", ".join(f"{n} {k}" for k, n in step["summary"].items())
    out = [f'<h2 id="step-{y0}-{y1}">{y0} → {y1}</h2><p>{esc(summary)}</p>']
    rows = [r for r in step["fields"] if r["status"] != "unchanged"]
    if rows:
        body = "".join(
            f'<tr class="{r["status"]}"><td>{esc(r["field"])}</td><td>{esc(r["label"])}</td>'
            f'<td class="num">{fmt_number(r["old"])}</td><td class="num">{fmt_number(r["new"])}</td>'
            f'<td class="num {"up" if (r["change"] or 0) > 0 else "down"}">{esc(_signed(r["change"]))}</td>'
            f'<td class="num">{esc(_pct(r["pct"]))}</td><td>{esc(r["status"])}</td></tr>' for r in rows)
        out.append('<table class="data"><thead><tr><th>field</th><th>label</th>'
                   f"<th>{y0}</th><th>{y1}</th><th>change</th><th>%</th><th>status</th></tr></thead>"
                   f"<tbody>{body}</tbody></table>")
    checks = step["checks"]
    if checks["newly_failing"] or checks["no_longer_failing"]:
        out.append("<h3>Checks</h3><ul>")
        out += [f'<li class="fail">newly failing: {esc(c["name"])}: {esc(c["detail"])}</li>' for c in checks["newly_failing"]]
        out += [f'<li>no longer failing: {esc(c["name"])}: {esc(c["detail"])}</li>' for c in checks["no_longer_failing"]]
        out.append("</ul>")
    labels = [lab for lab in step["labels"] if lab["changed"]]
    if labels:
        out.append("<h3>Label shares that moved</h3>" + table(
            ["label", str(y0), str(y1), "change"],
            [[lab["label"], f"{lab['old_share']:.1%}", f"{lab['new_share']:.1%}", f"{lab['change']:+.1%}"] for lab in labels]))
    probs = step["problems"]
    out.append(f"<h3>Problem sentences</h3><p class=\"muted\">{len(probs['pairs'])} paired, "
               f"{probs['repeated']} repeated ({esc(probs['method'])} ≥ {probs['repeated_at']})</p>")
    if probs["pairs"] or probs["old_only"] or probs["new_only"]:
        out.append(f'<div class="pair"><b>{y0}</b><b>{y1}</b><b class="sim">similarity</b></div>')
    for p in probs["pairs"]:
        cls = "pair repeated" if p["repeated"] else "pair"
        out.append(f'<div class="{cls}"><div>{esc(p["old"])}</div><div>{esc(p["new"])}</div>'
                   f'<div class="sim">{p["similarity"]:.2f}{" repeated" if p["repeated"] else ""}</div></div>')
    for s in probs["old_only"]:
        out.append(f'<div class="pair"><div>{esc(s)}</div><div class="muted">—</div><div></div></div>')
    for s in probs["new_only"]:
        out.append(f'<div class="pair"><div class="muted">—</div><div>{esc(s)}</div><div></div></div>')
    return "".join(out)
