"""Metadata of reports whose page gives no clean title: year, issuer, era, publication date.
Each case is a failure pattern seen on real pages, rewritten in our own words."""
import pytest

import nlp

BODY_2021 = "二、主动公开政府信息情况\n第二十条第(一)项\n信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n规章 | 0 | 0 | 1 |\n"


def meta(text):
    return nlp.load(text).meta


@pytest.mark.parametrize("text, year", [
    # the year opens the first paragraph of the body
    ("一、总体情况\n2023年,通过门户网站公开各类信息88条,稳步推进公开工作。\n二、其他\n无。", 2023),
    # "汇报我镇2023年…" in the opening sentence
    ("现将我镇2023年政务公开工作汇报如下。\n一、总体情况\n全年公开信息40条。", 2023),
    # "2019年度," alone
    ("一、概述\n2019年度,主动公开政府信息120条,其中规范性文件3件。\n二、问题\n宣传不够。", 2019),
    # a title with the year but without 年
    ("青河镇2021政府信息公开工作年度报告\n一、总体情况\n全年主动公开信息66条。", 2021),
])
def test_year_from_the_body_or_a_title_without_nian(text, year):
    assert meta(text).year == year


def test_publication_year_never_replaces_the_stated_report_year():
    text = ("发布时间:2024-01-15\n一、总体情况\n2023年,我县主动公开信息320条。\n"
            "2023年,我县收到申请5件。\n二、其他需要报告的事项\n无。\n石桥县人民政府\n2024年1月15日")
    m = meta(text)
    assert (m.year, m.published) == (2023, "2024-01-15")


def test_era_is_the_template_actually_used():
    old_form = "第二十条第(一)项\n信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |\n规章 | 0 | 0 | 0 |\n"
    m = meta("柳岸街道2023年政府信息公开工作年度报告\n一、总体情况\n全年公开信息12条。\n二、主动公开政府信息情况\n" + old_form)
    assert (m.year, m.era) == (2023, "2019")
    assert meta("一、总体情况\n2023年,我县公开信息12条。").era == "2021"  # no table: the year's template
    legacy = "统计指标 | 单位 | 统计数 |\n一、主动公开情况 | | |\n主动公开政府信息数 | 条 | 35 |\n"
    assert meta("一、概述\n2021年,公开信息35条。\n" + legacy).era == "legacy"


@pytest.mark.parametrize("text, issuer", [
    # the title names the body; a page label glued to it is dropped
    ("标      题\n石桥县2022年政府信息公开工作年度报告\n一、总体情况\n全年公开信息9条。", "石桥县"),
    # the title of a notice that publishes the report
    ("松江市人民政府办公室关于公布\n松江市2010年度政府信息公开工作年度报告的通知\n各区人民政府:\n现予公布。",
     "松江市"),
    # no title: the report is named in the opening sentence
    ("根据《条例》要求,现公布桐林县2022年政府信息公开工作年度报告。\n一、总体情况\n2022年,我县公开信息9条。",
     "桐林县"),
    ("根据规定,编制柳河县农业服务中心2024年度政府信息公开工作年度报告。\n一、总体情况\n全年公开信息9条。",
     "柳河县农业服务中心"),
    # "我局" resolved with the contact sentence
    ("本报告根据《条例》编制。如对本报告有疑问,请与青川区医疗保障局联系(电话:0000-1234567)。\n"
     "一、总体情况\n2023年,我局未收到政府信息公开申请。", "青川区医疗保障局"),
    # a compiling office stands for its sub-district
    ("本报告由滨海区人民政府长堤街道党政办公室编制。\n一、总体情况\n2023年,长堤街道公开信息42条。",
     "滨海区人民政府长堤街道"),
    # the body opens its own sentences with its name
    ("根据条例,现将我乡2014年政府信息公开工作报告如下。\n一、概述\n2014年,东岭乡公开信息30条。\n"
     "二、收费\n2014年,东岭乡未收取任何费用。", "东岭乡"),
    # the signature block
    ("一、总体情况\n2022年,我镇公开信息31条。\n二、其他需要报告的事项\n无。\n白沙镇人民政府\n2023年1月20日",
     "白沙镇人民政府"),
    # a compiler phrase whose verb carries 了; a site address glued before the name
    ("根据《条例》,河湾区交通运输局编写了2023年度政府信息公开工作年度报告。\n一、总体情况\n2023年,我局公开信息12条。",
     "河湾区交通运输局"),
    ("mirror-site.com柳溪乡2016年政府信息公开工作年度报告\n一、概述\n2016年,我乡公开信息5条。", "柳溪乡"),
])
def test_issuer_from_title_body_signature(text, issuer):
    assert meta(text).issuer == issuer


@pytest.mark.parametrize("text", [
    # a fragment with a year and a bracketed abbreviation
    "根据要求,现公布委农办(县农业局)2016年政府信息公开工作年度报告。\n一、概述\n2016年,我局公开信息8条。",
    # the generic name of a level of government
    "本级政府(机关)2019年政府信息公开工作年度报告\n一、总体情况\n2019年,公开信息8条。",
    # only pronouns: 我局 with nothing to resolve it
    "一、总体情况\n根据规定,现公布我局2022年政府信息公开工作年度报告。\n2022年,我局公开信息20条。",
    # a bare 政府 names no body
    "一、总体情况\n如有疑问,请与政府联系。\n2022年,公开信息20条。",
])
def test_no_issuer_rather_than_a_wrong_one(text):
    issuer = meta(text).issuer
    assert issuer is None or not any(bad in issuer for bad in ("2016", "(", "本级", "我局")) and issuer != "政府"


@pytest.mark.parametrize("line, date", [
    ("发布时间:2012-3-30", "2012-03-30"),
    ("信息提供日期 : 2019-02-20", "2019-02-20"),
    ("日期:2021-01-29", "2021-01-29"),
    ("发布机构 | 青山区统计局 | 发文日期 | 2018-02-28 |", "2018-02-28"),
])
def test_publication_dates_in_page_metadata(line, date):
    doc = nlp.load(f"{line}\n青山区2020年政府信息公开工作年度报告\n一、总体情况\n2020年,公开信息9条。")
    assert doc.meta.published == date
    assert not any(line.split(":")[0].strip() in p.text for p in doc.paragraphs)


def test_signature_dates_in_other_forms():
    for sig, date in [("2012-3-30", "2012-03-30"), ("二〇一〇年一月十九日", "2010-01-19")]:
        doc = nlp.load(f"一、总体情况\n2011年,公开信息9条。\n二、其他\n无。\n西山县人民政府\n{sig}")
        assert doc.meta.published == date, sig
        assert all(sig not in p.text for p in doc.paragraphs)
