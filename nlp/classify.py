"""Paragraph classification component: every prose paragraph gets ``labels`` + ``scores``
(13 labels of ``configs/labels.yaml``), and the sentences of paragraphs labelled problems or
improvements get sentence-level ``labels`` + ``scores`` for those two labels.

The model is the shipped baseline (``models/artifacts/baseline.npz``: plain arrays with a NumPy
predict, no scikit-learn) unless ``model`` names another ``.npz``, a ``.skops`` estimator or a
fine-tuned transformer directory. Models are loaded once per process; a report's paragraphs go
through one predict call, then the sentences that need labels through one more."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from .document import Document, Paragraph, Sentence
from .errors import ModelError
from .structure import split_sentences

SENTENCE_LABELS = ("problems", "improvements")


def shipped_baseline_path(suffix: str = ".npz") -> Path:
    """The shipped baseline: ``.npz`` (fast, what ``tag`` loads) or ``.skops`` (the estimator)."""
    return Path(str(resources.files("models"))) / "artifacts" / f"baseline{suffix}"


@lru_cache(maxsize=8)
def load_model(model: str | None = None, device: str = "auto"):
    """A classifier from a ``.npz`` fast baseline, a ``.skops`` estimator or a transformer
    directory; ``None``: the shipped fast baseline. ``device`` places a transformer (``auto``:
    CUDA, then MPS, then the CPU); the baseline runs on the CPU."""
    path = Path(model) if model else shipped_baseline_path()
    if not path.exists():
        raise ModelError(f"{path}: no such model file or directory")
    if path.is_dir():
        from models.transformer import TransformerClassifier

        return TransformerClassifier.load(path, device=device)
    if path.suffix == ".npz":
        from models.fast_baseline import FastBaseline

        return FastBaseline.load(path)
    if path.suffix == ".skops":
        from models.baseline import BaselineClassifier

        return BaselineClassifier.load(path)
    raise ModelError(f"{path}: expected a .npz or .skops baseline file or a transformer model directory")


class ParagraphClassifier:
    """Pipeline component. ``model``: None (shipped baseline), a ``.skops`` path or a transformer
    directory; ``sentence_model``: the baseline whose sentence head labels sentences (default:
    ``model`` when it has one, else the shipped baseline); ``sentences``: label sentences."""

    def __init__(self, model: str | None = None, sentence_model: str | None = None, sentences: bool = True,
                 precision: int = 4, device: str = "auto"):
        self.model = load_model(str(model) if model else None, device)
        self.sentences = sentences
        self.precision = precision
        self.sentence_model = None
        if sentences:
            if sentence_model:
                self.sentence_model = load_model(str(sentence_model))
            elif getattr(self.model, "sentence_head", None) is not None:
                self.sentence_model = self.model
            else:
                self.sentence_model = load_model(None)
            if getattr(self.sentence_model, "sentence_head", None) is None:
                raise ModelError("the sentence model has no sentence head (train the baseline with sentence labels)")

    def __call__(self, doc: Document) -> Document:
        self.pipe([doc])
        return doc

    def pipe(self, docs: list[Document]) -> list[Document]:
        """Label the paragraphs (then sentences) of many documents with one predict call each,
        so a transformer on a GPU gets full batches; the labels are those of one call per document."""
        from models.decision import decide

        paragraphs = [p for doc in docs for p in doc.paragraphs if p.text.strip()]
        if not paragraphs:
            return docs
        # all paragraphs in one batch, then the sentences of problem/improvement paragraphs in
        # one batch; the baseline cuts a report's words once and its sentences reuse the cuts
        labels = self.model.labels
        P = self.model.predict_proba([p.text for p in paragraphs])
        chosen = decide(P, labels, self.model.thresholds, at_least_one=True)
        for p, row, labs in zip(paragraphs, P, chosen):
            p.labels = labs
            p.scores = {l: round(float(s), self.precision) for l, s in zip(labels, row)}
        if self.sentences:
            self._label_sentences([p for p in paragraphs if set(p.labels) & set(SENTENCE_LABELS)])
        return docs

    def _label_sentences(self, paragraphs: list[Paragraph]) -> None:
        pairs: list[tuple[Paragraph, Sentence]] = []
        for p in paragraphs:
            if not p.sentences:
                p.sentences = split_sentences(p.text, p.start)
            pairs += [(p, s) for s in p.sentences]
        if not pairs:
            return
        head = self.sentence_model.sentence_head
        S = self.sentence_model.predict_sentences_proba([s.text for _, s in pairs])
        for (p, s), row in zip(pairs, S):
            s.scores = {l: round(float(v), self.precision) for l, v in zip(head.labels, row)}
            s.labels = [l for l, v, t in zip(head.labels, row, head.thresholds) if v >= t and l in p.labels]


def classify_overrides(model: str | None, device: str | None = None) -> dict[str, Any]:
    """Pipeline overrides that make ``govreport tag --model PATH [--device D]`` use another classifier:
    ``Pipeline.from_config("pipeline", **classify_overrides(path, device))``."""
    options = ({"model": str(model)} if model else {}) | ({"device": device} if device else {})
    return {"classify": options} if options else {}
