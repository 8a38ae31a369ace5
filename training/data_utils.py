"""Paths, labels and gold/silver data for training and evaluation configs."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from nlp.config import load_config
from nlp.errors import ConfigError
from nlp.structure import split_sentences

from .annotations import Annotation, read_jsonl

ROOT = Path(__file__).resolve().parents[1]
SENTENCE_LABELS = ("problems", "improvements")


def resolve(path: str | Path) -> Path:
    """A path from a config: as given if it exists, else relative to the project root."""
    p = Path(path)
    if p.exists() or p.is_absolute():
        return p
    return ROOT / p


def label_names(spec: Any = "labels") -> list[str]:
    if isinstance(spec, list):
        return [str(x) for x in spec]
    cfg = load_config(spec)
    try:
        return [entry["name"] for entry in cfg["labels"]]
    except (KeyError, TypeError):
        raise ConfigError(f"{spec}: expected `labels: [{{name: …}}, …]`") from None


def load_split(path: str | Path | None) -> dict[str, str]:
    """``{source: "train" | "dev"}`` from a split YAML (``train: [...]``, ``dev: [...]``)."""
    if not path:
        return {}
    cfg = load_config(str(resolve(path)))
    return {**{s: "train" for s in cfg.get("train", [])}, **{s: "dev" for s in cfg.get("dev", [])}}


def gold(cfg: dict) -> list[Annotation]:
    data = cfg.get("data") or {}
    if "annotations" not in data:
        raise ConfigError("training config: data.annotations is required")
    return read_jsonl(resolve(data["annotations"]))


def select(annotations: list[Annotation], split: dict[str, str], part: str) -> list[Annotation]:
    """``part`` is ``train``, ``dev`` or ``all``; documents not in the split count as train."""
    if part == "all":
        return list(annotations)
    return [a for a in annotations if split.get(a.source, "train") == part]


def sentence_examples(annotations: list[Annotation]) -> tuple[list[str], list[list[str]]]:
    """Sentence texts and their problems/improvements labels: annotated sentences, plus every
    sentence of paragraphs that are neither problems nor improvements (negatives)."""
    texts, labels = [], []
    for a in annotations:
        if a.sentences is not None and any(s.labels for s in a.sentences):
            for s in a.sentences:
                texts.append(s.text)
                labels.append([l for l in s.labels if l in SENTENCE_LABELS])
        elif not set(a.labels) & set(SENTENCE_LABELS):
            for sentence in split_sentences(a.text):
                texts.append(sentence.text)
                labels.append([])
    return texts, labels

