"""Report pages as web sites flatten them: chrome, broken lines, whole reports on one line, stray
table labels. Each case is a pattern seen on real pages, written in our own words."""
import pytest

import nlp
from nlp.ingest import read
from nlp.ingest.normalise import normalise

REPORT = "一、总体情况\n2022年,我镇主动公开政府信息58条,内容涵盖财政预决算和重点项目。\n"


@pytest.mark.parametrize("chrome", [
    "您现在所在的位置: 网站首页 > 政府信息公开 > 年报",
    "当前位置 : 首页 | 信息公开",
    "首 页 走进本区 新闻中心 政务公开 互动交流",
    "选择特殊符号", "选择搜索类型", "请输入搜索关键词", "站内搜索", "搜索位置:标题", "匹配度:", "排序:",
    "【字号:大 中 小】", "字号:", "【打印本页】 【关闭窗口】", "视力保护色:", "分享到:", "微信 微博 QQ空间",
    "扫一扫在手机上查看当前页面", "点击收听年报语音朗读",
    "简体版 | 繁体版 | 无障碍浏览", "网站支持IPv6", "尊敬的用户,您好!", "网站不支持您所使用的浏览器版本",
    "川公网安备 00000000000000号",
    "索 引 号 | 000000000/2021-00001 | 分 类 | 年报 |", "---|---|---|---|",
    "发布机构 | 某区统计局 | 发文日期 | 2021-01-20 |", "文 号 | - | 效力状态 | 有效 |",
    "(图一)政府信息公开专栏",
])
def test_web_chrome_lines_are_removed(chrome):
    doc = read(chrome + "\n" + REPORT)
    assert doc.text.startswith("一、总体情况"), doc.text[:40]


def test_prose_that_mentions_chrome_words_is_kept():
    text = REPORT + "全年通过政府网站首页专栏发布信息12条,并提供搜索和打印服务。\n"
    assert "首页专栏" in read(text).text


def test_lines_broken_inside_a_sentence_are_joined():
    text = "一、概述\n依照《\n中华人民共和国政府信息公开条例》(以下简称\n《条例》)的规定,编制本报告。\n2009年是\n《条例》实施的第二年。\n1.\n健全机构\n全年召开会议3次,形成纪要。"
    doc = nlp.load(text)
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "依照《中华人民共和国政府信息公开条例》(以下简称《条例》)的规定,编制本报告。"
    assert texts[1] == "2009年是《条例》实施的第二年。"
    assert ("1.", "健全机构") in [(s.marker, s.title) for s in doc.sections]
    for p in doc.paragraphs:
        assert doc.text[p.start:p.end] == p.text


def test_a_report_flattened_onto_one_layout_cell_is_cut_at_its_headings():
    body = ("2015年度山前镇政府信息公开工作年度报告 | ||\n"
            "2015年,我镇扎实推进政府信息公开。 一、主动公开情况 全年主动公开信息80条。 "
            "二、依申请公开情况 全年未收到申请。 三、存在的主要问题 我镇公开形式单一。 |\n||\n")
    doc = nlp.load(body)
    assert doc.meta.title == "2015年度山前镇政府信息公开工作年度报告"
    assert not doc.tables
    assert [s.marker + s.title for s in doc.sections] == ["一、主动公开情况", "二、依申请公开情况", "三、存在的主要问题"]
    assert [(p.heading, p.text) for p in doc.paragraphs] == [
        (None, "2015年,我镇扎实推进政府信息公开。"),
        ("一、主动公开情况", "一、主动公开情况全年主动公开信息80条。"),
        ("二、依申请公开情况", "二、依申请公开情况全年未收到申请。"),
        ("三、存在的主要问题", "三、存在的主要问题我镇公开形式单一。")]
    for p in doc.paragraphs:
        assert normalise(doc.source_text[doc.source_offset(p.start):doc.source_offset(p.end)])[0] == p.text


def test_stray_table_labels_and_bare_markers_are_not_paragraphs():
    text = REPORT + "二、主动公开政府信息情况\n第二十条第(五)项\n信息内容 | 本年处理决定数量 |\n行政许可 | 3 |\n行政处罚 | 5 |\n其他对\n("
    doc = nlp.load(text)
    assert [p.text for p in doc.paragraphs] == ["2022年,我镇主动公开政府信息58条,内容涵盖财政预决算和重点项目。"]


