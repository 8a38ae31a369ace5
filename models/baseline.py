"""Baseline paragraph classifier: TF-IDF over domain-jieba words and character n-grams, one
calibrated linear classifier per label (one-vs-rest), per-label thresholds tuned on
out-of-fold probabilities. A second head of the same kind labels sentences (problems vs
improvements). Saved with skops and loaded with an explicit allow-list of types."""
from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np
from scipy import sparse
from scipy.special import expit
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.svm import LinearSVC

from nlp.errors import ModelError

FORMAT = "govreport-baseline/2"
VECTORIZER_PARAMS = ("analyzer", "ngram_range", "min_df", "sublinear_tf", "token_pattern", "lowercase")

# Every type a saved baseline may contain: skops refuses anything else.
TRUSTED_TYPES = [
    "builtins.slice",
    "numpy.dtype",
    "numpy.float64",
    "numpy.int64",
    "numpy.ndarray",
    "scipy.sparse._csr.csr_matrix",
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.compose._column_transformer.ColumnTransformer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.frozen._frozen.FrozenEstimator",
    "sklearn.preprocessing._label.LabelEncoder",
    "sklearn.svm._classes.LinearSVC",
    "sklearn.utils._bunch.Bunch",
]


def _segmenter():
    from nlp.segment import JiebaSegmenter

    return JiebaSegmenter.shared()


_SENTENCE_CHUNK = re.compile(r"[^。!?;]*[。!?;]*")


@lru_cache(maxsize=8192)
def _words(chunk: str) -> str:
    return " ".join(_segmenter().cut(chunk))


def _joined_words(text: str) -> str:
    # jieba never joins tokens across 。!?; so cutting sentence by sentence gives the same
    # words as cutting the paragraph, and the sentence head then reuses the cached cuts.
    return " ".join(w for w in map(_words, _SENTENCE_CHUNK.findall(text)) if w)


def featurize_input(texts: Sequence[str], contexts: Sequence[str] | None = None) -> np.ndarray:
    """Two columns per text: the raw text (character n-grams) and its jieba words; a third, the
    paragraph's context (its heading path, models/context.py), when ``contexts`` is given."""
    if contexts is None:
        return np.array([[t, _joined_words(t)] for t in texts], dtype=object).reshape(-1, 2)
    if len(contexts) != len(texts):
        raise ModelError("baseline: need one context per text")
    return np.array([[t, _joined_words(t), c or ""] for t, c in zip(texts, contexts)],
                    dtype=object).reshape(-1, 3)


def _columns(X: np.ndarray, n: int) -> np.ndarray:
    """``X`` with exactly ``n`` columns: a missing context column reads as empty context."""
    if X.shape[1] >= n:
        return X
    return np.hstack([X, np.full((X.shape[0], n - X.shape[1]), "", dtype=object)])


