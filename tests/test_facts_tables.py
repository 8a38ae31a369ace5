"""Table cells to field ids in every shape, and the checks on consistent and corrupted tables."""
import pytest

import nlp
from nlp.checks import TableChecks
from nlp.facts import FactExtractor
from tests.facts_helpers import COLS, T3_KEYS_2021, T3_LABELS_2021, build, table3_values


@pytest.fixture(scope="module")
def fx():
    return FactExtractor()


@pytest.fixture(scope="module")
def checks():
    return TableChecks()


def table_facts(fx, doc):
    facts = [f for f in fx(doc).facts if f["source"] == "table"]
    for f in facts:  # offsets point at the number as written
        assert doc.text[f["start"]:f["end"]].strip() == f["raw"]
    return {f["field"]: f["value"] for f in facts}


def run_checks(fx, checks, doc):
    return checks(fx(doc)).checks


def failed_names(cs):
    return sorted({c["name"] for c in cs if not c["ok"]})


# --- table 3 ----------------------------------------------------------------------------
def t3_expected(values):
    return {f"requests.{k}.{c}": v for k, row in values.items() for c, v in zip(COLS, row)}


def t3_pdf_grid(values):
    """pdfplumber shape: group labels in leading columns, merged cells blank, header row."""
    grid = [["(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)", "", "", "申请人情况", "", "", "", "", "", ""],
            ["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
            ["", "", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]]
    for label, key in zip(T3_LABELS_2021, T3_KEYS_2021):
        row = values.get(key, [0] * 7)
        if key in ("new_received", "carried_over", "carried_forward"):
            grid.append([label, "", ""] + [str(v) for v in row])
        elif key in ("granted", "total_processed"):
            grid.append(["三、本年度办理结果" if key == "granted" else "", label, ""] + [str(v) for v in row])
        else:
            grid.append(["", "(三)不予公开" if key.startswith("withheld.state") else "", label] + [str(v) for v in row])
    return grid


def t3_stream_grid(values, pipe=False):
    """One cell a line (seed 002) or one pipe cell a line (seed 004): labels then numbers."""
    grid = [["申请人情况"], ["自然人"], ["法人或其他组织"], ["总计"], ["商业企业"], ["科研机构"],
            ["社会公益组织"], ["法律服务机构"], ["其他"]]
    for label, key in zip(T3_LABELS_2021, T3_KEYS_2021):
        if key == "granted":
            grid.append(["三、本年度办理结果"])
        if key == "other.no_correction":
            grid.append(["(六)其他处理"])
        grid.append([label, ""] if pipe else [label])
        grid += [[str(v), ""] if pipe else [str(v)] for v in values.get(key, [0] * 7)]
    return grid


def t3_docx_grid(values):
    """DOCX shape: merged label cells repeat their text."""
    head = "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"
    grid = [[head] * 3 + ["申请人情况"] * 7, [head] * 3 + ["自然人"] + ["法人或其他组织"] * 5 + ["总计"],
            [head] * 3 + ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]]
    for label, key in zip(T3_LABELS_2021, T3_KEYS_2021):
        row = [str(v) for v in values.get(key, [0] * 7)]
        if key in ("new_received", "carried_over", "carried_forward"):
            grid.append([label] * 3 + row)
        else:
            grid.append(["三、本年度办理结果", "(三)不予公开", label] + row)
    return grid


@pytest.mark.parametrize("shape", [t3_pdf_grid, t3_stream_grid, lambda v: t3_stream_grid(v, pipe=True), t3_docx_grid])
def test_table3_2021_shapes(fx, checks, shape):
    values = table3_values()
    doc = build(shape(values), "table3", "2021")
    expected = t3_expected({k: values.get(k, [0] * 7) for k in T3_KEYS_2021})
    assert table_facts(fx, doc) == expected
    cs = run_checks(fx, checks, doc)
    assert cs and failed_names(cs) == []


