"""Gold annotations: JSON Lines, one paragraph a line, plus Label Studio import/export.

A record::

    {"source": "seeds/000_8e50c66bbab2bb45.txt", "doc_id": "…", "paragraph": "p12",
     "text": "…", "labels": ["problems", "improvements"],
     "sentences": [{"start": 0, "end": 31, "text": "…", "labels": ["problems"]}]}

``source`` (path relative to the corpus) and ``text`` are the key; ``doc_id``, ``paragraph``
and ``context`` (the paragraph's heading path as models read it, models/context.py) are
conveniences that :func:`realign` refreshes after parser changes.
"""
from __future__ import annotations

import difflib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable

from nlp.errors import ReadError

LS_PARAGRAPH = "labels"  # Label Studio control names used by export/import
LS_SENTENCE = "sentence"


@dataclass
class SentenceLabel:
    start: int  # offsets into the paragraph text
    end: int
    text: str
    labels: list[str] = field(default_factory=list)


@dataclass
class Annotation:
    source: str
    text: str
    labels: list[str] = field(default_factory=list)
    doc_id: str | None = None
    paragraph: str | None = None
    sentences: list[SentenceLabel] | None = None
    context: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.text)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for optional in ("sentences", "context"):
            if d[optional] is None:
                d.pop(optional)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Annotation":
        sents = d.get("sentences")
        return cls(
            source=d["source"], text=d["text"], labels=list(d.get("labels", [])),
            doc_id=d.get("doc_id"), paragraph=d.get("paragraph"),
            sentences=None if sents is None else [SentenceLabel(**s) for s in sents],
            context=d.get("context"),
        )


def read_jsonl(path: str | Path) -> list[Annotation]:
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise ReadError(path, f"cannot read annotations: {e.strerror or e}") from None
    out = []
    for i, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            out.append(Annotation.from_dict(json.loads(line)))
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            raise ReadError(path, f"line {i}: not an annotation record ({e})") from None
    return out


def write_jsonl(annotations: Iterable[Annotation], path: str | Path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for a in annotations:
            f.write(json.dumps(a.to_dict(), ensure_ascii=False) + "\n")


def from_document(doc, source: str) -> list[Annotation]:
    """Unlabelled annotation records for every paragraph of a parsed document."""
    from models.context import paragraph_context

    out = []
    for p in doc.paragraphs:
        sents = [SentenceLabel(s.start - p.start, s.end - p.start, s.text, []) for s in p.sentences] or None
        out.append(Annotation(source, p.text, [], doc.doc_id, p.id, sents, paragraph_context(doc, p)))
    return out


# --- Label Studio -------------------------------------------------------------------------

def label_studio_config(labels: list[str], sentence_labels: list[str]) -> str:
    """The labelling interface XML matching :func:`to_label_studio`."""
    choices = "\n".join(f'    <Choice value="{l}"/>' for l in labels)
    spans = "\n".join(f'    <Label value="{l}"/>' for l in sentence_labels)
    return (
        "<View>\n"
        f'  <Labels name="{LS_SENTENCE}" toName="text">\n{spans}\n  </Labels>\n'
        '  <Text name="text" value="$text"/>\n'
        f'  <Choices name="{LS_PARAGRAPH}" toName="text" choice="multiple">\n{choices}\n  </Choices>\n'
        "</View>\n"
    )


def to_label_studio(annotations: Iterable[Annotation]) -> list[dict[str, Any]]:
    """Label Studio tasks (JSON import format) with existing labels as pre-filled annotations."""
    tasks = []
    for i, a in enumerate(annotations, 1):
        result: list[dict[str, Any]] = []
        if a.labels:
            result.append({"from_name": LS_PARAGRAPH, "to_name": "text", "type": "choices",
                           "value": {"choices": list(a.labels)}})
        for s in a.sentences or []:
            if s.labels:
                result.append({"from_name": LS_SENTENCE, "to_name": "text", "type": "labels",
                               "value": {"start": s.start, "end": s.end, "text": s.text, "labels": list(s.labels)}})
        task = {"id": i, "data": {"text": a.text, "source": a.source, "doc_id": a.doc_id, "paragraph": a.paragraph}}
        if result:
            task["annotations"] = [{"result": result}]
        tasks.append(task)
    return tasks


def from_label_studio(tasks: list[dict[str, Any]]) -> list[Annotation]:
    """Annotations from a Label Studio JSON export (the latest non-cancelled annotation wins)."""
    out = []
    for t in tasks:
        data = t.get("data", {})
        if "text" not in data:
            continue
        done = [a for a in t.get("annotations", []) if not a.get("was_cancelled")]
        result = done[-1].get("result", []) if done else []
        labels: list[str] = []
        sents: list[SentenceLabel] = []
        for r in result:
            v = r.get("value", {})
            if r.get("type") == "choices" and r.get("from_name") == LS_PARAGRAPH:
                labels.extend(v.get("choices", []))
            elif r.get("type") == "labels":
                sents.append(SentenceLabel(v["start"], v["end"], v.get("text", data["text"][v["start"]:v["end"]]),
                                           list(v.get("labels", []))))
        out.append(Annotation(data.get("source") or "<label-studio>", data["text"], labels,
                              data.get("doc_id"), data.get("paragraph"),
                              sorted(sents, key=lambda s: s.start) or None))
    return out


def read_label_studio(path: str | Path) -> list[Annotation]:
    try:
        tasks = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise ReadError(path, f"not a Label Studio JSON export: {e}") from None
    if not isinstance(tasks, list):
        raise ReadError(path, "not a Label Studio JSON export: expected a list of tasks")
    return from_label_studio(tasks)


# --- re-alignment after parser changes ----------------------------------------------------

def realign(annotations: list[Annotation], docs: dict[str, Any], min_ratio: float = 0.85):
    """Match annotations to freshly parsed documents (``{source: Document}``): exact text first,
    then the most similar paragraph of the same source. Returns ``(aligned, unmatched)``;
    aligned records get the new text, doc_id, paragraph id and context (sentence labels are kept
    only when the text is unchanged)."""
    from models.context import paragraph_context

    aligned, unmatched = [], []
    for a in annotations:
        doc = docs.get(a.source)
        if doc is None:
            unmatched.append(a)
            continue
        by_text = {p.text: p for p in doc.paragraphs}
        p = by_text.get(a.text)
        if p is None:
            scored = [(difflib.SequenceMatcher(None, a.text, q.text, autojunk=False).ratio(), i)
                      for i, q in enumerate(doc.paragraphs)]
            best = max(scored, default=(0.0, -1))
            if best[0] < min_ratio:
                unmatched.append(a)
                continue
            p = doc.paragraphs[best[1]]
        sents = a.sentences if p.text == a.text else None
        aligned.append(Annotation(a.source, p.text, list(a.labels), doc.doc_id, p.id, sents,
                                  paragraph_context(doc, p)))
    return aligned, unmatched
