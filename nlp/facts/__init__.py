"""Numeric facts: every quantity a report states, from its statistics tables and its prose,
mapped to the canonical fields of ``configs/fields.yaml``.

>>> from nlp.facts import FactExtractor
>>> doc = FactExtractor()(doc)      # fills doc.facts
"""
from __future__ import annotations

from typing import Any

from ..document import Document
from ..errors import ConfigError
from .numbers import NumberReader, Quantity, default_reader
from .prose import ProseExtractor, document_era
from .schema import FieldDef, FieldSchema, load_schema
from .tables import TableMapper

__all__ = ["FactExtractor", "FieldSchema", "FieldDef", "NumberReader", "Quantity", "ProseExtractor",
           "TableMapper", "load_schema", "default_reader", "document_era"]


class FactExtractor:
    """Pipeline component: ``doc.facts`` = table facts then prose facts, in text order each.

    Config: ``fields`` (field schema config name), ``numbers`` (number/prose config name),
    ``tables`` / ``prose`` (switch either source off)."""

    def __init__(self, fields: str = "fields", numbers: str = "facts", tables: bool = True, prose: bool = True):
        self.schema = load_schema(fields)
        self.reader = NumberReader(numbers)
        self.table_mapper = TableMapper(self.schema, self.reader)
        self.prose = ProseExtractor(self.schema, self.reader, numbers)
        self.use_tables, self.use_prose = tables, prose

    def extract(self, doc: Document) -> list[dict[str, Any]]:
        facts: list[dict[str, Any]] = []
        if self.use_tables:
            for table in doc.tables:
                facts.extend(self.table_mapper.facts(doc, table))
        if self.use_prose:
            facts.extend(self.prose.extract(doc))
        for f in facts:
            if f["field"] is not None and f["field"] not in self.schema:
                # every id comes from the schema, so this is a bug in a mapper, not bad input
                raise ConfigError(f"fact field {f['field']!r} is not declared in configs/fields.yaml")
        return facts

    def __call__(self, doc: Document) -> Document:
        doc.facts = self.extract(doc)
        if doc.ocr_spans:
            flag_ocr_facts(doc)
        return doc


def flag_ocr_facts(doc: Document) -> None:
    """Facts read from OCR text carry ``ocr_confidence``; those below the run's threshold get
    ``low_confidence: true`` and are listed in a warning (kept, not silently trusted)."""
    threshold = (doc.ocr or {}).get("min_confidence", 0.0)
    low = []
    for f in doc.facts:
        conf = doc.ocr_confidence(f["start"], f["end"])
        if conf is None:
            continue
        f["ocr_confidence"] = round(conf, 3)
        f["low_confidence"] = conf < threshold
        if conf < threshold:
            low.append(f"{f['field'] or f['raw']}={f['value']}")
    if low:
        doc.warnings.append(f"{len(low)} facts from OCR text below confidence {threshold}: {', '.join(low[:10])}"
                            + (" ..." if len(low) > 10 else ""))
