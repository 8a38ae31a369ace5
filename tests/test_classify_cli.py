import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nlp.cli import app
from nlp.config import corpus_dir
from training.annotations import read_jsonl
from training.data_utils import label_names

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "classify_train.jsonl"
runner = CliRunner()

REPORT = """某县2022年政府信息公开工作年度报告
一、总体情况
2022年,我县依申请公开政府信息7件,未发生行政复议。
五、存在的主要问题及改进情况
一是政务新媒体更新不够及时。下一步,我们将加强12345热线和政务新媒体管理。
"""


def test_segment_prints_domain_tokens(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(REPORT, encoding="utf-8")
    result = runner.invoke(app, ["segment", str(path)])
    assert result.exit_code == 0, result.output
    assert "依申请公开" in result.output and "12345热线" in result.output and "政务新媒体" in result.output
    result = runner.invoke(app, ["segment", str(path), "--backend", "pkuseg"])
    assert result.exit_code != 0 and "model directory" in str(result.exception)


def test_train_and_evaluate_commands(tmp_path):
    cfg = tmp_path / "cfg.yaml"
    out = tmp_path / "m.skops"
    cfg.write_text(f"kind: baseline\ndata: {{annotations: {FIXTURE}}}\nmodel: {{folds: 2}}\noutput: {out}\n",
                   encoding="utf-8")
    result = runner.invoke(app, ["train", "--config", str(cfg)])
    assert result.exit_code == 0, result.output
    assert out.is_file()
    png = tmp_path / "cv.png"
    result = runner.invoke(app, ["evaluate", "--config", str(cfg), "--plot", str(png), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout[result.stdout.index("{"):])
    assert 0 <= scores["macro_f1"] <= 1 and set(scores["per_label"]) == set(label_names())
    assert png.stat().st_size > 10_000
    result = runner.invoke(app, ["evaluate", "--config", str(cfg), "--model", str(out), "--split", "all", "--plot", ""])
    assert result.exit_code == 0 and "macro-F1" in result.output


def test_label_studio_commands(tmp_path):
    tasks, back = tmp_path / "tasks.json", tmp_path / "back.jsonl"
    assert runner.invoke(app, ["annotations", "export", str(FIXTURE), "-o", str(tasks),
                               "--interface", str(tmp_path / "ui.xml")]).exit_code == 0
    assert runner.invoke(app, ["annotations", "import", str(tasks), "-o", str(back)]).exit_code == 0
    assert [a.labels for a in read_jsonl(back)] == [a.labels for a in read_jsonl(FIXTURE)]


def test_gold_set_is_valid_and_aligned_with_the_parser():
    gold = read_jsonl(ROOT / "training/data/annotations.jsonl")
    names = set(label_names())
    assert len(gold) >= 90 and all(a.labels and set(a.labels) <= names for a in gold)
    for a in gold:
        if {"problems", "improvements"} & set(a.labels):
            assert a.sentences and all(a.text[s.start:s.end] == s.text for s in a.sentences)
    base = corpus_dir()
    if base is None:
        pytest.skip("shared corpus not available")
    from training.annotations import realign
    from training.train import parse_reports

    docs = {s: parse_reports([str(base / s)])[0] for s in sorted({a.source for a in gold})}
    aligned, unmatched = realign(gold, docs)
    assert not unmatched
    # every prose paragraph of the corpus reports is annotated
    assert sum(len(d.paragraphs) for d in docs.values()) == len({(a.source, a.text) for a in gold})


def test_train_writes_the_fast_model_and_its_estimator_and_tag_uses_either(tmp_path):
    cfg = tmp_path / "cfg.yaml"
    fast, estimator = tmp_path / "m.npz", tmp_path / "m.skops"
    cfg.write_text(f"kind: baseline\ndata: {{annotations: {FIXTURE}}}\nmodel: {{folds: 2}}\noutput: {fast}\n"
                   f"estimator_output: {estimator}\n", encoding="utf-8")
    result = runner.invoke(app, ["train", "--config", str(cfg)])
    assert result.exit_code == 0, result.output
    assert fast.is_file() and estimator.is_file()
    report = tmp_path / "r.txt"
    report.write_text(REPORT, encoding="utf-8")
    records = []
    for model in (fast, estimator):
        result = runner.invoke(app, ["tag", str(report), "--model", str(model), "-o", "-"])
        assert result.exit_code == 0, result.output
        records.append(json.loads(result.stdout.splitlines()[0]))
    assert [p["scores"] for p in records[0]["paragraphs"]] == [p["scores"] for p in records[1]["paragraphs"]]
    assert [s["scores"] for p in records[0]["paragraphs"] for s in p["sentences"]] == \
        [s["scores"] for p in records[1]["paragraphs"] for s in p["sentences"]]
