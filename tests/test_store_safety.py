"""Stores that never lose or corrupt data: the writer lock, concurrent runs, output errors,
rollback of a failed commit, run records exact under Ctrl-C and SIGKILL."""
from __future__ import annotations

import errno
import json
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nlp.cli import app
from nlp.store import StoreBusy, StoreError, open_store
from tests.batch_support import FACTORY, write_reports
from tests.store_support import (ROOT, fill, no_traceback, remount, run_records, snapshot, stored, summary,
                                 tag_cmd, tag_env, tmpfs, wait_until_stored)
from tests.test_store import make_record

FILE_STORES = [".jsonl", ".csv", ".parquet"]
SUFFIXES = FILE_STORES + [".sqlite"]
EXIT_BUSY = 75
runner = CliRunner()


def tag(*args):
    return runner.invoke(app, ["tag", *map(str, args), "--pipeline", FACTORY, "--no-progress", "-j", "1"])


def assert_clean_error(res, path) -> str:
    """Exit 1 with `error: PATH: reason` as the last line, and no uncaught exception."""
    assert res.exit_code == 1, res.output
    assert isinstance(res.exception, SystemExit), res.exception  # handled, so no traceback
    no_traceback(res.output)
    last = res.output.strip().splitlines()[-1]
    assert last.startswith(f"error: {path}") and ": " in last[len(f"error: {path}"):], last
    return last


def lock_path(out: Path) -> Path:
    return out.with_name(out.name + ".lock") if out.suffix == ".jsonl" else out / "_lock"


# --- the writer lock ---------------------------------------------------------------------
@pytest.mark.parametrize("suffix", FILE_STORES)
def test_a_second_writer_is_refused_with_the_holder_named(tmp_path, suffix):
    out = tmp_path / f"out{suffix}"
    first = open_store(out)
    assert lock_path(out).exists()
    with pytest.raises(StoreBusy) as busy:
        open_store(out)
    message = str(busy.value)
    assert message.startswith(f"{out}: in use by another run (pid {os.getpid()} on {socket.gethostname()}, started ")
    assert "command: " in message and "--wait" in message and "\n" not in message
    first.write(make_record(1))
    first.close()
    assert not lock_path(out).exists()  # a clean close leaves nothing behind
    with open_store(out) as second:  # free again
        assert second.has(make_record(1)["doc_id"])


@pytest.mark.parametrize("suffix", FILE_STORES)
def test_wait_waits_for_the_holder_and_says_so(tmp_path, suffix, capsys):
    out = tmp_path / f"out{suffix}"
    first = open_store(out)
    first.start_run()
    first.write(make_record(1))
    opened = []
    waiter = threading.Thread(target=lambda: opened.append(open_store(out, wait=True)))
    waiter.start()
    time.sleep(0.3)
    assert not opened and waiter.is_alive()
    first.finish_run()
    first.close()
    waiter.join(10)
    assert opened and opened[0].has(make_record(1)["doc_id"])  # sees what the first run committed
    opened[0].close()
    assert f"waiting for {out}: in use by another run (pid {os.getpid()}" in capsys.readouterr().err


@pytest.mark.parametrize("suffix", FILE_STORES)
def test_a_lock_left_by_a_killed_writer_is_detected_as_stale(tmp_path, suffix):
    out = tmp_path / f"out{suffix}"
    script = ("import os, signal, sys; from nlp.store import open_store; from tests.test_store import make_record\n"
              f"s = open_store({str(out)!r}); s.start_run('killed'); s.write(make_record(1)); s.flush()\n"
              "os.kill(os.getpid(), signal.SIGKILL)")
    done = subprocess.run([os.sys.executable, "-c", script], cwd=ROOT, env=tag_env())
    assert done.returncode == -signal.SIGKILL
    assert lock_path(out).exists()  # left behind, but its flock died with the process
    holder = json.loads(lock_path(out).read_text())
    assert holder["pid"] != os.getpid() and holder["host"] == socket.gethostname()
    notes = []
    from nlp.store import lock

    original = lock.WriterLock.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.notify = notes.append

    lock.WriterLock.__init__ = init
    try:
        store = open_store(out)  # not refused
    finally:
        lock.WriterLock.__init__ = original
    assert notes and "did not finish" in notes[0] and f"pid {holder['pid']}" in notes[0]
    assert store.count("documents") == 1
    store.close()
    killed = run_records(out)[0]
    assert killed["finished"] is None and killed["counts"]["written"] == 1 and killed["counts"]["interrupted"]


# --- two runs at once --------------------------------------------------------------------
N_CONCURRENT = 30


