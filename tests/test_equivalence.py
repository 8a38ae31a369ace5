"""The same report in different formats parses into the same structure."""
import io

import docx
import pytest

import nlp
from nlp.ingest import read_bytes


def shape(doc):
    return {
        "sections": [(s.level, s.marker, s.title) for s in doc.sections],
        "paragraphs": [p.text for p in doc.paragraphs],
        "headings": [p.heading for p in doc.paragraphs],
        "tables": [(t.kind, [c.text for row in t.rows for c in row if c.text]) for t in doc.tables],
        "meta": (doc.meta.title, doc.meta.issuer, doc.meta.year, doc.meta.era),
    }


def test_html_rendering_matches_text(fixtures):
    text_doc = nlp.load(fixtures / "mini-2021.txt")
    html_doc = nlp.load(fixtures / "mini-2021.html")
    assert shape(html_doc) == shape(text_doc)
    assert html_doc.meta.published == text_doc.meta.published == "2024-01-20"
    assert "不应出现的脚本文字" not in html_doc.text


def test_docx_built_from_text_matches_text(fixtures):
    """Write the mini report as a DOCX (paragraphs and real tables) and parse it back."""
    text_doc = nlp.load(fixtures / "mini-2021.txt")
    d = docx.Document()
    pos = 0
    for line in text_doc.text.split("\n"):
        t = next((t for t in text_doc.tables if t.start <= pos < t.end), None)
        if t is None:
            d.add_paragraph(line)
        elif pos == t.start:
            grid = t.grid()
            table = d.add_table(rows=len(grid), cols=max(map(len, grid)))
            for i, row in enumerate(grid):
                for j, cell in enumerate(row):
                    table.cell(i, j).text = cell
        pos += len(line) + 1
    buf = io.BytesIO()
    d.save(buf)
    docx_doc = nlp.load(read_bytes(buf.getvalue(), "mini.docx"))
    assert shape(docx_doc)["sections"] == shape(text_doc)["sections"]
    assert shape(docx_doc)["paragraphs"] == shape(text_doc)["paragraphs"]
    assert shape(docx_doc)["tables"] == shape(text_doc)["tables"]


def test_template_docx_matches_its_text_equivalent(corpus, fixtures):
    docx_doc = nlp.load(corpus / "template" / "report-template-2021.docx")
    text_doc = nlp.load(fixtures / "template-2021.txt")
    assert shape(docx_doc) == shape(text_doc)
    assert [t.kind for t in docx_doc.tables] == ["table2", "table3", "table4"]
    assert docx_doc.meta.era == "2021" and docx_doc.meta.year is None


def test_seed_html_rendering_matches_seed_text(corpus, fixtures):
    text_doc = nlp.load(corpus / "seeds" / "004_f827ae0e78b185da.txt")
    html_doc = nlp.load(fixtures / "seed-004.html")
    a, b = shape(html_doc), shape(text_doc)
    assert a["sections"] == b["sections"]
    assert a["paragraphs"] == b["paragraphs"]
    assert a["meta"] == b["meta"]
    assert [k for k, _ in a["tables"]] == [k for k, _ in b["tables"]]
    # the same numbers in the same order in every table
    numbers = lambda cells: [c for c in cells if c[0].isdigit()]  # noqa: E731
    assert [numbers(c) for _, c in a["tables"]] == [numbers(c) for _, c in b["tables"]]
