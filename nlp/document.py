"""The document model that flows through the pipeline.

Offsets contract: every ``start``/``end`` in a :class:`Document` (sections, paragraphs,
sentences, table cells, facts) is a Python string index into ``Document.text``, the
*normalised* text, so ``doc.text[start:end]`` is always the thing described.
``Document.source_offset(i)`` maps a normalised offset back to ``Document.source_text``
(the text as read from the file, before chrome removal and normalisation).
"""
from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = "1.0"


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    labels: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)


@dataclass
class Section:
    id: str
    level: int
    marker: str
    title: str
    start: int
    end: int
    parent: str | None = None


@dataclass
class Paragraph:
    id: str
    section: str | None
    text: str
    start: int
    end: int
    sentences: list[Sentence] = field(default_factory=list)
    heading: str | None = None  # an inline heading that opens the paragraph, e.g. "(一)主动公开情况。"
    labels: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    tokens: list[str] | None = None


@dataclass
class Cell:
    text: str
    start: int
    end: int


@dataclass
class Table:
    id: str
    kind: str  # table2 | table3 | table4 | legacy_stats | unknown
    start: int
    end: int
    rows: list[list[Cell]] = field(default_factory=list)
    section: str | None = None

    def grid(self) -> list[list[str]]:
        return [[c.text for c in row] for row in self.rows]


@dataclass
class Meta:
    title: str | None = None
    issuer: str | None = None
    year: int | None = None
    era: str | None = None  # legacy | 2019 | 2021
    published: str | None = None  # ISO date
    script: str = "simplified"  # of the source; "traditional": converted to Simplified for analysis


