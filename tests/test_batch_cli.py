"""`govreport tag` and `govreport export` end to end, including a run killed with SIGKILL."""
from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nlp.cli import app
from nlp.store import open_store
from tests.batch_support import FACTORY, write_reports

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def tag(*args):
    return runner.invoke(app, ["tag", *map(str, args), "--pipeline", FACTORY, "--no-progress"])


@pytest.mark.parametrize("suffix", [".sqlite", ".jsonl", ".csv", ".parquet"])
def test_tag_into_each_store_and_rerun(tmp_path, suffix):
    write_reports(tmp_path / "in", 6)
    (tmp_path / "in" / "bad.txt").write_text("FAIL")
    out = tmp_path / f"out{suffix}"
    first = tag(tmp_path / "in", "-o", out, "-j", "1")
    assert first.exit_code == 0, first.output
    assert "6 documents written, 0 already stored, 0 duplicates, 1 failed; 18 facts" in first.output
    assert "bad.txt: marked as a bad input" in first.output
    again = tag(tmp_path / "in", "-o", out, "-j", "1", "--strict")
    assert again.exit_code == 2 and "0 documents written, 6 already stored" in again.output
    assert open_store(out, mode="r").count("documents") == 6


def test_stdout_output_is_json_lines(tmp_path):
    write_reports(tmp_path / "in", 3)
    res = runner.invoke(app, ["tag", str(tmp_path / "in"), "--pipeline", FACTORY, "-j", "1"])
    assert res.exit_code == 0
    records = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(records) == 3 and all(len(r["facts"]) == 3 for r in records)


def test_exit_codes(tmp_path):
    nothing = tag(tmp_path / "missing-dir", "-o", tmp_path / "o.sqlite")
    assert nothing.exit_code == 1 and "no such file or directory" in nothing.output
    assert "error: every input failed (1)" in nothing.output
    (tmp_path / "empty").mkdir()
    empty = tag(tmp_path / "empty", "-o", tmp_path / "o.sqlite")
    assert empty.exit_code == 1 and "error: no input found" in empty.output
    bad_out = tag(tmp_path / "empty", "-o", tmp_path / "o.xlsx")
    assert bad_out.exit_code == 1 and "cannot tell the output type" in bad_out.output
    assert "Traceback" not in bad_out.output


def test_export_between_stores_and_to_datasets(tmp_path):
    write_reports(tmp_path / "in", 5)
    assert tag(tmp_path / "in", "-o", tmp_path / "a.sqlite", "-j", "1").exit_code == 0
    for dst in ("b.parquet", "c.csv", "d.jsonl"):
        res = runner.invoke(app, ["export", str(tmp_path / "a.sqlite"), str(tmp_path / dst)])
        assert res.exit_code == 0 and "5 documents written" in res.output, res.output
    again = runner.invoke(app, ["export", str(tmp_path / "a.sqlite"), str(tmp_path / "d.jsonl")])
    assert "0 documents written, 5 already there" in again.output

    def records(name):
        return sorted(open_store(tmp_path / name, mode="r").iter_records(), key=lambda r: r["doc_id"])

    assert records("a.sqlite") == records("b.parquet") == records("c.csv") == records("d.jsonl")

    datasets = pytest.importorskip("datasets")
    res = runner.invoke(app, ["export", str(tmp_path / "b.parquet"), str(tmp_path / "hf"), "--format", "hf"])
    assert res.exit_code == 0, res.output
    ds = datasets.load_from_disk(str(tmp_path / "hf"))
    assert {k: len(v) for k, v in ds.items()} == {"documents": 5, "paragraphs": 30, "facts": 15, "checks": 5}
    fact = ds["facts"][0]
    assert fact["field"] and isinstance(fact["value"], float)
    assert isinstance(json.loads(ds["paragraphs"][0]["labels"]), list)


# --- kill and resume ---------------------------------------------------------------------
N_DOCS = 300


def stored(out: str) -> int:
    try:
        return open_store(out, mode="r").count("documents")
    except Exception:  # not created yet
        return 0


@pytest.mark.slow
@pytest.mark.parametrize("suffix,workers", [(".sqlite", 2), (".jsonl", 1), (".csv", 1), (".parquet", 1)])
def test_sigkill_mid_run_then_resume_loses_and_duplicates_nothing(tmp_path, suffix, workers):
    kill_and_resume(tmp_path, str(tmp_path / f"out{suffix}"), workers)