def two_runs_at_once(out: str, inputs: Path, *extra: str, delays: tuple[float, float] = (0.15, 0.02),
                     hold: bool = False):
    """Start a run, and a second one on the same inputs once the first has committed; returns
    (exit status, stderr) of each, and the first one's pid. The first run is slowed down by
    ``delays[0]`` a document, or with ``hold`` kept waiting after its first batch until the second
    run has ended (or, with --wait, has said it waits): no race with a loaded machine."""
    cmd = tag_cmd(inputs, "-o", out, "-j", "1", "--batch-size", "5", *extra)
    release = Path(inputs).parent / f"release-first-run-{Path(inputs).name}"
    first = subprocess.Popen(cmd, cwd=ROOT, env=tag_env(delays[0], f"{release}:5" if hold else None),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_until_stored(out, 5, first)
        second = subprocess.Popen(cmd, cwd=ROOT, env=tag_env(delays[1]), stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True)
        head = second.stderr.readline() if hold and "--wait" in extra else ""
        if not head:
            second.wait(timeout=120)
        release.touch()
        err2 = head + second.communicate(timeout=120)[1]
        err1 = first.communicate(timeout=120)[1]
    finally:
        release.touch()
    for err in (err1, err2):
        no_traceback(err)
    return (first.returncode, err1), (second.returncode, err2), first.pid


def rerun_skips_all(out: str, *inputs: Path, n: int) -> None:
    rerun = subprocess.run(tag_cmd(*inputs, "-o", out, "-j", "1"), cwd=ROOT, env=tag_env(),
                           capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert summary(rerun.stderr) == {"written": 0, "skipped": n, "duplicates": 0, "failed": 0, "facts": 0,
                                     "paragraphs": 0}


def check_store(out: str, n: int) -> None:
    """Exactly n distinct documents, each whole, and run records that add up to them."""
    store = open_store(out, mode="r")
    records = list(store.iter_records())
    ids = [r["doc_id"] for r in records]
    assert len(ids) == len(set(ids)) == n
    assert sum(len(r["facts"]) for r in records) == 3 * n and all(len(r["checks"]) == 1 for r in records)
    assert len(store.known_sources()) == n
    store.close()
    runs = run_records(out)
    assert sum(r["counts"]["written"] for r in runs) == n
    assert all(r["finished"] for r in runs)


@pytest.mark.slow
@pytest.mark.parametrize("suffix", FILE_STORES)
def test_two_runs_into_one_file_store(tmp_path, suffix):
    """The second run stops at once (exit 75) with one line naming the first; a rerun finds all."""
    out = str(tmp_path / f"out{suffix}")
    write_reports(tmp_path / "a", N_CONCURRENT)
    (rc1, err1), (rc2, err2), pid1 = two_runs_at_once(out, tmp_path / "a", hold=True)
    assert (rc1, rc2) == (0, EXIT_BUSY)
    assert len(err2.strip().splitlines()) == 1
    assert err2.startswith(f"error: {out}: in use by another run (pid {pid1} on ")
    assert summary(err1)["written"] == N_CONCURRENT
    rerun_skips_all(out, tmp_path / "a", n=N_CONCURRENT)
    check_store(out, N_CONCURRENT)
    assert not lock_path(Path(out)).exists()


@pytest.mark.slow
def test_with_wait_the_second_run_follows_the_first(tmp_path):
    """--wait: the second run says whom it waits for, then finds everything stored (exit 0)."""
    out = str(tmp_path / "out.jsonl")
    write_reports(tmp_path / "a", N_CONCURRENT)
    (rc1, err1), (rc2, err2), pid1 = two_runs_at_once(out, tmp_path / "a", "--wait", hold=True)
    assert (rc1, rc2) == (0, 0)
    assert f"waiting for {out}: in use by another run (pid {pid1} on " in err2
    assert summary(err1)["written"] == N_CONCURRENT
    assert summary(err2)["skipped"] == N_CONCURRENT
    rerun_skips_all(out, tmp_path / "a", n=N_CONCURRENT)
    check_store(out, N_CONCURRENT)


def two_sql_runs(out: str, inputs: Path) -> None:
    """SQL stores take both runs (both exit 0): each document is stored once, and each run
    counts what it stored."""
    write_reports(inputs, 2 * N_CONCURRENT)
    (rc1, err1), (rc2, err2), _ = two_runs_at_once(out, inputs, delays=(0.04, 0.02))
    assert (rc1, rc2) == (0, 0)
    one, two = summary(err1), summary(err2)
    assert one["written"] + two["written"] == 2 * N_CONCURRENT
    assert two["written"] + two["skipped"] + two["duplicates"] == 2 * N_CONCURRENT
    assert one["failed"] == two["failed"] == 0
    rerun_skips_all(out, inputs, n=2 * N_CONCURRENT)
    check_store(out, 2 * N_CONCURRENT)
    assert open_store(out, mode="r").count("failures") == 0
    assert sorted(r["counts"]["written"] for r in run_records(out)) == sorted([0, one["written"], two["written"]])


@pytest.mark.slow
def test_two_runs_into_one_sqlite_store(tmp_path):
    two_sql_runs(str(tmp_path / "out.sqlite"), tmp_path / "in")


# --- interrupted runs --------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("suffix,workers,sig", [(".sqlite", 2, signal.SIGINT), (".jsonl", 1, signal.SIGINT),
                                                (".csv", 1, signal.SIGINT), (".parquet", 1, signal.SIGTERM)])
