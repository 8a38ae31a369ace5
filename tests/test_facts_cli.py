"""`govreport facts`: a zero stated in words reaches the JSON and the CSV, a phone number never."""
import csv
import io
import json

from typer.testing import CliRunner

from nlp.cli import app

runner = CliRunner()

REPORT = """某镇2022年政府信息公开工作年度报告
一、总体情况
2022年,本镇主动公开信息35条,未收到政府信息公开申请,未发生行政复议。咨询电话:0731—5552468。
"""


def test_facts_cli_negated_zero(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(REPORT, encoding="utf-8")
    result = runner.invoke(app, ["facts", str(path)])
    assert result.exit_code == 0, result.output
    facts = json.loads(result.output)["facts"]
    got = [(f["field"], f["value"], f.get("negated", False)) for f in facts]
    assert got == [(None, 35, False), ("requests.new_received.total", 0, True), ("review.total", 0, True)]
    result = runner.invoke(app, ["facts", str(path), "--format", "csv"])
    rows = [r for r in csv.DictReader(io.StringIO(result.stdout)) if r["source"]]
    assert [(r["raw"], r["negated"]) for r in rows] == [
        ("35条", ""), ("未收到政府信息公开申请", "True"), ("未发生行政复议", "True")]
