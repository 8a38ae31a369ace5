import json
from pathlib import Path

from nlp.document import Document, Paragraph
from training.annotations import (Annotation, SentenceLabel, from_label_studio, label_studio_config, read_jsonl,
                                  realign, to_label_studio, write_jsonl)

FIXTURE = Path(__file__).parent / "fixtures" / "classify_train.jsonl"


def test_jsonl_round_trip(tmp_path):
    records = read_jsonl(FIXTURE)
    assert len(records) == 26
    write_jsonl(records, tmp_path / "out.jsonl")
    assert read_jsonl(tmp_path / "out.jsonl") == records


def test_label_studio_round_trip():
    records = read_jsonl(FIXTURE)
    tasks = json.loads(json.dumps(to_label_studio(records), ensure_ascii=False))
    assert tasks[9]["annotations"][0]["result"][1]["value"]["labels"] == ["problems"]
    back = from_label_studio(tasks)
    assert [(a.source, a.text, a.labels) for a in back] == [(a.source, a.text, a.labels) for a in records]
    assert back[9].sentences == records[9].sentences
    xml = label_studio_config(["overview", "problems"], ["problems"])
    assert '<Choice value="overview"/>' in xml and 'name="sentence"' in xml


def test_label_studio_export_takes_latest_annotation_and_ignores_cancelled():
    task = {"data": {"text": "无。", "source": "x.txt"},
            "annotations": [
                {"result": [{"type": "choices", "from_name": "labels", "value": {"choices": ["noise"]}}]},
                {"result": [{"type": "choices", "from_name": "labels", "value": {"choices": ["other_matters"]}}]},
                {"was_cancelled": True, "result": [{"type": "choices", "from_name": "labels",
                                                    "value": {"choices": ["overview"]}}]}]}
    [a] = from_label_studio([task])
    assert a.labels == ["other_matters"] and a.sentences is None


def test_realign_follows_small_parser_changes():
    text = "一、总体情况\n2022年,我县认真贯彻条例,政府信息公开工作稳步推进。\n二、其他\n无。"
    doc = Document(text=text, source="r.txt")
    doc.paragraphs = [Paragraph("p7", "s1", "2022年,我县认真贯彻条例,政府信息公开工作稳步推进。", 7, 34),
                      Paragraph("p9", "s2", "无。", 40, 42)]
    old = [Annotation("r.txt", "2022年,我县认真贯彻条例,政府信息公开工作稳步推进", ["overview"], "old", "p1"),
           Annotation("r.txt", "无。", ["other_matters"], "old", "p2",
                      [SentenceLabel(0, 2, "无。", [])]),
           Annotation("r.txt", "完全不同的一段文字", ["noise"])]
    aligned, unmatched = realign(old, {"r.txt": doc})
    assert [(a.paragraph, a.labels) for a in aligned] == [("p7", ["overview"]), ("p9", ["other_matters"])]
    assert aligned[0].text == doc.paragraphs[0].text and aligned[0].doc_id == doc.doc_id
    assert aligned[1].sentences is not None
    assert [a.text for a in unmatched] == ["完全不同的一段文字"]
