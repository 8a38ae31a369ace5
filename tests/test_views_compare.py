"""govreport compare: issuer names, bigram similarity, the comparison itself on hand-built
records (SQLite), its formats and errors, and the acceptance pair tagged from seed 004."""
from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from nlp.cli import app
from nlp.cli.compare import parse_years, split_store_and_years
from nlp.store import open_store
from nlp.views.compare import CompareError, compare_issuer
from nlp.views.issuers import IssuerNames
from nlp.views.similarity import BigramSimilarity
from tests.views_support import (FEES, G, R, REVIEW, external_references, synthetic_records,
                                 write_acceptance_inputs)

runner = CliRunner()


def test_issuer_names_and_levels():
    names = IssuerNames()
    assert {names.canonical(n) for n in ("会同县", "会同县人民政府", "会同县人民政府办公室", " 会同县 人民政府")} == {"会同县"}
    assert names.canonical("襄樊市人民政府") == "襄阳市"  # an alias from configs/issuers.yaml
    assert names.canonical(None) is None and names.canonical("  ") is None
    levels = {n: names.level(n) for n in ("湖南省人民政府办公厅", "淮安市人民政府", "会同县", "北京市朝阳区人民政府",
                                          "瓦房子镇", "某街道办事处", "会同县教育局", "北京市", "东阳市人民政府", None)}
    assert levels == {"湖南省人民政府办公厅": "province", "淮安市人民政府": "city", "会同县": "county",
                      "北京市朝阳区人民政府": "county", "瓦房子镇": "township", "某街道办事处": "township",
                      "会同县教育局": "department", "北京市": "province", "东阳市人民政府": "county", None: "unknown"}


def test_issuer_rules_are_data():
    names = IssuerNames({"normalise": {"suffixes": ["政府"], "aliases": {"甲县": ["乙县"]}},
                         "levels": {"rules": [{"level": "county", "pattern": "县$"}]}})
    assert names.canonical("乙县政府") == "甲县" and names.canonical("甲县人民政府") == "甲县人民"
    assert names.level("甲县") == "county" and names.level("甲市") == "unknown"


def test_bigram_similarity_and_pairing():
    sim = BigramSimilarity(["^[一二三四五六七八九十]+是"])
    assert sim("一是政策解读形式比较单一。", "二是政策解读形式比较单一!") == 1.0
    assert sim("一是政策解读形式比较单一。", "一是政策解读形式单一。") == pytest.approx(6 / 10)
    assert sim("网站更新不及时", "培训力度不够") == 0.0
    pairs, old_only, new_only = sim.pair(["解读形式单一", "网站更新慢", "公开不全面"],
                                         ["公开内容不全面", "解读形式比较单一", "人员不足"], at_least=0.15)
    assert [(i, j) for i, j, _ in pairs] == [(2, 0), (0, 1)]
    assert (old_only, new_only) == ([1], [2])


def test_year_arguments():
    assert parse_years(["2021", "2022"]) == [2021, 2022]
    assert parse_years(["2023,2021", "2019-2020"]) == [2019, 2020, 2021, 2023]
    with pytest.raises(ValueError):
        parse_years(["21"])
    assert split_store_and_years(["s.sqlite", "2022"]) == ("s.sqlite", ["2022"])
    assert split_store_and_years(["2021", "s.sqlite"]) == ("s.sqlite", ["2021"])
    with pytest.raises(ValueError):
        split_store_and_years(["a.sqlite", "b.sqlite"])


@pytest.fixture(scope="module")
def synthetic_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("views") / "synthetic.sqlite"
    with open_store(path) as store:
        store.write_many(synthetic_records())
    return str(path)


def field(step, name):
    return next(r for r in step["fields"] if r["field"] == name)


