"""Word 97-2003 (.doc, antiword) and spreadsheets (.xlsx openpyxl, .xls xlrd): the legacy
statistics table made with LibreOffice from our own fixtures (tests/fixtures/make_fixtures.py)
gives the facts of its text equivalent; a report read with its attachment gets the
attachment's table facts."""
import io
import shutil

import pytest

import nlp
from nlp.errors import ReadError
from nlp.ingest import read, read_bytes


def facts(doc, source=None):
    return [(f["source"], f["field"], f["value"]) for f in doc.facts if source in (None, f["source"])]


@pytest.fixture(scope="module")
def legacy_text(fixtures):
    return nlp.load(fixtures / "legacy-2017.txt")


def test_text_equivalent_is_a_legacy_report(legacy_text):
    assert (legacy_text.meta.year, legacy_text.meta.era) == (2017, "legacy")
    assert [t.kind for t in legacy_text.tables] == ["legacy_stats"]
    assert len(facts(legacy_text, "table")) == 58 and len(facts(legacy_text, "prose")) == 3


@pytest.mark.skipif(shutil.which("antiword") is None, reason="antiword not installed (scripts/setup.sh installs it)")
def test_doc_gives_the_facts_of_its_text(fixtures, legacy_text):
    doc = nlp.load(fixtures / "legacy-2017.doc")
    assert facts(doc) == facts(legacy_text)
    assert doc.meta == legacy_text.meta
    assert [p.text for p in doc.paragraphs] == [p.text for p in legacy_text.paragraphs]


def test_doc_without_antiword_says_what_to_install(fixtures, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    path = fixtures / "legacy-2017.doc"
    with pytest.raises(ReadError) as err:
        read(path)
    assert str(err.value) == f"{path}: reading .doc needs antiword (apt-get install antiword)"


@pytest.mark.parametrize("name", ["legacy-stats.xlsx", "legacy-stats.xls"])
def test_spreadsheet_gives_the_table_facts_of_its_text(fixtures, legacy_text, name):
    doc = nlp.load(fixtures / name)
    assert facts(doc) == facts(legacy_text, "table")
    assert [t.kind for t in doc.tables] == ["legacy_stats"] and doc.meta.era == "legacy"
    assert doc.text.split("\n")[:2] == ["政府信息公开情况统计表", "填报单位:青石县白沙乡人民政府"]
    assert [c for c in doc.checks if not c["ok"]] == []


def test_report_with_its_attachment_gets_the_attachment_facts(fixtures, legacy_text):
    report = fixtures / "legacy-2017-report.txt"
    alone = nlp.load(report)
    assert facts(alone, "table") == []
    doc = nlp.load([report, fixtures / "legacy-stats.xlsx"])
    assert facts(doc) == facts(legacy_text)
    assert doc.meta == alone.meta and doc.source == str(report)
    (att,) = doc.to_dict()["attachments"]
    assert att["source"] == str(fixtures / "legacy-stats.xlsx")
    assert all(att["start"] <= f["start"] < att["end"] for f in doc.facts if f["source"] == "table")
    assert all(f["end"] <= att["start"] for f in doc.facts if f["source"] == "prose")


def test_an_unreadable_attachment_is_left_out_with_a_warning(fixtures, tmp_path):
    bad = tmp_path / "stats.xlsx"
    bad.write_bytes(b"PK\x03\x04 not a workbook")
    doc = nlp.load([fixtures / "legacy-2017-report.txt", bad])
    assert facts(doc, "table") == [] and doc.attachments == []
    assert any(w.startswith("attachment left out:") and "corrupted .xlsx" in w for w in doc.warnings)


def test_sheet_cells_are_written_as_shown(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["表一 测试", None, None, None])
    ws.merge_cells("A1:D1")
    ws.append(["指标", None, "数量", "比例"])
    ws.append(["收到申请", None, 12.0, 0.25])
    ws.append(["办结", None, 1.5, None])
    ws["D3"].number_format = "0%"
    ws.append(["填表人:张三", None, None, None])
    wb.create_sheet("hidden").append(["x", "y"])
    wb["hidden"].sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    doc = read_bytes(buf.getvalue(), "t.xlsx")
    assert doc.text.split("\n") == ["表一测试", "指标 | 数量 | 比例", "收到申请 | 12 | 25%", "办结 | 1.5 | ",
                                    "填表人:张三"]


@pytest.mark.parametrize("name,data,reason", [
    ("bad.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "could not read this .doc"),
    ("fake.doc", b"just text, no Word document", "not a Word 97-2003 document"),
    ("rtf.doc", b"{\\rtf1\\ansi hello}", "RTF file"),
    ("bad.xlsx", b"PK\x03\x04 no zip", "corrupted .xlsx"),
    ("bad.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "corrupted .xls"),
])
def test_bad_office_files_give_one_clear_error(tmp_path, name, data, reason):
    if name.endswith(".doc") and "could not" in reason and shutil.which("antiword") is None:
        reason = "needs antiword"
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ReadError) as err:
        read(path)
    assert str(err.value).startswith(str(path)) and reason in str(err.value) and "\n" not in str(err.value)
