"""A review page for one report: a single self-contained HTML file that shows the text with
paragraphs coloured by label (scores on hover), every fact marked at its offsets with its
field id and value, the tables as grids with each cell's field id, and the failed checks with
the cells they involve.

    >>> html = render_review(nlp.load("report.txt").to_dict())
"""
from __future__ import annotations

from bisect import bisect_left
from pathlib import Path
from typing import Any

from ..config import load_config
from ..errors import GovReportError
from .html import esc, fmt_number, page

STORE_SUFFIXES = {".sqlite", ".sqlite3", ".db", ".jsonl"}
STORE_DIR_SUFFIXES = {".parquet", ".csv"}
URL_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://", "sqlite://")

CSS = """
#report{max-width:980px}
.toolbar{position:sticky;top:0;background:#fff;border-bottom:1px solid #ddd;padding:6px 0;z-index:5;font-size:13px}
.legend .chip{cursor:pointer}
.line{margin:2px 0;white-space:pre-wrap}
.line.heading{font-weight:bold;margin-top:14px}
.para{margin:6px 0;padding:6px 10px;border-left:5px solid #bbb;border-radius:3px}
.para .labels{float:right;margin-left:8px}
.para.dim{opacity:.25}
.sent.problems{text-decoration:underline wavy #c62828;text-underline-offset:4px}
.sent.improvements{text-decoration:underline dotted #2e7d32;text-underline-offset:4px}
mark.fact{background:#ffe082;border-radius:2px;padding:0 1px;position:relative;cursor:help;outline:none}
mark.fact.nofield{background:#eeeeee;border:1px dashed #999}
mark.fact .tip{display:none;position:absolute;left:0;top:1.5em;z-index:10;background:#263238;color:#fff;
 font-size:12px;line-height:1.3;padding:3px 6px;border-radius:3px;white-space:nowrap}
mark.fact:hover .tip,mark.fact:focus .tip{display:block}
body.show-ids mark.fact .tip{display:inline;position:static;background:none;color:#6a1b9a;padding:0 0 0 3px;font-size:11px}
.tablewrap{overflow-x:auto;margin:10px 0}
table.grid{border-collapse:collapse;font-size:12px}
table.grid td{border:1px solid #b0bec5;padding:2px 5px;vertical-align:top;min-width:2em}
table.grid td.hasfact{background:#fffde7}
table.grid td .fid{color:#6a1b9a;font-size:10px;word-break:break-all;max-width:14em}
.flagged{outline:3px solid #d32f2f !important;outline-offset:-2px}
.checks li{margin:3px 0}.checks a{margin-right:6px}
.unplaced{color:#b71c1c}
"""

SCRIPT = """
(function(){
  var box=document.getElementById('show-ids');
  box.addEventListener('change',function(){document.body.classList.toggle('show-ids',box.checked);});
  document.querySelectorAll('.legend .chip').forEach(function(chip){
    chip.addEventListener('click',function(){
      var label=chip.getAttribute('data-label'), on=chip.classList.toggle('active');
      document.querySelectorAll('.legend .chip').forEach(function(c){if(c!==chip)c.classList.remove('active');});
      document.querySelectorAll('.para').forEach(function(p){
        var has=(' '+p.getAttribute('data-labels')+' ').indexOf(' '+label+' ')>=0;
        p.classList.toggle('dim',on&&!has);
      });
    });
  });
  document.querySelectorAll('.checks li[data-targets]').forEach(function(li){
    li.addEventListener('click',function(){
      document.querySelectorAll('.flagged').forEach(function(e){e.classList.remove('flagged');});
      var ids=li.getAttribute('data-targets').split(' '), first=null;
      ids.forEach(function(id){var e=document.getElementById(id);if(e){e.classList.add('flagged');first=first||e;}});
      if(first)first.scrollIntoView({block:'center'});
    });
  });
})();
"""


class ReviewError(GovReportError):
    """The document to review cannot be found."""


def is_store(path: str) -> bool:
    p = Path(path)
    return (path.startswith(URL_SCHEMES) or p.suffix.lower() in STORE_SUFFIXES
            or (p.is_dir() and p.suffix.lower() in STORE_DIR_SUFFIXES))


def load_record(url: str, doc: str | None = None) -> dict[str, Any]:
    """One document record from any store, by doc_id or a unique doc_id prefix; without
    ``doc`` the store must hold exactly one document."""
    from ..store import SqlStore, open_store

    store = open_store(url, mode="r")
    try:
        if isinstance(store, SqlStore):
            return _sql_record(store, doc)
        matches = [r for r in store.iter_records() if doc is None or r["doc_id"].startswith(doc)]
        return _one(url, doc, [m["doc_id"] for m in matches], lambda i: matches[i])
    finally:
        store.close()


