"""The fast baseline (plain arrays + NumPy) gives the scikit-learn estimator's scores."""
from pathlib import Path

import numpy as np
import pytest

from models.baseline import BaselineClassifier
from models.fast_baseline import FastBaseline
from models.tfidf import KeyTable, TfidfArrays
from nlp.errors import ModelError
from training.annotations import read_jsonl
from training.data_utils import label_names, sentence_examples

FIXTURES = Path(__file__).parent / "fixtures"
TEXTS = [
    "2022年,我县收到政府信息公开申请2件;其中1件予以公开。下一步,将加强政务新媒体管理!",
    "一是政策解读形式单一?二是12345热线回应不够及时。",
    "无",
    "",
    "ABC  abc\t12345 热线, 依申请公开 (一) x",  # whitespace runs, upper case, a term at the end
    "𠀀𠀁 supplementary-plane characters and 〇",  # units no vocabulary term contains
]


@pytest.fixture(scope="module")
def fitted():
    records = read_jsonl(FIXTURES / "classify_train.jsonl")
    st, sl = sentence_examples(records)
    return BaselineClassifier(label_names(), seed=0).fit([a.text for a in records], [a.labels for a in records], st, sl)


def fixture_texts() -> list[str]:
    import nlp

    pipe = nlp.Pipeline.from_config("pipeline", classify={"enabled": False}, facts={"enabled": False},
                                    checks={"enabled": False})
    texts = list(TEXTS)
    for name in ("mini-2021.txt", "template-2021.txt", "seed-004.html"):
        doc = pipe.process(FIXTURES / name)
        texts += [p.text for p in doc.paragraphs] + [s.text for p in doc.paragraphs for s in p.sentences]
    return texts


def test_fast_scores_equal_the_estimators(fitted, tmp_path):
    fast = FastBaseline.load(fitted.save(tmp_path / "m.npz"))
    texts = fixture_texts()
    assert np.allclose(fast.predict_proba(texts), fitted.predict_proba(texts), rtol=0, atol=1e-12)
    assert np.allclose(fast.predict_sentences_proba(texts), fitted.predict_sentences_proba(texts), rtol=0, atol=1e-12)
    assert fast.predict(texts) == fitted.predict(texts)
    assert fast.labels == fitted.labels and fast.thresholds == fitted.thresholds


@pytest.fixture(scope="module")
def fitted_with_context():
    """A baseline that also reads each paragraph's heading path (the ``context`` column, weighted)."""
    records = read_jsonl(FIXTURES / "classify_train.jsonl")
    st, sl = sentence_examples(records)
    contexts = [CONTEXTS[i % len(CONTEXTS)] for i in range(len(records))]
    return BaselineClassifier(label_names(), seed=0, context_ngrams=(1, 3), context_weight=0.7).fit(
        [a.text for a in records], [a.labels for a in records], st, sl, contexts=contexts)


CONTEXTS = ["〔2021〕一、总体情况 › (二)依申请公开", "〔legacy〕五、存在的主要问题及改进措施", "〔前言〕",
            "〔2019〕四、因政府信息公开工作被申请行政复议、提起行政诉讼情况", ""]


def test_fast_scores_equal_the_estimators_with_the_context_column(fitted_with_context, tmp_path):
    """The context weight is folded into the exported weights: same scores, same labels after the
    genre priors and the tuned decision, on both paths."""
    from models.decision import LabelDecision
    from nlp.classify import label_paragraphs, load_priors

    fitted_with_context.decision = LabelDecision(second=0.5, margin=0.3).to_dict()
    fast = FastBaseline.load(fitted_with_context.save(tmp_path / "ctx.npz"))
    assert fast.uses_context and fast.head.columns == ["text", "words", "context"]
    assert fast.decision == fitted_with_context.decision
    texts = fixture_texts()
    contexts = [CONTEXTS[i % len(CONTEXTS)] for i in range(len(texts))]
    want = fitted_with_context.predict_proba(texts, contexts)
    assert np.allclose(fast.predict_proba(texts, contexts), want, rtol=0, atol=1e-12)
    assert not np.allclose(fast.predict_proba(texts), want, atol=1e-3)  # the context does count
    priors = load_priors("label_priors", fast.labels)
    P1, labels1 = label_paragraphs(fast, texts, contexts, priors)
    P2, labels2 = label_paragraphs(fitted_with_context, texts, contexts, priors)
    assert np.allclose(P1, P2, rtol=0, atol=1e-12) and labels1 == labels2


