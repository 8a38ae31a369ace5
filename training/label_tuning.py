"""Tune how label probabilities become labels (models/decision.py) on held-out dev reports.

    python -m training.label_tuning DEVSET --ids a01 a03 … [--model PATH.skops] [--save]

Parses the given dev-set reports (training/devset.py layout), computes every paragraph's label
probabilities once (model + context + priors, as the pipeline does), then grid-searches the
decision's ``second`` threshold and ``margin`` for the best paragraph-label macro-F1 (ties:
primary-label accuracy, then the higher threshold). ``--save`` writes the chosen decision into
the estimator (``.skops``) and re-exports the fast model beside it (same name, ``.npz``: what
``tag`` loads). Tune on one half of the dev set and report on the other (README)."""
from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path
from typing import Any

import numpy as np

SECOND_GRID = [round(x, 2) for x in np.arange(0.30, 0.96, 0.05)]
MARGIN_GRID = [None, 0.3, 0.5, 0.7]


def paragraph_probabilities(model, reports, priors) -> list[dict[str, Any]]:
    """Per report: the parsed paragraphs' source spans, texts, probabilities after the priors,
    and the probabilities secondary labels are judged on."""
    import nlp
    from models.context import paragraph_context
    from nlp.classify import label_probabilities

    from .devset import source_span

    pipe = nlp.Pipeline.from_config("pipeline", classify={"enabled": False}, segment={"enabled": False})
    out = []
    for g in reports:
        doc = pipe.process(g.path / "page.txt")
        paras = [p for p in doc.paragraphs if p.text.strip()]
        texts = [p.text for p in paras]
        contexts = [paragraph_context(doc, p) for p in paras]
        P, secondary = (label_probabilities(model, texts, contexts, priors)
                        if paras else (np.zeros((0, len(model.labels))), None))
        out.append({"report": g, "spans": [source_span(doc, p.start, p.end) for p in paras],
                    "texts": texts, "contexts": contexts, "P": P, "secondary": secondary})
    return out


def score(cached: list[dict[str, Any]], labels: list[str], decision) -> dict[str, Any]:
    from .devset import Prediction, PredParagraph, score_report, summarise

    scores = []
    for c in cached:
        pred = Prediction()
        for (s, e), text, labs in zip(c["spans"], c["texts"], decision.decide(c["P"], labels, c["secondary"])):
            pred.paragraphs.append(PredParagraph(s, e, labs, labs[0] if labs else None, text))
        scores.append(score_report(c["report"], pred))
    return summarise(scores)["labels"]


def tune(cached: list[dict[str, Any]], labels: list[str]):
    """(best decision, its label scores) over the grid."""
    from models.decision import LabelDecision

    best, best_key, best_scores = None, None, None
    for second, margin in itertools.product(SECOND_GRID, MARGIN_GRID):
        d = LabelDecision(second=second, margin=margin)
        s = score(cached, labels, d)
        key = (round(s["macro_f1"] or 0.0, 6), round(s["primary_accuracy"] or 0.0, 6), second)
        if best_key is None or key > best_key:
            best, best_key, best_scores = d, key, s
    return best, best_scores


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.label_tuning", description=__doc__.split("\n\n")[0])
    ap.add_argument("devset")
    ap.add_argument("--ids", nargs="+", required=True, help="the dev reports to tune on (one half of the dev set)")
    ap.add_argument("--model", help="baseline .skops file (default: the shipped baseline's estimator)")
    ap.add_argument("--save", action="store_true",
                    help="write the tuned decision into the .skops file and re-export the .npz beside it")
    args = ap.parse_args(argv)

    from nlp.classify import load_priors, shipped_baseline_path
    from nlp.errors import GovReportError

    from .devset import read_devset

    try:
        from models.baseline import BaselineClassifier

        path = Path(args.model) if args.model else shipped_baseline_path(".skops")
        model = BaselineClassifier.load(path)
        reports = read_devset(args.devset, args.ids)
    except (OSError, ValueError, GovReportError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    cached = paragraph_probabilities(model, reports, load_priors("label_priors", model.labels))
    decision, s = tune(cached, model.labels)
    print(f"tuned on {len(reports)} reports: second={decision.second} margin={decision.margin} "
          f"-> macro-F1 {s['macro_f1']:.3f}, primary-label accuracy {s['primary_accuracy']:.3f}")
    if args.save:
        model.decision = decision.to_dict()
        model.save(path)
        fast = model.save(path.with_suffix(".npz"))
        print(f"decision saved in {path} and {fast}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
