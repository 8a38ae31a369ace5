"""Reading a report into a Document with normalised text (see ``normalise`` for the rules).

``read(source)`` accepts a path (str or Path), raw bytes, the report text itself, or a list of
paths (a report and its attachments, read as one Document).
The file type comes from the suffix and is checked against the content."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..document import Document
from ..errors import ReadError
from .blocks import assemble
from .decode import decode
from .text import read_text

SUFFIXES = {".txt": "text", ".text": "text", ".md": "text", ".html": "html", ".htm": "html",
            ".xhtml": "html", ".pdf": "pdf", ".docx": "docx", ".doc": "doc", ".xlsx": "xlsx", ".xlsm": "xlsx",
            ".xls": "xls"}
BINARY_KINDS = ("pdf", "docx", "doc", "xlsx", "xls")
LIMITS_HELP = "configs/ingest.yaml"


def limits() -> dict[str, int]:
    from ..config import load_config

    return load_config("ingest")["limits"]


def check_text_size(text: str, name: str) -> None:
    """Refuse a text over ``limits.max_text_chars``: it would take too much memory downstream."""
    limit = limits()["max_text_chars"]
    if len(text) > limit:
        raise ReadError(name, f"text too large: {len(text):,} characters (limit {limit:,}, "
                              f"limits.max_text_chars in {LIMITS_HELP}); split it into several files")


def read(source: Any, name: str | None = None) -> Document:
    if isinstance(source, Document):
        return source
    if isinstance(source, (list, tuple)):
        from .group import read_group
        return read_group(list(source))
    if isinstance(source, (bytes, bytearray)):
        return read_bytes(bytes(source), name or "<bytes>")
    if isinstance(source, os.PathLike) or (isinstance(source, str) and _looks_like_path(source)):
        return read_file(Path(source))
    if isinstance(source, str):
        return read_string(source, name or "<text>")
    raise ReadError(str(name or source), f"cannot read a {type(source).__name__}; give a path, bytes or text")


def _looks_like_path(s: str) -> bool:
    if "\n" in s or len(s) > 1024:
        return False
    return os.path.exists(s) or Path(s).suffix.lower() in SUFFIXES or s.endswith(("/", os.sep))


def read_file(path: Path) -> Document:
    name = str(path)
    if not path.exists():
        raise ReadError(name, "no such file")
    if path.is_dir():
        raise ReadError(name, "is a directory, not a report file")
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None and path.suffix:
        raise ReadError(name, f"unsupported file type '{path.suffix}' (expected {', '.join(sorted(SUFFIXES))})")
    try:
        size = path.stat().st_size
        key = "max_binary_file_mb" if kind in BINARY_KINDS else "max_text_file_mb"
        limit_mb = limits()[key]
        if size > limit_mb * 1024 * 1024:
            raise ReadError(name, f"file too large: {size / 1024 / 1024:.1f} MB (limit {limit_mb} MB for "
                                  f"{kind or 'text'} files, limits.{key} in {LIMITS_HELP}); split it into several files")
        data = path.read_bytes()
    except OSError as e:
        raise ReadError(name, f"cannot read file ({e.strerror or e})") from None
    return read_bytes(data, name, kind)


def read_bytes(data: bytes, name: str, kind: str | None = None) -> Document:
    if not data.strip():
        raise ReadError(name, "empty file")
    kind = kind or _sniff(data)
    if kind == "pdf":
        from .pdf import read_pdf
        source_text, blocks, ocr = read_pdf(data, name)
        check_text_size(source_text, name)
        if ocr is None:
            return _finish(assemble(source_text, blocks, name), name)
        doc = assemble(source_text, blocks, name, ocr.confidence or None)
        doc.ocr = ocr.info
        doc.warnings.extend(ocr.warnings)
        return _finish(doc, name)
    if kind == "docx":
        from .docx import read_docx
        source_text, blocks = read_docx(data, name)
    elif kind == "doc":
        from .doc import read_doc
        source_text, blocks = read_doc(data, name)
    elif kind in ("xlsx", "xls"):
        from .sheets import read_xls, read_xlsx
        source_text, blocks = (read_xlsx if kind == "xlsx" else read_xls)(data, name)
    elif kind == "html":
        from .html import read_html
        source_text, blocks = read_html(decode(data, name, html=True))
    else:
        source_text = decode(data, name)
        check_text_size(source_text, name)
        blocks = read_text(source_text)
    check_text_size(source_text, name)
    return _finish(assemble(source_text, blocks, name), name)


def read_string(text: str, name: str = "<text>") -> Document:
    if not text.strip():
        raise ReadError(name, "empty text")
    if text.lstrip()[:200].lower().startswith(("<!doctype html", "<html")):
        markup_limit = limits()["max_text_file_mb"] * 1024 * 1024
        if len(text) > markup_limit:
            raise ReadError(name, f"HTML too large: {len(text):,} characters (limit {markup_limit:,}, "
                                  f"limits.max_text_file_mb in {LIMITS_HELP}); split it into several files")
    else:
        check_text_size(text, name)
    if text.lstrip()[:200].lower().startswith(("<!doctype html", "<html")):
        from .html import read_html
        source_text, blocks = read_html(text)
        check_text_size(source_text, name)
        return _finish(assemble(source_text, blocks, name), name)
    return _finish(assemble(text, read_text(text), name), name)


_OLE_STREAMS = {"doc": "WordDocument".encode("utf-16-le"), "xls": "Workbook".encode("utf-16-le")}


def _sniff(data: bytes) -> str:
    head = data[:2048].lstrip()
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx" if b"xl/" in data[:65536] and b"word/" not in data[:65536] else "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE container: Word 97-2003, Excel 97-2003, or encrypted
        for kind, stream in _OLE_STREAMS.items():
            if stream in data:
                return kind
        return "docx"
    low = head[:512].lower()
    if low.startswith((b"<!doctype html", b"<html")) or b"<body" in low:
        return "html"
    return "text"


def _finish(doc: Document, name: str) -> Document:
    if not doc.text.strip():
        raise ReadError(name, "no report text found (only web chrome or blank content)")
    return doc