def _sql_record(store: Any, doc: str | None) -> dict[str, Any]:
    from sqlalchemy import select

    from ..store import schema

    docs = schema.documents
    with store.engine.connect() as conn:
        q = select(docs.c.doc_id).order_by(docs.c.doc_id).limit(50)
        if doc is not None:
            q = q.where(docs.c.doc_id.startswith(doc, autoescape=True))
        ids = list(conn.execute(q).scalars())

        def fetch(i: int) -> dict[str, Any]:
            doc_id = ids[i]
            row = dict(conn.execute(select(docs).where(docs.c.doc_id == doc_id)).one()._mapping)
            children = [[dict(r._mapping) for r in conn.execute(select(t).where(t.c.doc_id == doc_id))]
                        for t in (schema.paragraphs, schema.facts, schema.checks)]
            return schema.rows_to_record(row, *children)

        return _one(store.url, doc, ids, fetch)


def _one(url: str, doc: str | None, ids: list[str], fetch: Any) -> dict[str, Any]:
    if len(ids) == 1:
        return fetch(0)
    if not ids:
        raise ReviewError(f"{url}: no document {doc!r}" if doc else f"{url}: the store is empty")
    listed = ", ".join(ids[:5]) + (" ..." if len(ids) > 5 else "")
    what = f"{doc!r} matches several documents" if doc else "the store holds several documents"
    raise ReviewError(f"{url}: {what}; pick one with --doc ID ({listed})")


# --- rendering ---------------------------------------------------------------------------------
class _Facts:
    """The record's facts sorted by offset; remembers which ones were drawn."""

    def __init__(self, facts: list[dict[str, Any]], text_len: int):
        self.items = sorted(((i, f) for i, f in enumerate(facts) if _span_ok(f, text_len)),
                            key=lambda t: (t[1]["start"], t[1]["end"]))
        self.starts = [f["start"] for _, f in self.items]
        self.placed: set[int] = set()
        self.invalid = [i for i, f in enumerate(facts) if not _span_ok(f, text_len)]

    def within(self, a: int, b: int) -> list[tuple[int, dict[str, Any]]]:
        k = bisect_left(self.starts, a)
        out = []
        while k < len(self.items) and self.items[k][1]["start"] < b:
            i, f = self.items[k]
            if f["end"] <= b and i not in self.placed:
                out.append((i, f))
            k += 1
        return out


def _span_ok(f: dict[str, Any], n: int) -> bool:
    s, e = f.get("start"), f.get("end")
    return isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= n


def _fact_tip(f: dict[str, Any]) -> str:
    value = fmt_number(f.get("value")) if isinstance(f.get("value"), (int, float)) else esc(f.get("value"))
    unit = esc(f.get("unit") or "")
    approx = " ≈" if f.get("qualifier") == "approx" else ""
    if f.get("field"):
        return f"{esc(f['field'])} = {value}{unit}{approx}"
    return f"(no field) {esc(f.get('subject') or '')} = {value}{unit}{approx}"


