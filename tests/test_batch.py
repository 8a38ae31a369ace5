"""Batch tagging through the library: discovery, resume, duplicates, failures, workers."""
from __future__ import annotations

import json
import os

import pytest

from nlp.batch import discover, iter_items, tag_corpus
from nlp.store import open_store
from tests.batch_support import FACTORY, report_text, write_reports


def run(inputs, out, **kw):
    with open_store(out) as store:
        return tag_corpus([str(i) for i in inputs], store, pipeline_factory=FACTORY, progress=False, **kw)


def test_discover_folders_globs_jsonl_and_missing(tmp_path):
    write_reports(tmp_path / "a", 2)
    write_reports(tmp_path / "a" / "deeper", 1, start=5)
    (tmp_path / "a" / ".hidden.txt").write_text("x")
    (tmp_path / "a" / "notes.csv").write_text("x")
    (tmp_path / "b.jsonl").write_text('{"id": "x1", "text": "t1"}\n\n{"id": "x2", "text": "t2"}\n')
    (tmp_path / "c.dat").write_text("named explicitly, so read whatever its suffix")
    sources = discover([tmp_path / "a", tmp_path / "b.jsonl", tmp_path / "c.dat", tmp_path / "nope.txt",
                        str(tmp_path / "a" / "**" / "*.txt"), str(tmp_path / "z*.pdf")])
    kinds = [(s.kind, os.path.basename(s.path), s.count) for s in sources]
    assert kinds == [("file", "report-0000.txt", 1), ("file", "report-0001.txt", 1), ("file", "report-0005.txt", 1),
                     ("jsonl", "b.jsonl", 2), ("file", "c.dat", 1), ("missing", "nope.txt", 1),
                     ("missing", "z*.pdf", 1)]  # the glob's files were already listed: each file once
    items = list(iter_items(sources))
    assert [i.source.rsplit("/", 1)[-1] for i in items if i.text] == ["b.jsonl#x1", "b.jsonl#x2"]
    assert [i.error for i in items if i.error] == ["no such file or directory", "no file matches this pattern"]
    keys = [i.key for i in items if not i.error]
    assert len(set(keys)) == len(keys) == 6


def test_tag_resume_duplicates_and_failures(tmp_path):
    corpus = tmp_path / "corpus"
    write_reports(corpus, 12)
    (corpus / "copy.txt").write_text(report_text(3), encoding="utf-8")  # same text as report-0003
    (corpus / "bad.txt").write_text("FAIL: not a report", encoding="utf-8")
    out = tmp_path / "r.sqlite"
    first = run([corpus], out, workers=1)
    assert (first.inputs, first.written, first.duplicates, first.failed, first.skipped) == (14, 12, 1, 1, 0)
    assert first.facts == 36 and first.failures == [(str(corpus / "bad.txt"), "marked as a bad input")]
    assert {"ingest", "paragraphs", "meta", "facts"} <= set(first.timings)

    write_reports(corpus, 3, start=100)
    second = run([corpus], out, workers=1)
    # done files are skipped without reading them; the failed one is retried
    assert (second.written, second.skipped, second.failed, second.duplicates) == (3, 13, 1, 0)
    store = open_store(out, mode="r")
    assert store.count("documents") == 15 and store.count("facts") == 45
    assert store.count("failures") == 2 and store.count("runs") == 2

    (corpus / "report-0000.txt").write_text(report_text(0) + "修订。", encoding="utf-8")
    third = run([corpus], out, workers=1)  # an edited file is read again: it is a new document
    assert (third.written, third.skipped) == (1, 15)


def test_text_inputs_from_jsonl_and_datasets(tmp_path):
    datasets = pytest.importorskip("datasets")
    rows = [{"id": f"d{i}", "text": report_text(i)} for i in range(4)]
    (tmp_path / "in.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows[:2])
                                       + '\n{"id": "broken", "text": \n', encoding="utf-8")
    datasets.Dataset.from_list(rows[2:]).save_to_disk(str(tmp_path / "ds"))
    summary = run([tmp_path / "in.jsonl", tmp_path / "ds"], tmp_path / "r.jsonl", workers=1)
    assert (summary.written, summary.failed) == (4, 1)
    assert "not valid JSON" in summary.failures[0][1]
    records = list(open_store(tmp_path / "r.jsonl", mode="r").iter_records())
    assert sorted(r["source"].rsplit("#", 1)[1] for r in records) == ["d0", "d1", "d2", "d3"]
    again = run([tmp_path / "in.jsonl", tmp_path / "ds"], tmp_path / "r.jsonl", workers=1)
    assert (again.written, again.skipped) == (0, 4)


def test_two_workers_store_the_same_documents_as_one(tmp_path):
    write_reports(tmp_path / "c", 20)
    (tmp_path / "c" / "bad.txt").write_text("FAIL")
    one = run([tmp_path / "c"], tmp_path / "one.jsonl", workers=1)
    two = run([tmp_path / "c"], tmp_path / "two.jsonl", workers=2)
    assert two.workers == 2 and (two.written, two.failed, two.facts) == (one.written, one.failed, one.facts) == (20, 1, 60)

    def by_id(name):
        return {r["doc_id"]: r for r in open_store(tmp_path / name, mode="r").iter_records()}

    assert by_id("one.jsonl") == by_id("two.jsonl")
    assert two.timings["facts"] > 0  # timings come back from the workers
