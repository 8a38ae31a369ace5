"""The dev-set scorer (training/devset.py) on a tiny invented dev set (tests/fixtures/devset):
known mistakes give known figures."""
import json
import shutil
from pathlib import Path

import pytest

from nlp.errors import ConfigError
from training import devset as ds

DEVSET = "tests/fixtures/devset"


@pytest.fixture(scope="module")
def reports(fixtures):
    return {g.id: g for g in ds.read_devset(fixtures / "devset")}


def span(page, anchor, number=None):
    i = page.index(anchor)
    if number is None:
        return i, i + len(anchor)
    j = page.index(number, i)
    return j, j + len(number)


def line_span(page, anchor):
    i = page.index(anchor)
    return i, page.index("\n", i)


def perfect(g):
    """A prediction that agrees with the gold in every respect."""
    page, gold = g.page, g.gold
    pred = ds.Prediction(gold["year"], gold["era"], gold["issuer"][0])
    for f in gold["facts"]:
        s, e = ds.gold_fact_span(page, f)
        pred.prose.append(ds.PredFact(s, e, 0 if f.get("negated") else f["value"], f["field"]))
    pred.table = [ds.PredFact(0, 0, c["value"], c["field"]) for c in gold["cells"]]
    for p in gold["paragraphs"]:
        s, e = line_span(page, p["anchor"])
        pred.paragraphs.append(ds.PredParagraph(s, e, list(p["labels"]), p["labels"][0]))
    return pred


def test_fixture_gold_is_valid(reports):
    assert ds.check_gold(list(reports.values())) == []


def test_check_reports_annotation_mistakes(fixtures, tmp_path):
    shutil.copytree(fixtures / "devset", tmp_path / "d")
    gold_path = tmp_path / "d" / "reports" / "x01" / "gold.json"
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    gold["url"] = "http://example.invalid/x02"
    gold["facts"][0]["field"] = "disclosure.rules.made"          # a 2019-template id in a legacy report
    gold["facts"][1]["field"] = "proactive.no_such_field"
    gold["facts"][2]["number"] = "7"                              # not inside its anchor
    gold["paragraphs"][1]["labels"] = ["meta"]
    gold["paragraphs"][2]["anchor"] = "这句话不在页面里"
    gold_path.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    problems = "\n".join(ds.check_gold(ds.read_devset(tmp_path / "d")))
    assert "not valid in era legacy" in problems
    assert "unknown field 'proactive.no_such_field'" in problems
    assert "number '7' not in the anchor" in problems
    assert "unknown label 'meta'" in problems
    assert "'这句话不在页面里' occurs 0 times" in problems
    assert "same url as x02" in problems or "same url as x01" in problems


def test_perfect_prediction_scores_one(reports):
    result = ds.evaluate(list(reports.values()), [perfect(g) for g in reports.values()])
    o = result["overall"]
    assert o["year_era"] == o["issuer"] == 1.0
    assert o["facts"]["precision"] == o["facts"]["recall"] == o["facts"]["id_accuracy"] == 1.0
    assert o["cells"]["recall"] == 1.0 and o["cells"]["extra"] == 0
    assert o["labels"]["macro_f1"] == o["labels"]["micro_f1"] == o["labels"]["primary_accuracy"] == 1.0
    assert set(result["by_era"]) == {"legacy", "2019"}
    assert all(not r["details"] for r in result["reports"].values())


def test_known_mistakes(reports):
    g = reports["x01"]
    page = g.page
    pred = ds.Prediction(2016, "legacy", " 青石 镇")                       # wrong year; issuer after stripping: right
    pred.prose = [
        ds.PredFact(*span(page, "主动公开政府信息86条", "86"), 86, None),       # matched, id wrong
        # "3" (规范性文件3件) not predicted: missed
        ds.PredFact(*span(page, "公开申请2件", "2"), 20, "requests.new_received.total"),  # wrong value
        ds.PredFact(*span(page, "未发生"), 0, "review.total"),                  # negated zero, matched
        ds.PredFact(*span(page, "0000-7654321", "7654321"), 7654321, None),   # a phone number
    ]
    pred.table = [ds.PredFact(0, 0, 86, "proactive.total"), ds.PredFact(0, 0, 3, "requests.new_received.total"),
                  ds.PredFact(0, 0, 86, "proactive.total")]
    pred.paragraphs = [
        # the 报告说明 paragraph and the breadcrumb (noise only) are not predicted
        ds.PredParagraph(*line_span(page, "一、概述"), ["overview"], "overview"),      # a heading: extra
        ds.PredParagraph(*line_span(page, "2015年，青石镇"), ["proactive_disclosure", "overview"],
                         "proactive_disclosure"),
        ds.PredParagraph(*line_span(page, "全年收到政府信息"), ["request_disclosure"], "request_disclosure"),
        ds.PredParagraph(*line_span(page, "本年度未发生"), ["overview"], "overview"),
        ds.PredParagraph(*line_span(page, "公开内容还不够"), ["problems", "improvements"], "problems"),
    ]
    result = ds.evaluate([g], [pred])
    o = result["overall"]
    assert (o["year"], o["era"], o["year_era"], o["issuer"]) == (0.0, 1.0, 0.0, 1.0)
    f = o["facts"]
    assert (f["gold"], f["predicted"], f["matched"], f["ids_right"]) == (4, 4, 2, 1)
    assert f["precision"] == f["recall"] == 0.5 and f["id_accuracy"] == 0.5
    assert o["cells"] == {"recall": 0.5, "gold": 2, "found": 1, "predicted": 3, "extra": 2}
    lab = o["labels"]
    per = lab["per_label"]
    assert (per["overview"]["tp"], per["overview"]["fp"], per["overview"]["fn"]) == (1, 2, 0)
    assert per["overview"]["f1"] == pytest.approx(0.5)
    assert per["review_litigation"]["fn"] == 1 and per["report_meta"]["fn"] == 1
    assert "noise" not in per                                   # unmatched noise-only gold: no penalty
    assert lab["macro_f1"] == pytest.approx(4.5 / 7)
    assert lab["micro_f1"] == pytest.approx(5 / 7)
    assert lab["primary_n"] == 5
    assert lab["primary_accuracy"] == pytest.approx(2 / 5)
    assert lab["top_in_gold"] == pytest.approx(3 / 5)
    assert (lab["paragraphs_gold"], lab["paragraphs_unmatched"], lab["paragraphs_extra"]) == (6, 2, 1)
    details = "\n".join(result["reports"]["x01"]["details"])
    assert "year/era: gold 2015/legacy predicted 2016/legacy" in details
    assert "missed fact 3 (proactive.normative_docs)" in details
    assert "missed fact 2 (requests.new_received.total)" in details and "predicted 20" in details
    assert "fact id: gold proactive.total predicted None" in details
    assert "extra fact 7654321" in details
    assert "extra table fact requests.new_received.total = 3" in details
    assert "paragraph not found: '本报告依据" in details


