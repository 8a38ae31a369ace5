"""The exclusive writer lock of a file store: an OS lock (``fcntl.flock``) on a lock file that
also names its holder (pid, host, command, start time).

The kernel drops a flock when its process dies, however it dies, so a killed run never leaves a
lock that blocks the next one; the holder line it leaves behind is reported as a run that did not
finish. A clean close deletes the lock file. Deleting a lock file is only safe with the check in
:meth:`WriterLock.acquire`: after locking, the locked file must still be the one at the path.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shlex
import socket
import sys
from pathlib import Path
from typing import Any, Callable

from .base import StoreBusy, StoreError, now_iso


def describe(holder: dict[str, Any] | None) -> str:
    if not holder:
        return "another process (it has not written its name yet)"
    return (f"pid {holder.get('pid')} on {holder.get('host')}, started {holder.get('started')}, "
            f"command: {holder.get('command')}")


def read_holder(fd: int) -> dict[str, Any] | None:
    try:
        data = os.pread(fd, 4096, 0)
        holder = json.loads(data.decode("utf-8")) if data.strip() else None
    except (OSError, ValueError):
        return None
    return holder if isinstance(holder, dict) else None


class WriterLock:
    """``acquire()`` takes the lock or raises :class:`StoreBusy` naming the holder; with
    ``wait=True`` it tells ``notify`` who holds it and waits instead."""

    def __init__(self, path: Path, store: str, wait: bool = False,
                 notify: Callable[[str], None] | None = None):
        self.path = path
        self.store = store
        self.wait = wait
        self.notify = notify or (lambda msg: print(msg, file=sys.stderr, flush=True))
        self.fd: int | None = None
        self.stale: dict[str, Any] | None = None  # holder line of a run that died holding the lock

    def acquire(self) -> "WriterLock":
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError as e:
                raise StoreError(f"{self.path}: cannot create the store's lock file ({e.strerror or e})") from None
            try:
                if self._lock(fd) and self._still_at_path(fd):
                    break
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)  # the previous holder deleted this file as it released it: lock the new one
        self.fd = fd
        self.stale = read_holder(fd)
        if self.stale:  # a clean close deletes the file: its last holder died holding the lock
            self.notify(f"note: {self.store}: the last run writing it did not finish ({describe(self.stale)}); "
                        "going on from its last commit")
        holder = {"pid": os.getpid(), "host": socket.gethostname(), "started": now_iso(),
                  "command": shlex.join([Path(sys.argv[0]).name, *sys.argv[1:]])}
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(holder, ensure_ascii=False).encode("utf-8") + b"\n", 0)
        except OSError as e:
            self.release()
            raise StoreError(f"{self.path}: cannot write the store's lock file ({e.strerror or e})") from None
        return self

    def _lock(self, fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            pass
        except OSError as e:
            raise StoreError(f"{self.path}: cannot lock ({e.strerror or e})") from None
        holder = describe(read_holder(fd))
        if not self.wait:
            raise StoreBusy(f"{self.store}: in use by another run ({holder}); rerun with --wait to wait for it")
        self.notify(f"waiting for {self.store}: in use by another run ({holder})")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError as e:
            raise StoreError(f"{self.path}: cannot lock ({e.strerror or e})") from None
        return True

    def _still_at_path(self, fd: int) -> bool:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return False
        mine = os.fstat(fd)
        return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)

    def release(self) -> None:
        if self.fd is None:
            return
        with contextlib.suppress(OSError):  # a read-only folder: closing still drops the lock
            os.unlink(self.path)  # while still locked, so nobody else holds this inode
        os.close(self.fd)
        self.fd = None

    @property
    def held(self) -> bool:
        return self.fd is not None