def test_table3_2019_single_other_row(fx):
    values = table3_values(doc_2021=False)
    grid = []
    for label, key in zip(T3_LABELS_2021, T3_KEYS_2021):
        if key.startswith("other."):
            if key == "other.no_correction":
                grid.append(["(六)其他处理"])
                grid += [[str(v)] for v in values["other"]]
            continue
        grid.append([label])
        grid += [[str(v)] for v in values.get(key, [0] * 7)]
    facts = table_facts(fx, build(grid, "table3", "2019"))
    assert facts["requests.other.total"] == 2 and facts["requests.other.natural_person"] == 1
    assert not any(f.startswith(("requests.other.other.", "requests.other.no_correction")) for f in facts)
    assert len(facts) == 23 * 7  # 23 numbered rows in the 2019 layout


def test_table3_blank_cells_absent_and_zero_kept(fx):
    grid = [["", "", "", "自然人", "", "", "", "", "", "总计"],
            ["一、本年新收政府信息公开申请数量", "", "", "0", "", "", "", "", "", "0"]]
    facts = table_facts(fx, build(grid, "table3", "2021"))
    assert facts == {"requests.new_received.natural_person": 0, "requests.new_received.total": 0}


@pytest.mark.parametrize("corrupt, check", [
    (("carried_forward", 0, 1), "table3.balance"),
    (("granted", 0, 1), "table3.outcomes"),
    (("total_processed", 0, 1), "table3.balance"),
    (("new_received", 6, 1), "table3.applicant_total"),
])
def test_table3_corrupted_fails_the_right_check(fx, checks, corrupt, check):
    values = table3_values()
    key, col, delta = corrupt
    values[key][col] += delta
    names = failed_names(run_checks(fx, checks, build(t3_pdf_grid(values), "table3", "2021")))
    assert check in names


def test_table3_outcomes_corruption_only_fails_outcomes(fx, checks):
    values = table3_values()
    values["granted"][0] += 1
    values["granted"][6] += 1
    values["other.other"][0] -= 1
    values["other.other"][6] -= 1
    assert failed_names(run_checks(fx, checks, build(t3_pdf_grid(values), "table3", "2021"))) == []
    values["withheld.third_party"][0] += 1
    values["withheld.third_party"][6] += 1
    names = failed_names(run_checks(fx, checks, build(t3_pdf_grid(values), "table3", "2021")))
    assert names == ["table3.outcomes"]


def test_table3_sparse_pipe_rows_keep_only_their_total(fx, checks, fixtures):
    """A flattened grid that lists only a row's non-empty cells (the empty ones come after, as a
    count of bare pipes): the applicant columns cannot be placed, the 总计 (the last value, the
    sum of the others) can; a row of one value is not read."""
    doc = nlp.load(fixtures / "pipe-2019-sparse-table3.txt")
    facts = {f["field"]: f["value"] for f in doc.facts if f["source"] == "table"}
    assert facts == {
        "requests.new_received.total": 5, "requests.carried_over.total": 2, "requests.granted.total": 4,
        "requests.unavailable.not_held.total": 2, "requests.total_processed.total": 6,
        "requests.carried_forward.total": 1,
    }
    for f in doc.facts:
        if f["source"] == "table":
            assert doc.text[f["start"]:f["end"]] == f["raw"]
    assert any("部分公开" in w and "table 3" in w for w in doc.warnings)
    cs = run_checks(fx, checks, doc)
    assert {"table3.balance", "table3.outcomes"} <= {c["name"] for c in cs} and failed_names(cs) == []


def test_table3_short_row_that_does_not_add_up_is_not_read(fx):
    cells = ["一、本年新收政府信息公开申请数量", "2", "7", "二、上年结转政府信息公开申请数量", "1", "1", "三、本年度办理结果"]
    assert table_facts(fx, build([[c] for c in cells], "table3", "2019")) == {"requests.carried_over.total": 1}


def test_table3_blank_stream_template_has_no_facts(fx):
    doc = build([[label] for label in T3_LABELS_2021], "table3", "2021", prose=["本年度未收到申请。"])
    doc.text += "四、政府信息公开行政复议、行政诉讼情况\n"
    assert table_facts(fx, doc) == {} and doc.warnings == []