def test_tfidf_arrays_equal_sklearn_vectorizers_both_ways(fitted):
    """Packed-key counting, and the dictionary fallback used when keys would not fit."""
    texts = fixture_texts()
    for column, vec in zip(fitted.head.columns, fitted.head.vectorizers):
        X = fitted._columns(texts, fitted.head)[column]
        want = vec.transform(X).toarray()
        for fallback in (False, True):
            arrays = TfidfArrays.from_vectorizer(column, vec)
            if fallback:
                arrays._index = ()
            rows, cols, vals = arrays.transform(X)
            got = np.zeros_like(want)
            got[rows, cols] = vals
            assert np.allclose(got, want, rtol=0, atol=1e-12), (column, fallback)


def test_shipped_fast_model_is_the_shipped_estimator():
    from nlp.classify import load_model, shipped_baseline_path

    fast = load_model(None)
    assert isinstance(fast, FastBaseline)
    estimator = BaselineClassifier.load(shipped_baseline_path(".skops"))
    texts = fixture_texts()
    assert np.allclose(fast.predict_proba(texts), estimator.predict_proba(texts), rtol=0, atol=1e-12)
    assert np.allclose(fast.predict_sentences_proba(texts), estimator.predict_sentences_proba(texts), rtol=0, atol=1e-12)


def test_exporter_refuses_what_it_cannot_reproduce(fitted):
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 2)).fit(["政府信息公开", "行政复议"])
    with pytest.raises(ModelError, match="char_wb"):
        TfidfArrays.from_vectorizer("text", vec)
    vec = TfidfVectorizer(stop_words=["的"]).fit(["政府 信息", "行政 复议"])
    with pytest.raises(ModelError, match="stop_words"):
        TfidfArrays.from_vectorizer("words", vec)


def test_load_refuses_pickles_and_junk(tmp_path):
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a zip")
    with pytest.raises(ModelError, match="not a fast baseline"):
        FastBaseline.load(junk)
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, meta=np.array([{"format": "x"}], dtype=object))  # needs pickle to read
    with pytest.raises(ModelError, match="not a fast baseline"):
        FastBaseline.load(pickled)
    other = tmp_path / "other.npz"
    np.savez(other, meta=np.frombuffer(b'{"format": "something else"}', dtype=np.uint8))
    with pytest.raises(ModelError, match="not a govreport-fast-baseline"):
        FastBaseline.load(other)
    with pytest.raises(ModelError, match="no such"):
        FastBaseline.load(tmp_path / "missing.npz")


def test_key_table_finds_every_key_and_nothing_else():
    rng = np.random.default_rng(0)
    keys = np.unique(rng.integers(1, 2**62, 5000, dtype=np.int64).astype(np.uint64))
    table = KeyTable(keys)
    assert (table.find(keys) == np.arange(len(keys))).all()
    others = np.setdiff1d(rng.integers(1, 2**62, 5000, dtype=np.int64).astype(np.uint64), keys)
    assert (table.find(others) == -1).all()


def test_export_model_cli(fitted, tmp_path):
    from typer.testing import CliRunner

    from nlp.cli import app

    skops = fitted.save(tmp_path / "m.skops")
    result = CliRunner().invoke(app, ["export-model", str(skops)])
    assert result.exit_code == 0, result.output
    fast = FastBaseline.load(tmp_path / "m.npz")
    assert np.allclose(fast.predict_proba(TEXTS), fitted.predict_proba(TEXTS), rtol=0, atol=1e-12)
    bad = CliRunner().invoke(app, ["export-model", str(tmp_path / "missing.skops")])
    assert bad.exit_code == 1 and "error:" in bad.output
