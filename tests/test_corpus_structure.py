"""Acceptance on the six real documents of the shared corpus (skipped when it is absent)."""
import re

import pytest

pytestmark = pytest.mark.corpus

# year, era, title, prose paragraphs counted by reading each source by hand
EXPECTED = {
    "000": (2018, "legacy", "2018年度殷都区政府信息公开年度报告", 15),
    "001": (2018, "legacy", "永顺县2018年政府信息公开工作年度报告", 18),
    "002": (2020, "2019", "瓦房子镇2020年政府信息公开工作年度报告", 12),
    "003": (2018, "legacy", None, 22),
    "004": (2022, "2021", "会同县2022年政府信息公开工作年度报告", 13),
    "huaian": (2024, "2021", "淮安市人民政府2024年政府信息公开工作年度报告", 10),
}
TABLE_KINDS = {
    "000": ["legacy_stats"], "001": [], "002": ["table2", "table3", "table4"],
    "003": ["legacy_stats"], "004": ["table2", "table3", "table4"], "huaian": ["table2", "table3", "table4"],
}
CHROME = re.compile(r"首页>|【打印】|字体|相关阅读|相关文档|扫一扫|发布时间|^-\s*\d+\s*-$")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_meta_and_paragraph_count(parsed_corpus, name):
    doc = parsed_corpus[name]
    year, era, title, n = EXPECTED[name]
    assert (doc.meta.year, doc.meta.era, doc.meta.title) == (year, era, title)
    assert len(doc.paragraphs) == n
    assert [t.kind for t in doc.tables] == TABLE_KINDS[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_paragraphs_are_clean(parsed_corpus, name):
    doc = parsed_corpus[name]
    cells = {c.text for t in doc.tables for row in t.rows for c in row if len(c.text) > 3}
    for p in doc.paragraphs:
        assert doc.text[p.start:p.end] == p.text
        assert not CHROME.search(p.text), p.text
        assert not re.search(r"-\s*\d{1,2}\s*-", p.text), p.text  # page numbers
        assert p.text not in cells
        assert "|" not in p.text
        for t in doc.tables:
            assert p.end <= t.start or p.start >= t.end, "paragraph overlaps a table"


def test_pdf_paragraphs_are_not_split_mid_sentence(parsed_corpus):
    doc = parsed_corpus["huaian"]
    for p in doc.paragraphs:
        assert p.text[-1] in "。)", p.text[-20:]
    starts = ["本报告由淮安", "2024年,我市", "(一)主动公开", "(二)依申请公", "(三)政府信息",
              "(四)政府信息", "(五)政府信息", "对照上级新要", "针对存在问题", "2024年,市政"]
    assert len(doc.paragraphs) == len(starts)
    for p, start in zip(doc.paragraphs, starts):
        assert p.text.startswith(start), p.text[:20]


def test_pdf_tables_are_whole(parsed_corpus):
    t2, t3, t4 = parsed_corpus["huaian"].tables
    assert ["行政处罚", "3985758"] in [[c for c in r if c] for r in t2.grid()]  # continued across a page
    labels = [" ".join(c for c in row if c and not c.isdigit()) for row in t3.grid()]
    assert any("法提供" not in l and "2.没有现成信息需要另行制作" in l for l in labels)
    assert t4.grid()[-1] == "72 64 178 37 351 13 4 8 1 26 12 1 1 6 20".split()


def test_no_table_cell_in_paragraphs_of_one_cell_per_line_tables(parsed_corpus):
    for name in ("000", "002"):
        doc = parsed_corpus[name]
        for p in doc.paragraphs:
            assert not re.fullmatch(r"[\d.]+|——|万元|人次", p.text)
            assert "统计指标" not in p.text and "第二十条" not in p.text