class _Head:
    """One calibrated binary classifier per label over shared TF-IDF features."""

    def __init__(self, labels: Sequence[str], C: float, char_ngrams: tuple[int, int],
                 word_ngrams: tuple[int, int], min_df: int, folds: int, seed: int,
                 context_ngrams: tuple[int, int] | None = None, context_weight: float = 1.0):
        self.labels = list(labels)
        self.C, self.folds, self.seed = C, folds, seed
        self.context_weight = float(context_weight)
        self.vectorizers = [
            TfidfVectorizer(analyzer="char", ngram_range=tuple(char_ngrams), min_df=min_df, sublinear_tf=True,
                            dtype=np.float64),
            TfidfVectorizer(token_pattern=r"\S+", ngram_range=tuple(word_ngrams), min_df=min_df, sublinear_tf=True,
                            lowercase=False, dtype=np.float64),
        ]  # column 0 of the input (raw text) and column 1 (space-joined jieba words)
        if context_ngrams:  # column 2: the heading path, character n-grams
            self.vectorizers.append(TfidfVectorizer(analyzer="char", ngram_range=tuple(context_ngrams), min_df=min_df,
                                                    sublinear_tf=True, dtype=np.float64))
        self.estimators: list = []
        self.priors: list[float] = []
        self.thresholds: list[float] = []

    def _estimator(self, pos: int, neg: int):
        """A calibrated linear SVM, or None when a class has too few examples to calibrate."""
        k = min(self.folds, pos, neg)
        if k < 2:
            return None
        svm = LinearSVC(C=self.C, class_weight="balanced", random_state=self.seed)
        # ensemble=False: one SVM on all data, calibrated on cross-validated decision values
        return CalibratedClassifierCV(svm, method="sigmoid", cv=k, ensemble=False)

    def fit(self, X: np.ndarray, Y: np.ndarray) -> "_Head":
        X = _columns(X, len(self.vectorizers))
        F = sparse.hstack([v.fit_transform(X[:, i]) * self._weight(i) for i, v in enumerate(self.vectorizers)],
                          format="csr")
        self.estimators, self.priors, self.thresholds = [], [], []
        self._stacked = None
        for j in range(len(self.labels)):
            y = Y[:, j]
            est = self._estimator(int(y.sum()), int(len(y) - y.sum()))
            self.priors.append(float(y.mean()) if len(y) else 0.0)
            if est is None:
                self.estimators.append(None)
                self.thresholds.append(0.5)
                continue
            self.thresholds.append(self._tune_threshold(F, y))
            self.estimators.append(est.fit(F, y))
        return self

    def _tune_threshold(self, F, y: np.ndarray) -> float:
        """The threshold maximising F1 on out-of-fold probabilities (0.5 when data is too thin)."""
        pos, neg = int(y.sum()), int(len(y) - y.sum())
        k = min(self.folds, pos, neg)
        if k < 2:
            return 0.5
        # every outer training fold must still hold enough examples to calibrate
        est = self._estimator(pos - -(-pos // k), neg - -(-neg // k))
        if est is None:
            return 0.5
        cv = StratifiedKFold(k, shuffle=True, random_state=self.seed)
        p = cross_val_predict(est, F, y, cv=cv, method="predict_proba")[:, 1]
        best_t, best_f = 0.5, -1.0
        for t in np.arange(0.15, 0.81, 0.05):
            pred = p >= t
            tp = float((pred & (y == 1)).sum())
            f = 2 * tp / (pred.sum() + y.sum()) if (pred.sum() + y.sum()) else 0.0
            if f > best_f + 1e-9 or (abs(f - best_f) <= 1e-9 and abs(t - 0.5) < abs(best_t - 0.5)):
                best_t, best_f = float(t), f
        return round(best_t, 2)

    def transform(self, X: np.ndarray, weighted: bool = True):
        """TF-IDF features; ``weighted=False`` leaves the context block unscaled (the linear form
        carries the weight instead: ``_linear``)."""
        X = _columns(X, len(self.vectorizers))
        return sparse.hstack([v.transform(X[:, i]) * (self._weight(i) if weighted else 1.0)
                              for i, v in enumerate(self.vectorizers)], format="csr")

    def _weight(self, column: int) -> float:
        """The context column's features are scaled: where a paragraph sits should inform, not
        outvote, what it says."""
        return getattr(self, "context_weight", 1.0) if column == 2 else 1.0

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        if not len(X):
            return np.zeros((0, len(self.labels)))
        W, b, a, c, fixed = self._linear()
        # One sparse product for every label: each estimator is one linear SVM (ensemble=False)
        # with a sigmoid calibrator, P = expit(-(a * (F @ w + b) + c)). Same numbers as
        # CalibratedClassifierCV.predict_proba, without its per-call validation overhead.
        P = expit(-(a * (self.transform(X, weighted=False) @ W + b) + c))
        for j, prior in fixed:
            P[:, j] = prior
        return P

    def _linear(self):
        if getattr(self, "_stacked", None) is None:
            n = sum(len(v.vocabulary_) for v in self.vectorizers)
            W = np.zeros((n, len(self.labels)))
            b, a, c = (np.zeros(len(self.labels)) for _ in range(3))
            fixed = []
            for j, (est, prior) in enumerate(zip(self.estimators, self.priors)):
                if est is None:
                    fixed.append((j, prior))
                    continue
                (calibrated,) = est.calibrated_classifiers_
                (sigmoid,) = calibrated.calibrators
                W[:, j], b[j] = calibrated.estimator.coef_.ravel(), calibrated.estimator.intercept_[0]
                a[j], c[j] = sigmoid.a_, sigmoid.b_
            # fold the context weight into the weights: (w · αx) = (αw · x), so the linear form
            # reads plain TF-IDF values of every column (an exported model needs no extra knob)
            start = 0
            for i, v in enumerate(self.vectorizers):
                end = start + len(v.vocabulary_)
                W[start:end] *= self._weight(i)
                start = end
            self._stacked = (W, b, a, c, fixed)
        return self._stacked

    def to_state(self) -> dict:
        # vocabularies as arrays, not dicts: a skops dict of 20k terms takes seconds to load
        vecs = [{"params": {k: list(v) if isinstance(v, tuple) else v for k, v in vec.get_params().items()
                            if k in VECTORIZER_PARAMS},
                 "terms": np.array(vec.get_feature_names_out(), dtype=str), "idf": vec.idf_}
                for vec in self.vectorizers]
        return {"labels": self.labels, "vectorizers": vecs, "estimators": self.estimators,
                "priors": self.priors, "thresholds": self.thresholds, "context_weight": self.context_weight}

    @classmethod
    def from_state(cls, state: dict) -> "_Head":
        head = cls.__new__(cls)
        head.labels = list(state["labels"])
        head.vectorizers = []
        for v in state["vectorizers"]:
            params = {k: tuple(x) if isinstance(x, list) else x for k, x in v["params"].items()}
            vec = TfidfVectorizer(vocabulary=list(v["terms"]), dtype=np.float64, **params)
            vec.idf_ = np.asarray(v["idf"])
            head.vectorizers.append(vec)
        head.estimators = list(state["estimators"])
        head.priors = [float(x) for x in state["priors"]]
        head.thresholds = [float(x) for x in state["thresholds"]]
        head.context_weight = float(state.get("context_weight", 1.0))
        return head


def _indicator(Y: Sequence[Sequence[str]], labels: Sequence[str]) -> np.ndarray:
    index = {l: j for j, l in enumerate(labels)}
    M = np.zeros((len(Y), len(labels)), dtype=int)
    for i, ys in enumerate(Y):
        for l in ys:
            if l in index:
                M[i, index[l]] = 1
    return M


class BaselineClassifier:
    """Multi-label paragraph classifier (plus an optional sentence head).

    >>> clf = BaselineClassifier(labels).fit(texts, label_lists)
    >>> clf.predict(["下一步,我们将进一步加强……"])
    """

    def __init__(self, labels: Sequence[str], sentence_labels: Sequence[str] = ("problems", "improvements"),
                 C: float = 0.5, char_ngrams: tuple[int, int] = (1, 3), word_ngrams: tuple[int, int] = (1, 2),
                 min_df: int = 1, folds: int = 3, seed: int = 0, context_ngrams: tuple[int, int] | None = None,
                 context_weight: float = 1.0):
        self.labels = list(labels)
        self.sentence_labels = list(sentence_labels)
        self.params = dict(C=C, char_ngrams=tuple(char_ngrams), word_ngrams=tuple(word_ngrams),
                           min_df=min_df, folds=folds, seed=seed)
        self.context_ngrams = tuple(context_ngrams) if context_ngrams else None
        self.context_weight = float(context_weight)
        self.head = _Head(self.labels, **self.params, context_ngrams=self.context_ngrams,
                          context_weight=self.context_weight)
        self.sentence_head: _Head | None = None
        # how probabilities become labels (models/decision.py), tuned on held-out reports
        self.decision: dict | None = None

    # --- training --------------------------------------------------------------------
    def fit(self, texts: Sequence[str], labels: Sequence[Sequence[str]],
            sentences: Sequence[str] | None = None, sentence_labels: Sequence[Sequence[str]] | None = None,
            contexts: Sequence[str] | None = None) -> "BaselineClassifier":
        """``contexts``: each paragraph's heading path (models/context.py), read by models built
        with ``context_ngrams``."""
        if len(texts) != len(labels) or not texts:
            raise ModelError("baseline: need the same non-zero number of texts and label lists")
        self.head.fit(featurize_input(texts, contexts if self.context_ngrams else None), _indicator(labels, self.labels))
        if sentences:
            self.sentence_head = _Head(self.sentence_labels, **self.params)
            self.sentence_head.fit(featurize_input(sentences), _indicator(sentence_labels, self.sentence_labels))
        return self

    # --- inference -------------------------------------------------------------------
    @property
    def thresholds(self) -> list[float]:
        """Per-label decision thresholds, in ``labels`` order."""
        return list(self.head.thresholds)

    @property
    def uses_context(self) -> bool:
        return len(self.head.vectorizers) > 2

    def predict_proba(self, texts: Sequence[str], contexts: Sequence[str] | None = None) -> np.ndarray:
        # The word cache serves one document: its paragraphs now, their sentences next.
        _words.cache_clear()
        return self.head.predict_proba(featurize_input(texts, contexts if self.uses_context else None))

    def predict(self, texts: Sequence[str], contexts: Sequence[str] | None = None) -> list[list[str]]:
        return decide(self.predict_proba(texts, contexts), self.labels, self.head.thresholds, at_least_one=True)

    def predict_sentences_proba(self, sentences: Sequence[str]) -> np.ndarray:
        if self.sentence_head is None:
            raise ModelError("this baseline model has no sentence head")
        return self.sentence_head.predict_proba(featurize_input(sentences))

    def predict_sentences(self, sentences: Sequence[str]) -> list[list[str]]:
        return decide(self.predict_sentences_proba(sentences), self.sentence_labels, self.sentence_head.thresholds)

    # --- persistence -----------------------------------------------------------------
    def save(self, path: str | os.PathLike) -> Path:
        import skops.io as sio

        state = {"format": FORMAT, "labels": self.labels, "sentence_labels": self.sentence_labels,
                 "params": {k: list(v) if isinstance(v, tuple) else v
                            for k, v in {**self.params, "context_ngrams": self.context_ngrams,
                                         "context_weight": self.context_weight}.items()},
                 "head": self.head.to_state(),
                 "sentence_head": self.sentence_head.to_state() if self.sentence_head else None,
                 "decision": self.decision}
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        sio.dump(state, path, compression=8)
        return path

    @classmethod
    def load(cls, path: str | os.PathLike) -> "BaselineClassifier":
        import skops.io as sio

        path = Path(path)
        if not path.is_file():
            raise ModelError(f"{path}: no such baseline model file")
        try:
            untrusted = set(sio.get_untrusted_types(file=path))
            refused = sorted(untrusted - set(TRUSTED_TYPES))
            if refused:
                raise ModelError(f"{path}: refusing to load untrusted types: {', '.join(refused)}")
            state = sio.load(path, trusted=sorted(untrusted))
        except ModelError:
            raise
        except Exception as e:  # corrupt zip, wrong skops version, …
            raise ModelError(f"{path}: not a baseline model ({type(e).__name__}: {e})") from None
        if not isinstance(state, dict) or state.get("format") != FORMAT:
            raise ModelError(f"{path}: not a {FORMAT} model")
        params = dict(state["params"])
        clf = cls(state["labels"], state["sentence_labels"], **params)
        clf.head = _Head.from_state(state["head"])
        clf.sentence_head = _Head.from_state(state["sentence_head"]) if state.get("sentence_head") else None
        clf.decision = dict(state["decision"]) if state.get("decision") else None
        return clf


def decide(P: np.ndarray, labels: Sequence[str], thresholds: Sequence[float],
           at_least_one: bool = False) -> list[list[str]]:
    """Labels whose probability reaches their threshold. With ``at_least_one`` a row with no
    label above threshold gets its most probable label (every prose paragraph says something)."""
    out = []
    for row in P:
        chosen = [l for l, p, t in zip(labels, row, thresholds) if p >= t]
        if not chosen and at_least_one and len(row):
            chosen = [labels[int(np.argmax(np.asarray(row) / np.asarray(thresholds)))]]
        out.append(chosen)
    return out