def test_a_stray_label_alone_between_tables_is_not_labelled():
    text = REPORT + "二、主动公开政府信息情况\n第二十条第(一)项 | | |\n信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n规章 | 0 | 0 | 0 |\n行政规范性文件 | 2 | 0 | 5 |\n第二十条第(五)项\n信息内容 | 本年处理决定数量 |\n行政许可 | 12 |\n行政处罚 | 7 |\n"
    doc = nlp.load(text)
    assert all("第二十条" not in p.text for p in doc.paragraphs)
    assert [t.kind for t in doc.tables] == ["table2"]
    facts = {f["field"]: f["value"] for f in doc.facts if f.get("table")}
    assert facts["disclosure.licensing.decisions"] == 12 and facts["disclosure.normative_docs.in_force"] == 5


def test_title_repeated_after_the_page_metadata_is_not_prose():
    text = ("清溪区检测中心 2024年政府信息公开工作年度报告\n索 引 号 | 1/2025-1 | 分 类 | 公开 |\n"
            "清溪区检测中心\n2024年政府信息公开工作年度报告\n" + REPORT)
    doc = nlp.load(text)
    assert doc.meta.issuer == "清溪区检测中心"
    assert [p.text[:5] for p in doc.paragraphs] == ["2022年"]


def test_a_heading_glued_to_its_text_is_an_inline_heading():
    doc = nlp.load("四、咨询处理情况2016年度未收到咨询。\n(二)公开形式1、公开栏2、广播。\n五、其他需要报告的事项无。")
    assert [(p.heading, s.title) for p, s in zip(doc.paragraphs, [s for s in doc.sections])] == [
        ("四、咨询处理情况", "咨询处理情况"), ("(二)公开形式", "公开形式"), ("五、其他需要报告的事项", "其他需要报告的事项")]


def test_an_excerpt_cut_inside_the_next_row_label_adds_no_value():
    rows = "\n".join(["申请人情况", "自然人", "商业企业", "总计",
                      "一、本年新收政府信息公开申请数量", "4", "1", "5",
                      "二、上年结转政府信息公开申请数量", "0", "0", "0",
                      "(一)予以公开", "3", "1", "4", "2"])
    doc = nlp.load(REPORT + "三、收到和处理政府信息公开申请情况\n" + rows)
    assert doc.tables[0].grid()[-1] == ["(一)予以公开", "3", "1", "4"]


def test_numbers_set_apart_from_their_clause_are_joined_but_table_cells_are_not():
    text = ("一、概述\n根据要求,本区专门配备了\n132名专、兼职工作人员,设立了\n50个受理点。\n"
            "二、主动公开\n本年度,本区累计主动公开政府信息\n5928\n条,全文电子化率达\n90.3%\n,其中新增2110条。\n"
            "三、收到和处理政府信息公开申请情况\n申请人情况\n自然人\n总计\n一、本年新收政府信息公开申请数量\n3\n3")
    doc = nlp.load(text)
    assert [p.text for p in doc.paragraphs] == [
        "根据要求,本区专门配备了132名专、兼职工作人员,设立了50个受理点。",
        "本年度,本区累计主动公开政府信息5928条,全文电子化率达90.3%,其中新增2110条。"]
    assert doc.tables[0].grid()[-1] == ["一、本年新收政府信息公开申请数量", "3", "3"]


def test_pipe_fragments_that_are_no_table_are_not_prose():
    text = REPORT + "三、收到和处理政府信息公开申请情况\n(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) | 申请人情况 | ||||\n自然人 | 法人或其他组织"
    doc = nlp.load(text)
    assert all("|" not in p.text and "勾稽" not in p.text for p in doc.paragraphs)


def test_a_flattened_report_keeps_its_paragraphs_and_drops_its_annex_line():
    # the flattening turned every line break into a space: after a full stop a space was a
    # paragraph break, the part-five title runs into its text, and the annex link closes the page
    body = ("2020年度青石乡政府信息公开工作年度报告 一、主动公开情况 全年公开信息31条。 "
            "二、依申请公开情况 全年未收到申请。 三、存在的主要问题和改进措施 一年来宣传还不够深入。 "
            "对此,我们将加强宣传。 附件下载:2020年度青石乡统计表.xls |\n")
    doc = nlp.load(body)
    assert [p.text for p in doc.paragraphs] == [
        "一、主动公开情况全年公开信息31条。", "二、依申请公开情况全年未收到申请。",
        "三、存在的主要问题和改进措施一年来宣传还不够深入。", "对此,我们将加强宣传。"]
    assert doc.paragraphs[2].heading == "三、存在的主要问题和改进措施"
    assert [p.labels[0] for p in doc.paragraphs[2:]] == ["problems", "improvements"]
