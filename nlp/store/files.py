"""Small helpers for crash-safe files: fsync, atomic replace, repairing a torn tail, undoing an
append that failed."""
from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any


def make_parent(path: Path) -> list[Path]:
    """Create the folders an output path needs (a clear StoreError if that is impossible);
    returns the folders created, deepest first, so a failed open can remove them again."""
    from .base import StoreError

    created = []
    p = path.parent
    while not p.exists() and p != p.parent:
        created.append(p)
        p = p.parent
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        remove_empty_dirs(created)
        raise StoreError(f"{path.parent}: cannot create directory ({e.strerror or e})") from None
    if not path.parent.is_dir():
        raise StoreError(f"{path.parent}: not a directory")
    return created


def remove_empty_dirs(dirs: list[Path]) -> None:
    for d in dirs:  # deepest first
        with contextlib.suppress(OSError):
            d.rmdir()


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_json(path: Path, data: Any) -> None:
    """Write ``path`` so that readers see the old or the new content, never a mix."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    with contextlib.suppress(OSError):  # replaced: committed, whether or not the folder syncs
        fsync_dir(path.parent)


def append_durably(path: Path, data: bytes) -> int:
    """Append bytes with one write and fsync; returns the new file size."""
    with open(path, "ab") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
        return f.tell()


def file_size(path: Path) -> int | None:
    """The size of a file, or None if there is none."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return None


def restore_sizes(sizes: dict[Path, int | None]) -> None:
    """Undo appends: cut each file back to its size (None: the file did not exist)."""
    for path, size in sizes.items():
        with contextlib.suppress(OSError):
            if size is None:
                path.unlink(missing_ok=True)
            elif path.stat().st_size > size:
                with open(path, "rb+") as f:
                    f.truncate(size)
                    os.fsync(f.fileno())


def truncate_torn_line(path: Path, block: int = 1 << 16) -> int:
    """Cut anything after the last newline (a line torn by a killed writer); returns the
    number of bytes removed."""
    if not path.exists():
        return 0
    size = path.stat().st_size
    with open(path, "rb+") as f:
        pos = size
        while pos > 0:
            start = max(0, pos - block)
            f.seek(start)
            chunk = f.read(pos - start)
            nl = chunk.rfind(b"\n")
            if nl >= 0:
                keep = start + nl + 1
                break
            pos = start
        else:
            keep = 0
        if keep < size:
            f.truncate(keep)
            f.flush()
            os.fsync(f.fileno())
        return size - keep


def last_line(path: Path, block: int = 1 << 16) -> bytes | None:
    """The last complete line of a file (without its newline), or None."""
    size = file_size(path)
    if not size:
        return None
    with open(path, "rb") as f:
        pos, tail = size, b""
        while pos > 0:
            start = max(0, pos - block)
            f.seek(start)
            tail = f.read(pos - start) + tail
            body = tail[:-1] if tail.endswith(b"\n") else tail
            nl = body.rfind(b"\n")
            if nl >= 0 or start == 0:
                return body[nl + 1:] if tail.endswith(b"\n") else None
            pos = start
    return None
