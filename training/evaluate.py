"""Per-label precision/recall/F1, macro/micro averages, k-fold cross-validation grouped by
document, and a PNG with per-label F1 and a label confusion matrix."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Sequence

import numpy as np

from .annotations import Annotation


def indicator(Y: Sequence[Sequence[str]], labels: Sequence[str]) -> np.ndarray:
    from models.baseline import _indicator

    return _indicator(Y, labels)


def scores(true: Sequence[Sequence[str]], pred: Sequence[Sequence[str]], labels: Sequence[str]) -> dict:
    T, P = indicator(true, labels), indicator(pred, labels)
    per = {}
    for j, l in enumerate(labels):
        tp = int((T[:, j] & P[:, j]).sum())
        fp = int(((1 - T[:, j]) & P[:, j]).sum())
        fn = int((T[:, j] & (1 - P[:, j])).sum())
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        per[l] = {"precision": p, "recall": r, "f1": f, "support": int(T[:, j].sum()), "tp": tp, "fp": fp, "fn": fn}
    present = [l for l in labels if per[l]["support"] > 0]
    tp, fp, fn = (sum(per[l][k] for l in labels) for k in ("tp", "fp", "fn"))
    micro_p = tp / (tp + fp) if tp + fp else 0.0
    micro_r = tp / (tp + fn) if tp + fn else 0.0
    return {
        "per_label": per,
        "macro_f1": float(np.mean([per[l]["f1"] for l in present])) if present else 0.0,
        "micro_f1": 2 * micro_p * micro_r / (micro_p + micro_r) if micro_p + micro_r else 0.0,
        "micro_precision": micro_p, "micro_recall": micro_r, "n": len(true),
        "exact_match": float(np.mean([set(t) == set(p) for t, p in zip(true, pred)])) if true else 0.0,
        "confusion": confusion(T, P).tolist(), "labels": list(labels),
    }


def confusion(T: np.ndarray, P: np.ndarray) -> np.ndarray:
    """Multi-label confusion: cell (i, j) counts paragraphs whose gold labels include i and whose
    predicted labels include j (the diagonal is the true positives)."""
    return T.T @ P


def format_scores(s: dict, title: str = "") -> str:
    lines = [title] if title else []
    lines.append(f"{'label':26s} {'prec':>6s} {'rec':>6s} {'f1':>6s} {'support':>8s}")
    for l, m in s["per_label"].items():
        lines.append(f"{l:26s} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f} {m['support']:8d}")
    lines.append(f"{'macro-F1 (labels present)':26s} {s['macro_f1']:20.3f}")
    lines.append(f"{'micro-F1':26s} {s['micro_f1']:20.3f}")
    lines.append(f"{'exact match':26s} {s['exact_match']:20.3f}   n={s['n']}")
    return "\n".join(lines)


def cross_validate(cfg: dict, annotations: list[Annotation], folds: int | None = None, seed: int = 0):
    """Out-of-fold predictions with folds grouped by document (``folds=None``: leave one
    document out). Returns (paragraph scores, sentence scores or None, predictions in
    annotation order)."""
    from .data_utils import SENTENCE_LABELS, label_names, sentence_examples
    from .train import fit

    labels = label_names(cfg.get("labels", "labels"))
    sources = sorted({a.source for a in annotations})
    k = len(sources) if not folds else min(folds, len(sources))
    rng = np.random.default_rng(seed)
    order = list(rng.permutation(sources)) if folds else sources
    fold_of = {s: i % k for i, s in enumerate(order)}
    pred: list[list[str]] = [[] for _ in annotations]
    sent_gold: list[list[str]] = []
    sent_pred: list[list[str]] = []
    for f in range(k):
        train = [a for a in annotations if fold_of[a.source] != f]
        test_idx = [i for i, a in enumerate(annotations) if fold_of[a.source] == f]
        model = fit(cfg, train)
        for i, labs in zip(test_idx, predict_labels(model, [annotations[i] for i in test_idx])):
            pred[i] = labs
        if getattr(model, "sentence_head", None) is not None:
            texts, gold = sentence_examples([annotations[i] for i in test_idx])
            if texts:
                sent_gold += gold
                sent_pred += model.predict_sentences(texts)
    sent = scores(sent_gold, sent_pred, list(SENTENCE_LABELS)) if sent_gold else None
    return scores([a.labels for a in annotations], pred, labels), sent, pred


def predict_labels(model, annotations: list[Annotation]) -> list[list[str]]:
    """Labels the pipeline would give these paragraphs: context, priors and decision included."""
    from nlp.classify import label_paragraphs, load_priors

    priors = load_priors("label_priors", model.labels)
    _, chosen = label_paragraphs(model, [a.text for a in annotations], [a.context or "" for a in annotations], priors)
    return chosen


def sentence_scores(model, annotations: list[Annotation]) -> dict | None:
    """Sentence-level problems/improvements scores of a baseline with a sentence head."""
    from .data_utils import SENTENCE_LABELS, sentence_examples

    if getattr(model, "sentence_head", None) is None:
        return None
    texts, gold = sentence_examples(annotations)
    if not texts:
        return None
    return scores(gold, model.predict_sentences(texts), list(SENTENCE_LABELS))


def plot(s: dict, path: str | Path, title: str = "") -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = s["labels"]
    f1 = [s["per_label"][l]["f1"] for l in labels]
    C = np.array(s["confusion"], dtype=float)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(15, 6.5))
    ax1.barh(labels[::-1], f1[::-1], color="#4477aa")
    ax1.set_xlim(0, 1)
    ax1.set_xlabel("F1")
    ax1.set_title(f"per-label F1 (macro {s['macro_f1']:.3f}, micro {s['micro_f1']:.3f})")
    for y, v in enumerate(f1[::-1]):
        ax1.text(min(v + 0.01, 0.93), y, f"{v:.2f}", va="center", fontsize=8)
    ax2.imshow(C, cmap="Blues")
    ax2.set_xticks(range(len(labels)), labels, rotation=60, ha="right", fontsize=8)
    ax2.set_yticks(range(len(labels)), labels, fontsize=8)
    ax2.set_xlabel("predicted label")
    ax2.set_ylabel("gold label")
    ax2.set_title("label confusion (paragraph counts)")
    for i in range(len(labels)):
        for j in range(len(labels)):
            if C[i, j]:
                ax2.text(j, i, int(C[i, j]), ha="center", va="center", fontsize=7,
                         color="white" if C[i, j] > C.max() / 2 else "black")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def per_document(annotations: list[Annotation]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for a in annotations:
        counts[a.source] += 1
    return dict(counts)
