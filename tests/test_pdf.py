"""The PDF reader (pypdfium2 text layer, grids from ruled lines): the grids pdfplumber's table
finder gives, paragraphs re-joined from geometry, tables continued across pages."""
import io
import subprocess
import sys

import pytest

from nlp.ingest import read_bytes
from nlp.ingest.layout import TableGrid
from nlp.ingest.pdf import read_pages
from tests.pdf_helpers import make_pdf, rect, ruled_table, text


def grids(data: bytes) -> list[list[list[str]]]:
    return [[["".join(c.text.split()) if c else "" for c in row] for row in it.rows]
            for page in read_pages(data, "t.pdf")[0] for it in page.items if isinstance(it, TableGrid)]


def plumber_grids(data: bytes, min_columns: int = 2) -> list[list[list[str]]]:
    pdfplumber = pytest.importorskip("pdfplumber")
    out = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for t in page.find_tables():
                rows = [["".join((c or "").split()) for c in row] for row in t.extract()]
                if max(sum(1 for c in r if c) for r in rows) >= min_columns:
                    out.append(rows)
    return out


TABLE = [["Item", "A", "B"], ["Group", "x1", "1"], [None, "x2", "2"], ["Total", "x", "3"]]


def test_ruled_table_with_a_merged_cell():
    data = make_pdf([text(72, 780, "Annual report 2023") + ruled_table(72, 760, [120, 60, 60], TABLE,
                                                                       merge_down={(1, 0): 1})])
    expected = [["Item", "A", "B"], ["Group", "x1", "1"], ["", "x2", "2"], ["Total", "x", "3"]]
    assert grids(data) == [expected] == plumber_grids(data)
    doc = read_bytes(data, "t.pdf")
    assert doc.text.split("\n") == ["Annual report 2023", "Item | A | B", "Group | x1 | 1", " | x2 | 2",
                                    "Total | x | 3"]
    assert [[c.text for c in row] for row in doc.source_tables[0]] == expected


def test_a_framed_paragraph_is_not_a_table():
    data = make_pdf([rect(60, 700, 400, 60) + text(72, 740, "A boxed note, one column") + text(92, 720, "more")])
    assert grids(data) == []
    assert read_bytes(data, "t.pdf").text.split("\n") == ["A boxed note, one column", "more"]


def test_paragraphs_are_rejoined_and_page_numbers_dropped():
    full = "x" * 70  # Courier 10 pt: 420 points, from the margin (72) to 492
    page = (text(92, 780, "Para" + "a" * 63) + text(72, 766, full) + text(72, 752, "ends short.")
            + text(92, 738, "Next" + "b" * 63) + text(72, 724, "end.") + text(280, 60, "- 1 -"))
    doc = read_bytes(make_pdf([page]), "t.pdf")
    assert doc.text.split("\n") == ["Para" + "a" * 63 + full + "ends short.", "Next" + "b" * 63 + "end."]


def test_a_table_continued_on_the_next_page_is_one_grid():
    first = ruled_table(72, 300, [120, 60], [["Item", "N"], ["(1) Granted", "4"], ["(2) Not", "1"]])
    second = ruled_table(72, 780, [120, 60], [["held", ""], ["(3) Total", "5"]])
    doc = read_bytes(make_pdf([first, second]), "t.pdf")
    # a label cut by the page break ("(2) Not" | "held") is joined again
    assert [[c.text for c in row] for t in doc.source_tables for row in t] == [
        ["Item", "N"], ["(1) Granted", "4"], ["(2) Notheld", "1"], ["(3) Total", "5"]]


def test_corpus_grids_match_pdfplumber(corpus):
    data = (corpus / "pdf" / "huaian-2024.pdf").read_bytes()
    ours = grids(data)
    assert len(ours) == 5 and ours == plumber_grids(data)


def test_reading_text_does_not_import_pdf_ocr_or_office_libraries(fixtures):
    code = ("import sys, nlp; from nlp.ingest import read; read(sys.argv[1]); "
            "print(sorted(m for m in ('pypdfium2', 'pdfplumber', 'pdfminer', 'rapidocr_onnxruntime', 'cv2', "
            "'onnxruntime', 'openpyxl', 'xlrd') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, str(fixtures / "mini-2021.txt")], capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "[]"
