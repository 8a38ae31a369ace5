"""DOCX via python-docx: body paragraphs in order, tables as grids (merged cells kept once)."""
from __future__ import annotations

import io
import zipfile

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from ..errors import ReadError
from .blocks import Grid, Line, SourceBuilder


def read_docx(data: bytes, path: str) -> tuple[str, list[Line | Grid]]:
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ReadError(path, "an encrypted DOCX or an old binary .doc file; save it as an unprotected .docx")
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise ReadError(path, f"corrupted DOCX ({type(e).__name__}: {e})") from None
    except Exception as e:  # python-docx/lxml raise many types on damaged packages
        raise ReadError(path, f"corrupted DOCX ({type(e).__name__}: {e})") from None
    src = SourceBuilder()
    blocks: list[Line | Grid] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(child, document).text
            for part in text.split("\n"):
                if part.strip():
                    blocks.append(Line([src.add(part)]))
        elif tag == "tbl":
            blocks.append(_grid(Table(child, document), src))
    return src.text(), blocks


def _grid(table: Table, src: SourceBuilder) -> Grid:
    rows = []
    above: list = []
    for r in table.rows:
        cells = list(r.cells)
        row = []
        for j, cell in enumerate(cells):
            merged = (j and cell._tc is cells[j - 1]._tc) or (j < len(above) and cell._tc is above[j]._tc)
            text = "" if merged else cell.text.strip()
            row.append([src.add(text, sep="\t")] if text else [])
        rows.append(row)
        above = cells
    return Grid(rows)
