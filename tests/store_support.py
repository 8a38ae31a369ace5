"""Helpers for the store safety tests: `govreport tag` as a real process, store snapshots, and
small tmpfs mounts (read-only, or full) where this machine lets root mount them."""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest

from nlp.store import open_store
from tests.batch_support import FACTORY

ROOT = Path(__file__).resolve().parents[1]
SUMMARY = re.compile(r"(\d+) documents written, (\d+) already stored, (\d+) duplicates, (\d+) failed; "
                     r"(\d+) facts, (\d+) paragraphs")


def tag_cmd(*args: object) -> list[str]:
    return [sys.executable, "-m", "nlp.cli", "tag", *map(str, args), "--pipeline", FACTORY, "--no-progress"]


def tag_env(delay: float = 0.0, hold: str | None = None) -> dict[str, str]:
    """Environment of a test run: ``delay`` seconds per document; ``hold`` = "FILE:N" keeps the
    run waiting after N documents until FILE exists (tests/batch_support.py)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GOVREPORT_TEST_DELAY": str(delay)}
    if hold:
        env["GOVREPORT_TEST_HOLD"] = hold
    return env


def summary(stderr: str) -> dict[str, int]:
    m = SUMMARY.search(stderr)
    assert m, stderr
    return dict(zip(("written", "skipped", "duplicates", "failed", "facts", "paragraphs"), map(int, m.groups())))


def stored(out: str | Path) -> int:
    try:
        store = open_store(out, mode="r")
    except Exception:  # not created yet
        return 0
    try:
        return store.count("documents")
    except Exception:
        return 0
    finally:
        store.close()


def wait_until_stored(out: str | Path, n: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while stored(out) < n and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before it could be interrupted"


def run_records(out: str | Path) -> list[dict]:
    """Every run's record (the last one per run), in the order the runs started."""
    store = open_store(out, mode="r")
    try:
        runs = list(store.iter_rows("runs"))
    finally:
        store.close()
    return sorted(runs, key=lambda r: r["started"] or "")


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every path under ``folder`` with its bytes (None for a folder)."""
    return {str(p.relative_to(folder)): (None if p.is_dir() else p.read_bytes()) for p in sorted(folder.rglob("*"))}


def no_traceback(stderr: str) -> None:
    assert "Traceback" not in stderr, stderr


@contextlib.contextmanager
def tmpfs(where: Path, options: str) -> Iterator[Path]:
    """A tmpfs mounted at ``where`` (``options`` e.g. ``size=64k`` or ``ro``); skips the test
    where mounting is not possible (not root, or a container without the right)."""
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def remount(where: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(where)], check=True)


def fill(folder: Path, leave: int) -> None:
    """Fill the file system of ``folder`` until only about ``leave`` bytes are free."""
    st = os.statvfs(folder)
    free = st.f_bavail * st.f_frsize
    with open(folder / "filler", "wb") as f:
        f.write(b"\0" * max(0, free - leave))