@dataclass
class Document:
    text: str
    source: str = "<text>"
    source_text: str = ""
    # Offset map: from anchors_norm[k] on, text maps one to one onto source_text from anchors_src[k].
    anchors_norm: array = field(default_factory=lambda: array("i"), repr=False)
    anchors_src: array = field(default_factory=lambda: array("i"), repr=False)
    meta: Meta = field(default_factory=Meta)
    sections: list[Section] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    facts: list[dict[str, Any]] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Lines the reader removed as web chrome or page furniture (kept for metadata mining).
    removed_lines: list[str] = field(default_factory=list, repr=False)
    # Lines found by the reader, each (start, end, kind) with kind "text" or "table:<n>",
    # used by the structure parser; not serialised.
    lines: list[tuple[int, int, str]] = field(default_factory=list, repr=False)
    # Grids that arrived as real tables (HTML, DOCX, PDF): index -> rows of cells.
    source_tables: list[list[list[Cell]]] = field(default_factory=list, repr=False)
    # Text read by OCR: the record's "ocr" (engine, dpi, min_confidence, pages), and the spans
    # of ``text`` it produced as sorted (start, end, lowest character confidence).
    ocr: dict[str, Any] | None = None
    ocr_spans: list[tuple[int, int, float]] = field(default_factory=list, repr=False)
    # Files read with this report as its attachments, each {"source", "start", "end"}: the span
    # of ``text`` that came from it (after the report's own text).
    attachments: list[dict[str, Any]] = field(default_factory=list)

    @property
    def doc_id(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]

    def source_offset(self, offset: int) -> int:
        """Map an offset in ``text`` to the matching offset in ``source_text``."""
        if not self.anchors_norm:
            return offset
        if offset >= len(self.text):
            return len(self.source_text)
        k = max(bisect_right(self.anchors_norm, offset) - 1, 0)
        return self.anchors_src[k] + offset - self.anchors_norm[k]

    def ocr_confidence(self, start: int, end: int) -> float | None:
        """The lowest OCR confidence of the text in ``[start, end)``; None where no OCR text is."""
        spans = self.ocr_spans
        i = max(bisect_right(spans, (start, -1, 0.0)) - 1, 0)
        low = None
        for s, e, conf in spans[i:]:
            if s >= end:
                break
            if e > start and (low is None or conf < low):
                low = conf
        return low

    def paragraph_at(self, offset: int) -> Paragraph | None:
        starts = [p.start for p in self.paragraphs]
        i = bisect_right(starts, offset) - 1
        if i >= 0 and self.paragraphs[i].start <= offset < self.paragraphs[i].end:
            return self.paragraphs[i]
        return None

    def section_path(self, section_id: str | None) -> list[str]:
        by_id = {s.id: s for s in self.sections}
        path = []
        while section_id and section_id in by_id:
            s = by_id[section_id]
            path.append(s.marker + s.title)
            section_id = s.parent
        return path[::-1]

    def to_dict(self, with_tokens: bool = True) -> dict[str, Any]:
        # Paragraph tokens are included when the segment component produced them.
        # Built by hand: dataclasses.asdict deep-copies recursively and was a quarter of tag time.
        record = {
            "schema_version": SCHEMA_VERSION,
            "doc_id": self.doc_id,
            "source": self.source,
            "meta": vars(self.meta).copy(),
            "text": self.text,
            "sections": [vars(s).copy() for s in self.sections],
            "paragraphs": [_paragraph_dict(p, with_tokens) for p in self.paragraphs],
            "tables": [
                {
                    "id": t.id,
                    "kind": t.kind,
                    "section": t.section,
                    "start": t.start,
                    "end": t.end,
                    "rows": t.grid(),
                    "offsets": [[[c.start, c.end] for c in row] for row in t.rows],
                }
                for t in self.tables
            ],
            "facts": self.facts,
            "checks": self.checks,
            "warnings": self.warnings,
        }
        if self.ocr is not None:
            self._add_ocr(record)
        if self.attachments:
            record["attachments"] = self.attachments
        return record

    def _add_ocr(self, record: dict[str, Any]) -> None:
        """OCR provenance: the run (engine, dpi, threshold, pages) and, on each paragraph and
        table, the lowest confidence of its characters (None: not from OCR)."""
        record["ocr"] = self.ocr
        conf = lambda s, e: None if (c := self.ocr_confidence(s, e)) is None else round(c, 3)  # noqa: E731
        for p, d in zip(self.paragraphs, record["paragraphs"]):
            d["ocr_confidence"] = conf(p.start, p.end)
        for t, d in zip(self.tables, record["tables"]):
            d["ocr_confidence"] = [[conf(c.start, c.end) if c.end > c.start else None for c in row]
                                   for row in t.rows]

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Document":
        doc = cls(text=d["text"], source=d.get("source", "<text>"))
        doc.meta = Meta(**d.get("meta", {}))
        doc.sections = [Section(**s) for s in d.get("sections", [])]
        for p in d.get("paragraphs", []):
            p = dict(p)
            p.pop("ocr_confidence", None)
            p["sentences"] = [Sentence(**s) for s in p.get("sentences", [])]
            doc.paragraphs.append(Paragraph(**p))
        for t in d.get("tables", []):
            rows = [
                [Cell(text, s, e) for text, (s, e) in zip(row, offs)]
                for row, offs in zip(t["rows"], t["offsets"])
            ]
            doc.tables.append(Table(t["id"], t["kind"], t["start"], t["end"], rows, t.get("section")))
        doc.facts = list(d.get("facts", []))
        doc.checks = list(d.get("checks", []))
        doc.warnings = list(d.get("warnings", []))
        doc.attachments = list(d.get("attachments", []))
        doc.ocr = d.get("ocr")
        if doc.ocr is not None:
            spans = [(p.start, p.end, c) for p, pd in zip(doc.paragraphs, d.get("paragraphs", []))
                     if (c := pd.get("ocr_confidence")) is not None]
            for t, td in zip(doc.tables, d.get("tables", [])):
                for row, confs in zip(t.rows, td.get("ocr_confidence") or []):
                    spans.extend((c.start, c.end, v) for c, v in zip(row, confs) if v is not None)
            doc.ocr_spans = sorted(spans)
        return doc


def _paragraph_dict(p: Paragraph, with_tokens: bool) -> dict[str, Any]:
    d = {
        "id": p.id, "section": p.section, "text": p.text, "start": p.start, "end": p.end,
        "sentences": [
            {"start": x.start, "end": x.end, "text": x.text, "labels": list(x.labels), "scores": dict(x.scores)}
            for x in p.sentences
        ],
        "heading": p.heading, "labels": list(p.labels), "scores": dict(p.scores),
    }
    if with_tokens and p.tokens is not None:
        d["tokens"] = list(p.tokens)
    return d