def test_table3_row_cut_by_the_end_of_the_text_stays_in_column_order(fx):
    cells = ["一、本年新收政府信息公开申请数量", "0", "0", "0", "0", "0", "0", "0", "二、上年结转政府信息公开申请数量", "1", "0"]
    facts = table_facts(fx, build([[c] for c in cells], "table3", "2021"))
    assert facts["requests.carried_over.natural_person"] == 1 and facts["requests.carried_over.commercial"] == 0
    assert "requests.carried_over.total" not in facts


# --- table 4 ----------------------------------------------------------------------------
T4 = [2, 1, 0, 1, 4, 1, 0, 0, 1, 2, 0, 1, 1, 0, 2]
T4_IDS = [f"{b}.{r}" for b in ("review", "litigation_direct", "litigation_after_review")
          for r in ("maintained", "corrected", "other", "pending", "total")]
T4_HEAD = ["行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"]


@pytest.mark.parametrize("shape", ["grid", "stream"])
def test_table4(fx, checks, shape):
    grid = [T4_HEAD, [str(v) for v in T4]] if shape == "grid" else [[h] for h in T4_HEAD] + [[str(v)] for v in T4]
    doc = build(grid, "table4", "2021")
    assert table_facts(fx, doc) == dict(zip(T4_IDS, T4))
    assert failed_names(run_checks(fx, checks, doc)) == []


def test_table4_corrupted(fx, checks):
    bad = list(T4)
    bad[9] = 3  # litigation_direct.total
    names = failed_names(run_checks(fx, checks, build([T4_HEAD, [str(v) for v in bad]], "table4", "2021")))
    assert names == ["table4.block_total"]


def test_table4_blank_template_has_no_facts(fx):
    assert table_facts(fx, build([T4_HEAD, [""] * 15], "table4", "2021")) == {}


# --- table 2 ----------------------------------------------------------------------------
def test_table2_2021_grid_money_in_wanyuan(fx):
    grid = [["第二十条第(一)项", "", "", ""], ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            ["规章", "1", "0", "11"], ["行政规范性文件", "8", "26", "66"],
            ["第二十条第(五)项", "", "", ""], ["信息内容", "本年处理决定数量", "", ""], ["行政许可", "447228", "", ""],
            ["信息内容", "本年处理决定数量"], ["行政处罚", "3985758"], ["行政强制", ""],
            ["第二十条第(八)项", ""], ["信息内容", "本年收费金额(单位:万元)"], ["行政事业性收费", "96171.6"]]
    assert table_facts(fx, build(grid, "table2", "2021")) == {
        "disclosure.rules.issued": 1, "disclosure.rules.repealed": 0, "disclosure.rules.in_force": 11,
        "disclosure.normative_docs.issued": 8, "disclosure.normative_docs.repealed": 26,
        "disclosure.normative_docs.in_force": 66, "disclosure.licensing.decisions": 447228,
        "disclosure.punishment.decisions": 3985758, "disclosure.admin_fees.amount": 961716000,
    }


def test_table2_2021_lost_rules_label_placed_by_template_order(fixtures):
    """The 规章 row's label cell is whitespace only: its three numbers, between the column
    headers and the 行政规范性文件 row, are the row the template puts first."""
    doc = nlp.load(fixtures / "cells-2021-blank-rule-label.txt")
    facts = {f["field"]: f for f in doc.facts if f["source"] == "table"}
    assert {k: f["value"] for k, f in facts.items()} == {
        "disclosure.rules.issued": 1, "disclosure.rules.repealed": 0, "disclosure.rules.in_force": 4,
        "disclosure.normative_docs.issued": 3, "disclosure.normative_docs.repealed": 1,
        "disclosure.normative_docs.in_force": 12, "disclosure.licensing.decisions": 57,
        "disclosure.punishment.decisions": 9, "disclosure.coercion.decisions": 0,
    }
    rules = facts["disclosure.rules.in_force"]
    assert rules["subject"] == "规章" and doc.text[rules["start"]:rules["end"]] == "4"


