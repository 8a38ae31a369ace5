"""OCR of PDF pages without a text layer (rapidocr-onnxruntime): a mixed PDF (one text page,
one scanned page) and the scanned corpus report give the facts of their text equivalents;
OCR confidence reaches the record, and facts read with low confidence are flagged."""
import pytest

import nlp
from nlp.ingest import read
from tests.test_equivalence import shape


def facts(doc):
    return [(f["source"], f["field"], f["value"]) for f in doc.facts]


def test_libreoffice_pdf_matches_its_text(fixtures):
    """The text-layer PDF the mixed fixture was made from (tests/fixtures/make_fixtures.py)."""
    text_doc, pdf_doc = nlp.load(fixtures / "mini-2021.txt"), nlp.load(fixtures / "mini-2021.pdf")
    assert shape(pdf_doc) == shape(text_doc)
    assert facts(pdf_doc) == facts(text_doc)
    assert pdf_doc.ocr is None and "ocr" not in pdf_doc.to_dict()


@pytest.fixture(scope="module")
def mixed(fixtures):
    pytest.importorskip("rapidocr_onnxruntime")
    return nlp.load(fixtures / "mini-2021-mixed.pdf")


def test_mixed_pdf_gives_the_facts_of_its_text(mixed, fixtures):
    text_doc = nlp.load(fixtures / "mini-2021.txt")
    assert facts(mixed) == facts(text_doc)
    a, b = shape(mixed), shape(text_doc)
    assert a["meta"] == b["meta"] and a["sections"] == b["sections"]
    assert [k for k, _ in a["tables"]] == ["table2", "table3", "table4"]
    assert len(mixed.paragraphs) == len(text_doc.paragraphs)


def test_ocr_provenance_in_the_record(mixed):
    record = mixed.to_dict()
    pages = record["ocr"]["pages"]
    assert [p["ocr"] for p in pages] == [False, True]
    assert 0.8 < pages[1]["confidence"] <= 1 and pages[1]["chars"] > 100
    # page 1 is the text layer, page 2 (the tables and the closing paragraphs) was read
    by_start = {p.start: d["ocr_confidence"] for p, d in zip(mixed.paragraphs, record["paragraphs"])}
    assert by_start[mixed.paragraphs[0].start] is None
    assert by_start[mixed.paragraphs[-1].start] is not None
    for t in record["tables"]:
        assert all(c is not None for row, texts in zip(t["ocr_confidence"], t["rows"])
                   for c, text in zip(row, texts) if text)
    table_facts = [f for f in mixed.facts if f["source"] == "table"]
    assert table_facts and all("ocr_confidence" in f for f in table_facts)
    assert all(f["low_confidence"] == (f["ocr_confidence"] < 0.8) for f in table_facts)


def test_low_confidence_cells_are_flagged(fixtures):
    """A cell read below the threshold: its fact is kept, flagged, and named in a warning."""
    from nlp.facts import FactExtractor

    doc = nlp.load(fixtures / "mini-2021.txt")
    cell = next(c for row in doc.tables[1].rows for c in row if c.text == "12")
    doc.ocr = {"engine": "rapidocr-onnxruntime", "dpi": 200, "min_confidence": 0.8, "pages": []}
    doc.ocr_spans = [(i, i + 1, 0.99) for i in range(len(doc.text))]
    doc.ocr_spans[cell.start] = (cell.start, cell.start + 1, 0.42)
    doc = FactExtractor()(doc)
    flagged = [f for f in doc.facts if f.get("low_confidence")]
    assert [(f["field"], f["value"], f["ocr_confidence"]) for f in flagged] == [
        ("requests.new_received.total", 12, 0.42)]
    assert any("requests.new_received.total=12" in w for w in doc.warnings)
    record = doc.to_dict()
    confs = dict(zip(record["tables"][1]["rows"][1], record["tables"][1]["ocr_confidence"][1]))
    assert confs["12"] == 0.42 and confs["10"] == 0.99
    again = nlp.Document.from_dict(record).to_dict()
    assert again["tables"][1]["ocr_confidence"] == record["tables"][1]["ocr_confidence"]


def test_ocr_off_names_the_skipped_pages(fixtures, tmp_path, monkeypatch):
    from nlp.ingest import pdf as pdf_reader

    real = pdf_reader.load_config

    def no_ocr(name):
        cfg = real(name)
        return {**cfg, "pdf": {**cfg["pdf"], "ocr": {**cfg["pdf"]["ocr"], "enabled": False}}}

    monkeypatch.setattr(pdf_reader, "load_config", no_ocr)
    doc = read(fixtures / "mini-2021-mixed.pdf")
    assert doc.ocr is None and "二、主动公开" not in doc.text
    assert any("OCR is off" in w and "pages 2" in w for w in doc.warnings)


@pytest.mark.slow
def test_scanned_corpus_report(corpus):
    pytest.importorskip("rapidocr_onnxruntime")
    text_doc = nlp.load(corpus / "pdf" / "huaian-2024.pdf")
    scan = nlp.load(corpus / "pdf" / "huaian-2024-scanned.pdf")
    assert (scan.meta.year, scan.meta.era) == (2024, "2021")
    expected = {f["field"]: f["value"] for f in text_doc.facts if f["source"] == "table"}
    got = {f["field"]: f["value"] for f in scan.facts if f["source"] == "table"}
    assert len(expected) == 200
    assert sum(got.get(k) == v for k, v in expected.items()) >= 0.95 * len(expected)
    prose = [(f["field"], f["value"]) for f in text_doc.facts if f["source"] == "prose"]
    found = [(f["field"], f["value"]) for f in scan.facts if f["source"] == "prose"]
    assert sum(1 for x in prose if x in found) >= 0.9 * len(prose)
    assert [p["ocr"] for p in scan.to_dict()["ocr"]["pages"]] == [True] * 6
