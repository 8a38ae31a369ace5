"""Baseline paragraph classifier: TF-IDF over domain-dictionary words (rjieba) and character
n-grams, one calibrated linear classifier per label (one-vs-rest), per-label thresholds tuned on
out-of-fold probabilities. A second head of the same kind labels sentences (problems vs
improvements). This scikit-learn estimator is the training-time object, saved with skops and
loaded with an explicit allow-list of types; ``save("x.npz")`` exports the same model to the
fast NumPy format ``govreport tag`` loads (:mod:`models.fast_baseline`)."""
from __future__ import annotations

import os
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

from .decision import decide
from .features import featurizer

FORMAT = "govreport-baseline/2"
VECTORIZER_PARAMS = ("analyzer", "ngram_range", "min_df", "sublinear_tf", "token_pattern", "lowercase")
COLUMNS = ("text", "words")  # the text column each default vectorizer reads (models/features.py)

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


def featurize_input(texts: Sequence[str], columns: Sequence[str] = COLUMNS, segmenter: str = "rjieba",
                    contexts: Sequence[str] | None = None) -> dict[str, list[str]]:
    """The named text columns (``models.features``) the vectorizers read; ``contexts``: each
    text's heading path (models/context.py), the ``context`` column."""
    return featurizer(segmenter).columns(texts, columns, contexts)