def check_synthetic(result):
    """What the hand-built records must give, on any SQL store."""
    assert result["issuer"] == "某县" and set(result["names"]) == {"某县", "某县人民政府", "某县人民政府办公室"}
    assert result["years"] == [2020, 2021, 2022]
    docs = {d["year"]: d for d in result["documents"]}
    assert docs[2021]["doc_id"] == "b2021" and docs[2021]["other_documents"] == ["c2021"]
    series = {f["field"]: f["values"] for f in result["fields"]}
    assert series[R] == {"2020": 10, "2021": 10, "2022": 12}  # 2020: the table's 10, not the prose 99
    assert series[FEES] == {"2020": 5, "2021": None, "2022": None}
    s1, s2 = result["steps"]
    assert (s1["from"], s1["to"], s2["from"], s2["to"]) == (2020, 2021, 2021, 2022)
    assert field(s1, R)["status"] == "unchanged" and field(s1, R)["change"] == 0
    assert {k: field(s1, G)[k] for k in ("old", "new", "change", "pct", "status")} == \
        {"old": 4, "new": 6, "change": 2, "pct": 50.0, "status": "changed"}
    assert s1["appeared"] == [REVIEW] and s1["disappeared"] == [FEES]
    assert s1["summary"] == {"unchanged": 1, "changed": 1, "appeared": 1, "disappeared": 1}
    assert field(s2, R)["pct"] == 20.0
    assert [c["name"] for c in s1["checks"]["newly_failing"]] == ["table3.balance"]
    assert [c["name"] for c in s2["checks"]["newly_failing"]] == ["table4.block_total"]
    assert [c["name"] for c in s2["checks"]["still_failing"]] == ["table3.balance"]
    shares = {lab["label"]: lab for lab in s1["labels"]}
    assert (shares["overview"]["old_share"], shares["overview"]["new_share"]) == (0.25, 0.5)
    assert shares["overview"]["changed"] and shares["platform_building"]["changed"]
    assert (shares["problems"]["old_share"], shares["problems"]["new_share"], shares["problems"]["changed"]) == (0.25, 0.5, True)
    assert (shares["improvements"]["change"], shares["improvements"]["changed"]) == (-0.25, True)
    later = {lab["label"]: lab for lab in s2["labels"]}["problems"]
    assert (later["old_share"], later["new_share"], later["change"]) == (0.5, 0.3333, -0.1667)
    probs = s1["problems"]
    assert [(p["old"], p["new"], p["similarity"], p["repeated"]) for p in probs["pairs"]] == \
        [("一是政策解读形式比较单一。", "一是政策解读形式单一。", 0.6, True)]
    assert probs["old_only"] == ["二是网站栏目更新不够及时。"] and probs["new_only"] == ["二是基层公开标准化程度不高。"]
    assert s2["problems"]["repeated"] == 1


def test_compare_on_sqlite(synthetic_store):
    check_synthetic(compare_issuer(synthetic_store, "某县人民政府"))


def test_years_and_unknown_issuer(synthetic_store):
    result = compare_issuer(synthetic_store, "某县", years=[2020, 2022, 2025])
    assert result["years"] == [2020, 2022] and result["missing_years"] == [2025]
    assert [(s["from"], s["to"]) for s in result["steps"]] == [(2020, 2022)]
    with pytest.raises(CompareError, match="no documents for issuer"):
        compare_issuer(synthetic_store, "别的县")
    with pytest.raises(CompareError, match="no documents for the years"):
        compare_issuer(synthetic_store, "某县", years=[1999])


def test_cli_formats(synthetic_store, tmp_path):
    base = ["compare", synthetic_store, "--issuer", "某县"]
    res = runner.invoke(app, [*base, "--years", "2020", "2021"])
    assert res.exit_code == 0, res.output
    assert "requests.granted.total" in res.stdout and "+2 +50.0%" in res.stdout
    assert "REPEATED 0.60" in res.stdout and "newly failing check: table3.balance" in res.stdout
    assert "2022" not in res.stdout.split("\n\n")[1].splitlines()[0]  # only the years asked for
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, [*base, "-f", "csv"]).stdout)))
    granted = next(r for r in rows if r["field"] == G)
    assert (granted["2020"], granted["2021"], granted["change_2020_2021"], granted["status_2020_2021"]) == \
        ("4", "6", "2", "changed")
    out = tmp_path / "c.html"
    assert runner.invoke(app, [*base, "-f", "html", "-o", str(out)]).exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert "一是政策解读形式单一。" in html and external_references(html) == []


