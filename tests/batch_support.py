"""Test doubles for batch tagging: a small real pipeline over plain text that does not need the
full parser, and a generator of distinct report files."""
from __future__ import annotations

import os
import re
import time
from pathlib import Path

from nlp.document import Document, Meta, Paragraph
from nlp.errors import ReadError
from nlp.pipeline import Pipeline

ISSUERS = ["北京市朝阳区人民政府", "上海市浦东新区人民政府", "淮安市人民政府", "某某县人民政府", "广州市天河区人民政府"]

REPORT = """{issuer}{year}年政府信息公开工作年度报告
一、总体情况
{year}年,{short}深入贯彻落实《中华人民共和国政府信息公开条例》,全年主动公开政府信息{proactive}条。
(一)依申请公开情况。{year}年,收到政府信息公开申请{received}件,办结{closed}件。
二、存在的主要问题及改进情况
公开内容不够全面。编号{serial}。
"""


def report_text(i: int) -> str:
    issuer = ISSUERS[i % len(ISSUERS)]
    return REPORT.format(issuer=issuer, short=issuer[:3], year=2015 + i % 10, proactive=1000 + i,
                         received=10 + i % 97, closed=9 + i % 97, serial=i)


def write_reports(folder: Path, n: int, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + n):
        p = folder / f"report-{i:04d}.txt"
        p.write_text(report_text(i), encoding="utf-8")
        paths.append(p)
    return paths


def split_paragraphs(doc: Document) -> Document:
    pos = 0
    for i, line in enumerate(doc.text.split("\n")):
        if line.strip():
            doc.paragraphs.append(Paragraph(id=f"p{i}", section=None, text=line, start=pos, end=pos + len(line)))
        pos += len(line) + 1
    return doc


def read_meta(doc: Document) -> Document:
    m = re.match(r"(.+?)(\d{4})年政府信息公开工作年度报告", doc.text)
    if m:
        doc.meta = Meta(title=m.group(0), issuer=m.group(1), year=int(m.group(2)), era="2021")
    return doc


def find_facts(doc: Document) -> Document:
    for field, pattern in (("requests.new_received.total", r"收到政府信息公开申请(\d+)件"),
                           ("requests.closed", r"办结(\d+)件"), ("proactive.total", r"主动公开政府信息(\d+)条")):
        for m in re.finditer(pattern, doc.text):
            para = doc.paragraph_at(m.start())
            doc.facts.append({"field": field, "label": None, "subject": None, "value": int(m.group(1)),
                              "unit": m.group(0)[-1], "qualifier": None, "raw": m.group(0), "source": "prose",
                              "paragraph": para.id if para else None, "table": None,
                              "start": m.start(), "end": m.end()})
    received = [f["value"] for f in doc.facts if f["field"] == "requests.new_received.total"]
    closed = [f["value"] for f in doc.facts if f["field"] == "requests.closed"]
    if "UNSTORABLE" in doc.text:  # a value no store can encode (JSON has no sets)
        doc.facts.append({"field": None, "value": 1, "start": 0, "end": 1, "note": {"a", "b"}})
    if received and closed:
        doc.checks.append({"name": "closed_le_received", "ok": closed[0] <= received[0], "left": closed[0],
                           "right": received[0], "fields": ["requests.closed", "requests.new_received.total"],
                           "detail": None})
    return doc


class TextPipeline(Pipeline):
    """Reads UTF-8 text files or strings without the full ingest step; "FAIL" in a text makes
    it a bad input, "UNSTORABLE" gives it a fact no store can encode, "CRASH" kills the worker process (as a segfault in a native reader would);
    $GOVREPORT_TEST_DELAY seconds of sleep per document slow it down; with
    $GOVREPORT_TEST_HOLD=FILE:N, every document after the first N waits until FILE exists (at
    most a minute), so a test can keep a run alive exactly as long as it needs to;
    $GOVREPORT_TEST_WARN, if set, is added to each document's warnings."""

    processed = 0

    def process(self, source, name=None):
        self._hold()
        t0 = time.perf_counter()
        if name is None:
            path = Path(source)
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as e:
                raise ReadError(path, f"cannot read: {e}") from None
            name = str(path)
        else:
            text = source
        if "FAIL" in text:
            raise ReadError(name, "marked as a bad input")
        if "CRASH" in text:
            os._exit(70)
        delay = float(os.environ.get("GOVREPORT_TEST_DELAY", "0"))
        if delay:
            time.sleep(delay)
        self.timings["ingest"] += time.perf_counter() - t0
        doc = Document(text=text.strip(), source=name)
        if os.environ.get("GOVREPORT_TEST_WARN"):
            doc.warnings.append(os.environ["GOVREPORT_TEST_WARN"])
        return self(doc)

    def _hold(self) -> None:
        hold = os.environ.get("GOVREPORT_TEST_HOLD")
        self.processed += 1
        if not hold:
            return
        release, _, after = hold.rpartition(":")
        deadline = time.monotonic() + 60
        while self.processed > int(after) and not Path(release).exists() and time.monotonic() < deadline:
            time.sleep(0.01)


def make_pipeline() -> TextPipeline:
    return TextPipeline([("paragraphs", split_paragraphs), ("meta", read_meta), ("facts", find_facts)])


FACTORY = "tests.batch_support:make_pipeline"
