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


def _tag(args):
    from typer.testing import CliRunner

    from nlp.cli import app

    return CliRunner().invoke(app, ["tag", *map(str, args), "--no-progress", "-j", "1"])


def _records(path):
    import json

    return {r["source"]: r for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


def test_tag_group_by_folder(fixtures, tmp_path, legacy_text):
    baisha, qingshi = tmp_path / "in" / "baisha", tmp_path / "in" / "qingshi"
    baisha.mkdir(parents=True)
    qingshi.mkdir()
    shutil.copy(fixtures / "legacy-2017-report.txt", baisha / "report.txt")
    shutil.copy(fixtures / "legacy-stats.xlsx", baisha / "附件 统计表.xlsx")
    shutil.copy(fixtures / "mini-2021.txt", qingshi / "report.txt")
    out = tmp_path / "out.jsonl"
    res = _tag([tmp_path / "in", "--group-by", "folder", "-o", out])
    assert res.exit_code == 0, res.output
    records = _records(out)
    assert sorted(records) == [str(baisha / "report.txt"), str(qingshi / "report.txt")]
    grouped = records[str(baisha / "report.txt")]
    assert [a["source"] for a in grouped["attachments"]] == [str(baisha / "附件 统计表.xlsx")]
    assert [(f["source"], f["field"], f["value"]) for f in grouped["facts"]] == facts(legacy_text)
    assert "attachments" not in records[str(qingshi / "report.txt")]
    # without grouping the attachment is a record of its own and the report has no table facts
    res = _tag([tmp_path / "in", "-o", tmp_path / "flat.jsonl"])
    assert res.exit_code == 0, res.output
    flat = _records(tmp_path / "flat.jsonl")
    assert len(flat) == 3 and not [f for f in flat[str(baisha / "report.txt")]["facts"] if f["source"] == "table"]


def test_tag_group_by_file_name_pattern(fixtures, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(fixtures / "legacy-2017-report.txt", folder / "0417_年度报告.txt")
    shutil.copy(fixtures / "legacy-stats.xls", folder / "0417_附件.xls")
    shutil.copy(fixtures / "mini-2021.txt", folder / "0520_年度报告.txt")
    out = tmp_path / "out.jsonl"
    res = _tag([folder, "--group-by", r"^(\d+)_", "-o", out])
    assert res.exit_code == 0, res.output
    records = _records(out)
    assert sorted(records) == [str(folder / "0417_年度报告.txt"), str(folder / "0520_年度报告.txt")]
    assert len([f for f in records[str(folder / "0417_年度报告.txt")]["facts"] if f["source"] == "table"]) == 58


def test_tag_group_by_bad_pattern_is_one_clear_error(tmp_path, fixtures):
    res = _tag([fixtures / "mini-2021.txt", "--group-by", "(unclosed", "-o", tmp_path / "o.jsonl"])
    assert res.exit_code != 0 and "--group-by '(unclosed': not a valid regular expression" in res.output