def kill_and_resume(tmp_path: Path, out: str, workers: int, extra: tuple[str, ...] = (), delay: float = 0.012,
                    start_s: float = 60) -> None:
    """Start a tagging run, SIGKILL it once some documents are stored, rerun it, and check that
    every document is stored exactly once with all its rows, that the writer lock the killed run
    held does not stop the rerun, and that both runs' records say what they stored. ``extra``:
    more ``tag`` options (e.g. another engine), ``delay``: seconds per document, ``start_s``: time
    allowed to start."""
    write_reports(tmp_path / "in", N_DOCS)
    cmd = [sys.executable, "-m", "nlp.cli", "tag", str(tmp_path / "in"), "-o", out, "--pipeline", FACTORY,
           "-j", str(workers), "--batch-size", "7", "--no-progress", *extra]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GOVREPORT_TEST_DELAY": str(delay)}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + start_s
    while stored(out) < 40 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # worker processes too, if any are left
    except ProcessLookupError:
        pass
    at_kill = stored(out)
    assert 40 <= at_kill < N_DOCS, f"the run was not killed mid-way ({at_kill} stored)"
    lock = Path(out + ".lock") if out.endswith(".jsonl") else Path(out) / "_lock"
    file_store = out.endswith((".jsonl", ".csv", ".parquet"))
    assert lock.exists() == file_store  # the killed run's lock file is left; its flock is not

    env["GOVREPORT_TEST_DELAY"] = "0"
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120 + start_s)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert ("did not finish" in done.stderr) == file_store and not lock.exists()
    # Documents stored before the kill are skipped by their source key, or, where the kill
    # fell between a JSON Lines record and its source key, re-tagged and found by doc_id.
    m = re.search(r"(\d+) documents written, (\d+) already stored, (\d+) duplicates, 0 failed", done.stderr)
    assert m, done.stderr
    written, skipped, duplicates = map(int, m.groups())
    assert written == N_DOCS - at_kill and skipped + duplicates == at_kill
    assert duplicates <= (7 if out.endswith(".jsonl") else 0)  # at most one batch, JSON Lines only

    store = open_store(out, mode="r")
    records = list(store.iter_records())
    ids = [r["doc_id"] for r in records]
    assert len(ids) == len(set(ids)) == N_DOCS
    assert sum(len(r["paragraphs"]) for r in records) == 6 * N_DOCS
    assert sum(len(r["facts"]) for r in records) == 3 * N_DOCS
    assert all(len(r["checks"]) == 1 for r in records)
    assert sorted(r["source"] for r in records) == sorted(str(p) for p in (tmp_path / "in").iterdir())
    killed, rerun = sorted(store.iter_rows("runs"), key=lambda r: r["started"])
    assert killed["finished"] is None and killed["counts"]["written"] == at_kill
    assert rerun["finished"] and rerun["counts"]["written"] == written and rerun["counts"]["duplicates"] == duplicates
    if out.endswith(".sqlite"):
        con = sqlite3.connect(out)
        assert con.execute("SELECT count(*), count(DISTINCT doc_id || '/' || seq) FROM facts").fetchone() == (900, 900)
        assert con.execute("SELECT count(*) FROM sources").fetchone() == (N_DOCS,)


def test_export_to_datasets_with_empty_tables(tmp_path):
    datasets = pytest.importorskip("datasets")
    from tests.test_store import make_record

    with open_store(tmp_path / "a.jsonl") as store:
        store.write(make_record(1, facts=[], checks=[]))
    res = runner.invoke(app, ["export", str(tmp_path / "a.jsonl"), str(tmp_path / "hf"), "--format", "hf"])
    assert res.exit_code == 0, res.output
    ds = datasets.load_from_disk(str(tmp_path / "hf"))
    assert {k: len(v) for k, v in ds.items()} == {"documents": 1, "paragraphs": 1, "facts": 0, "checks": 0}
    again = runner.invoke(app, ["export", str(tmp_path / "a.jsonl"), str(tmp_path / "hf"), "--format", "hf"])
    assert again.exit_code == 1 and "already exists" in again.output
