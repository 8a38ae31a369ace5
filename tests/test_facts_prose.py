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


# -- never facts: contact numbers, identifiers, broken dates (sentences written for the tests)
@pytest.mark.parametrize("text", [
    "咨询电话:0731—5552468。",                      # em dash
    "监督电话 0731–5552468,欢迎来电。",             # en dash, space after the label
    "办公室电话0731―5552468",                        # horizontal bar
    "传真:0731‐5552468",                             # hyphen
    "联系电话(0731)5552468",                         # bracketed area code
    "联系方式:0731 5552468",                         # space
    "值班电话5552.4680,节假日照常。",               # dotted local number
    "举报电话(5552468、5552469)",                    # bracketed list of 7-digit numbers
    "可拨打5552468、5552469咨询",                    # bare list
    "手机:139 0000 1111",
    "服务QQ群:123456789",
    "经办人身份证号码43010219800101123X",
    "统一编码913100001234567891",
    "自20211月1日起施行。",                           # 2021年1月1日 without 年
    "统计时段为202201至202212。",
    "邮编 410000",
    "2020-2021年度评议",
    "公开方式有两种:形式1、公告栏2、会议",           # ordinals once the reader dropped the space
    "开设了数十个专栏。",                             # "dozens"
    "学习区委二届六次全会和十九届六中全会精神。",     # names of sessions
    "解读\"稳岗12条\"等政策。",                       # a policy's name in straight quotes
    "受4.8级地震影响。",
    "索引号:XYZ-2022-00031",
    "数据统计自202111日到1231日止。",                 # dates that lost 年/月
    "统计期为202121年1月至12月。",                    # a year typed twice
])
def test_contact_numbers_ids_and_dates_are_not_facts(prose, text):
    assert facts(prose, text) == []


def test_a_count_next_to_a_phone_label_survives(prose):
    got = [(f["value"], f["unit"]) for f in facts(prose, "全年电话回访500人次,热线电话:0731-5552468。")]
    assert got == [(500, "人次")]


def test_parts_of_a_report_are_not_a_measure_word(prose):
    (f,) = facts(prose, "本报告由八部分组成。")
    assert (f["value"], f["unit"], f["field"]) == (8, "部分", None)


# -- zero stated in words
@pytest.mark.parametrize("text, era, expected", [
    ("本年度本局未收到和处理政府信息公开申请。", "2021",
     [("requests.new_received.total", "未收到和处理政府信息公开申请")]),
    ("全年没有依申请公开事项发生。", "legacy", [("requests.new_received.total", "没有依申请公开")]),
    ("本年度无因政府信息公开引起的行政复议、行政诉讼。", "2021",
     [("review.total", "无因政府信息公开引起的行政复议"),
      ("litigation.total", "无因政府信息公开引起的行政复议、行政诉讼")]),
    ("全年未发生涉及信息公开的行政复议案件和行政诉讼案件。", "2019",
     [("review.total", "未发生涉及信息公开的行政复议"),
      ("litigation.total", "未发生涉及信息公开的行政复议案件和行政诉讼")]),
    ("本机关依申请公开实行零报告。", "2021", [("requests.new_received.total", "依申请公开实行零报告")]),
    ("今年收到的政府信息公开申请为零。", "2021", [("requests.new_received.total", "信息公开申请为零")]),
    ("办理申请时未收取任何费用。", "2021", [("requests.fees", "未收取任何费用")]),
    ("全年未接到相关举报投诉。", "legacy", [("complaints.total", "未接到相关举报投诉")]),
    ("本年度办理申请均未引起行政复议或行政诉讼。", "2021",
     [("review.total", "未引起行政复议"), ("litigation.total", "未引起行政复议或行政诉讼")]),
    ("本年度无上年结转的政府信息公开申请。", "2021", [("requests.carried_over.total", "无上年结转")]),
    ("未收到申请,也无不予公开的情况。", "legacy",
     [("requests.new_received.total", "未收到申请"), ("requests.answered.denied", "也无不予公开")]),
    ("办理过程中未向申请人收取任何费用。", "2021", [("requests.fees", "未向申请人收取任何费用")]),
    ("本年度没有关于信息公开的收费。", "2019", [("requests.fees", "没有关于信息公开的收费")]),
])
def test_negated_zero(prose, text, era, expected):
    got = facts(prose, text, era)
    assert [(f["field"], f["raw"]) for f in got] == expected
    assert all(f["value"] == 0 and f["negated"] is True and f["unit"] is None for f in got)


