"""Prose facts on strings: what is a fact, its subject, and its canonical field."""
import pytest

from nlp.facts import FactExtractor


@pytest.fixture(scope="module")
def prose():
    return FactExtractor().prose


def facts(prose, text, era="2021"):
    out = prose.paragraph_facts(text, era, offset=0, paragraph="p1")
    for f in out:
        assert text[f["start"]:f["end"]] == f["raw"]
    return out


@pytest.mark.parametrize("text", [
    "本报告所列数据的统计期限自2022年1月1日起至2022年12月31日止。",
    "本报告中所列数据的统计期限为2018111231。",                       # broken date
    "制定下发《工作要点》(永政办函〔201848号)和(永政发〔20187)等文件。",  # broken document numbers
    "印发《要点》(会公开办发〔2021〕1号)。",
    "请与办公室联系(地址:会同县建军北路县政务服务中心一楼101室、联系电话:0745-8858009、电子邮箱:htxzfwz@126.com。)",
    "(地址:永顺县行政中心三楼;邮编:416700;电话:07435223325;电子邮箱:ysxzwgkb@163.com)",
    "报告的电子版可在门户网站下载(http://www.ysx.gov.cn)。",
    "根据《条例》(国务院令第711号)编制。",
    "第二十条第(一)项",
    "1.主动公开信息情况",
    "1.2021年存在问题改进情况",
    "建立“十四五”规划等专题。",
    "整合到12345政府服务热线平台,妇女维权12338、天气预报96121、电力热线95598等。",
    "12345(8890)平台正常运行。",
    "10月8日搬迁,11月底完成,5月份召开。",
    "发布时间:2019-03-01 08:51:05",
    "细致的安排。227,在县政府门户网站公开。",
    "截止1130乡镇便民服务中心运行。",
    "2018年度报告",
    "通报当月AQI指数、PM2.5等状况。",
    "一是加强领导,二是完善制度。",
    "附件1",
])
def test_not_facts(prose, text):
    assert facts(prose, text, "legacy") == []


def test_percent_and_hundred_percent_are_facts(prose):
    got = [(f["value"], f["unit"]) for f in facts(prose, "办结率100.00%,回访率100%,满意率97.68%。")]
    assert got == [(100, "%"), (100, "%"), (97.68, "%")]


def test_subject_and_null_field(prose):
    (f,) = facts(prose, "全年县政府网站访问量达到1723809次。")
    assert (f["field"], f["subject"], f["value"], f["unit"], f["qualifier"]) == (None, "县政府网站访问量", 1723809, "次", None)


@pytest.mark.parametrize("text, era, expected", [
    ("2022年,我县收到政府信息公开申请2件", "2021", ("requests.new_received.total", 2)),
    ("举办各类培训班35次", "legacy", ("training.classes", 35)),
    ("政府信息公开专项经费6.84万元", "legacy", ("staffing.budget", 68400)),
    ("上年结转政府信息公开申请数量0件", "2021", ("requests.carried_over.total", 0)),
    ("结转到2023年办理0件", "2021", ("requests.carried_forward.total", 0)),
    ("另有103件顺延到下年度答复", "2021", ("requests.carried_forward.total", 103)),
    ("全年收取政府信息公开信息处理费3940元", "2021", ("requests.fees", 3940)),
    ("全年新增公开市政府规章1件", "2021", ("disclosure.rules.issued", 1)),
    ("对于收到的6件依申请公开已全部按时办结", "legacy", ("requests.new_received.total", 6)),
    ("全县从事政府信息公开专兼职人员达140余人", "legacy", ("staffing.staff", 140)),
])
def test_canonical_field(prose, text, era, expected):
    (f,) = facts(prose, text, era)
    assert (f["field"], f["value"]) == expected


def test_topic_decides_review_or_litigation(prose):
    text = "政府信息公开行政复议351件,其中结果维持72件,尚未审结37件;政府信息公开行政诉讼46件,其中结果维持25件。"
    got = [(f["field"], f["value"]) for f in facts(prose, text)]
    assert got == [("review.total", 351), ("review.maintained", 72), ("review.pending", 37),
                   ("litigation.total", 46), ("litigation.maintained", 25)]


def test_part_clause_is_not_the_total(prose):
    text = "全年来,我县用于政府信息公开事务经费205万元,其中基层政务公开标准化规范化试点工作经费200万元。"
    got = [(f["field"], f["value"]) for f in facts(prose, text, "legacy")]
    assert got == [("staffing.budget", 2050000), (None, 2000000)]


def test_era_gates_legacy_fields(prose):
    text = "全年通过多种公开平台主动公开政府信息29178条"
    assert facts(prose, text, "legacy")[0]["field"] == "proactive.total"
    assert facts(prose, text, "2021")[0]["field"] is None


def test_sector_scoped_figures_are_not_canonical(prose):
    text = "一是做好教育领域信息公开。教育微信公众号公开政府信息564条,政务微博公开政府信息361条。"
    assert [f["field"] for f in facts(prose, text, "legacy")] == [None, None]


def test_unit_must_fit_the_field(prose):
    # 查阅场所 counts reading points (个), not visitors (人次)
    (f,) = facts(prose, "各公开查阅场所接待政府信息公开查阅6000多人次", "legacy")
    assert f["field"] is None and f["qualifier"] == "approx"
