"""The trained baseline as plain arrays with a NumPy predict: what ``govreport tag`` loads.

A :class:`~models.baseline.BaselineClassifier` (scikit-learn, the training-time object) is
exported with :meth:`FastBaseline.from_estimator` and saved as one ``.npz`` file (written with
``numpy.savez_compressed``, read with ``allow_pickle=False``): every array (vocabularies, idf,
weights, calibration) plus a JSON document ``meta`` (labels, thresholds, vectorizer settings,
segmenter, the tuned label decision). Scores are the estimator's: per vectorizer TF-IDF
(:mod:`models.tfidf`; the context column's weight is already folded into ``W``), then per label
the calibrated linear form ``P = 1 / (1 + exp(a * (x·w + b) + c))``; a label the training data
could not calibrate keeps its prior. No scikit-learn, SciPy or torch import."""
from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from nlp.errors import ModelError

from .decision import decide
from .features import featurizer
from .tfidf import TfidfArrays

FORMAT = "govreport-fast-baseline/1"
SUFFIX = ".npz"


class LinearHead:
    """One head (paragraph labels, or sentence labels): vectorizers + calibrated linear scores."""

    def __init__(self, labels: Sequence[str], vectorizers: list[TfidfArrays], W: np.ndarray, b: np.ndarray,
                 a: np.ndarray, c: np.ndarray, fixed: np.ndarray, priors: Sequence[float],
                 thresholds: Sequence[float]):
        self.labels = list(labels)
        self.vectorizers = vectorizers
        self.W = np.asarray(W, dtype=np.float64)
        self.b, self.a, self.c = (np.asarray(x, dtype=np.float64) for x in (b, a, c))
        self.fixed = np.asarray(fixed, dtype=bool)  # labels scored by their prior alone
        self.priors = [float(x) for x in priors]
        self.thresholds = [float(x) for x in thresholds]
        self.offsets = np.cumsum([0] + [v.n_features for v in vectorizers])
        if self.W.shape != (self.offsets[-1], len(self.labels)):
            raise ModelError(f"fast baseline: weights of shape {self.W.shape} do not fit "
                             f"{self.offsets[-1]} features x {len(self.labels)} labels")

    @property
    def columns(self) -> list[str]:
        return list(dict.fromkeys(v.column for v in self.vectorizers))

    def decision_function(self, columns: dict[str, Sequence[str]], n: int) -> np.ndarray:
        """``x·w + b`` for ``n`` rows, every label at once."""
        D = np.tile(self.b, (n, 1))
        for vec, offset in zip(self.vectorizers, self.offsets):
            # a column repeats itself (a report's paragraphs share a few heading paths): score each
            # distinct string once, then hand the rows back
            texts = columns[vec.column]
            index = dict.fromkeys(texts)
            distinct = len(index) < len(texts)
            if distinct:
                index = {t: i for i, t in enumerate(index)}
                texts = list(index)
            rows, cols, vals = vec.transform(texts)
            if len(vals):  # rows come sorted: sum each row's run of contributions
                starts = np.flatnonzero(np.concatenate(([True], rows[1:] != rows[:-1])))
                contributions = np.take(self.W, cols + offset, axis=0)
                contributions *= vals[:, None]
                if distinct:
                    U = np.zeros((len(texts), D.shape[1]))
                    U[rows[starts]] = np.add.reduceat(contributions, starts, axis=0)
                    D += U[[index[t] for t in columns[vec.column]]]
                else:
                    D[rows[starts]] += np.add.reduceat(contributions, starts, axis=0)
        return D

    def predict_proba(self, columns: dict[str, Sequence[str]], n: int) -> np.ndarray:
        if n == 0:
            return np.zeros((0, len(self.labels)))
        P = 1.0 / (1.0 + np.exp(self.a * self.decision_function(columns, n) + self.c))
        P[:, self.fixed] = np.asarray(self.priors)[self.fixed]
        return P

    # --- arrays and JSON ----------------------------------------------------------------
    def config(self) -> dict[str, Any]:
        return {"labels": self.labels, "priors": self.priors, "thresholds": self.thresholds,
                "vectorizers": [v.config() for v in self.vectorizers]}

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        out = {f"{prefix}/{k}": getattr(self, k) for k in ("W", "b", "a", "c", "fixed")}
        for i, v in enumerate(self.vectorizers):
            out |= {f"{prefix}/vectorizer{i}/{k}": x for k, x in v.arrays().items()}
        return out

    @classmethod
    def from_arrays(cls, config: dict[str, Any], arrays: Any, prefix: str) -> "LinearHead":
        vecs = []
        for i, vc in enumerate(config["vectorizers"]):
            names = ("terms", "idf") if vc.get("use_idf", True) else ("terms",)
            vecs.append(TfidfArrays.from_arrays(vc, {k: arrays[f"{prefix}/vectorizer{i}/{k}"] for k in names}))
        return cls(config["labels"], vecs, *(arrays[f"{prefix}/{k}"] for k in ("W", "b", "a", "c", "fixed")),
                   config["priors"], config["thresholds"])


