from pathlib import Path

import pytest

from models.baseline import BaselineClassifier
from nlp.classify import ParagraphClassifier, classify_overrides, shipped_baseline_path
from nlp.document import Document, Paragraph, Sentence
from nlp.errors import ModelError
from training.annotations import read_jsonl
from training.data_utils import label_names, sentence_examples

FIXTURE = Path(__file__).parent / "fixtures" / "classify_train.jsonl"

PARAGRAPHS = [
    "本报告根据《中华人民共和国政府信息公开条例》编制,统计期限为2023年1月1日至12月31日。",
    "全年收到政府信息公开申请9件,均在法定期限内答复。",
    "一是公开内容不够全面,与群众期待还有差距。下一步,我们将进一步加强培训,完善公开制度。",
]


def make_doc():
    text, paras = "", []
    for i, t in enumerate(PARAGRAPHS):
        paras.append(Paragraph(f"p{i}", None, t, len(text), len(text) + len(t)))
        text += t + "\n"
    doc = Document(text=text)
    doc.paragraphs = paras
    return doc


@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    records = read_jsonl(FIXTURE)
    st, sl = sentence_examples(records)
    clf = BaselineClassifier(label_names()).fit([a.text for a in records], [a.labels for a in records], st, sl)
    return str(clf.save(tmp_path_factory.mktemp("m") / "m.skops"))


def test_labels_every_paragraph_and_problem_sentences(model_path):
    doc = ParagraphClassifier(model=model_path)(make_doc())
    assert all(p.labels for p in doc.paragraphs)
    assert all(set(p.scores) == set(label_names()) for p in doc.paragraphs)
    assert "report_meta" in doc.paragraphs[0].labels
    assert "request_disclosure" in doc.paragraphs[1].labels
    last = doc.paragraphs[2]
    assert {"problems", "improvements"} & set(last.labels)
    assert len(last.sentences) == 2
    for s in last.sentences:
        assert doc.text[s.start:s.end] == s.text and set(s.scores) == {"problems", "improvements"}
    assert all(l in last.labels for s in last.sentences for l in s.labels)
    record = doc.to_dict()["paragraphs"][2]
    assert record["labels"] and record["sentences"][0]["scores"]


def test_keeps_parser_sentences(model_path):
    doc = make_doc()
    p = doc.paragraphs[2]
    p.sentences = [Sentence(p.start, p.end, p.text)]
    ParagraphClassifier(model=model_path)(doc)
    assert len(p.sentences) == 1


def test_bad_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError):
        ParagraphClassifier(model=str(tmp_path / "nope.skops"))
    (tmp_path / "x.txt").write_text("x")
    with pytest.raises(ModelError, match="expected"):
        ParagraphClassifier(model=str(tmp_path / "x.txt"))


def test_classify_overrides():
    assert classify_overrides(None) == {}
    assert classify_overrides("m.skops") == {"classify": {"model": "m.skops"}}
def test_shipped_baseline_is_default():
    assert shipped_baseline_path().is_file()
    assert shipped_baseline_path().stat().st_size < 8_000_000
    doc = ParagraphClassifier()(make_doc())
    assert all(p.labels for p in doc.paragraphs)


