import nlp


def parse(text):
    return nlp.load(text)


def test_mini_report_structure(fixtures):
    doc = nlp.load(fixtures / "mini-2021.txt")
    m = doc.meta
    assert (m.title, m.issuer, m.year, m.era, m.published) == (
        "青石县2023年政府信息公开工作年度报告", "青石县", 2023, "2021", "2024-01-20")
    assert [s.marker + s.title for s in doc.sections if s.level == 1] == [
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    assert [t.kind for t in doc.tables] == ["table2", "table3", "table4"]
    assert len(doc.paragraphs) == 7
    # signature lines are not prose
    assert not any("2024年1月18日" in p.text for p in doc.paragraphs)


def test_inline_heading_opens_a_section_and_stays_in_its_paragraph():
    doc = parse("一、总体情况\n(一)主动公开情况。2024年,公开信息5500余条。\n(二)依申请公开情况:收到申请3件。")
    p1, p2 = doc.paragraphs
    assert p1.heading == "(一)主动公开情况。" and p1.text.startswith("(一)主动公开情况。2024年")
    assert p2.heading == "(二)依申请公开情况:"
    sec = {s.id: s for s in doc.sections}
    assert sec[p1.section].title == "主动公开情况" and sec[p1.section].level == 2
    assert sec[sec[p1.section].parent].title == "总体情况"


def test_heading_styles_and_levels():
    text = "\n".join([
        "一、概述", "(一)加强组织领导", "1.健全制度", "正文第一段,内容较长,足以成为一个段落而不是标题。",
        "(1)细化分工", "正文第二段,内容较长,足以成为一个段落而不是标题。",
        "2、完善机制", "一是强化培训。全年举办培训3次。", "二、存在的主要问题", "问题较多,有待改进。",
    ])
    doc = parse(text)
    levels = [(s.marker, s.title, s.level) for s in doc.sections]
    assert levels == [
        ("一、", "概述", 1), ("(一)", "加强组织领导", 2), ("1.", "健全制度", 3), ("(1)", "细化分工", 4),
        ("2、", "完善机制", 3), ("一是", "强化培训", 4), ("二、", "存在的主要问题", 1)]


def test_decimal_at_line_start_is_not_a_heading():
    doc = parse("一、概述\n1.5万人次参加了培训,较上年有所增长,效果明显。")
    assert len(doc.sections) == 1 and doc.paragraphs[0].heading is None


def test_full_sentence_enumerator_is_prose():
    doc = parse("五、存在的主要问题\n一是重大会议公开不全面,未能及时公开全体会议信息。")
    assert doc.paragraphs[0].text.startswith("一是重大会议")


def test_sentences_cover_the_paragraph():
    doc = parse("一、总体情况\n全年公开信息100条。其中:政策解读5篇;图解2个!还有“回应”。末句无标点")
    p = doc.paragraphs[0]
    assert [s.text for s in p.sentences] == ["全年公开信息100条。", "其中:政策解读5篇;", "图解2个!", "还有“回应”。", "末句无标点"]
    for s in p.sentences:
        assert doc.text[s.start:s.end] == s.text


def test_one_cell_per_line_table_does_not_leak_into_paragraphs():
    text = "\n".join(["二、主动公开政府信息情况", "第二十条第(一)项", "信息内容", "本年新", "制作数量",
                      "规章", "0", "3", "规范性文件", "45", "23", "三、收到和处理政府信息公开申请情况",
                      "五、存在的主要问题及改进情况", "部分栏目内容不够丰富,信息更新还不够及时。"])
    doc = parse(text)
    assert [t.kind for t in doc.tables] == ["table2"]
    rows = doc.tables[0].grid()
    assert ["规章", "0", "3"] in rows and ["规范性文件", "45", "23"] in rows
    assert [p.text for p in doc.paragraphs] == ["部分栏目内容不够丰富,信息更新还不够及时。"]
    for row in doc.tables[0].rows:
        for c in row:
            assert doc.text[c.start:c.end] == c.text


def test_pipe_rows_keep_blank_cells():
    doc = parse("附表\n统计指标 | 单位 | 统计数 |\n1.政府公报公开政府信息数 | 条 | |\n2.政府网站公开政府信息数 | 条 | 26567 |")
    t = doc.tables[0]
    assert t.kind == "legacy_stats"
    assert t.grid()[1] == ["1.政府公报公开政府信息数", "条", ""]
    assert not doc.paragraphs


def test_record_round_trip(fixtures):
    doc = nlp.load(fixtures / "mini-2021.txt")
    d = doc.to_dict()
    assert d["schema_version"] == nlp.SCHEMA_VERSION and d["doc_id"] == doc.doc_id
    again = nlp.Document.from_dict(d)
    assert again.to_dict() == d
    for p in d["paragraphs"]:
        assert d["text"][p["start"]:p["end"]] == p["text"]


def test_pipeline_components_can_be_listed_and_swapped(fixtures):
    pipe = nlp.Pipeline.from_config("pipeline")
    assert pipe.names[0] == "structure"
    calls = []
    pipe.add("spy", lambda d: calls.append(d.doc_id) or d)
    doc = pipe.process(fixtures / "mini-2021.txt")
    assert calls == [doc.doc_id]
    pipe.remove("spy")
    assert "spy" not in pipe.names
    assert pipe.timings["ingest"] > 0 and pipe.timings["structure"] > 0


def test_semicolons_split_sentences_but_not_enumerations():
    doc = parse("五、存在的主要问题及改进情况\n主要问题:一是公开不够及时;二是解读形式单一;三是培训偏少。"
                "部分栏目更新慢;下一步,我们将加强培训;(1)完善制度;(2)强化考核。")
    assert [s.text for s in doc.paragraphs[0].sentences] == [
        "主要问题:一是公开不够及时;二是解读形式单一;三是培训偏少。",
        "部分栏目更新慢;",
        "下一步,我们将加强培训;(1)完善制度;(2)强化考核。"]


TABLE2_2019_LONG_LABEL = """一、总体情况
2020年,我县主动公开政府信息320条,依法办理政府信息公开申请。
二、主动公开政府信息情况
第二十条第(一)项
信息内容
本年新制作数量
本年新公开数量
对外公开总数量
规章
0
0
0
规范性文件(包括以县政府和县政府办公室名义印发的“红头文件”,以及经县政府同意、由县直各部门和各乡镇人民政府依法印发的“规范性文件”)
12
12
86
第二十条第(五)项
信息内容
上一年项目数量
本年增/减
处理决定数量
行政许可
35
2
1280
其他对外管理服务事项
8
0
64
三、收到和处理政府信息公开申请情况
申请人情况
自然人
总计
一、本年新收政府信息公开申请数量
5
5
"""


def test_a_long_quoted_row_label_does_not_end_a_2019_table_2():
    doc = nlp.load(TABLE2_2019_LONG_LABEL)
    assert [p.text[:5] for p in doc.paragraphs] == ["2020年"]
    assert [t.kind for t in doc.tables] == ["table2", "table3"]
    facts = {f["field"]: f["value"] for f in doc.facts if f.get("table")}
    assert (facts["disclosure.normative_docs.made"], facts["disclosure.normative_docs.public_total"]) == (12, 86)
    assert facts["disclosure.other_services.decisions"] == 64
    assert not any(f["value"] == 1280 and not f.get("table") for f in doc.facts)


def test_more_heading_styles_from_real_pages():
    doc = parse("第一部分 总体情况\n一)主动公开\n第一,主动公开\n本年度,全镇通过政务新媒体发布信息120条,面向群众讲解政策。\n"
                "1)工作动态\n全年发布动态信息40条,及时更新栏目内容,确保信息准确。\n第二,加强审核。全年审核信息160条。")
    assert [(s.marker, s.title) for s in doc.sections] == [
        ("第一部分", "总体情况"), ("一)", "主动公开"), ("第一,", "主动公开"), ("1)", "工作动态"), ("第二,", "加强审核")]
    assert doc.paragraphs[-1].heading == "第二,加强审核。"
