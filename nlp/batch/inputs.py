"""Input discovery for batch tagging: files, folders (recursive), globs, JSON Lines files of
``{"id", "text"}`` objects, and Hugging Face datasets saved with ``save_to_disk``.

Discovery is cheap (it lists files and counts lines/rows, so the progress bar knows the total)
and items are streamed, so memory stays bounded whatever the corpus size. Every item has a
``key`` that identifies this exact input without parsing it: path + size + mtime for a file,
container + id + a hash of the text otherwise. A store that has seen the key skips the item.
"""
from __future__ import annotations

import glob
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ..config import load_config
from ..errors import ConfigError


@dataclass
class InputItem:
    key: str          # identifies this exact input; stored in ``sources`` once done
    source: str       # what the user sees: a path, or "container#id"
    path: str | None = None   # a file to read ...
    text: str | None = None   # ... or the text itself
    error: str | None = None  # set when the input cannot even be listed
    attachments: tuple[str, ...] = ()  # files read with ``path`` as one report (--group-by)


@dataclass
class InputSource:
    """One thing discovery found: a file, a JSON Lines container, a dataset, or a missing input."""
    kind: str  # file | jsonl | dataset | missing
    path: str
    count: int = 1
    error: str | None = None
    attachments: tuple[str, ...] = ()  # a file's attachments (--group-by)


def is_dataset_dir(path: Path) -> bool:
    return path.is_dir() and ((path / "dataset_dict.json").is_file() or
                              ((path / "state.json").is_file() and (path / "dataset_info.json").is_file()))


def discover(inputs: list[str | Path], config: dict[str, Any] | None = None) -> list[InputSource]:
    """Expand inputs into sources, in a stable order, each file once."""
    cfg = config or load_config("batch")
    suffixes = {s.lower() for s in cfg["input_suffixes"]}
    found: list[InputSource] = []
    seen: set[str] = set()

    def add_file(p: Path) -> None:
        real = os.path.realpath(p)
        if real in seen:
            return
        seen.add(real)
        if p.suffix.lower() == ".jsonl":
            found.append(InputSource("jsonl", str(p), _count_lines(p)))
        else:
            found.append(InputSource("file", str(p)))

    def add(p: Path, named: bool) -> None:
        if is_dataset_dir(p):
            found.append(InputSource("dataset", str(p), _dataset_len(p, cfg)))
        elif p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    f = Path(root) / name
                    if not name.startswith(".") and f.suffix.lower() in suffixes | {".jsonl"}:
                        add_file(f)
        elif p.is_file():
            if named or p.suffix.lower() in suffixes | {".jsonl"}:
                add_file(p)
        elif named:
            found.append(InputSource("missing", str(p), error="no such file or directory"))

    for raw in inputs:
        raw = str(raw)
        if glob.has_magic(raw) and not Path(raw).exists():
            matches = sorted(glob.glob(os.path.expanduser(raw), recursive=True))
            if not matches:
                found.append(InputSource("missing", raw, error="no file matches this pattern"))
            for m in matches:
                add(Path(m), named=False)
        else:
            add(Path(raw).expanduser(), named=True)
    return found


def group_sources(sources: list[InputSource], group_by: str,
                  config: dict[str, Any] | None = None) -> list[InputSource]:
    """Files that belong to one report become one source: the report and its attachments.

    ``group_by`` is ``"folder"`` (the files directly inside one folder are one report) or a
    regular expression searched in each file name: files of one folder whose names give the
    same key (the first group, else the whole match) are one report; a name that does not
    match stands alone. In a group the report is the file whose name does not look like an
    attachment (``grouping.attachment_names``), then the one with the earliest suffix in
    ``grouping.report_suffixes``, then the first by name; the others are its attachments."""
    cfg = (config or load_config("batch"))["grouping"]
    try:
        pattern = None if group_by == "folder" else re.compile(group_by)
    except re.error as e:
        raise ConfigError(f"--group-by {group_by!r}: not a valid regular expression ({e})") from None
    entries: list[InputSource | tuple[str, str]] = []  # sources, and group keys where a group first shows
    groups: dict[tuple[str, str], list[InputSource]] = {}
    for src in sources:
        key = _group_key(src, pattern)
        if key is None:
            entries.append(src)
            continue
        if key not in groups:
            groups[key] = []
            entries.append(key)
        groups[key].append(src)
    return [e if isinstance(e, InputSource) else _report_and_attachments(groups[e], cfg) for e in entries]


def _group_key(src: InputSource, pattern: re.Pattern | None) -> tuple[str, str] | None:
    if src.kind != "file":
        return None
    p = Path(src.path)
    if pattern is None:
        return (str(p.parent), "")
    m = pattern.search(p.name)
    if m is None:
        return None
    return (str(p.parent), next((g for g in m.groups() if g is not None), m.group(0)))


