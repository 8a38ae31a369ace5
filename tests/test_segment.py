import pytest

from nlp.document import Document, Paragraph
from nlp.errors import ModelError
from nlp.segment import (JiebaSegmenter, PkusegSegmenter, RjiebaSegmenter, SegmentComponent, make_segmenter,
                         train_pkuseg)
from nlp.segment.pkuseg_backend import corpus_from_segmenter

DOMAIN_TERMS = ["依申请公开", "行政复议", "规范性文件", "政务新媒体", "12345热线", "政府信息公开"]


def test_domain_terms_come_out_whole():
    seg = JiebaSegmenter.shared()
    text = "本年度依申请公开政府信息,未发生行政复议;清理规范性文件,加强政务新媒体和12345热线管理,推进政府信息公开。"
    words = seg.cut(text)
    for term in DOMAIN_TERMS:
        assert term in words, (term, words)
    assert "".join(words) == text


def test_rjieba_is_the_default_and_honours_the_domain_dictionary():
    seg = make_segmenter()
    assert isinstance(seg, RjiebaSegmenter)
    text = "本年度依申请公开政府信息,未发生行政复议;清理规范性文件,加强政务新媒体和12345热线管理,推进政府信息公开。"
    words = seg.cut(text)
    for term in DOMAIN_TERMS:
        assert term in words, (term, words)
    import rjieba

    assert "政务新媒体" not in rjieba.cut("政务新媒体", False)  # the module-level tokenizer is untouched


def cuts_of(texts):
    rj, jb = make_segmenter("rjieba"), make_segmenter("jieba")
    return [(rj.cut(t), jb.cut(t)) for t in texts]


def test_rjieba_cuts_like_jieba_on_fixtures(fixtures):
    texts = ["ABC abc 123.5% 2024年 全角(一) 12345热线,统 计 指 标\t\n新行", "政务新媒体、 依申请公开 ; 其它"]
    for name in ("mini-2021.txt", "template-2021.txt"):
        texts += (fixtures / name).read_text(encoding="utf-8").splitlines()
    for a, b in cuts_of(texts):
        assert a == b


@pytest.mark.corpus
def test_rjieba_cuts_like_jieba_on_the_corpus(parsed_corpus):
    texts = [p.text for doc in parsed_corpus.values() for p in doc.paragraphs]
    texts += [doc.text for doc in parsed_corpus.values()]
    assert sum(1 for a, b in cuts_of(texts) if a != b) == 0


def test_private_tokenizer_leaves_global_jieba_alone():
    import jieba

    JiebaSegmenter.shared()
    assert "政务新媒体" not in jieba.lcut("政务新媒体", HMM=False)


def test_pkuseg_without_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match="model directory"):
        make_segmenter("pkuseg")
    with pytest.raises(ModelError, match="not a spacy-pkuseg model"):
        PkusegSegmenter(tmp_path)


def test_pkuseg_trains_on_a_tiny_domain_corpus(tmp_path):
    lines = ["本年度依申请公开政府信息7件,行政复议0件。", "加强政务新媒体建设,规范性文件全部公开。",
             "12345热线办结率100%,政府信息公开指南及时更新。"] * 10
    corpus = tmp_path / "train.txt"
    assert corpus_from_segmenter(["\n".join(lines)], JiebaSegmenter.shared(), corpus) == 30
    model = train_pkuseg(corpus, tmp_path / "model", iterations=3)
    seg = PkusegSegmenter(model)
    words = seg.cut("加强政务新媒体建设,依申请公开政府信息。")
    assert "".join(words) == "加强政务新媒体建设,依申请公开政府信息。"
    assert "政务新媒体" in words and "依申请公开" in words


def test_segment_component_fills_tokens():
    doc = Document(text="依申请公开。行政复议。")
    doc.paragraphs = [Paragraph("p1", None, "依申请公开。", 0, 6), Paragraph("p2", None, "行政复议。", 6, 11)]
    SegmentComponent()(doc)
    assert doc.paragraphs[0].tokens == ["依申请公开", "。"]
    assert doc.paragraphs[1].tokens == ["行政复议", "。"]
    assert doc.to_dict()["paragraphs"][0]["tokens"] == ["依申请公开", "。"]  # present once segmented
    assert "tokens" not in doc.to_dict(with_tokens=False)["paragraphs"][0]