@pytest.mark.parametrize("cells, rules", [
    (["信息内容", "本年制发件数", "本年废止件数", "现行有效件数", "1", "0", "行政规范性文件", "3", "1", "12"], {}),  # 2 of 3
    (["规章", "2", "0", "5", "信息内容", "1", "0", "4", "行政规范性文件", "3", "1", "12"],  # 规章 already read
     {"disclosure.rules.issued": 2, "disclosure.rules.repealed": 0, "disclosure.rules.in_force": 5}),
])
def test_table2_unlabelled_numbers_not_placed_when_the_template_disagrees(fx, cells, rules):
    facts = table_facts(fx, build([[c] for c in cells], "table2", "2021"))
    assert {k: v for k, v in facts.items() if k.startswith("disclosure.rules.")} == rules
    assert facts["disclosure.normative_docs.in_force"] == 12


def test_table2_docx_merged_cells_repeat(fx):
    grid = [["信息内容", "本年处理决定数量", "本年处理决定数量", "本年处理决定数量"], ["行政许可", "5", "5", "5"]]
    assert table_facts(fx, build(grid, "table2", "2021")) == {"disclosure.licensing.decisions": 5}


def test_table2_2019_stream(fx):
    cells = ["第二十条第(一)项", "信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量", "规章", "0", "0", "0",
             "规范性文件", "45", "23", "23", "第二十条第(五)项", "信息内容", "上一年项目数量", "本年增/", "处理决定数量",
             "行政许可", "56", "6", "35", "第二十条第(八)项", "信息内容", "上一年项目数量", "本年增/",
             "行政事业性收费", "0", "0", "第二十条第(九)项", "信息内容", "采购项目数量", "采购总金额", "政府集中采购", "2",
             "5万元"]
    facts = table_facts(fx, build([[c] for c in cells], "table2", "2019"))
    assert facts == {
        "disclosure.rules.made": 0, "disclosure.rules.published": 0, "disclosure.rules.public_total": 0,
        "disclosure.normative_docs.made": 45, "disclosure.normative_docs.published": 23,
        "disclosure.normative_docs.public_total": 23, "disclosure.licensing.prev_items": 56,
        "disclosure.licensing.change": 6, "disclosure.licensing.decisions": 35,
        "disclosure.admin_fees.prev_items": 0, "disclosure.admin_fees.change": 0,
        "disclosure.procurement.items": 2, "disclosure.procurement.amount": 50000,
    }


# --- legacy statistics table --------------------------------------------------------------
LEGACY = [
    ("一、主动公开情况", "——", None), ("(一)主动公开政府信息数(不同渠道和方式公开相同信息计1条)", "条", "100"),
    ("1.政府公报公开政府信息数", "条", ""), ("2.政府网站公开政府信息数", "条", "90"), ("4.政务微信公开政府信息数", "条", "20"),
    ("三、依申请公开情况", "——", None), ("(一)收到申请数", "件", "7"), ("1.当面申请数", "件", "1"), ("3.网络申请数", "件", "5"),
    ("4.信函申请数", "件", "1"), ("(三)申请答复数", "件", "7"), ("2.同意公开答复数", "件", "6"), ("4.不同意公开答复数", "件", "1"),
    ("不是《条例》所指政府信息", "件", "1"),
    ("四、行政复议数量", "件", "3"), ("(一)维持具体行政行为数", "件", "2"), ("(二)被依法纠错数", "件", "1"),
    ("五、行政诉讼数量", "件", "1"), ("(一)维持具体行政行为或者驳回原告诉讼请求数", "件", "0"), ("(二)被依法纠错数", "件", "1"),
    ("八、机构建设和保障经费情况", "——", None), ("(三)从事政府信息公开工作人员数", "人", "33"),
    ("1.专职人员数(不包括政府公报及政府网站工作人员数)", "人", "6"), ("2.兼职人员数", "人", "27"),
    ("(四)政府信息公开专项经费(不包括用于政府公报编辑管理及政府网站建设维护等方面的经费)", "万元", "6.84"),
]
LEGACY_EXPECTED = {
    "proactive.total": 100, "proactive.channel.website": 90, "proactive.channel.wechat": 20,
    "requests.new_received.total": 7, "requests.channel.in_person": 1, "requests.channel.online": 5,
    "requests.channel.letter": 1, "requests.answered": 7, "requests.answered.granted": 6,
    "requests.answered.denied": 1, "requests.denied.not_gov_info": 1, "review.total": 3,
    "review.maintained": 2, "review.corrected": 1, "litigation.total": 1, "litigation.maintained": 0,
    "litigation.corrected": 1, "staffing.staff": 33, "staffing.full_time": 6, "staffing.part_time": 27,
    "staffing.budget": 68400,
}


