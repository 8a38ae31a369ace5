"""Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK, detected not assumed."""
from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from ..errors import ReadError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")


def decode(data: bytes, path: str, html: bool = False) -> str:
    """Decode ``data``; raise ReadError if it is not text."""
    if not data.strip():
        raise ReadError(path, "empty file")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _checked(_try(data, enc) or "", path)
    sample = data[:65536]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    if b"\x00" in sample or controls > len(sample) // 100:
        raise ReadError(path, "binary data, not a text report")
    candidates = ["utf-8"]
    if html and (m := _META_CHARSET.search(data[:4096])):
        candidates.append(m.group(1).decode("ascii").lower())
    candidates.append("gb18030")  # a superset of GBK and GB2312
    for enc in candidates:
        text = _try(data, enc)
        if text is not None:
            return _checked(text, path)
    best = from_bytes(data).best()
    if best is None:
        raise ReadError(path, "binary data, not a text report (no text encoding fits)")
    return _checked(str(best), path)


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _checked(text: str, path: str) -> str:
    if len(_CONTROL.findall(text[:20000])) > max(3, len(text[:20000]) // 100):
        raise ReadError(path, "binary data, not a text report (too many control characters)")
    if not text.strip():
        raise ReadError(path, "empty file")
    return text
