"""A report and its attachments read as one Document: the report's text, then each
attachment's, every offset shifted, so the attachments' tables are the report's tables."""
from __future__ import annotations

from array import array
from pathlib import Path

from ..document import Cell, Document
from ..errors import ReadError


def read_group(paths: list[str | Path]) -> Document:
    """The first path is the report; the others are its attachments. An attachment that cannot
    be read is left out with a warning; the report itself must be readable."""
    from . import read_file

    if not paths:
        raise ReadError("<group>", "no files given")
    main = read_file(Path(paths[0]))
    docs, warnings = [main], []
    for p in paths[1:]:
        try:
            docs.append(read_file(Path(p)))
        except ReadError as e:
            warnings.append(f"attachment left out: {e}")
    doc = combine(docs)
    doc.warnings.extend(warnings)
    return doc


def combine(docs: list[Document]) -> Document:
    main = docs[0]
    out = Document(text="", source=main.source)
    out.anchors_norm, out.anchors_src = array("i"), array("i")
    texts, sources = [], []
    t0 = s0 = 0
    for d in docs:
        if texts:
            t0 += 1
            s0 += 1
        out.anchors_norm.extend(n + t0 for n in d.anchors_norm)
        out.anchors_src.extend(s + s0 for s in d.anchors_src)
        k0 = len(out.source_tables)
        out.lines.extend((s + t0, e + t0, kind if kind == "text" else f"table:{int(kind[6:]) + k0}")
                         for s, e, kind in d.lines)
        out.source_tables.extend([[Cell(c.text, c.start + t0, c.end + t0) for c in row] for row in grid]
                                 for grid in d.source_tables)
        out.removed_lines.extend(d.removed_lines)
        out.ocr_spans.extend((s + t0, e + t0, c) for s, e, c in d.ocr_spans)
        prefix = "" if d is main else f"attachment {d.source}: "
        out.warnings.extend(prefix + w for w in d.warnings)
        if d is not main:
            out.attachments.append({"source": d.source, "start": t0, "end": t0 + len(d.text)})
        texts.append(d.text)
        sources.append(d.source_text)
        t0 += len(d.text)
        s0 += len(d.source_text)
    out.text, out.source_text = "\n".join(texts), "\n".join(sources)
    read_by_ocr = [d for d in docs if d.ocr]
    if read_by_ocr:
        out.ocr = dict(read_by_ocr[0].ocr)
        out.ocr["pages"] = [{**p, "source": d.source} for d in read_by_ocr for p in d.ocr.get("pages", [])]
    return out
