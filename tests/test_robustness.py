"""Random, truncated and broken input: only clean errors or valid documents."""
import io

import docx
from hypothesis import HealthCheck, given, settings, strategies as st

import nlp
from nlp.errors import ReadError
from nlp.ingest import read_bytes

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PIPE = nlp.Pipeline.from_config("pipeline")
MINI = open(__file__.rsplit("/", 1)[0] + "/fixtures/mini-2021.txt", encoding="utf-8").read()


def check_document(doc):
    assert isinstance(doc.text, str)
    for p in doc.paragraphs:
        assert doc.text[p.start:p.end] == p.text
        for s in p.sentences:
            assert p.start <= s.start < s.end <= p.end
    for t in doc.tables:
        for row in t.rows:
            for c in row:
                assert doc.text[c.start:c.end] == c.text
    for s in doc.sections:
        assert 0 <= s.start <= s.end <= len(doc.text)
    for i in range(0, len(doc.text), 97):
        assert 0 <= doc.source_offset(i) <= len(doc.source_text)
    doc.to_dict()


def parse_or_clean_error(source, name="x"):
    try:
        doc = PIPE.process(source, name=name)
    except ReadError as e:
        assert str(e).strip() and "\n" not in str(e)
        return None
    check_document(doc)
    return doc


report_chars = st.sampled_from(list("一二三四五、()（）年月日件条。,:;|0123456789 \n\t　ＡＢ１２报告总体情况申请公开") + ["\u200b", "㈠"])


@SETTINGS
@given(st.text(alphabet=report_chars, max_size=400))
def test_random_report_like_text(text):
    parse_or_clean_error(text)


@SETTINGS
@given(st.text(max_size=300))
def test_random_unicode_text(text):
    parse_or_clean_error(text)


@SETTINGS
@given(st.integers(min_value=0, max_value=len(MINI)), st.integers(min_value=0, max_value=len(MINI)))
def test_truncated_report(a, b):
    a, b = sorted((a, b))
    parse_or_clean_error(MINI[a:b])


@SETTINGS
@given(st.binary(max_size=2000))
def test_random_bytes(data):
    parse_or_clean_error(data)


@SETTINGS
@given(st.sampled_from([".txt", ".html", ".pdf", ".docx", ".doc", ".xls", ".xlsx"]), st.binary(max_size=600))
def test_random_bytes_as_each_file_type(tmp_path_factory, suffix, data):
    path = tmp_path_factory.mktemp("rb") / f"junk{suffix}"
    path.write_bytes(data)
    parse_or_clean_error(path)


def _docx_bytes() -> bytes:
    d = docx.Document()
    for line in MINI.splitlines()[:12]:
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


DOCX = _docx_bytes()


@SETTINGS
@given(st.integers(min_value=0, max_value=len(DOCX)), st.integers(min_value=0, max_value=255))
def test_broken_docx(cut, byte):
    parse_or_clean_error(DOCX[:cut], "broken.docx")
    flipped = bytearray(DOCX)
    flipped[cut % len(DOCX)] = byte
    try:
        doc = read_bytes(bytes(flipped), "flipped.docx", "docx")
        check_document(PIPE(doc))
    except ReadError:
        pass


def test_truncated_corpus_pdf(corpus):
    data = (corpus / "pdf" / "huaian-2024.pdf").read_bytes()
    for cut in (0, 10, 100, 1000, len(data) // 3, len(data) // 2, len(data) - 100):
        parse_or_clean_error(data[:cut], "cut.pdf")
