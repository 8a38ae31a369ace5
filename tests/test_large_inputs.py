"""Large inputs: memory stays bounded by the size limits of configs/ingest.yaml.

A 50 MB text file and a 50 MB JSON Lines item are refused with a clear message; a text exactly
at the character limit is tagged. The peak memory of the whole `govreport tag` run (default
pipeline, one process) is measured with getrusage in a parent process."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from nlp.config import load_config
from nlp.store import open_store
from tests.batch_support import report_text
from tests.store_support import ROOT, no_traceback, summary

MB = 1024 * 1024
MEMORY_BOUND = 1024 * MB


def text_of(n_chars: int) -> str:
    parts, size, i = [], 0, 0
    while size < n_chars:
        part = report_text(i)
        parts.append(part)
        size += len(part) + 1
        i += 1
    return "\n".join(parts)[:n_chars]


def text_of_bytes(n_bytes: int) -> str:
    """About ``n_bytes`` of UTF-8 (a few bytes less: a character is not cut)."""
    data = text_of(n_bytes // 2).encode("utf-8")  # at least 2 bytes a character on average
    assert len(data) >= n_bytes
    return data[:n_bytes].decode("utf-8", "ignore")


PEAK = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
sys.stderr.write(done.stderr)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)
sys.exit(done.returncode)
"""


@pytest.mark.slow
def test_large_inputs_stay_within_the_memory_bound(tmp_path):
    limit = load_config("ingest")["limits"]["max_text_chars"]
    big = text_of_bytes(50 * MB + 4)
    (tmp_path / "big.txt").write_text(big, encoding="utf-8")
    with open(tmp_path / "big.jsonl", "w", encoding="utf-8") as f:
        f.write(json.dumps({"id": "big", "text": big}, ensure_ascii=False) + "\n")
    del big
    (tmp_path / "at-limit.txt").write_text(text_of(limit), encoding="utf-8")
    assert (tmp_path / "big.txt").stat().st_size >= 50 * MB and (tmp_path / "big.jsonl").stat().st_size >= 50 * MB
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "nlp.cli", "tag", str(tmp_path / "big.txt"), str(tmp_path / "big.jsonl"),
           str(tmp_path / "at-limit.txt"), "-o", str(out), "-j", "1", "--no-progress"]
    done = subprocess.run([sys.executable, "-c", PEAK, *cmd], cwd=ROOT, capture_output=True, text=True, timeout=600)
    no_traceback(done.stderr)
    assert done.returncode == 0, done.stderr
    peak = int(done.stdout.strip().splitlines()[-1])
    print(f"peak RSS {peak / MB:.0f} MB")
    assert peak < MEMORY_BOUND, f"peak RSS {peak / MB:.0f} MB"
    assert summary(done.stderr) | {"facts": 0, "paragraphs": 0} == {
        "written": 1, "skipped": 0, "duplicates": 0, "failed": 2, "facts": 0, "paragraphs": 0}
    assert f"big.txt: file too large: 50.0 MB (limit 20 MB for text files, limits.max_text_file_mb in " \
           "configs/ingest.yaml); split it into several files" in done.stderr
    assert f"big.jsonl#big: text too large: " in done.stderr and f"(limit {limit:,}, limits.max_text_chars" in done.stderr
    (record,) = open_store(out, mode="r").iter_records()
    assert len(record["text"]) > 0.95 * limit and len(record["facts"]) > 10_000  # tagged in full


def test_a_normal_report_is_far_below_the_limits(corpus):
    limits = load_config("ingest")["limits"]
    sizes = [p.stat().st_size for p in corpus.rglob("*") if p.is_file()]
    assert max(sizes) * 10 < limits["max_text_file_mb"] * MB
    import nlp

    longest = max(len(nlp.load(p).text) for p in sorted((corpus / "seeds").glob("*.txt")))
    assert longest * 50 < limits["max_text_chars"]


def test_limits_are_configurable(tmp_path, monkeypatch):
    from nlp import ingest
    from nlp.errors import ReadError

    monkeypatch.setattr(ingest, "limits", lambda: {"max_text_chars": 100, "max_text_file_mb": 1,
                                                    "max_binary_file_mb": 1})
    with pytest.raises(ReadError, match="text too large: 101 characters"):
        ingest.read("收" * 101)
    (tmp_path / "a.txt").write_bytes("收".encode() * (MB // 3 + 1))
    with pytest.raises(ReadError, match=r"file too large: 1\.0 MB \(limit 1 MB"):
        ingest.read(tmp_path / "a.txt")
    assert ingest.read("收到申请3件。" * 10).text
