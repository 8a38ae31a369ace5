from nlp.document import Document, Paragraph, Section
from training.weak import WeakLabeller, WeakReport


def make_doc():
    paras = [
        ("s0", "本报告根据《中华人民共和国政府信息公开条例》编制,统计期限为2022年1月1日至12月31日。"),
        ("s1", "2022年,全县政府信息公开工作稳步推进。"),
        ("s2", "全年主动公开政府信息3286条。"),
        ("s3", "一是公开内容不够全面;二是解读形式有待丰富。"),
        ("s3", "下一步,我们将进一步加强培训,完善制度。"),
        ("s4", "本年度未收取信息处理费。"),
        ("s1", "首页 > 政务公开"),
    ]
    text, offsets = "", []
    for _, t in paras:
        offsets.append((len(text), len(text) + len(t)))
        text += t + "\n"
    doc = Document(text=text)
    doc.sections = [Section("s0", 1, "", "", 0, 0), Section("s1", 1, "一、", "总体情况", 0, 0),
                    Section("s2", 2, "(一)", "主动公开情况", 0, 0, "s1"),
                    Section("s3", 1, "五、", "存在的主要问题及改进情况", 0, 0),
                    Section("s4", 1, "六、", "其他需要报告的事项", 0, 0)]
    doc.paragraphs = [Paragraph(f"p{i}", s, t, a, b) for i, ((s, t), (a, b)) in enumerate(zip(paras, offsets))]
    return doc


def test_headings_and_cues_give_silver_labels():
    report = WeakReport()
    got = [labels for _, _, labels in WeakLabeller().label_documents([make_doc()], report)]
    assert got[0] == ["report_meta"]
    assert got[1] == ["overview"]
    assert "proactive_disclosure" in got[2]
    assert got[3] == ["problems"]  # under 存在的主要问题 and not a measure
    assert "improvements" in got[4] and "problems" not in got[4]  # the measures under the same heading
    assert got[5] == ["other_matters"]
    assert got[6] == ["noise"]  # noise wins over the overview heading (priority)
    assert report.paragraphs == 7 and report.covered == 7
    assert report.conflicts == 1 and report.conflict_pairs[("noise", "overview")] == 1
    text = report.format()
    assert "coverage" in text and "heading_problems" in text


def test_sentence_cues_tell_problems_from_improvements():
    lab = WeakLabeller()
    assert lab.sentence_labels("公开内容不够全面。") == ["problems"]
    assert lab.sentence_labels("一是加强培训,解决公开不够及时的问题。") == ["improvements"]
    assert lab.sentence_labels("2022年主动公开信息3286条。") == []


def test_rules_are_data(tmp_path):
    cfg = {"rules": [{"name": "fees", "on": "text", "pattern": "收费", "labels": ["other_matters"]}]}
    lab = WeakLabeller(cfg)
    assert lab.label("本年度未收费。") == ["other_matters"] and lab.label("其他") == []