class FastBaseline:
    """Same interface as :class:`~models.baseline.BaselineClassifier` for inference. Texts go
    through in batches: one vectorised TF-IDF pass and one weight gather per vectorizer. The word
    cache of :mod:`models.features` serves one report: ``predict_proba`` (its paragraphs)
    clears it, ``predict_sentences_proba`` (their sentences) reuses the cuts."""

    def __init__(self, head: LinearHead, sentence_head: LinearHead | None = None, segmenter: str = "rjieba",
                 params: dict[str, Any] | None = None, decision: dict[str, Any] | None = None):
        self.head, self.sentence_head = head, sentence_head
        self.segmenter = segmenter
        self.params = dict(params or {})
        # how probabilities become labels (models/decision.py), tuned on held-out reports
        self.decision = dict(decision) if decision else None

    @property
    def labels(self) -> list[str]:
        return self.head.labels

    @property
    def sentence_labels(self) -> list[str]:
        return self.sentence_head.labels if self.sentence_head else []

    @property
    def thresholds(self) -> list[float]:
        return list(self.head.thresholds)

    @property
    def uses_context(self) -> bool:
        """Whether the paragraph head reads the ``context`` column (pass ``contexts``)."""
        return "context" in self.head.columns

    # --- inference ----------------------------------------------------------------------
    def _columns(self, texts: Sequence[str], heads: Sequence[LinearHead],
                 contexts: Sequence[str] | None = None) -> dict[str, list[str]]:
        names = list(dict.fromkeys(c for h in heads for c in h.columns))
        return featurizer(self.segmenter).columns(texts, names, contexts)

    def predict_proba(self, texts: Sequence[str], contexts: Sequence[str] | None = None) -> np.ndarray:
        """``contexts``: each paragraph's heading path (models/context.py), read by a model with a
        ``context`` column (empty context when not given)."""
        featurizer(self.segmenter).clear()  # the word cache serves one document
        return self.head.predict_proba(self._columns(texts, [self.head], contexts), len(texts))

    def predict(self, texts: Sequence[str], contexts: Sequence[str] | None = None) -> list[list[str]]:
        return decide(self.predict_proba(texts, contexts), self.labels, self.head.thresholds, at_least_one=True)

    def _sentence_head(self) -> LinearHead:
        if self.sentence_head is None:
            raise ModelError("this baseline model has no sentence head")
        return self.sentence_head

    def predict_sentences_proba(self, sentences: Sequence[str]) -> np.ndarray:
        head = self._sentence_head()
        return head.predict_proba(self._columns(sentences, [head]), len(sentences))

    def predict_sentences(self, sentences: Sequence[str]) -> list[list[str]]:
        return decide(self.predict_sentences_proba(sentences), self.sentence_labels, self._sentence_head().thresholds)

    # --- export and persistence --------------------------------------------------------
    @classmethod
    def from_estimator(cls, clf: Any) -> "FastBaseline":
        """From a fitted :class:`~models.baseline.BaselineClassifier`: any vectorizers and heads
        it was configured with, as long as each vectorizer is a plain char/word TF-IDF and each
        label's estimator a (calibrated) linear one; anything else is refused with the reason."""
        def head(h: Any) -> LinearHead:
            W, b, a, c, fixed = h.linear_form()
            vecs = [TfidfArrays.from_vectorizer(col, v) for col, v in zip(h.columns, h.vectorizers)]
            return LinearHead(h.labels, vecs, W, b, a, c, fixed, h.priors, h.thresholds)

        return cls(head(clf.head), head(clf.sentence_head) if clf.sentence_head is not None else None,
                   segmenter=clf.params.get("segmenter", "rjieba"), params=clf.params,
                   decision=getattr(clf, "decision", None))

    def save(self, path: str | os.PathLike) -> Path:
        path = Path(path)
        if path.suffix != SUFFIX:
            raise ModelError(f"{path}: a fast baseline is saved as {SUFFIX}")
        meta = {"format": FORMAT, "segmenter": self.segmenter, "params": self.params, "head": self.head.config(),
                "sentence_head": self.sentence_head.config() if self.sentence_head else None,
                "decision": self.decision}
        arrays = self.head.arrays("head") | (self.sentence_head.arrays("sentence_head") if self.sentence_head else {})
        arrays["meta"] = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as f:  # np.savez_compressed would append .npz to a str path
            np.savez_compressed(f, **arrays)
        return path

    @classmethod
    def load(cls, path: str | os.PathLike) -> "FastBaseline":
        path = Path(path)
        if not path.is_file():
            raise ModelError(f"{path}: no such baseline model file")
        try:
            with np.load(path, allow_pickle=False) as arrays:
                meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
                if not isinstance(meta, dict) or meta.get("format") != FORMAT:
                    raise ModelError(f"{path}: not a {FORMAT} model")
                head = LinearHead.from_arrays(meta["head"], arrays, "head")
                sentence = (LinearHead.from_arrays(meta["sentence_head"], arrays, "sentence_head")
                            if meta.get("sentence_head") else None)
        except ModelError:
            raise
        except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile, UnicodeDecodeError) as e:
            # not a zip, a pickled array (refused), a missing array, bad JSON, ...
            raise ModelError(f"{path}: not a fast baseline model ({type(e).__name__}: {e})") from None
        return cls(head, sentence, segmenter=meta.get("segmenter", "rjieba"), params=meta.get("params"),
                   decision=meta.get("decision")).prepare()

    def prepare(self) -> "FastBaseline":
        """Build what the first report would otherwise build: the segmenter, vocabulary indexes."""
        featurizer(self.segmenter)
        for head in (self.head, self.sentence_head):
            for vec in head.vectorizers if head else ():
                vec.prepare()
        return self
