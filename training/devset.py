"""Score the project on a development set of real reports annotated by hand.

The dev set lives outside the repository (real page texts never enter it): one folder per
report, ``reports/<id>/page.txt`` (the page text) and ``reports/<id>/gold.json`` (the hand
annotation: year, era, issuer, prose facts anchored in page.txt, table cells, paragraph labels).

    python -m training.devset score DEVSET [--json OUT.json] [--model PATH] [--ids a01 b03] [--details]
    python -m training.devset check DEVSET        # validate the gold files (anchors, ids, labels)

Run it from a worktree root: the ``nlp`` package of the current directory is what gets scored.

Metrics, overall and per gold era:
- year / era / year+era / issuer accuracy (issuer: the predicted one, whitespace removed, is in
  the gold list; an empty gold list means the excerpt never names the body: no issuer is right);
- prose facts: a predicted prose fact matches a gold fact when its span, mapped back into
  page.txt, overlaps the gold number and the values are equal (a negated gold fact: value 0
  overlapping its anchor); precision, recall, and canonical-id accuracy over matched facts
  (null == null counts as right);
- table cells: gold cells found among the predicted table facts (same field and value), and the
  predicted table facts that match no gold cell;
- paragraph labels: a gold paragraph is matched by the predicted paragraph whose source span
  contains its anchor start (else one that starts inside the anchor, e.g. after an inline
  heading the reader left out). Per-label P/R/F1 (an unmatched gold paragraph's labels are false
  negatives, unless it is noise only; a predicted paragraph matching no gold anchor contributes
  false positives), macro-F1 over the labels seen in gold or predictions, micro-F1, and
  primary-label accuracy (predicted top-scored label == the gold primary label, gold noise-only
  paragraphs excluded, unmatched = wrong), with "top label in the gold set" as a second figure.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

ERAS = ("legacy", "2019", "2021")
NOISE = "noise"


# -- gold -----------------------------------------------------------------------------------
@dataclass
class GoldReport:
    id: str
    page: str
    gold: dict[str, Any]
    path: Path

    @property
    def era(self) -> str:
        return str(self.gold.get("era"))


def read_devset(root: str | Path, ids: Iterable[str] | None = None) -> list[GoldReport]:
    """Every ``reports/<id>`` with a page.txt and a gold.json, sorted by id."""
    base = Path(root) / "reports"
    if not base.is_dir():
        raise FileNotFoundError(f"{root}: no reports/ folder")
    wanted = set(ids or [])
    out = []
    for d in sorted(base.iterdir()):
        page, gold = d / "page.txt", d / "gold.json"
        if not (page.is_file() and gold.is_file()) or (wanted and d.name not in wanted):
            continue
        out.append(GoldReport(d.name, page.read_text(encoding="utf-8-sig"),
                              json.loads(gold.read_text(encoding="utf-8")), d))
    missing = wanted - {r.id for r in out}
    if missing:
        raise FileNotFoundError(f"{root}: no annotated report(s) {', '.join(sorted(missing))}")
    return out


def strip_ws(s: str | None) -> str:
    return "".join((s or "").split())


def anchor_span(page: str, anchor: str) -> tuple[int, int] | None:
    """Where an anchor sits in page.txt, leading/trailing whitespace of the anchor excluded."""
    i = page.find(anchor)
    if i < 0:
        return None
    lead = len(anchor) - len(anchor.lstrip())
    return i + lead, i + len(anchor.rstrip())


def gold_fact_span(page: str, fact: dict[str, Any]) -> tuple[int, int] | None:
    span = anchor_span(page, fact["anchor"])
    if span is None:
        return None
    number = fact.get("number")
    if fact.get("negated") or not number:
        return span
    j = page.find(number, span[0], span[1])
    return (j, j + len(number)) if j >= 0 else None


# -- prediction -----------------------------------------------------------------------------
@dataclass
class PredFact:
    start: int          # offsets into page.txt (the document's source text)
    end: int
    value: Any
    field: str | None
    text: str = ""


@dataclass
class PredParagraph:
    start: int
    end: int
    labels: list[str]
    top: str | None
    text: str = ""


@dataclass
class Prediction:
    year: int | None = None
    era: str | None = None
    issuer: str | None = None
    prose: list[PredFact] = field(default_factory=list)
    table: list[PredFact] = field(default_factory=list)
    paragraphs: list[PredParagraph] = field(default_factory=list)
    error: str | None = None


def top_label(labels: list[str], scores: dict[str, float]) -> str | None:
    """The predicted label with the highest score (the first label when there are no scores)."""
    if not labels:
        return None
    if not scores:
        return labels[0]
    return max(labels, key=lambda l: scores.get(l, float("-inf")))


def source_span(doc, start: int, end: int) -> tuple[int, int]:
    """A span of ``doc.text`` mapped into ``doc.source_text``; the end is mapped from the last
    character, so that text the reader removed right after the span is not included."""
    s = doc.source_offset(start)
    return s, (doc.source_offset(end - 1) + 1 if end > start else s)


def prediction_of(doc) -> Prediction:
    """Plain prediction data from a processed Document, offsets mapped into its source text."""
    pred = Prediction(doc.meta.year, doc.meta.era, doc.meta.issuer)
    for f in doc.facts:
        s, e = source_span(doc, f["start"], f["end"])
        pf = PredFact(s, e, f.get("value"), f.get("field"), doc.source_text[s:e] or f.get("raw") or "")
        (pred.prose if f.get("source") == "prose" else pred.table).append(pf)
    for p in doc.paragraphs:
        if p.text.strip():
            pred.paragraphs.append(PredParagraph(*source_span(doc, p.start, p.end), list(p.labels),
                                                 top_label(list(p.labels), p.scores), p.text))
    return pred


def predict(pipeline, path: Path) -> Prediction:
    try:
        return prediction_of(pipeline.process(path))
    except Exception as e:  # noqa: BLE001 - one broken report must not stop the scoring
        return Prediction(error=f"{type(e).__name__}: {e}")


# -- scoring one report ---------------------------------------------------------------------
def same_value(a: Any, b: Any) -> bool:
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-6)
    except (TypeError, ValueError):
        return False


def overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


@dataclass
class ReportScore:
    id: str
    era: str
    counts: Counter = field(default_factory=Counter)
    labels: dict[str, Counter] = field(default_factory=dict)  # label -> tp/fp/fn
    details: list[str] = field(default_factory=list)

    def label_count(self, label: str, key: str) -> None:
        self.labels.setdefault(label, Counter())[key] += 1


def _snippet(page: str, start: int, end: int, width: int = 8) -> str:
    return (page[max(0, start - width):start] + "[" + page[start:end] + "]" + page[end:end + width]).replace("\n", "⏎")


def score_report(g: GoldReport, pred: Prediction) -> ReportScore:
    r = ReportScore(g.id, g.era)
    c, gold, page = r.counts, g.gold, g.page
    c["reports"] = 1
    if pred.error:
        r.details.append(f"pipeline error: {pred.error}")
    _score_meta(r, gold, pred)
    _score_facts(r, gold, page, pred)
    _score_cells(r, gold, pred)
    _score_labels(r, gold, page, pred)
    return r


def _score_meta(r: ReportScore, gold: dict, pred: Prediction) -> None:
    c = r.counts
    year_ok = pred.year == gold.get("year")
    era_ok = str(pred.era) == str(gold.get("era"))
    issuers = {strip_ws(x) for x in gold.get("issuer") or [] if strip_ws(x)}
    # an empty gold list: the excerpt never names the body, so the right answer is none
    issuer_ok = strip_ws(pred.issuer) in issuers if issuers else not strip_ws(pred.issuer)
    c["year_ok"] += year_ok
    c["era_ok"] += era_ok
    c["year_era_ok"] += year_ok and era_ok
    c["issuer_ok"] += issuer_ok
    if not year_ok or not era_ok:
        r.details.append(f"year/era: gold {gold.get('year')}/{gold.get('era')} predicted {pred.year}/{pred.era}")
    if not issuer_ok:
        r.details.append(f"issuer: gold {sorted(issuers)} predicted {pred.issuer!r}")


def _score_facts(r: ReportScore, gold: dict, page: str, pred: Prediction) -> None:
    c = r.counts
    used: set[int] = set()
    mentioned: set[int] = set()
    c["facts_pred"] += len(pred.prose)
    for gf in gold.get("facts") or []:
        span = gold_fact_span(page, gf)
        if span is None:
            r.details.append(f"GOLD ERROR: fact anchor/number not in page.txt: {gf.get('anchor')!r}")
            continue
        c["facts_gold"] += 1
        want = 0 if gf.get("negated") else gf.get("value")
        near = [i for i, p in enumerate(pred.prose) if i not in used and overlaps(p.start, p.end, *span)]
        hit = next((i for i in near if same_value(pred.prose[i].value, want)), None)
        where = _snippet(page, *span)
        if hit is None:
            mentioned.update(near)
            got = ", ".join(f"{pred.prose[i].value} ({pred.prose[i].field})" for i in near)
            r.details.append(f"missed fact {want} ({gf.get('field')}) {where}" + (f"; predicted {got}" if got else ""))
            continue
        used.add(hit)
        c["facts_tp"] += 1
        c["ids_n"] += 1
        pf = pred.prose[hit]
        if pf.field == gf.get("field"):
            c["ids_ok"] += 1
        else:
            r.details.append(f"fact id: gold {gf.get('field')} predicted {pf.field} for {want} {where}")
    for i, p in enumerate(pred.prose):
        if i not in used and i not in mentioned:
            r.details.append(f"extra fact {p.value} ({p.field}) {_snippet(page, p.start, p.end)}")


def _score_cells(r: ReportScore, gold: dict, pred: Prediction) -> None:
    c = r.counts
    pool = list(pred.table)
    c["cells_pred"] += len(pool)
    for cell in gold.get("cells") or []:
        c["cells_gold"] += 1
        hit = next((i for i, p in enumerate(pool) if p.field == cell.get("field")
                    and same_value(p.value, cell.get("value"))), None)
        if hit is None:
            got = [p.value for p in pool if p.field == cell.get("field")]
            r.details.append(f"missed cell {cell.get('field')} = {cell.get('value')}"
                             + (f" (predicted {got})" if got else ""))
        else:
            pool.pop(hit)
            c["cells_found"] += 1
    c["cells_extra"] += len(pool)
    for p in pool:
        r.details.append(f"extra table fact {p.field} = {p.value} {p.text!r}")


def match_paragraph(start: int, end: int, paragraphs: list[PredParagraph]) -> int | None:
    """Index of the predicted paragraph whose span contains ``start``; else the first one that
    starts inside [start, end)."""
    for i, p in enumerate(paragraphs):
        if p.start <= start < p.end:
            return i
    for i, p in enumerate(paragraphs):
        if start <= p.start < end:
            return i
    return None


def _score_labels(r: ReportScore, gold: dict, page: str, pred: Prediction) -> None:
    c = r.counts
    matched: set[int] = set()
    for gp in gold.get("paragraphs") or []:
        span = anchor_span(page, gp["anchor"])
        if span is None:
            r.details.append(f"GOLD ERROR: paragraph anchor not in page.txt: {gp['anchor']!r}")
            continue
        want = list(gp.get("labels") or [])
        noise_only = set(want) <= {NOISE}
        i = match_paragraph(*span, pred.paragraphs)
        c["paragraphs_gold"] += 1
        if not noise_only:
            c["primary_n"] += 1
        if i is None:
            c["paragraphs_unmatched"] += 1
            if not noise_only:
                for l in want:
                    r.label_count(l, "fn")
                r.details.append(f"paragraph not found: {gp['anchor']!r} gold {want}")
            continue
        matched.add(i)
        p = pred.paragraphs[i]
        for l in set(want) | set(p.labels):
            r.label_count(l, "tp" if l in want and l in p.labels else "fn" if l in want else "fp")
        if not noise_only:
            c["primary_ok"] += p.top == want[0]
            c["top_in_gold"] += p.top in want
        if set(want) != set(p.labels) or (not noise_only and p.top != want[0]):
            r.details.append(f"labels {gp['anchor']!r}: gold {want} predicted {p.labels} (top {p.top})")
    for i, p in enumerate(pred.paragraphs):
        if i in matched:
            continue
        c["paragraphs_extra"] += 1
        for l in p.labels:
            r.label_count(l, "fp")
        r.details.append(f"extra paragraph {p.text[:20]!r} predicted {p.labels}")


# -- aggregation ----------------------------------------------------------------------------
def ratio(n: float, d: float) -> float | None:
    return n / d if d else None


def f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None:
        return None
    return 2 * p * r / (p + r) if p + r else 0.0


def summarise(scores: list[ReportScore]) -> dict[str, Any]:
    c: Counter = Counter()
    labels: dict[str, Counter] = {}
    for s in scores:
        c.update(s.counts)
        for l, k in s.labels.items():
            labels.setdefault(l, Counter()).update(k)
    n = c["reports"]
    per_label = {}
    for l in sorted(labels):
        k = labels[l]
        p, rc = ratio(k["tp"], k["tp"] + k["fp"]), ratio(k["tp"], k["tp"] + k["fn"])
        per_label[l] = {"precision": p or 0.0, "recall": rc or 0.0, "f1": f1(p or 0.0, rc or 0.0),
                        "tp": k["tp"], "fp": k["fp"], "fn": k["fn"], "support": k["tp"] + k["fn"]}
    tp, fp, fn = (sum(k[x] for k in labels.values()) for x in ("tp", "fp", "fn"))
    fp_p, fp_r = ratio(c["facts_tp"], c["facts_pred"]), ratio(c["facts_tp"], c["facts_gold"])
    return {
        "reports": n,
        "year": ratio(c["year_ok"], n), "era": ratio(c["era_ok"], n),
        "year_era": ratio(c["year_era_ok"], n), "issuer": ratio(c["issuer_ok"], n),
        "facts": {"precision": fp_p, "recall": fp_r, "f1": f1(fp_p, fp_r), "gold": c["facts_gold"],
                  "predicted": c["facts_pred"], "matched": c["facts_tp"],
                  "id_accuracy": ratio(c["ids_ok"], c["ids_n"]), "ids_right": c["ids_ok"]},
        "cells": {"recall": ratio(c["cells_found"], c["cells_gold"]), "gold": c["cells_gold"],
                  "found": c["cells_found"], "predicted": c["cells_pred"], "extra": c["cells_extra"]},
        "labels": {
            "per_label": per_label,
            "macro_f1": (sum(v["f1"] for v in per_label.values()) / len(per_label)) if per_label else None,
            "micro_f1": f1(ratio(tp, tp + fp) or 0.0, ratio(tp, tp + fn) or 0.0) if tp + fp + fn else None,
            "primary_accuracy": ratio(c["primary_ok"], c["primary_n"]),
            "top_in_gold": ratio(c["top_in_gold"], c["primary_n"]),
            "paragraphs_gold": c["paragraphs_gold"], "paragraphs_unmatched": c["paragraphs_unmatched"],
            "paragraphs_extra": c["paragraphs_extra"], "primary_n": c["primary_n"],
        },
        "counts": dict(c),
    }


def evaluate(reports: list[GoldReport], predictions: list[Prediction]) -> dict[str, Any]:
    scores = [score_report(g, p) for g, p in zip(reports, predictions)]
    eras = [e for e in ERAS if any(s.era == e for s in scores)]
    eras += sorted({s.era for s in scores} - set(eras))
    return {
        "overall": summarise(scores),
        "by_era": {e: summarise([s for s in scores if s.era == e]) for e in eras},
        "reports": {s.id: {"era": s.era, "counts": dict(s.counts),
                           "labels": {l: dict(k) for l, k in s.labels.items()}, "details": s.details}
                    for s in scores},
    }


# -- output ---------------------------------------------------------------------------------
def _fmt(x: float | None) -> str:
    return "   -  " if x is None else f"{x:6.3f}"


def format_report(result: dict[str, Any], details: bool = False) -> str:
    groups = {"all": result["overall"], **result["by_era"]}
    names = list(groups)
    lines = [f"{'':30s}" + "".join(f"{n:>14s}" for n in names),
             f"{'reports':30s}" + "".join(f"{g['reports']:>14d}" for g in groups.values())]

    def row(title: str, get) -> None:
        lines.append(f"{title:30s}" + "".join(_fmt(get(g)).rjust(14) for g in groups.values()))

    for key, title in (("year", "year"), ("era", "era"), ("year_era", "year+era"), ("issuer", "issuer")):
        row(title, lambda g, k=key: g[k])
    row("prose facts precision", lambda g: g["facts"]["precision"])
    row("prose facts recall", lambda g: g["facts"]["recall"])
    row("prose facts F1", lambda g: g["facts"]["f1"])
    row("canonical-id accuracy", lambda g: g["facts"]["id_accuracy"])
    row("table cells found", lambda g: g["cells"]["recall"])
    row("paragraph labels macro-F1", lambda g: g["labels"]["macro_f1"])
    row("paragraph labels micro-F1", lambda g: g["labels"]["micro_f1"])
    row("primary-label accuracy", lambda g: g["labels"]["primary_accuracy"])
    row("top label in gold set", lambda g: g["labels"]["top_in_gold"])
    lines.append("")
    lines.append("counts (all / " + " / ".join(names[1:]) + "):")
    for k, title in (("year_ok", "year right"), ("issuer_ok", "issuer right"), ("facts_gold", "gold prose facts"),
                     ("facts_pred", "predicted prose facts"), ("facts_tp", "matched facts"),
                     ("ids_ok", "ids right"), ("cells_gold", "gold cells"), ("cells_found", "cells found"),
                     ("cells_pred", "predicted table facts"), ("cells_extra", "extra table facts"),
                     ("paragraphs_gold", "gold paragraphs"), ("paragraphs_unmatched", "gold paragraphs unmatched"),
                     ("paragraphs_extra", "predicted paragraphs unmatched"), ("primary_n", "primary-label paragraphs"),
                     ("primary_ok", "primary label right")):
        lines.append(f"  {title:32s}" + " / ".join(str(g["counts"].get(k, 0)) for g in groups.values()))
    lines.append("")
    lines.append(f"{'label':26s} {'prec':>6s} {'rec':>6s} {'f1':>6s} {'support':>8s} {'pred':>6s}")
    for l, m in result["overall"]["labels"]["per_label"].items():
        lines.append(f"{l:26s} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f} {m['support']:8d} "
                     f"{m['tp'] + m['fp']:6d}")
    if details:
        for rid, rep in result["reports"].items():
            if rep["details"]:
                lines.append("")
                lines.append(f"== {rid} ({rep['era']})")
                lines.extend(f"  {d}" for d in rep["details"])
    return "\n".join(lines)


# -- validation of the gold files -----------------------------------------------------------
def check_gold(reports: list[GoldReport]) -> list[str]:
    """Problems in the annotations: anchors not found or not unique, numbers not in their
    anchor, field ids unknown or not valid for the era, unknown labels, duplicate urls."""
    from nlp.config import load_config
    from nlp.facts.schema import load_schema

    schema = load_schema("fields")
    label_ids = {d["name"] for d in load_config("labels")["labels"]}
    problems, urls = [], {}
    for g in reports:
        gold, page, say = g.gold, g.page, (lambda m, _id=g.id: problems.append(f"{_id}: {m}"))
        if gold.get("id") != g.id:
            say(f"id {gold.get('id')!r} differs from the folder name")
        if gold.get("era") not in ERAS:
            say(f"era {gold.get('era')!r} is not one of {ERAS}")
        if not isinstance(gold.get("year"), int):
            say(f"year {gold.get('year')!r} is not an integer")
        if not isinstance(gold.get("issuer"), list):
            say("issuer is not a list (use [] when the excerpt never names the body)")
        if gold.get("url") in urls:
            say(f"same url as {urls[gold['url']]}")
        urls.setdefault(gold.get("url"), g.id)
        era = str(gold.get("era"))

        def check_field(fid, what):
            if fid is None:
                return
            if fid not in schema:
                say(f"{what}: unknown field {fid!r}")
            elif not schema.get(fid).in_era(era):
                say(f"{what}: field {fid!r} is not valid in era {era}")

        for gp in gold.get("paragraphs") or []:
            a = gp.get("anchor", "")
            if page.count(a) != 1:
                say(f"paragraph anchor {a!r} occurs {page.count(a)} times")
            if not gp.get("labels"):
                say(f"paragraph {a!r} has no labels")
            for l in gp.get("labels") or []:
                if l not in label_ids:
                    say(f"paragraph {a!r}: unknown label {l!r}")
        for f in gold.get("facts") or []:
            a = f.get("anchor", "")
            if page.count(a) != 1:
                say(f"fact anchor {a!r} occurs {page.count(a)} times")
            if f.get("number") and f["number"] not in a:
                say(f"fact {a!r}: number {f['number']!r} not in the anchor")
            if not f.get("negated") and not f.get("number"):
                say(f"fact {a!r}: no number and not negated")
            if not isinstance(f.get("value"), (int, float)):
                say(f"fact {a!r}: value {f.get('value')!r} is not a number")
            check_field(f.get("field"), f"fact {a!r}")
        for cell in gold.get("cells") or []:
            check_field(cell.get("field"), "cell")
            if cell.get("field") is None:
                say(f"cell without a field: {cell}")
    return problems


# -- command line ---------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    # Score the code of the current directory, even when this file is run by path.
    cwd = os.getcwd()
    if sys.path[0] not in ("", cwd):
        sys.path.insert(0, cwd)
    ap = argparse.ArgumentParser(prog="python -m training.devset", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    sc = sub.add_parser("score", help="run the default pipeline on every report and score it")
    sc.add_argument("devset")
    sc.add_argument("--json", help="write every figure (and per-report details) to this file")
    sc.add_argument("--model", help="paragraph classifier to use (.skops or transformer directory)")
    sc.add_argument("--ids", nargs="+", help="score only these report ids")
    sc.add_argument("--details", action="store_true", help="print every report's mismatches")
    ck = sub.add_parser("check", help="validate the gold annotations")
    ck.add_argument("devset")
    ck.add_argument("--ids", nargs="+")
    args = ap.parse_args(argv)
    try:
        reports = read_devset(args.devset, args.ids)
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    if args.command == "check":
        problems = check_gold(reports)
        print("\n".join(problems) if problems else f"{len(reports)} gold files OK")
        return 1 if problems else 0

    import nlp
    from nlp.classify import classify_overrides

    pipeline = nlp.Pipeline.from_config("pipeline", **classify_overrides(args.model))
    predictions = [predict(pipeline, g.path / "page.txt") for g in reports]
    result = evaluate(reports, predictions)
    result["code"] = str(Path(nlp.__file__).resolve().parent)
    result["model"] = args.model
    print(f"dev set {args.devset}: {len(reports)} reports; code {result['code']}"
          + (f"; model {args.model}" if args.model else ""))
    print(format_report(result, args.details))
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
