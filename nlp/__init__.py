"""govreport-nlp: Chinese government information-disclosure annual reports into data.

>>> import nlp
>>> doc = nlp.load("report.pdf")          # read + full default pipeline
>>> doc.meta.year, doc.paragraphs[0].labels, doc.facts[:3]
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from .document import Document, Meta, Paragraph, Section, Sentence, Table, Cell, SCHEMA_VERSION
from .errors import GovReportError, ReadError, ConfigError, ModelError
from .pipeline import Pipeline

__all__ = [
    "load", "default_pipeline", "Pipeline", "Document", "Meta", "Paragraph", "Section", "Sentence",
    "Table", "Cell", "SCHEMA_VERSION", "GovReportError", "ReadError", "ConfigError", "ModelError",
]
__version__ = "0.1.0"


@lru_cache(maxsize=1)
def default_pipeline() -> Pipeline:
    return Pipeline.from_config("pipeline")


def load(source: Any, pipeline: Pipeline | None = None, name: str | None = None) -> Document:
    """Read a report (path, bytes or raw text) and run the pipeline on it."""
    return (pipeline or default_pipeline()).process(source, name=name)