def legacy_grid(rows, shape):
    if shape == "pipe":  # seed 003: label | unit | value |
        return [["统计指标", "单位", "统计数", ""]] + [[a, b, c if c is not None else "——", ""] for a, b, c in rows]
    out = [["统计指标"], ["单位"], ["统计数"]]  # seed 000: one cell a line, units mostly missing
    for label, unit, value in rows:
        out.append([label])
        if unit == "万元" or value is None:
            out.append([unit])
        if value:
            out.append([value])
    return out


@pytest.mark.parametrize("shape", ["pipe", "lines"])
def test_legacy(fx, checks, shape):
    doc = build(legacy_grid(LEGACY, shape), "legacy_stats", "legacy")
    assert table_facts(fx, doc) == LEGACY_EXPECTED
    cs = run_checks(fx, checks, doc)
    assert {c["name"] for c in cs} >= {"legacy.proactive_channels", "legacy.request_channels", "legacy.staff",
                                       "legacy.answer_categories", "legacy.denial_reasons", "legacy.review_results",
                                       "legacy.litigation_results"}
    assert failed_names(cs) == []


@pytest.mark.parametrize("label, value, check", [
    ("2.兼职人员数", "26", "legacy.staff"),
    ("3.网络申请数", "4", "legacy.request_channels"),
    ("2.同意公开答复数", "5", "legacy.answer_categories"),
    ("(一)维持具体行政行为数", "1", "legacy.review_results"),
    ("2.政府网站公开政府信息数", "70", "legacy.proactive_channels"),
])
def test_legacy_corrupted(fx, checks, label, value, check):
    rows = [(a, b, value if a == label else c) for a, b, c in LEGACY]
    assert failed_names(run_checks(fx, checks, build(legacy_grid(rows, "pipe"), "legacy_stats", "legacy"))) == [check]


# --- prose against the table ----------------------------------------------------------------
def test_prose_vs_table(fx, checks):
    grid = legacy_grid(LEGACY, "pipe")
    ok = build(grid, "legacy_stats", "legacy", prose=["2018年,收到政府信息申请公开数7件,按时办结7件。"])
    cs = [c for c in run_checks(fx, checks, ok) if c["name"] == "prose_vs_table"]
    assert cs and all(c["ok"] for c in cs) and cs[0]["fields"] == ["requests.new_received.total"]
    bad = build(grid, "legacy_stats", "legacy", prose=["2018年,收到政府信息申请公开数8件。"])
    cs = [c for c in run_checks(fx, checks, bad) if c["name"] == "prose_vs_table"]
    assert [(c["ok"], c["left"], c["right"]) for c in cs] == [(False, 8, 7)]


def test_prose_vs_derived_litigation(fx, checks):
    doc = build([T4_HEAD, [str(v) for v in T4]], "table4", "2021",
                prose=["政府信息公开行政诉讼4件,其中结果维持1件。"])
    cs = {c["fields"][0]: c for c in run_checks(fx, checks, doc) if c["name"] == "prose_vs_table"}
    assert cs["litigation.total"]["ok"] and cs["litigation.total"]["right"] == 4
    assert cs["litigation.maintained"]["ok"]