class ReviewPage:
    def __init__(self, record: dict[str, Any], config: dict[str, Any] | str = "views"):
        cfg = load_config(config) if isinstance(config, str) else config
        self.colours: dict[str, str] = cfg["review"]["colours"]
        self.r = record
        self.text: str = record.get("text") or ""
        self.facts = _Facts(record.get("facts") or [], len(self.text))
        self.section_starts = {s["start"]: s for s in record.get("sections") or []}
        self.fact_targets: dict[int, str] = {}  # fact index -> element id it was drawn in

    # --- pieces of text -------------------------------------------------------------------
    def marked(self, a: int, b: int) -> str:
        """text[a:b] escaped, each fact inside it wrapped in a <mark> with its field id."""
        out, pos = [], a
        for i, f in self.facts.within(a, b):
            if f["start"] < pos:  # overlaps the previous mark: listed as not drawn
                continue
            out.append(esc(self.text[pos:f["start"]]))
            cls = "fact" if f.get("field") else "fact nofield"
            out.append(f'<mark class="{cls}" id="f{i}" tabindex="0" data-field="{esc(f.get("field") or "")}" '
                       f'data-value="{esc(f.get("value"))}" data-start="{f["start"]}" data-end="{f["end"]}" '
                       f'data-source="{esc(f.get("source"))}">{esc(self.text[f["start"]:f["end"]])}'
                       f'<span class="tip">{_fact_tip(f)}</span></mark>')
            self.facts.placed.add(i)
            self.fact_targets[i] = f"f{i}"
            pos = f["end"]
        out.append(esc(self.text[pos:b]))
        return "".join(out)

    def loose_lines(self, a: int, b: int) -> str:
        """Text between paragraphs and tables (headings, captions), line by line."""
        out, pos = [], a
        for line in self.text[a:b].split("\n"):
            start, end = pos, pos + len(line)
            pos = end + 1
            if not line.strip():
                continue
            heading = start in self.section_starts
            cls = "line heading" if heading else "line"
            out.append(f'<div class="{cls}" data-start="{start}">{self.marked(start, end)}</div>')
        return "".join(out)

    def paragraph(self, p: dict[str, Any]) -> str:
        scores = p.get("scores") or {}
        labels = sorted(p.get("labels") or [], key=lambda lab: -scores.get(lab, 0))
        colour = self.colours.get(labels[0], "#fafafa") if labels else "#ffffff"
        border = "#c62828" if "problems" in labels else "#90a4ae"
        tip = " · ".join(f"{k} {v:.2f}" for k, v in sorted(scores.items(), key=lambda kv: -kv[1]))
        chips = "".join(f'<span class="chip" style="background:{self.colours.get(lab, "#fff")}">'
                        f"{esc(lab)} {scores.get(lab, 0):.2f}</span>" for lab in labels)
        body, pos = [], p["start"]
        for s in sorted(p.get("sentences") or [], key=lambda s: s["start"]):
            if not (pos <= s["start"] < s["end"] <= p["end"]):
                continue
            body.append(self.marked(pos, s["start"]))
            slabels = [lab for lab in s.get("labels") or [] if lab in ("problems", "improvements")]
            inner = self.marked(s["start"], s["end"])
            if slabels:
                stip = " · ".join(f"{k} {v:.2f}" for k, v in (s.get("scores") or {}).items())
                inner = f'<span class="sent {" ".join(slabels)}" title="{esc(stip)}">{inner}</span>'
            body.append(inner)
            pos = s["end"]
        body.append(self.marked(pos, p["end"]))
        return (f'<div class="para" id="{esc(p["id"])}" data-labels="{esc(" ".join(labels))}" '
                f'style="background:{colour};border-left-color:{border}" title="{esc(tip)}">'
                f'<span class="labels">{chips}</span>{"".join(body)}</div>')

    def grid(self, t: dict[str, Any]) -> str:
        rows = []
        offsets = t.get("offsets") or []
        for r, row in enumerate(t.get("rows") or []):
            cells = []
            for c, cell_text in enumerate(row):
                try:
                    s, e = offsets[r][c]
                except (IndexError, TypeError, ValueError):
                    s = e = None
                cell_id = f"c-{t['id']}-{r}-{c}"
                inside = self.facts.within(s, e) if isinstance(s, int) and isinstance(e, int) and s < e else []
                html = self.marked(s, e) if inside else esc(cell_text)
                fields = [f.get("field") for _, f in inside if f.get("field")]
                for i, _f in inside:
                    self.fact_targets[i] = cell_id
                fid = "".join(f'<div class="fid">{esc(x)}</div>' for x in fields)
                cls = ' class="hasfact"' if inside else ""
                cells.append(f'<td id="{cell_id}"{cls} data-field="{esc(" ".join(fields))}">{html}{fid}</td>')
            rows.append("<tr>" + "".join(cells) + "</tr>")
        return (f'<div class="tablewrap"><div class="muted">table {esc(t["id"])} · {esc(t.get("kind"))}</div>'
                f'<table class="grid" id="{esc(t["id"])}" data-kind="{esc(t.get("kind"))}">{"".join(rows)}</table></div>')

    # --- whole page -----------------------------------------------------------------------
    def report_body(self) -> str:
        blocks = [(p["start"], p["end"], "p", p) for p in self.r.get("paragraphs") or []
                  if isinstance(p.get("start"), int) and isinstance(p.get("end"), int)]
        blocks += [(t["start"], t["end"], "t", t) for t in self.r.get("tables") or []
                   if isinstance(t.get("start"), int) and isinstance(t.get("end"), int)]
        out, pos = [], 0
        for start, end, kind, block in sorted(blocks, key=lambda b: (b[0], b[1])):
            if start < pos:
                continue
            out.append(self.loose_lines(pos, start))
            out.append(self.paragraph(block) if kind == "p" else self.grid(block))
            # A table's span may hold lines outside its cells; facts there are drawn below.
            pos = end
        out.append(self.loose_lines(pos, len(self.text)))
        return "".join(out)

    def checks_html(self) -> str:
        failed = [c for c in self.r.get("checks") or [] if c.get("ok") is False]
        n = len(self.r.get("checks") or [])
        if not failed:
            return f"<h2>Checks</h2><p>all {n} checks pass</p>"
        by_field: dict[str, list[str]] = {}
        for i, f in enumerate(self.r.get("facts") or []):
            if f.get("field") and i in self.fact_targets:
                by_field.setdefault(f["field"], []).append(self.fact_targets[i])
        items = []
        for c in failed:
            targets = [t for fld in c.get("fields") or [] for t in by_field.get(fld, [])]
            links = "".join(f'<a href="#{esc(t)}">{esc(self._target_name(t))}</a>' for t in targets)
            items.append(f'<li data-targets="{esc(" ".join(targets))}"><b>{esc(c.get("name"))}</b>: '
                         f'{esc(c.get("detail"))}<br><span class="muted">cells:</span> {links or "—"}</li>')
        return (f"<h2>Failed checks ({len(failed)} of {n})</h2>"
                f'<ul class="checks">{"".join(items)}</ul><p class="muted">click a check to outline its cells</p>')

    def _target_name(self, target: str) -> str:
        """c-t2-1-7 -> "t2 row 2 col 8"; f12 -> the fact as written, in quotes."""
        if target.startswith("c-"):
            table_id, row, col = target[2:].rsplit("-", 2)
            return f"{table_id} row {int(row) + 1} col {int(col) + 1}"
        fact = (self.r.get("facts") or [])[int(target[1:])]
        return f"“{fact.get('raw') or self.text[fact['start']:fact['end']]}”"

    def unplaced_html(self) -> str:
        facts = self.r.get("facts") or []
        missing = [i for i in range(len(facts)) if i not in self.facts.placed]
        if not missing:
            return ""
        rows = "".join(f'<li>{_fact_tip(facts[i])} at {esc(facts[i].get("start"))}–{esc(facts[i].get("end"))} '
                       f'({esc(facts[i].get("raw"))})</li>' for i in missing)
        return f'<h2 class="unplaced">Facts not drawn in the text ({len(missing)})</h2><ul>{rows}</ul>'

    def render(self) -> str:
        meta = self.r.get("meta") or {}
        body = self.report_body()  # first: it records where each fact was drawn
        facts = self.r.get("facts") or []
        n_prose = sum(1 for f in facts if f.get("source") == "prose")
        legend = "".join(f'<span class="chip" data-label="{esc(lab)}" style="background:{col}">{esc(lab)}</span>'
                         for lab, col in self.colours.items())
        toolbar = (f'<div class="toolbar"><span class="legend">{legend}</span> '
                   '<label><input type="checkbox" id="show-ids"> show field ids</label></div>')
        summary = (f'<p class="summary">{len(self.r.get("paragraphs") or [])} paragraphs · {len(facts)} facts '
                   f"({n_prose} from prose, {len(self.facts.placed)} drawn) · {len(self.r.get('tables') or [])} tables</p>")
        subtitle = " · ".join(esc(x) for x in (meta.get("issuer"), meta.get("year"), f"era {meta.get('era')}",
                                               meta.get("published"), self.r.get("doc_id"), self.r.get("source")) if x)
        html = (summary + self.checks_html() + self.unplaced_html() + "<h2>Report</h2>" + toolbar
                + f'<div id="report">{body}</div>')
        return page(meta.get("title") or self.r.get("source") or "report", html, css=CSS, script=SCRIPT,
                    subtitle=subtitle)


def render_review(record: dict[str, Any], config: dict[str, Any] | str = "views") -> str:
    """The review page of one document record (``Document.to_dict()`` or a stored record)."""
    return ReviewPage(record, config).render()


def review_page(source: str, doc: str | None = None, pipeline: Any = None) -> str:
    """The review page for a report file (tagged with the default pipeline) or a stored document."""
    if is_store(source):
        return render_review(load_record(source, doc))
    if doc is not None:
        raise ReviewError(f"{source}: --doc picks a document from a store (.sqlite, .jsonl, .parquet, .csv, "
                          "postgresql://); a report file is reviewed as is")
    import nlp

    return render_review((pipeline or nlp.default_pipeline()).process(Path(source)).to_dict())