@pytest.mark.parametrize("text, era", [
    ("无正当理由大量反复申请的不予处理。", "2021"),      # 无 in a fixed phrase
    ("没有按时答复的申请已督促整改。", "2021"),          # denies timeliness, not a count
    ("群众无需另行提交申请。", "2021"),
    ("全年未接到相关举报投诉。", "2021"),               # complaints.total is a legacy-only id
    ("去年未收到政府信息公开申请。", "2021"),           # another year
    ("教育领域未收到政府信息公开申请。", "2021"),       # one sector
    ("未对申请进行分类登记。", "2021"),                 # 未对 denies only fees
])
def test_not_a_negated_count(prose, text, era):
    assert [f for f in facts(prose, text, era) if f.get("negated")] == []


def test_negated_facts_sit_in_text_order(prose):
    text = "全年收到申请3件,未发生行政复议。"
    assert [(f["value"], f["field"], bool(f.get("negated"))) for f in facts(prose, text)] == [
        (3, "requests.new_received.total", False), (0, "review.total", True)]


# -- canonical ids stated in prose, in the eras where the field exists
@pytest.mark.parametrize("text, era, expected", [
    ("办公室配备了2名兼职工作人员。", "legacy", [("staffing.part_time", 2)]),
    ("办公室配备了2名兼职工作人员。", "2021", [(None, 2)]),   # staffing ids are legacy-only
    ("安排专职人员1名、兼职人员3名。", "legacy", [("staffing.full_time", 1), ("staffing.part_time", 3)]),
    ("共收到3起依申请公开,均已办结。", "2021", [("requests.new_received.total", 3)]),
    ("全年共公开政府信息1520条。", "legacy", [("proactive.total", 1520)]),
    ("全年共公开政府信息1520条。", "2021", [(None, 1520)]),
    ("专栏公开信息80条。", "legacy", [(None, 80)]),          # one column, not the total
    ("通过政务微博发布信息230条,政务微信公开信息120条。", "legacy",
     [("proactive.channel.weibo", 230), ("proactive.channel.wechat", 120)]),
    ("通过微博微信回应关切9次。", "legacy", [("response.weibo_wechat", 9)]),
    ("组织开展业务培训4次,参训180人次。", "legacy", [("training.classes", 4), ("training.trainees", 180)]),
    ("召开专题会议研究部署3次。", "legacy", [("training.meetings", 3)]),
    ("作出行政许可处理决定324宗,行政处罚决定56件,行政强制决定2件。", "2021",
     [("disclosure.licensing.decisions", 324), ("disclosure.punishment.decisions", 56),
      ("disclosure.coercion.decisions", 2)]),
    ("作出行政许可处理决定324宗。", "legacy", [(None, 324)]),
    ("制发规范性文件6件,废止2件,现行有效规范性文件40件。", "2021",
     [("disclosure.normative_docs.issued", 6), ("disclosure.normative_docs.repealed", 2),
      ("disclosure.normative_docs.in_force", 40)]),
    ("现有规章12件(含新制定3件,修订2件,废止1件)。", "2021",
     [(None, 12), ("disclosure.rules.issued", 3), (None, 2), ("disclosure.rules.repealed", 1)]),
    ("新增规章1件,借助图表等形式制作政策解读9个。", "2021", [("disclosure.rules.issued", 1), (None, 9)]),
    ("主动公开信息50条(其中规范性文件5条,行政处罚决定8条)。", "2021", [(None, 50), (None, 5), (None, 8)]),
    ("其中自然人申请89件、法人或其他组织申请6件。", "2021",
     [("requests.new_received.natural_person", 89), (None, 6)]),
    ("其中自然人申请89件。", "legacy", [(None, 89)]),
    ("含上年度转结申请8件。", "2021", [("requests.carried_over.total", 8)]),
    ("另有5件申请转结下年度。", "2021", [("requests.carried_forward.total", 5)]),
    ("予以公开10件,部分公开3件,本机关不掌握相关政府信息4件。", "2021",
     [("requests.granted.total", 10), ("requests.partially_granted.total", 3),
      ("requests.unavailable.not_held.total", 4)]),
    ("收到行政复议申请2件。", "2021", [("review.total", 2)]),
    ("受理行政许可申请300件。", "2021", [(None, 300)]),
    ("区行政审批局本年新收到政府信息公开申请42件。", "2021", [("requests.new_received.total", 42)]),
    ("本年度依申请公开0件。", "2021", [("requests.new_received.total", 0)]),
    ("依申请公开数量为0件。", "2019", [("requests.new_received.total", 0)]),
    ("全年共办理政府信息公开申请150件。", "2021", [("requests.total_processed.total", 150)]),
    ("全年收到申请12件,其中10件已按时答复,剩余2件转下一年办理。", "2021",
     [("requests.new_received.total", 12), ("requests.total_processed.total", 10),
      ("requests.carried_forward.total", 2)]),
    ("共制作政府信息300条,其中主动公开信息120条,依申请公开信息20条,不予公开信息160条。", "legacy",
     [(None, 300), ("proactive.total", 120), (None, 20), (None, 160)]),
    ("本年度网民来信50件,办结48件。", "2021", [(None, 50), (None, 48)]),
    ("办理区长信箱(网上信访)40件。", "2021", [(None, 40)]),
    ("依法办理涉及信息公开的行政复议5件、行政诉讼2件。", "2021", [("review.total", 5), ("litigation.total", 2)]),
    ("引发行政复议1件,其中维持原处理结果1件。", "2021", [("review.total", 1), ("review.maintained", 1)]),
    ("收到申请6件,其中网上申请4件,均按时办理,发生行政复议1件。", "2021",   # a new topic after 其中
     [("requests.new_received.total", 6), (None, 4), ("review.total", 1)]),
    ("全年收到政府信息公开申请一件,已办结。", "2021", [("requests.new_received.total", 1)]),
    ("推进一件事一次办改革。", "2021", []),
    ("网站发布信息8大项、20小项,共计650条。", "legacy", [(None, 8), (None, 20), ("proactive.channel.website", 650)]),
])
def test_canonical_ids(prose, text, era, expected):
    got = facts(prose, text, era)
    assert [(f["field"], f["value"]) for f in got] == expected


