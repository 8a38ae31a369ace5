import zipfile
from pathlib import Path

import numpy as np
import pytest

from models.baseline import BaselineClassifier
from nlp.errors import ModelError
from training.annotations import read_jsonl
from training.data_utils import label_names, sentence_examples

FIXTURE = Path(__file__).parent / "fixtures" / "classify_train.jsonl"


@pytest.fixture(scope="module")
def fitted():
    records = read_jsonl(FIXTURE)
    st, sl = sentence_examples(records)
    return BaselineClassifier(label_names(), seed=0).fit([a.text for a in records], [a.labels for a in records], st, sl)


def test_fit_predict_on_unseen_paragraphs(fitted):
    got = fitted.predict(["全年收到政府信息公开申请9件,均按期答复。", "下一步,我们将进一步加强业务培训,完善制度。",
                          "首页 > 政务公开 > 【打印】"])
    assert "request_disclosure" in got[0]
    assert "improvements" in got[1]
    assert "noise" in got[2]
    P = fitted.predict_proba(["无。"])
    assert P.shape == (1, 13) and np.all((P >= 0) & (P <= 1))
    assert len(fitted.thresholds) == 13


def test_sentence_head(fitted):
    P = fitted.predict_sentences_proba(["公开内容不够全面,解读形式有待丰富。", "今后将持续推进重点领域信息公开。"])
    assert P[0, 0] > P[0, 1] and P[1, 1] > P[1, 0]  # columns: problems, improvements


def test_skops_round_trip(fitted, tmp_path):
    path = fitted.save(tmp_path / "m.skops")
    assert zipfile.is_zipfile(path)
    loaded = BaselineClassifier.load(path)
    texts = ["2022年主动公开信息3000条。", "未发生行政复议。"]
    assert np.allclose(loaded.predict_proba(texts), fitted.predict_proba(texts))
    assert loaded.thresholds == fitted.thresholds and loaded.labels == fitted.labels


def test_load_refuses_bad_files(tmp_path):
    bad = tmp_path / "bad.skops"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ModelError):
        BaselineClassifier.load(bad)
    with pytest.raises(ModelError, match="no such"):
        BaselineClassifier.load(tmp_path / "missing.skops")


def test_load_refuses_types_outside_the_allow_list(tmp_path):
    import skops.io as sio

    path = tmp_path / "other.skops"
    sio.dump({"format": "govreport-baseline/1", "x": Path("/tmp")}, path)
    with pytest.raises(ModelError, match="untrusted"):
        BaselineClassifier.load(path)


def test_stacked_linear_form_gives_the_same_numbers_as_the_estimators():
    """predict_proba's stacked linear form equals CalibratedClassifierCV's, and sentence-wise
    cutting equals cutting the whole paragraph."""
    from models.baseline import featurize_input
    from models.features import featurizer
    from nlp.classify import shipped_baseline_path
    from nlp.segment import make_segmenter

    texts = ["2022年,我县收到政府信息公开申请2件;其中1件予以公开。下一步,将加强政务新媒体管理!",
             "一是政策解读形式单一?二是12345热线回应不够及时。", "无"]
    for t in texts:
        assert featurizer().words(t) == " ".join(make_segmenter().cut(t))
    model = BaselineClassifier.load(shipped_baseline_path(".skops"))
    X = featurize_input(texts, model.head.columns,
                        contexts=["〔2021〕一、总体情况 › (二)依申请公开", "〔2021〕五、存在的主要问题及改进情况", "〔前言〕"])
    F = model.head.transform(X)
    plain = np.column_stack([e.predict_proba(F)[:, 1] if e is not None else np.full(len(texts), p)
                             for e, p in zip(model.head.estimators, model.head.priors)])
    assert np.allclose(model.head.predict_proba(X), plain, atol=1e-12)