def test_issuer_not_stated_expects_none(reports):
    g = ds.GoldReport("x09", reports["x02"].page, {**reports["x02"].gold, "issuer": []}, reports["x02"].path)
    assert ds.score_report(g, ds.Prediction(2019, "2019", None)).counts["issuer_ok"] == 1
    assert ds.score_report(g, ds.Prediction(2019, "2019", "我局")).counts["issuer_ok"] == 0


def test_paragraph_match_prefers_containing_span_then_start_inside_anchor(reports):
    page = reports["x02"].page
    a0, a1 = ds.anchor_span(page, "（二）依申请公开。全年")
    body = page.index("全年收到")                            # a reader that cut the inline heading off
    paras = [ds.PredParagraph(0, a0, [], None), ds.PredParagraph(body, body + 10, [], None)]
    assert ds.match_paragraph(a0, a1, paras) == 1
    assert ds.match_paragraph(a0, a1, [ds.PredParagraph(0, 5, [], None)]) is None


def test_top_label_is_highest_scored_predicted_label():
    assert ds.top_label(["overview", "problems"], {"overview": 0.4, "problems": 0.7, "noise": 0.9}) == "problems"
    assert ds.top_label(["overview"], {}) == "overview"
    assert ds.top_label([], {"overview": 1.0}) is None


def test_prediction_offsets_point_into_page_text(reports):
    import nlp

    g = reports["x01"]
    pred = ds.prediction_of(nlp.load(g.path / "page.txt"))
    assert pred.prose, "the pipeline found no prose facts in the fixture"
    for f in pred.prose:                                      # the breadcrumb line is dropped by the reader
        assert g.page[f.start:f.end].strip(), f
    s, e = span(g.page, "主动公开政府信息86条", "86")
    assert any(f.start == s and e <= f.end <= e + 1 and f.value == 86 for f in pred.prose)  # "86" or "86条"


def test_command_line(tmp_path, capsys):
    out = tmp_path / "scores.json"
    assert ds.main(["score", DEVSET, "--json", str(out), "--ids", "x02", "--details"]) == 0
    printed = capsys.readouterr().out
    assert "canonical-id accuracy" in printed and "macro-F1" in printed
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["overall"]["reports"] == 1 and list(result["by_era"]) == ["2019"]
    assert result["overall"]["facts"]["gold"] == 3
    assert ds.main(["score", str(tmp_path / "missing")]) == 1
    assert ds.main(["score", DEVSET, "--ids", "zz9"]) == 1
    assert "error:" in capsys.readouterr().err
    assert ds.main(["check", DEVSET]) == 0


def test_dev_set_gold_paragraphs_become_training_annotations():
    from training.devset_gold import devset_annotations, select_ids
    from training.train import devset_gold

    assert select_ids("odd", ["a01", "a02", "b03"]) == ["a01", "b03"]
    assert select_ids("even", ["a01", "a02", "b03"]) == ["a02"]
    assert select_ids(["a02"], ["a01", "a02"]) == ["a02"]
    notes = devset_annotations(DEVSET, ["x01"])
    gold = {p["anchor"]: p["labels"] for p in json.loads(Path(DEVSET, "reports/x01/gold.json").read_text("utf-8"))["paragraphs"]}
    assert notes and all(a.source == "devset/x01" and a.context for a in notes)
    for a in notes:  # each annotation is the parsed paragraph holding its gold anchor, with the gold labels
        anchor = next(k for k in gold if "".join(k.split()).replace("，", ",") in a.text)
        assert a.labels == gold[anchor]
    assert devset_gold({"data": {"devset_gold": {"root": DEVSET, "ids": ["x01"]}}}) == notes
    assert devset_gold({"data": {"devset_gold": {"root": "${GOVREPORT_UNSET_DEVSET}"}}}) == []
    with pytest.raises(ConfigError, match="no reports/ folder"):
        devset_gold({"data": {"devset_gold": {"root": "/nonexistent", "ids": "all"}}})
