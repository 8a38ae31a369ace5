"""Paragraph classification component: every prose paragraph gets ``labels`` + ``scores``
(13 labels of ``configs/labels.yaml``), and the sentences of paragraphs labelled problems or
improvements get sentence-level ``labels`` + ``scores`` for those two labels.

The model is the shipped baseline (``models/artifacts/baseline.npz``: plain arrays with a NumPy
predict, no scikit-learn) unless ``model`` names another ``.npz``, a ``.skops`` estimator or a
fine-tuned transformer directory. Models are loaded once per process; a report's paragraphs go
through one predict call, then the sentences that need labels through one more. A model that
reads context gets each paragraph's heading path (models/context.py); the genre's priors
(``configs/label_priors.yaml``, models/priors.py) then shift the probabilities, and the
decision (models/decision.py) keeps the most probable label first and adds others only when
they are confident. ``scores`` are the shifted probabilities the decision saw."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from models.decision import LabelDecision

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
                 precision: int = 4, device: str = "auto", priors: str | dict | None = "label_priors",
                 decision: dict | None = None):
        self.model = load_model(str(model) if model else None, device)
        self.priors = load_priors(priors, self.model.labels) if priors else None
        self.decision = LabelDecision.from_dict(decision or getattr(self.model, "decision", None))
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
        so a transformer on a GPU gets full batches; the labels are those of one call per document
        (each paragraph's context is read in its own document, priors and decision are per paragraph)."""
        from models.context import paragraph_context

        pairs = [(doc, p) for doc in docs for p in doc.paragraphs if p.text.strip()]
        paragraphs = [p for _, p in pairs]
        if not paragraphs:
            return docs
        # all paragraphs in one batch, then the sentences of problem/improvement paragraphs in
        # one batch; the baseline cuts a report's words once and its sentences reuse the cuts
        labels = self.model.labels
        P, chosen = label_paragraphs(self.model, [p.text for p in paragraphs],
                                     [paragraph_context(doc, p) for doc, p in pairs], self.priors, self.decision)
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


@lru_cache(maxsize=8)
def _priors(config: str):
    from models.priors import LabelPriors

    return LabelPriors.from_config(config)


def load_priors(config: str | dict, labels) -> "LabelPriors":
    from models.priors import LabelPriors

    priors = _priors(config) if isinstance(config, str) else LabelPriors.from_config(config)
    priors.check_labels(labels)
    return priors


def label_probabilities(model, texts: list[str], contexts: list[str], priors=None):
    """(probabilities after the primary priors, probabilities for secondary labels or None)."""
    if getattr(model, "uses_context", False):
        P = model.predict_proba(texts, contexts)
    else:
        P = model.predict_proba(texts)
    if priors is None:
        return P, None
    P = priors.apply(P, model.labels, texts, contexts)
    return P, priors.apply_secondary(P, model.labels, texts, contexts)


def label_paragraphs(model, texts: list[str], contexts: list[str], priors=None, decision=None):
    """(probabilities after priors, chosen labels) for one document's paragraphs: the one path
    from a model to labels, shared by the pipeline component and the tuning/evaluation code."""
    P, secondary = label_probabilities(model, texts, contexts, priors)
    decision = decision or LabelDecision.from_dict(getattr(model, "decision", None))
    return P, decision.decide(P, model.labels, secondary)


def classify_overrides(model: str | None, device: str | None = None) -> dict[str, Any]:
    """Pipeline overrides that make ``govreport tag --model PATH [--device D]`` use another classifier:
    ``Pipeline.from_config("pipeline", **classify_overrides(path, device))``."""
    options = ({"model": str(model)} if model else {}) | ({"device": device} if device else {})
    return {"classify": options} if options else {}