def _report_and_attachments(files: list[InputSource], cfg: dict[str, Any]) -> InputSource:
    attachment = re.compile(cfg["attachment_names"])
    ranks = {suffix.lower(): i for i, suffix in enumerate(cfg["report_suffixes"])}
    files = sorted(files, key=lambda f: (bool(attachment.search(Path(f.path).name)),
                                         ranks.get(Path(f.path).suffix.lower(), len(ranks)), f.path))
    return InputSource("file", files[0].path, attachments=tuple(f.path for f in files[1:]))


def iter_items(sources: list[InputSource], config: dict[str, Any] | None = None) -> Iterator[InputItem]:
    """Stream the items of discovered sources."""
    cfg = config or load_config("batch")
    for src in sources:
        if src.kind == "missing":
            yield InputItem(key="", source=src.path, error=src.error)
        elif src.kind == "file":
            try:
                st = os.stat(src.path)
            except OSError as e:
                yield InputItem(key="", source=src.path, error=e.strerror or str(e))
                continue
            key = f"file:{os.path.realpath(src.path)}:{st.st_size}:{st.st_mtime_ns}"
            if src.attachments:
                try:
                    key = "|".join([key, *(_file_key(a) for a in src.attachments)])
                except OSError as e:
                    yield InputItem(key="", source=src.path, error=e.strerror or str(e))
                    continue
            yield InputItem(key=key, source=src.path, path=src.path, attachments=src.attachments)
        elif src.kind == "jsonl":
            yield from _jsonl_items(src.path, cfg)
        else:
            yield from _dataset_items(src.path, cfg)


def _file_key(path: str) -> str:
    st = os.stat(path)
    return f"file:{os.path.realpath(path)}:{st.st_size}:{st.st_mtime_ns}"


def _text_key(container: str, item_id: str, text: str) -> str:
    digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"text:{os.path.realpath(container)}#{item_id}:{digest}"


def _pick(row: dict[str, Any], names: list[str]) -> Any:
    for n in names:
        if row.get(n) is not None:
            return row[n]
    return None


def _jsonl_items(path: str, cfg: dict[str, Any]) -> Iterator[InputItem]:
    try:
        f = open(path, encoding="utf-8")
    except OSError as e:
        yield InputItem(key="", source=path, error=e.strerror or str(e))
        return
    with f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                yield InputItem(key="", source=f"{path}:{lineno}", error=f"not valid JSON: {e}")
                continue
            if not isinstance(row, dict):
                yield InputItem(key="", source=f"{path}:{lineno}", error="not a JSON object")
                continue
            text = _pick(row, cfg["text_columns"])
            item_id = str(_pick(row, cfg["id_columns"]) or f"line{lineno}")
            if not isinstance(text, str):
                yield InputItem(key="", source=f"{path}#{item_id}",
                                error=f"no text field ({' or '.join(cfg['text_columns'])})")
                continue
            yield InputItem(key=_text_key(path, item_id, text), source=f"{path}#{item_id}", text=text)


def _count_lines(path: Path) -> int:
    try:
        with open(path, "rb") as f:
            return sum(1 for line in f if line.strip())
    except OSError:
        return 1


def _load_dataset(path: str) -> Any:
    from datasets import load_from_disk  # optional dependency, imported only when used

    return load_from_disk(path)


def _splits(ds: Any) -> list[tuple[str, Any]]:
    if hasattr(ds, "keys"):  # DatasetDict
        return [(f"{name}/", ds[name]) for name in ds.keys()]
    return [("", ds)]


def _dataset_len(path: Path, cfg: dict[str, Any]) -> int:
    try:
        splits = _splits(_load_dataset(str(path)))
        return sum(len(d) for _, d in splits if set(cfg["text_columns"]) & set(d.column_names))
    except Exception:  # reported as a failure when the items are read
        return 1


def _dataset_items(path: str, cfg: dict[str, Any]) -> Iterator[InputItem]:
    try:
        ds = _load_dataset(path)
    except Exception as e:  # datasets raises many kinds; all mean "cannot read this input"
        yield InputItem(key="", source=path, error=f"cannot load dataset: {e}")
        return
    for prefix, split in _splits(ds):
        text_col = next((c for c in cfg["text_columns"] if c in split.column_names), None)
        if text_col is None:
            continue  # e.g. the paragraphs/facts splits of an exported store
        id_col = next((c for c in cfg["id_columns"] if c in split.column_names), None)
        for i, row in enumerate(split.select_columns([c for c in (id_col, text_col) if c])):
            text = row[text_col]
            item_id = f"{prefix}{row[id_col] if id_col else i}"
            if not isinstance(text, str):
                yield InputItem(key="", source=f"{path}#{item_id}", error="text is not a string")
                continue
            yield InputItem(key=_text_key(path, item_id, text), source=f"{path}#{item_id}", text=text)
