import io

import docx
import pytest

import nlp
from nlp.errors import ReadError
from nlp.ingest import read, read_bytes
from tests.pdf_helpers import pdf_from_objects

MINI = "青石县2023年政府信息公开工作年度报告\n一、总体情况\n2023年，我县收到申请１２件。\n"


def test_encodings_are_detected(tmp_path):
    for enc, data in [
        ("utf-8", MINI.encode("utf-8")),
        ("utf-8-bom", b"\xef\xbb\xbf" + MINI.encode("utf-8")),
        ("gb18030", MINI.encode("gb18030")),
        ("gbk", MINI.encode("gbk")),
    ]:
        path = tmp_path / f"r-{enc}.txt"
        path.write_bytes(data)
        doc = read(path)
        assert "2023年,我县收到申请12件。" in doc.text, enc


def test_raw_text_and_bytes_are_accepted():
    assert read(MINI).source == "<text>"
    assert read(MINI.encode("gb18030"), name="x").text == read(MINI).text


def test_offsets_map_back_to_the_source(fixtures):
    doc = read(fixtures / "mini-2021.txt")
    i = doc.text.index("1,250条")
    j = doc.source_offset(i)
    assert doc.source_text[j:j + 6] == "1,250条"
    k = doc.text.index("(一)主动公开")
    assert doc.source_text[doc.source_offset(k)] == "("


def test_web_chrome_is_removed(fixtures):
    doc = read(fixtures / "mini-2021.txt")
    for chrome in ("首页", "【打印】", "相关阅读", "扫一扫", "发布时间"):
        assert chrome not in doc.text
    assert any("发布时间" in line for line in doc.removed_lines)


@pytest.mark.parametrize(
    "name,data,reason",
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\t\n", "empty file"),
        ("junk.txt", bytes(range(256)) * 4, "binary data"),
        ("fake.pdf", b"hello, not a pdf", "not a PDF"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj garbage", "corrupted PDF"),
        ("broken.docx", b"PK\x03\x04 this is no zip", "corrupted DOCX"),
        ("locked.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "encrypted DOCX"),
        ("only-chrome.txt", "首页 > 政务公开\n【打印】\n扫一扫在手机打开\n".encode(), "no report text"),
    ],
)
def test_bad_input_gives_one_clear_error(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ReadError) as err:
        read(path)
    assert str(err.value).startswith(str(path)) and reason in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_unknown_and_directory(tmp_path):
    with pytest.raises(ReadError, match="no such file"):
        read(tmp_path / "nope.txt")
    (tmp_path / "x.odt").write_bytes(b"data")
    with pytest.raises(ReadError, match="unsupported file type '.odt'"):
        read(tmp_path / "x.odt")
    with pytest.raises(ReadError, match="is a directory"):
        read(tmp_path.as_posix() + "/")


def _pdf(text_ops: bytes) -> bytes:
    """A minimal one-page PDF whose content stream is ``text_ops``."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text_ops) + text_ops + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_from_objects(objs)


def test_pdf_without_text_layer_is_reported(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(_pdf(b"0 0 1 rg 10 10 100 100 re f"))
    with pytest.raises(ReadError, match="no text layer"):
        read(path)


def test_encrypted_pdf_is_reported(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(_pdf(b"BT /F1 12 Tf 72 720 Td (Report 2023) Tj ET")))
    writer = pypdf.PdfWriter()
    writer.append_pages_from_reader(reader)
    writer.encrypt("secret")
    path = tmp_path / "locked.pdf"
    with open(path, "wb") as f:
        writer.write(f)
    with pytest.raises(ReadError, match="encrypted PDF"):
        read(path)


def test_simple_pdf_text_is_read(tmp_path):
    path = tmp_path / "ok.pdf"
    path.write_bytes(_pdf(b"BT /F1 12 Tf 72 720 Td (Annual report 2023) Tj ET"))
    assert "Annual report 2023" in read(path).text


def test_docx_paragraphs_and_tables(tmp_path):
    d = docx.Document()
    d.add_paragraph("青石县2023年政府信息公开工作年度报告")
    d.add_paragraph("一、总体情况")
    d.add_paragraph("2023年,我县收到申请12件。")
    t = d.add_table(rows=2, cols=3)
    for j, v in enumerate(["信息内容", "本年制发件数", "本年废止件数"]):
        t.cell(0, j).text = v
    for j, v in enumerate(["规章", "1", "0"]):
        t.cell(1, j).text = v
    buf = io.BytesIO()
    d.save(buf)
    doc = nlp.load(read_bytes(buf.getvalue(), "mini.docx"))
    assert [p.text for p in doc.paragraphs] == ["2023年,我县收到申请12件。"]
    assert doc.tables[0].grid() == [["信息内容", "本年制发件数", "本年废止件数"], ["规章", "1", "0"]]


def test_chrome_removal_in_one_scan_agrees_with_each_pattern(fixtures):
    import re

    from nlp.config import load_config
    from nlp.ingest.blocks import _anchored, is_removable

    patterns = [re.compile(p) for p in load_config("ingest")["remove_lines"]]
    lines = ["首页 > 政务公开", "您的位置:首页", "【打印】", "字体:【大 中 小】", "调整字体大小:", "相关阅读:", "- 3 -",
             "第 2 页 共 5 页", "3/12", "请扫一扫二维码", "附件:统计表.xls", "发布时间:2024-01-02 来源:本站",
             "一、总体情况", "2024年,我县收到政府信息公开申请7件。"]
    for name in ("mini-2021.txt", "template-2021.txt"):
        lines += (fixtures / name).read_text(encoding="utf-8").splitlines()
    assert any(is_removable(line) for line in lines) and not all(is_removable(line) for line in lines)
    longest = load_config("ingest").get("max_chrome_chars", 200)
    for line in lines:
        assert is_removable(line) == (len(line) <= longest and any(p.search(line) for p in patterns)), line
    assert [_anchored(p) for p in ("^a|b", "^(a|b)c", "^[|]x", r"^\|a", "x|^y", "a")] == [
        False, True, True, True, False, False]