@pytest.mark.parametrize("text, expected", [
    ("收到申请7件,同比增加600%,较上年增加6件。", [("requests.new_received.total", 7), (None, 600), (None, 6)]),
    ("上年收到申请5件。", [(None, 5)]),
    ("去年为5件。", [(None, 5)]),
    ("2021年收到申请3件,2022年收到申请7件。", [(None, 3), ("requests.new_received.total", 7)]),
    ("2022年收到申请2件,结转到2023年办理0件。",          # a year that is a destination is not a period
     [("requests.new_received.total", 2), ("requests.carried_forward.total", 0)]),
    ("上年结转2件。", [("requests.carried_over.total", 2)]),   # about last year by nature
    ("本单位到目前累计主动公开政府信息100条。", [(None, 100)]),  # cumulative over the years
])
def test_another_periods_figure_gets_no_id(prose, text, expected):
    got = facts(prose, text, "legacy" if "主动公开" in text else "2021")
    assert [(f["field"], f["value"]) for f in got] == expected


def test_every_emitted_field_is_declared_and_valid_in_its_era(prose):
    schema = prose.schema
    sentences = [
        "全年收到申请12件,其中自然人申请10件,上年结转1件,予以公开8件,结转下年度2件。",
        "未发生行政复议和行政诉讼,未收到举报投诉,未收取任何费用。",
        "配备专职人员2名,召开工作会议3次,举办培训班2期,培训60人次。",
        "主动公开政府信息300条,其中通过网站公开250条,政务微博公开30条。",
        "作出行政许可决定20件,行政处罚决定5件,行政事业性收费3.5万元。",
    ]
    for era in ("legacy", "2019", "2021"):
        for text in sentences:
            for f in facts(prose, text, era):
                if f["field"]:
                    assert f["field"] in schema and schema.get(f["field"]).in_era(era), (era, f)


def test_together_is_not_one(prose):
    assert facts(prose, "把各类窗口整合在一起,方便群众。") == []