class _Head:
    """One calibrated binary classifier per label over shared TF-IDF features."""

    def __init__(self, labels: Sequence[str], C: float, char_ngrams: tuple[int, int],
                 word_ngrams: tuple[int, int], min_df: int, folds: int, seed: int, segmenter: str = "rjieba",
                 context_ngrams: tuple[int, int] | None = None, context_weight: float = 1.0):
        self.labels = list(labels)
        self.C, self.folds, self.seed = C, folds, seed
        self.context_weight = float(context_weight)
        self.vectorizers = [
            TfidfVectorizer(analyzer="char", ngram_range=tuple(char_ngrams), min_df=min_df, sublinear_tf=True,
                            dtype=np.float64),
            TfidfVectorizer(token_pattern=r"\S+", ngram_range=tuple(word_ngrams), min_df=min_df, sublinear_tf=True,
                            lowercase=False, dtype=np.float64),
        ]
        self.columns = list(COLUMNS)  # vectorizer i reads column columns[i]
        if context_ngrams:  # the heading path, character n-grams
            self.vectorizers.append(TfidfVectorizer(analyzer="char", ngram_range=tuple(context_ngrams), min_df=min_df,
                                                    sublinear_tf=True, dtype=np.float64))
            self.columns.append("context")
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
        F = self.transform(X, fitting=True)
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

    def transform(self, X: dict[str, Sequence[str]], weighted: bool = True, fitting: bool = False):
        """TF-IDF features of every column; ``weighted=False`` leaves the context block unscaled
        (the linear form carries the weight instead: :meth:`linear_form`)."""
        blocks = [(v.fit_transform if fitting else v.transform)(X[c]) * (self._weight(c) if weighted else 1.0)
                  for c, v in zip(self.columns, self.vectorizers)]
        return sparse.hstack(blocks, format="csr")

    def _weight(self, column: str) -> float:
        """The context column's features are scaled: where a paragraph sits should inform, not
        outvote, what it says."""
        return getattr(self, "context_weight", 1.0) if column == "context" else 1.0

    def predict_proba(self, X: dict[str, Sequence[str]]) -> np.ndarray:
        n = len(X[self.columns[0]])
        if not n:
            return np.zeros((0, len(self.labels)))
        W, b, a, c, fixed = self.linear_form()
        # One sparse product for every label: each estimator is one linear SVM (ensemble=False)
        # with a sigmoid calibrator, P = expit(-(a * (F @ w + b) + c)). Same numbers as
        # CalibratedClassifierCV.predict_proba, without its per-call validation overhead.
        P = expit(-(a * (self.transform(X, weighted=False) @ W + b) + c))
        P[:, fixed] = np.asarray(self.priors)[fixed]
        return P

    def linear_form(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(W, b, a, c, fixed): every label's score as ``expit(-(a * (F @ W + b) + c))``; labels
        in ``fixed`` had too few examples to train and keep their prior."""
        if getattr(self, "_stacked", None) is None:
            n = sum(len(v.vocabulary_) for v in self.vectorizers)
            W = np.zeros((n, len(self.labels)))
            b, a, c = (np.zeros(len(self.labels)) for _ in range(3))
            fixed = np.zeros(len(self.labels), dtype=bool)
            for j, est in enumerate(self.estimators):
                if est is None:
                    fixed[j] = True
                else:
                    W[:, j], b[j], a[j], c[j] = _linear_sigmoid(est)
            # fold the context weight into the weights: (w · αx) = (αw · x), so the linear form
            # reads plain TF-IDF values of every column (an exported model needs no extra knob)
            start = 0
            for column, v in zip(self.columns, self.vectorizers):
                end = start + len(v.vocabulary_)
                W[start:end] *= self._weight(column)
                start = end
            self._stacked = (W, b, a, c, fixed)
        return self._stacked

    def to_state(self) -> dict:
        # vocabularies as arrays, not dicts: a skops dict of 20k terms takes seconds to load
        vecs = [{"params": {k: list(v) if isinstance(v, tuple) else v for k, v in vec.get_params().items()
                            if k in VECTORIZER_PARAMS},
                 "terms": np.array(vec.get_feature_names_out(), dtype=str), "idf": vec.idf_, "column": column}
                for column, vec in zip(self.columns, self.vectorizers)]
        return {"labels": self.labels, "vectorizers": vecs, "estimators": self.estimators,
                "priors": self.priors, "thresholds": self.thresholds, "context_weight": self.context_weight}

    @classmethod
    def from_state(cls, state: dict) -> "_Head":
        head = cls.__new__(cls)
        head.labels = list(state["labels"])
        head.vectorizers = []
        # models saved before columns were named: text, words, then the context
        head.columns = [v.get("column", (*COLUMNS, "context")[i]) for i, v in enumerate(state["vectorizers"])]
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


def _linear_sigmoid(est) -> tuple[np.ndarray, float, float, float]:
    """(w, b, a, c) of one label's estimator, P = expit(-(a * (x @ w + b) + c)): a sigmoid-
    calibrated linear model fitted once (``CalibratedClassifierCV(ensemble=False)``), or a
    logistic linear model (e.g. ``LogisticRegression``)."""
    if isinstance(est, CalibratedClassifierCV):
        if len(est.calibrated_classifiers_) != 1 or est.method != "sigmoid":
            raise ModelError("baseline: only one sigmoid-calibrated estimator per label has a linear form "
                             "(CalibratedClassifierCV(method='sigmoid', ensemble=False))")
        (calibrated,) = est.calibrated_classifiers_
        (sigmoid,) = calibrated.calibrators
        inner = calibrated.estimator
        if not hasattr(inner, "coef_"):  # e.g. a FrozenEstimator around the linear model
            inner = getattr(inner, "estimator", inner)
        w, b = _coef(inner)
        return w, b, float(sigmoid.a_), float(sigmoid.b_)
    if hasattr(est, "coef_") and type(est).__name__ == "LogisticRegression":
        w, b = _coef(est)
        return w, b, -1.0, 0.0
    raise ModelError(f"baseline: {type(est).__name__} has no calibrated linear form")


def _coef(est) -> tuple[np.ndarray, float]:
    coef = np.asarray(est.coef_)
    if coef.ndim != 2 or coef.shape[0] != 1:
        raise ModelError(f"baseline: {type(est).__name__} is not one binary linear model")
    return coef.ravel(), float(np.ravel(est.intercept_)[0])


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
                 min_df: int = 1, folds: int = 3, seed: int = 0, segmenter: str = "rjieba",
                 context_ngrams: tuple[int, int] | None = None, context_weight: float = 1.0):
        self.labels = list(labels)
        self.sentence_labels = list(sentence_labels)
        self.params = dict(C=C, char_ngrams=tuple(char_ngrams), word_ngrams=tuple(word_ngrams),
                           min_df=min_df, folds=folds, seed=seed, segmenter=segmenter)
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
        self.head.fit(self._columns(texts, self.head, contexts), _indicator(labels, self.labels))
        if sentences:
            self.sentence_head = _Head(self.sentence_labels, **self.params)
            self.sentence_head.fit(self._columns(sentences, self.sentence_head),
                                   _indicator(sentence_labels, self.sentence_labels))
        return self

    def _columns(self, texts: Sequence[str], head: "_Head",
                 contexts: Sequence[str] | None = None) -> dict[str, list[str]]:
        return featurize_input(texts, head.columns, self.params.get("segmenter", "rjieba"), contexts)

    # --- inference -------------------------------------------------------------------
    @property
    def thresholds(self) -> list[float]:
        """Per-label decision thresholds, in ``labels`` order."""
        return list(self.head.thresholds)

    @property
    def uses_context(self) -> bool:
        """Whether the paragraph head reads the ``context`` column (pass ``contexts``)."""
        return "context" in self.head.columns

    def predict_proba(self, texts: Sequence[str], contexts: Sequence[str] | None = None) -> np.ndarray:
        # The word cache serves one document: its paragraphs now, their sentences next.
        featurizer(self.params.get("segmenter", "rjieba")).clear()
        return self.head.predict_proba(self._columns(texts, self.head, contexts))

    def predict(self, texts: Sequence[str], contexts: Sequence[str] | None = None) -> list[list[str]]:
        return decide(self.predict_proba(texts, contexts), self.labels, self.head.thresholds, at_least_one=True)

    def predict_sentences_proba(self, sentences: Sequence[str]) -> np.ndarray:
        if self.sentence_head is None:
            raise ModelError("this baseline model has no sentence head")
        return self.sentence_head.predict_proba(self._columns(sentences, self.sentence_head))

    def predict_sentences(self, sentences: Sequence[str]) -> list[list[str]]:
        return decide(self.predict_sentences_proba(sentences), self.sentence_labels, self.sentence_head.thresholds)

    # --- persistence -----------------------------------------------------------------
    def to_fast(self):
        """The same model as plain arrays with a NumPy predict (:class:`models.fast_baseline.FastBaseline`)."""
        from .fast_baseline import FastBaseline

        return FastBaseline.from_estimator(self)

    def save(self, path: str | os.PathLike) -> Path:
        """``.npz``: the fast format ``govreport tag`` loads; anything else: skops (this estimator)."""
        if Path(path).suffix == ".npz":
            return self.to_fast().save(path)
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
