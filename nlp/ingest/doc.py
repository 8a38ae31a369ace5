"""Word 97-2003 ``.doc`` via antiword (Debian package ``antiword``) in DocBook mode, which keeps
table cells apart: paragraphs become lines, tables become grids. A ``.docx`` saved under a
``.doc`` name is read as a DOCX."""
from __future__ import annotations

import shutil
import subprocess
import tempfile

from ..errors import ReadError
from .blocks import Grid, Line, SourceBuilder

INSTALL_HINT = "reading .doc needs antiword (apt-get install antiword)"
TIMEOUT_S = 120


def read_doc(data: bytes, path: str) -> tuple[str, list[Line | Grid]]:
    if data[:4] == b"PK\x03\x04":
        from .docx import read_docx

        return read_docx(data, path)
    if data.lstrip()[:5] == b"{\\rtf":
        raise ReadError(path, "an RTF file under a .doc name; save it as .docx")
    if data[:8] != b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ReadError(path, "not a Word 97-2003 document (no OLE header; corrupted or mislabelled)")
    exe = shutil.which("antiword")
    if exe is None:
        raise ReadError(path, INSTALL_HINT)
    with tempfile.NamedTemporaryFile(suffix=".doc") as f:
        f.write(data)
        f.flush()
        try:
            run = subprocess.run([exe, "-x", "db", f.name], capture_output=True, timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise ReadError(path, f"antiword did not finish within {TIMEOUT_S} s") from None
    if run.returncode != 0 or not run.stdout.strip():
        reason = run.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = reason[-1][:200] if reason else f"exit status {run.returncode}"
        if "encrypt" in detail.lower():
            raise ReadError(path, "encrypted .doc (password protected)")
        raise ReadError(path, f"antiword could not read this .doc ({detail})")
    return _docbook(run.stdout, path)


def _docbook(xml: bytes, path: str) -> tuple[str, list[Line | Grid]]:
    from lxml import etree

    try:
        root = etree.fromstring(xml, etree.XMLParser(recover=True, resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as e:
        raise ReadError(path, f"antiword gave unreadable output ({e})") from None
    if root is None:
        raise ReadError(path, "antiword gave no text")
    src = SourceBuilder()
    blocks: list[Line | Grid] = []

    def text(el) -> str:
        return " ".join("".join(el.itertext()).split())

    def walk(el) -> None:
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in ("informaltable", "table"):
                rows = []
                for row in child.iter("row"):
                    cells = [text(entry) for entry in row.iter("entry")]
                    rows.append([[src.add(c, sep="\t")] if c else [] for c in cells])
                if rows:
                    blocks.append(Grid(rows))
            elif tag in ("para", "title", "simpara"):
                if any(t.tag in ("informaltable", "table") for t in child.iter()):
                    walk(child)
                elif t := text(child):
                    blocks.append(Line([src.add(t)]))
            elif tag != "bookinfo":
                walk(child)

    walk(root)
    return src.text(), blocks
