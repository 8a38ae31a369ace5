"""Reports in Traditional characters: converted with OpenCC for analysis, offsets exact into the
original characters. The Traditional copies are made here, at run time, with OpenCC s2t."""
from collections import Counter

import opencc
import pytest

from nlp.ingest import read, script
from nlp.ingest.normalise import normalise
from nlp.pipeline import Pipeline

S2T, T2S = opencc.OpenCC("s2t"), opencc.OpenCC("t2s")


@pytest.fixture(scope="module")
def pipe():
    return Pipeline.from_config("pipeline")


def _table_facts(doc):
    return sorted((f["field"], f["table"], str(f["value"])) for f in doc.facts if f.get("table"))


def _prose_facts(doc):
    return Counter((f["field"], str(f["value"]), f["unit"]) for f in doc.facts if not f.get("table"))


def _assert_points_back(doc):
    """Every paragraph, cell and fact span maps onto the same characters in Traditional form
    (up to the reader's normalisation: full-width forms, spaces at the ends)."""
    spans = [(p.start, p.end) for p in doc.paragraphs]
    spans += [(c.start, c.end) for t in doc.tables for row in t.rows for c in row if c.text]
    spans += [(f["start"], f["end"]) for f in doc.facts]
    assert spans
    for a, b in spans:
        original = doc.source_text[doc.source_offset(a):doc.source_offset(b)]
        assert normalise(T2S.convert(original))[0] == doc.text[a:b]


def test_simplified_text_is_left_alone(fixtures):
    doc = read(fixtures / "mini-2021.txt")
    assert doc.meta.script == "simplified"
    assert not any("Traditional" in w for w in doc.warnings)


def test_traditional_fixture_is_converted_and_points_back(fixtures, pipe):
    simplified = (fixtures / "mini-2021.txt").read_text(encoding="utf-8")
    doc = pipe(read(S2T.convert(simplified), "trad.txt"))
    plain = pipe(read(simplified, "plain.txt"))
    assert doc.text == plain.text
    assert doc.meta.script == "traditional"
    assert (doc.meta.title, doc.meta.issuer, doc.meta.year, doc.meta.era) == (
        plain.meta.title, plain.meta.issuer, plain.meta.year, plain.meta.era)
    assert any("Traditional" in w and "t2s" in w for w in doc.warnings)
    assert "政府資訊" not in doc.text and "年度報告" in doc.source_text
    _assert_points_back(doc)


def test_a_conversion_that_changes_length_keeps_offsets_exact(monkeypatch):
    # tw2sp rewrites Taiwanese wording, e.g. a four-character word for "internet" becomes three
    monkeypatch.setattr(script, "_settings", lambda: {"opencc_config": "tw2sp", "min_changed": 0.05})
    text = "本機關2023年透過網際網路公開資訊120條，網際網路平臺訪問量達3萬次。\n一、總體情況\n全年受理申請5件。"
    doc = read(text, "tw.txt")
    assert doc.meta.script == "traditional"
    assert "互联网" in doc.text and "網際網路" not in doc.text
    for needle in ("120条", "3万次", "5件", "一、总体情况", "互联网"):
        i = doc.text.index(needle)
        a, b = doc.source_offset(i), doc.source_offset(i + len(needle))
        assert opencc.OpenCC("tw2sp").convert(doc.source_text[a:b]) == needle


@pytest.mark.corpus
@pytest.mark.parametrize("seed", ["002", "004"])
def test_traditional_copies_of_seeds_give_the_same_record(corpus, pipe, seed):
    path = next((corpus / "seeds").glob(f"{seed}_*.txt"))
    simplified = path.read_text(encoding="utf-8")
    original = pipe(read(simplified, path.name))
    copy = pipe(read(S2T.convert(simplified), "traditional-" + path.name))
    assert copy.meta.script == "traditional"
    for key in ("title", "issuer", "year", "era", "published"):
        assert getattr(copy.meta, key) == getattr(original.meta, key), key
    assert _table_facts(copy) == _table_facts(original)
    assert len(_table_facts(copy)) >= 190
    same = sum((_prose_facts(copy) & _prose_facts(original)).values())
    assert same >= 0.95 * sum(_prose_facts(original).values())
    assert [p.labels for p in copy.paragraphs] == [p.labels for p in original.paragraphs]
    _assert_points_back(copy)