def test_cli_all_writes_one_file_per_issuer(synthetic_store, tmp_path):
    res = runner.invoke(app, ["compare", synthetic_store, "--all", "-f", "json", "-o", str(tmp_path / "all")])
    assert res.exit_code == 0, res.output
    files = sorted(p.name for p in (tmp_path / "all").iterdir())
    assert files == ["某县.json", "某市教育局.json"]
    check_synthetic(json.loads((tmp_path / "all" / "某县.json").read_text(encoding="utf-8")))


def test_cli_errors(synthetic_store, tmp_path):
    cases = [
        (["compare", synthetic_store, "--issuer", "别的县"], "no documents for issuer '别的县'"),
        (["compare", synthetic_store], "give either --issuer NAME or --all"),
        (["compare", synthetic_store, "--issuer", "某县", "-f", "xml"], "unknown --format 'xml'"),
        (["compare", synthetic_store, "--issuer", "某县", "--years", "20x1"], "not a year"),
        (["compare", str(tmp_path / "none.sqlite"), "--issuer", "某县"], "no such SQLite store"),
    ]
    jsonl = tmp_path / "s.jsonl"
    with open_store(jsonl) as store:
        store.write_many(synthetic_records()[:1])
    cases.append((["compare", str(jsonl), "--issuer", "某县"], "need an SQLite or PostgreSQL store"))
    for args, message in cases:
        res = runner.invoke(app, args)
        assert res.exit_code == 1 and message in res.output and "Traceback" not in res.output, (args, res.output)


@pytest.mark.corpus
def test_acceptance_seed_004_and_an_edited_2023_copy(corpus, tmp_path):
    inputs = write_acceptance_inputs(corpus, tmp_path / "in")
    store = tmp_path / "huitong.sqlite"
    tagged = runner.invoke(app, ["tag", *map(str, inputs), "-o", str(store), "-j", "1", "--no-progress"])
    assert tagged.exit_code == 0 and "2 documents written" in tagged.output, tagged.output
    res = runner.invoke(app, ["compare", str(store), "--issuer", "会同县", "--format", "json"])
    assert res.exit_code == 0, res.output
    result = json.loads(res.stdout)
    assert result["years"] == [2022, 2023]
    (step,) = result["steps"]
    received = field(step, "requests.new_received.total")
    assert (received["old"], received["new"], received["change"], received["status"]) == (2, 5, 3, "changed")
    changed = {r["field"] for r in step["fields"] if r["status"] != "unchanged"}
    assert changed == {"requests.new_received.total", "requests.new_received.natural_person"}
    assert step["summary"]["unchanged"] == len(step["fields"]) - 2 > 150
    assert all(r["change"] == 0 and r["old"] == r["new"] for r in step["fields"] if r["status"] == "unchanged")
    # 5 received but still 2 processed: table 3's balance now fails in two columns
    assert {tuple(c["fields"])[0] for c in step["checks"]["newly_failing"]} == \
        {"requests.new_received.total", "requests.new_received.natural_person"}
    assert step["problems"]["repeated"] == len(step["problems"]["pairs"]) >= 1
    # the same issuer under its longer names
    for name in ("会同县人民政府", "会同县人民政府办公室"):
        again = json.loads(runner.invoke(app, ["compare", str(store), "--issuer", name, "-f", "json"]).stdout)
        assert again["steps"][0]["fields"] == step["fields"]