def test_ctrl_c_summary_and_run_record_say_what_is_stored(tmp_path, suffix, workers, sig):
    out = str(tmp_path / f"out{suffix}")
    write_reports(tmp_path / "in", 300)
    proc = subprocess.Popen(tag_cmd(tmp_path / "in", "-o", out, "-j", workers, "--batch-size", "7"), cwd=ROOT,
                            env=tag_env(0.01), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    wait_until_stored(out, 30, proc)
    os.kill(proc.pid, sig)  # the main process only, as a terminal's Ctrl-C reaches it first
    err = proc.communicate(timeout=60)[1]
    no_traceback(err)
    assert proc.returncode == 130, err
    assert "error: interrupted" in err
    said = summary(err)
    assert 30 <= said["written"] < 300
    assert stored(out) == said["written"]
    (run,) = run_records(out)
    assert run["finished"] and run["counts"]["interrupted"] is True
    assert {k: run["counts"][k] for k in said if k != "skipped"} == {k: v for k, v in said.items() if k != "skipped"}
    assert not (suffix in FILE_STORES and lock_path(Path(out)).exists())


def test_a_run_whose_only_input_failed_says_nothing_was_tagged(tmp_path):
    (tmp_path / "bad.txt").write_text("FAIL")
    res = tag(tmp_path / "bad.txt", "-o", tmp_path / "o.jsonl")
    assert res.exit_code == 1
    assert "0 documents written, 0 already stored, 0 duplicates, 1 failed" in res.output
    assert "nothing tagged" in res.output and "documents/s" not in res.output
    (run,) = run_records(tmp_path / "o.jsonl")
    assert run["counts"]["failed"] == 1 and run["counts"]["written"] == 0


# --- output errors -------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", SUFFIXES)
def test_unwritable_folder(tmp_path, suffix):
    write_reports(tmp_path / "in", 3)
    with tmpfs(tmp_path / "ro", "size=1m,ro") as ro:
        for out in (ro / f"x{suffix}", ro / "sub" / f"x{suffix}"):
            assert "Read-only file system" in assert_clean_error(tag(tmp_path / "in", "-o", out), ro)
        assert list(ro.iterdir()) == []


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_existing_store_in_a_folder_made_read_only(tmp_path, suffix):
    write_reports(tmp_path / "in", 3)
    write_reports(tmp_path / "more", 3, start=3)
    with tmpfs(tmp_path / "m", "size=4m") as folder:
        out = folder / f"x{suffix}"
        assert tag(tmp_path / "in", "-o", out).exit_code == 0
        before = snapshot(folder)
        remount(folder, "ro")
        assert_clean_error(tag(tmp_path / "more", "-o", out), folder)
        assert snapshot(folder) == before


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_disk_full_new_store_leaves_nothing(tmp_path, suffix):
    write_reports(tmp_path / "in", 300)
    with tmpfs(tmp_path / "full", "size=1m") as full:
        fill(full, leave=12 * 1024)
        before = snapshot(full)
        last = assert_clean_error(tag(tmp_path / "in", "-o", full / f"x{suffix}", "--batch-size", "1000"), full)
        assert "No space left on device" in last or "disk is full" in last
        assert snapshot(full) == before


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_disk_full_existing_store_is_left_as_it_was(tmp_path, suffix):
    write_reports(tmp_path / "in", 6)
    write_reports(tmp_path / "more", 300, start=6)
    with tmpfs(tmp_path / "full", "size=2m") as full:
        out = full / f"x{suffix}"
        assert tag(tmp_path / "in", "-o", out).exit_code == 0
        fill(full, leave=(300 if suffix == ".sqlite" else 12) * 1024)  # SQLite refuses under 256 KiB
        before = snapshot(full)
        last = assert_clean_error(tag(tmp_path / "more", "-o", out, "--batch-size", "1000"), full)
        assert "No space left on device" in last or "disk is full" in last
        assert snapshot(full) == before


def foreign_files(folder: Path) -> dict[str, Path]:
    """A file at each store path that is not a store."""
    import sqlite3

    (folder / "inputs.jsonl").write_text('{"id": "a", "text": "收到申请3件。"}\n', encoding="utf-8")
    (folder / "notes.jsonl").write_bytes(b"\xff\xfe not JSON at all")
    (folder / "table.csv").write_text("name,count\na,1\n")
    (folder / "data.parquet").write_bytes(b"PAR1 not really")
    (folder / "text.sqlite").write_text("not a database")
    con = sqlite3.connect(folder / "other.sqlite")
    con.execute("CREATE TABLE contacts (name TEXT)")
    con.commit()
    con.close()
    (folder / "mine.csv").mkdir()
    (folder / "mine.csv" / "notes.txt").write_text("my notes")
    return {p.name: p for p in folder.iterdir()}


def test_existing_files_that_are_not_stores_are_refused_and_left_alone(tmp_path):
    write_reports(tmp_path / "in", 2)
    folder = tmp_path / "out"
    folder.mkdir()
    targets = foreign_files(folder)
    before = snapshot(folder)
    for name, path in targets.items():
        last = assert_clean_error(tag(tmp_path / "in", "-o", path), path)
        assert "not" in last, last
    assert snapshot(folder) == before  # byte-identical, and no stray *.runs.jsonl, locks, -wal ...


def test_a_folder_where_a_file_is_expected(tmp_path):
    write_reports(tmp_path / "in", 2)
    folder = tmp_path / "out"
    for name in ("d.jsonl", "d.sqlite", "side.runs.jsonl", "c.csv/_commit.json"):
        (folder / name).mkdir(parents=True)
    (folder / "side.jsonl").write_text("")
    (folder / "file").write_text("a file, not a folder")
    before = snapshot(folder)
    for out, path in (("d.jsonl", "d.jsonl"), ("d.sqlite", "d.sqlite"), ("side.jsonl", "side.runs.jsonl"),
                      ("c.csv", "c.csv/_commit.json"), ("file/x.jsonl", "file"), ("file/x.parquet", "file")):
        assert_clean_error(tag(tmp_path / "in", "-o", folder / out), folder / path)
    assert snapshot(folder) == before


# --- failed commits are rolled back (injected errors: works without mounting anything) --------
def enospc(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_a_failed_commit_changes_nothing_and_stops_the_store(tmp_path, suffix, monkeypatch):
    out = tmp_path / f"x{suffix}"
    with open_store(out) as store:
        store.start_run()
        store.write(make_record(1), "k1")
        store.finish_run()
    before = snapshot(tmp_path)
    store = open_store(out, batch_size=10)
    store.start_run()
    store.write(make_record(2), "k2")
    store.write_failure("bad.txt", "unreadable")
    if suffix == ".sqlite":
        from sqlalchemy.exc import OperationalError

        def full(*_a, **_k):
            raise OperationalError("INSERT", {}, Exception("database or disk is full"))
        monkeypatch.setattr("nlp.store.sql.SqlStore._commit_rows", full)
    elif suffix == ".parquet":
        import pyarrow.parquet as pq

        real, calls = pq.write_table, []

        def write_table(table, where, **kw):  # the first part file is written, the second fails
            calls.append(where)
            if len(calls) > 1:
                enospc()
            real(table, where, **kw)
        monkeypatch.setattr(pq, "write_table", write_table)
    else:
        from nlp.store import files

        real, calls = files.append_durably, []

        def append(path, data):  # the first file is appended to, the second fails
            calls.append(path)
            if len(calls) > 1:
                enospc()
            return real(path, data)
        monkeypatch.setattr(f"nlp.store.{'jsonl' if suffix == '.jsonl' else 'csvdir'}.append_durably", append)
    with pytest.raises(StoreError, match="disk|No space left"):
        store.flush()
    with pytest.raises(StoreError):  # no more writes after a failed commit
        store.write(make_record(3))
    store.close()
    monkeypatch.undo()
    assert snapshot(tmp_path) == before
    reread = open_store(out, mode="r")
    assert reread.known_ids() == {make_record(1)["doc_id"]} and reread.known_sources() == {"k1"}
    reread.close()
