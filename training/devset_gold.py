"""Gold paragraphs of a dev set (training/devset.py layout) as training annotations.

Each gold paragraph (an anchor in page.txt and its labels, primary first) is matched to the
paragraph the parser produces there, the way the scorer matches them, and becomes an
:class:`~training.annotations.Annotation` with that paragraph's text and context. Paragraphs the
parser does not produce are skipped. Train on one half of a dev set and score the other
(``data.devset_gold.ids: odd``), or on all of it for a shipped model measured elsewhere."""
from __future__ import annotations

import re
from typing import Any

from .annotations import Annotation


def select_ids(ids: Any, available: list[str]) -> list[str]:
    """``all``, ``odd`` / ``even`` (by the number in the id: a01 odd, b02 even) or a list of ids."""
    if ids in (None, "all"):
        return available
    if ids in ("odd", "even"):
        parity = 1 if ids == "odd" else 0
        return [i for i in available if (m := re.search(r"(\d+)$", i)) and int(m.group(1)) % 2 == parity]
    return [i for i in available if i in set(ids)]


def devset_annotations(root: str, ids: Any = "all") -> list[Annotation]:
    import nlp
    from models.context import paragraph_context

    from .devset import anchor_span, match_paragraph, PredParagraph, read_devset, source_span

    reports = read_devset(root)
    reports = [r for r in reports if r.id in set(select_ids(ids, [r.id for r in reports]))]
    pipe = nlp.Pipeline.from_config("pipeline", classify={"enabled": False}, segment={"enabled": False})
    out: list[Annotation] = []
    for g in reports:
        doc = pipe.process(g.path / "page.txt")
        paras = [p for p in doc.paragraphs if p.text.strip()]
        spans = [PredParagraph(*source_span(doc, p.start, p.end), [], None, p.text) for p in paras]
        taken: set[int] = set()
        for gp in g.gold.get("paragraphs") or []:
            span = anchor_span(g.page, gp["anchor"])
            i = match_paragraph(*span, spans) if span else None
            if i is None or i in taken or not gp.get("labels"):
                continue
            taken.add(i)
            p = paras[i]
            out.append(Annotation(f"devset/{g.id}", p.text, list(gp["labels"]), doc.doc_id, p.id,
                                  context=paragraph_context(doc, p)))
    return out
