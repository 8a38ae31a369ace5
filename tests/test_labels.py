"""Paragraph labels that generalise: heading-path context, genre priors, the one-confident-label
decision, and the failure patterns seen on real reports (fixtures written for these tests)."""
import json
from pathlib import Path

import numpy as np
import pytest

from models.baseline import BaselineClassifier
from models.fast_baseline import FastBaseline
from models.context import BEFORE_FIRST_HEADING, context_text, heading_path, paragraph_context
from models.decision import LabelDecision
from models.priors import LabelPriors
from nlp.document import Document, Paragraph, Section
from nlp.errors import ConfigError
from training.data_utils import label_names

FIXTURES = Path(__file__).parent / "fixtures"
LABELS = label_names()


def probs(**given):
    """A probability row over the 13 labels: the given ones, 0.02 elsewhere."""
    return np.array([given.get(l, 0.02) for l in LABELS])


# --- context ---------------------------------------------------------------------------------
def test_context_is_the_heading_path_with_the_inline_heading():
    doc = Document(text="x")
    doc.meta.era = "2021"
    doc.sections = [Section("s1", 1, "一、", "总体情况", 0, 0), Section("s2", 2, "(一)", "主动公开", 0, 0, "s1")]
    inline = Paragraph("p1", "s1", "(三)平台建设。开通公众号。", 0, 5, heading="(三)平台建设。")
    nested = Paragraph("p2", "s2", "全年公开信息10条。", 0, 5)
    repeated = Paragraph("p3", "s2", "(一)主动公开。全年公开信息10条。", 0, 5, heading="(一)主动公开。")
    assert heading_path(doc, inline) == ["一、总体情况", "(三)平台建设。"]
    assert heading_path(doc, repeated) == ["一、总体情况", "(一)主动公开"]  # not twice
    assert paragraph_context(doc, nested) == "〔2021〕一、总体情况 › (一)主动公开"
    assert context_text([], None) == BEFORE_FIRST_HEADING


# --- the baseline reads context as a third, weighted column ----------------------------------
@pytest.fixture(scope="module")
def context_model():
    """The same sentence is a requests paragraph under 依申请公开 and a review paragraph under 复议."""
    same = ["本年度该项工作运行正常。", "全年该项工作平稳有序。", "该项工作按期完成。"]
    texts, labels, contexts = [], [], []
    for heading, label in (("二、依申请公开情况", "request_disclosure"), ("四、行政复议和行政诉讼情况", "review_litigation"),
                           ("一、总体情况", "overview")):
        for t in same * 3:
            texts.append(t)
            labels.append([label])
            contexts.append(context_text([heading], "legacy"))
    return BaselineClassifier(LABELS, context_ngrams=(1, 3), context_weight=0.7, folds=2).fit(
        texts, labels, contexts=contexts)


def test_context_decides_between_identical_texts(context_model):
    text = "本年度该项工作运行正常。"
    P = context_model.predict_proba([text, text], [context_text(["二、依申请公开情况"], "legacy"),
                                                   context_text(["四、行政复议和行政诉讼情况"], "legacy")])
    assert LABELS[int(np.argmax(P[0]))] == "request_disclosure"
    assert LABELS[int(np.argmax(P[1]))] == "review_litigation"


def test_context_model_round_trip(context_model, tmp_path):
    context_model.decision = LabelDecision(second=0.8).to_dict()
    loaded = BaselineClassifier.load(context_model.save(tmp_path / "ctx.skops"))
    assert loaded.uses_context and loaded.head.context_weight == 0.7
    assert LabelDecision.from_dict(loaded.decision) == LabelDecision(second=0.8)
    args = (["全年该项工作平稳有序。"], [context_text(["一、总体情况"], "legacy")])
    assert np.allclose(context_model.predict_proba(*args), loaded.predict_proba(*args))


def test_context_weight_folded_into_the_linear_form_gives_the_estimators_numbers(context_model):
    """Features weighted at training, weight folded into the weights at inference: same scores
    as scikit-learn's calibrated estimators on the weighted features."""
    from models.baseline import featurize_input

    X = featurize_input(["该项工作按期完成。", "全年该项工作平稳有序。"], context_model.head.columns,
                        contexts=[context_text(["二、依申请公开情况"], "legacy"), context_text(["一、总体情况"], "2021")])
    F = context_model.head.transform(X)  # weighted, as in training
    ref = np.column_stack([est.predict_proba(F)[:, 1] if est is not None else np.full(2, prior)
                           for est, prior in zip(context_model.head.estimators, context_model.head.priors)])
    assert np.allclose(context_model.head.predict_proba(X), ref, atol=1e-12)


def test_models_without_context_ignore_it():
    records = [json.loads(l) for l in (FIXTURES / "classify_train.jsonl").read_text(encoding="utf-8").splitlines()]
    clf = BaselineClassifier(LABELS, folds=2).fit([r["text"] for r in records], [r["labels"] for r in records])
    assert not clf.uses_context
    texts = [records[0]["text"]]
    assert np.allclose(clf.predict_proba(texts), clf.predict_proba(texts, ["〔2021〕五、存在的主要问题"]))


# --- priors ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def priors():
    p = LabelPriors.from_config("label_priors")
    p.check_labels(LABELS)
    return p


def test_report_notes_are_report_meta_not_every_section_they_name(priors):
    text = ("本报告依照《中华人民共和国政府信息公开条例》编写,全文包括总体情况、主动公开政府信息情况、"
            "收到和处理政府信息公开申请情况、行政复议和行政诉讼情况等部分。")
    P = priors.apply(probs(review_litigation=0.9, request_disclosure=0.9, report_meta=0.6)[None], LABELS, [text], ["〔前言〕"])
    assert LABELS[int(np.argmax(P[0]))] == "report_meta"
    assert P[0][LABELS.index("review_litigation")] < 0.5


def test_chrome_lines_are_noise(priors):
    for line in ("发布机构:松溪乡人民政府", "索引号:000000/2023-00001", "二〇二三年一月十日"):
        P = priors.apply(probs(overview=0.7)[None], LABELS, [line], ["〔前言〕"])
        assert LABELS[int(np.argmax(P[0]))] == "noise", line


def test_improvements_need_a_plan_not_just_jinyibu(priors):
    overview = "2022年,我乡进一步加大政务公开力度,一是规范发布流程,二是丰富公开内容。"
    plan = "下一步,我乡将加强业务培训,确保信息及时发布。"
    P = priors.apply(np.vstack([probs(improvements=0.7, overview=0.6), probs(improvements=0.5)]), LABELS,
                     [overview, plan], ["〔2021〕一、总体情况", "〔2021〕五、存在的主要问题及改进情况"])
    j = LABELS.index("improvements")
    assert P[0][j] < 0.1 and LABELS[int(np.argmax(P[0]))] == "overview"
    assert P[1][j] > 0.9


def test_shortcomings_under_the_problems_heading_are_problems_first(priors):
    problems = "一是公开的及时性还不够,部分栏目更新滞后;二是解读形式比较单一。"
    remedial = "针对以上不足,我局将从三个方面改进。"
    ctx = "〔2021〕五、存在的主要问题及改进情况"
    P = priors.apply(np.vstack([probs(supervision_guarantee=0.6, problems=0.5), probs(problems=0.6, improvements=0.5)]),
                     LABELS, [problems, remedial], [ctx, ctx])
    assert LABELS[int(np.argmax(P[0]))] == "problems"
    assert LABELS[int(np.argmax(P[1]))] == "improvements"


def test_mention_cues_only_add_secondary_labels(priors):
    text = "全年收到政府信息公开申请3件,均按期答复;因政府信息公开被申请行政复议1件。"
    P = priors.apply(probs(request_disclosure=0.95, review_litigation=0.2)[None], LABELS, [text], ["〔2021〕(二)依申请公开"])
    S = priors.apply_secondary(P, LABELS, [text], ["〔2021〕(二)依申请公开"])
    j = LABELS.index("review_litigation")
    assert S[0][j] > P[0][j] and np.allclose(np.delete(S[0], j), np.delete(P[0], j))
    assert LabelDecision(second=0.6).choose(P[0], LABELS, S[0]) == ["request_disclosure", "review_litigation"]


def test_prior_config_errors():
    with pytest.raises(ConfigError, match="bad text pattern"):
        LabelPriors.from_config({"rules": [{"name": "x", "text": "(", "shift": {"noise": 1}}]})
    with pytest.raises(ConfigError, match="needs a context or text"):
        LabelPriors.from_config({"rules": [{"name": "x", "shift": {"noise": 1}}]})
    with pytest.raises(ConfigError, match="unknown label"):
        LabelPriors.from_config({"rules": [{"name": "x", "text": "a", "shift": {"nope": 1}}]}).check_labels(LABELS)


# --- decision --------------------------------------------------------------------------------
def test_one_confident_label_rather_than_many_weak():
    d = LabelDecision(second=0.6)
    weak = probs(proactive_disclosure=0.55, overview=0.5, info_management=0.45, improvements=0.4)
    assert d.choose(weak, LABELS) == ["proactive_disclosure"]
    strong = probs(proactive_disclosure=0.9, platform_building=0.7, overview=0.3)
    assert d.choose(strong, LABELS) == ["proactive_disclosure", "platform_building"]
    assert LabelDecision(second=0.6, margin=0.1).choose(strong, LABELS) == ["proactive_disclosure"]
    many = probs(overview=0.99, proactive_disclosure=0.98, request_disclosure=0.97, noise=0.96)
    assert len(LabelDecision(second=0.5, max_labels=2).choose(many, LABELS)) == 2
    assert LabelDecision.from_dict(LabelDecision(0.7, 0.2, 3).to_dict()) == LabelDecision(0.7, 0.2, 3)


# --- the shipped model on the failure patterns seen on real reports --------------------------
@pytest.fixture(scope="module")
def tagged():
    import nlp

    doc = nlp.Pipeline.from_config("pipeline").process(FIXTURES / "labels-2022.txt")
    return lambda start: next(p for p in doc.paragraphs if p.text.startswith(start))


def test_shipped_model_report_notes(tagged):
    p = tagged("本报告依照《中华")
    assert p.labels[0] == "report_meta" and "review_litigation" not in p.labels


def test_shipped_model_overview_with_jinyibu_is_not_improvements(tagged):
    p = tagged("2022年,松溪乡")
    assert p.labels[0] == "overview" and "improvements" not in p.labels


def test_shipped_model_proactive_paragraph(tagged):
    p = tagged("(一)主动公开。全年")
    assert p.labels[0] == "proactive_disclosure"
    assert not {"improvements", "info_management", "overview"} & set(p.labels)


def test_shipped_model_requests_with_review_mentioned(tagged):
    assert tagged("(二)依申请公开。").labels == ["request_disclosure", "review_litigation"]


def test_shipped_model_problems_then_improvements(tagged):
    assert tagged("一是信息公开的及时").labels[0] == "problems"
    assert tagged("下一步,我乡将加强").labels[0] == "improvements"
    assert tagged("本年度未收取信息处").labels == ["other_matters"]


def test_labels_are_listed_primary_first(tagged):
    for start in ("本报告", "2022年", "(一)", "(二)", "一是", "下一步", "本年度"):
        p = tagged(start)
        assert p.scores[p.labels[0]] == max(p.scores.values())


# --- the pool of real pages for weak labels, kept apart from the dev set ---------------------
def make_devset(root: Path, page: str) -> Path:
    report = root / "reports" / "z01"
    report.mkdir(parents=True)
    (report / "page.txt").write_text(page, encoding="utf-8")
    (report / "gold.json").write_text(json.dumps({"id": "z01", "url": "https://example.invalid/z01"}), encoding="utf-8")
    return root


DEV_PAGE = ("一、总体情况\n2021年,青松镇坚持以公开为常态,扎实推进政务公开,全年主动公开政府信息120条。\n"
            "(二)依申请公开。全年收到政府信息公开申请2件,均已按期答复。\n")


def test_pool_pages_that_copy_dev_reports_are_left_out(tmp_path):
    from training.pool import filter_pages

    devset = make_devset(tmp_path / "dev", DEV_PAGE)
    pool = tmp_path / "pool"
    pool.mkdir()
    (pool / "mirror.txt").write_text("首页 > 年报\n" + DEV_PAGE, encoding="utf-8")           # same text elsewhere
    (pool / "same_url.txt").write_text("五、存在的主要问题\n公开内容还不够丰富。\n", encoding="utf-8")
    (pool / "other.txt").write_text("一、概述\n2015年,白沙乡认真贯彻条例,主动公开信息45条。\n", encoding="utf-8")
    (pool / "index.jsonl").write_text(json.dumps({"url": "http://example.invalid/z01/", "file": "pages/same_url.txt"}) + "\n",
                                      encoding="utf-8")
    kept, dropped = filter_pages(sorted(pool.glob("*.txt")), devset)
    assert [p.name for p in kept] == ["other.txt"]
    assert sorted(p.name for p in dropped) == ["mirror.txt", "same_url.txt"]
    assert filter_pages(sorted(pool.glob("*.txt")), None)[1] == []


def test_silver_labels_come_with_contexts(tmp_path):
    from training.train import silver

    pool = tmp_path / "pool"
    pool.mkdir()
    (pool / "a.txt").write_text("五、存在的主要问题及改进情况\n一是公开内容还不够全面。\n下一步,我镇将加强培训。\n",
                                encoding="utf-8")
    (pool / "b.txt").write_text("首页 > 年报\n" + DEV_PAGE, encoding="utf-8")
    devset = make_devset(tmp_path / "dev", DEV_PAGE)
    cfg = {"data": {"silver": [str(pool / "*.txt")], "exclude_devset": str(devset)}}
    records = silver(cfg, set())
    assert {r.source for r in records} == {str(pool / "a.txt")}
    by_text = {r.text[:4]: r for r in records}
    assert by_text["一是公开"].labels == ["problems"] and "存在的主要问题" in by_text["一是公开"].context
    assert "improvements" in by_text["下一步,"].labels


def test_decision_tuning_on_held_out_reports(tmp_path):
    import shutil

    from nlp.classify import load_priors, shipped_baseline_path
    from training.devset import read_devset
    from training.label_tuning import SECOND_GRID, main, paragraph_probabilities, tune

    model = BaselineClassifier.load(shipped_baseline_path(".skops"))
    cached = paragraph_probabilities(model, read_devset(FIXTURES / "devset"), load_priors("label_priors", LABELS))
    decision, scores = tune(cached, LABELS)
    assert decision.second in SECOND_GRID and scores["macro_f1"] > 0.5
    path = shutil.copy(shipped_baseline_path(".skops"), tmp_path / "m.skops")
    assert main([str(FIXTURES / "devset"), "--ids", "x01", "x02", "--model", str(path), "--save"]) == 0
    saved = BaselineClassifier.load(path).decision
    assert saved["second"] in SECOND_GRID
    assert FastBaseline.load(tmp_path / "m.npz").decision == saved  # what tag loads gets it too
    assert main([str(FIXTURES / "devset"), "--ids", "nope", "--model", str(path)]) == 1


# --- failure patterns of the tuning half and the pool (fixture written for them) -------------
def test_the_model_reads_headings_without_their_numbers():
    """收费 is part 四 of one legacy report and 复议 part 四 of a 2021 one: the numbers say nothing."""
    from models.context import model_view

    assert model_view("〔legacy〕四、政府信息公开的收费及减免情况") == "〔legacy〕政府信息公开的收费及减免情况"
    assert model_view("〔2021〕一、总体情况 › (二)依申请公开 › 三是规范答复") == "〔2021〕总体情况 › 依申请公开 › 规范答复"
    assert model_view("〔legacy〕第三部分 复议") == model_view("〔legacy〕六、复议") == "〔legacy〕复议"
    assert model_view("〔legacy〕二〇一九年工作") == "〔legacy〕二〇一九年工作"  # a year is not an ordinal


@pytest.mark.parametrize("line", ["青石乡人民政府", "某某区集体经济发展服务署", "二0一六年三月十日", "2024年度", "2020年",
                                  "2023-01-30", "某县人民政府办公室2019年度政府信息公开工作年度报告",
                                  "•发布单位:某市水务局", "某市人民政府门户网站www.example.gov.cn 2023-01-30"])
def test_signature_date_and_title_lines_are_noise(line, priors):
    from training.weak import WeakLabeller

    assert WeakLabeller().label(line, "七、存在的主要问题及改进措施") == ["noise"]
    P = priors.apply(probs(improvements=0.8, other_matters=0.7, report_meta=0.6)[None], LABELS, [line],
                     ["〔legacy〕七、存在的主要问题及改进措施"])
    assert LABELS[int(np.argmax(P[0]))] == "noise", line


def test_list_items_under_the_overview_heading_are_about_their_topic(priors):
    from training.weak import WeakLabeller

    item = "(一)健全工作机构。乡里调整了政府信息公开工作领导小组,由乡长任组长。"
    framing = "2015年,我乡认真贯彻落实《条例》,政府信息公开工作运行平稳。"
    weak = WeakLabeller()
    assert weak.label(item, "一、概述(一)健全工作机构。") == ["supervision_guarantee"]
    assert weak.label(framing, "一、概述") == ["overview"]
    P = priors.apply(probs(overview=0.8, supervision_guarantee=0.6)[None], LABELS, [item], ["〔legacy〕一、概述"])
    assert LABELS[int(np.argmax(P[0]))] == "supervision_guarantee"
    assert priors.fired("一、总体情况。2021年,我局稳步推进政务公开。", "") == ["no_plan_no_improvements"]


def test_weak_labels_topic_cues_in_passing_do_not_count():
    from training.weak import WeakLabeller

    weak = WeakLabeller()
    # 主动 in a request statement, a hotline's messages under 政民互动, a gazette as a publishing channel
    assert weak.label("本年度没有接到群众主动要求公开政府信息的申请。", "三、依申请公开情况") == ["request_disclosure"]
    assert "platform_building" not in weak.label("全年12345热线受理群众诉求320件,均按时办结。", "(三)政民互动情况")
    assert "platform_building" not in weak.label("在市政府网站和《市政府公报》主动公开规章3件。", "(一)主动公开")
    assert "platform_building" in weak.label("完成《区政府公报》编辑印制12期。", "(四)平台建设")
    # publishing the replies to proposals is proactive disclosure, handling them is an other matter
    assert "other_matters" not in weak.label("主动公开人大代表建议和政协提案复文45件。", "(一)主动公开")
    assert "other_matters" in weak.label("全年办理人大代表建议12件、政协提案9件。", "六、其他需要报告的事项")


def test_weak_labels_legacy_fees_and_enquiries_sections():
    from training.weak import WeakLabeller

    weak = WeakLabeller()
    assert "other_matters" in weak.label("由于没有收到申请,未发生任何费用,也不存在减免。", "五、政府信息公开的收费及减免情况")
    assert weak.label("全年接待群众现场询问12人次,均当场解答。", "四、政府信息公开咨询处理情况") == ["request_disclosure"]


def test_priors_published_counts_outweigh_a_framing_opening(priors):
    text = "2020年,在镇党委的正确领导下,我镇通过政务微信平台推送政务动态68余条。"
    ctx = "〔2019〕一、总体情况"
    assert "general_framing" not in priors.fired(text, ctx) and "reports_proactive_counts" in priors.fired(text, ctx)
    P = priors.apply(probs(overview=0.7, proactive_disclosure=0.5)[None], LABELS, [text], [ctx])
    assert LABELS[int(np.argmax(P[0]))] == "proactive_disclosure"
    assert "reports_proactive_counts" not in priors.fired("全年共收到政府信息公开申请21件,均按时答复。", ctx)


def test_priors_report_notes_are_not_the_overview(priors):
    notes = "本年报根据《条例》要求编制,由总体情况、主动公开政府信息情况等部分组成。"
    P = priors.apply(probs(report_meta=0.9, overview=0.9)[None], LABELS, [notes], ["〔2021〕一、总体情况"])
    assert P[0][LABELS.index("overview")] < 0.5 < P[0][LABELS.index("report_meta")]


def test_information_management_cues_add_a_secondary_label(priors):
    text = "(二)积极推动主动公开。全面梳理公开目录,严格落实信息发布前的审核把关。"
    P = priors.apply(probs(proactive_disclosure=0.95, info_management=0.2)[None], LABELS, [text], ["〔2021〕一、总体情况"])
    S = priors.apply_secondary(P, LABELS, [text], ["〔2021〕一、总体情况"])
    assert LabelDecision(second=0.9).choose(P[0], LABELS, S[0]) == ["proactive_disclosure", "info_management"]


def test_shipped_model_on_a_legacy_report():
    """A 2015 township report in the legacy outline: list items under 概述 are their topics, the
    fees section is other matters, enquiries are requests, the signature and date are noise."""
    import nlp

    doc = nlp.Pipeline.from_config("pipeline").process(FIXTURES / "labels-legacy-2015.txt")
    def labels(start, default=None):
        return next((p.labels for p in doc.paragraphs if p.text.startswith(start)), default)

    assert labels("(一)健全工作")[0] == "supervision_guarantee" and "overview" not in labels("(一)健全工作")
    assert labels("(二)完善公开")[0] == "info_management"
    assert labels("全年接待群众")[0] == "request_disclosure"
    assert labels("由于全年没有")[0] == "other_matters"
    assert labels("公开的信息数")[:2] == ["problems", "improvements"]
    for start in ("青石乡人民政府", "二0一六年三月十日"):
        assert labels(start, ["noise"]) == ["noise"], start  # kept by the reader or not, never a topic


def test_pipe_across_documents_gives_each_documents_own_labels():
    """Batching paragraphs of several reports (ParagraphClassifier.pipe) reads each paragraph's
    context in its own report: same labels and scores as one call per report, also for records."""
    import nlp
    from nlp.classify import ParagraphClassifier
    from nlp.document import Document

    pipe = nlp.Pipeline.from_config("pipeline", classify={"enabled": False})
    paths = [FIXTURES / "labels-legacy-2015.txt", FIXTURES / "labels-2022.txt"]
    clf = ParagraphClassifier()
    one_by_one = [clf(pipe.process(p)) for p in paths]
    batched = clf.pipe([Document.from_dict(pipe.process(p).to_dict()) for p in paths])
    for a, b in zip(one_by_one, batched):
        assert [(p.labels, p.scores) for p in a.paragraphs] == [(p.labels, p.scores) for p in b.paragraphs]
        assert [[s.labels for s in p.sentences] for p in a.paragraphs] == [[s.labels for s in p.sentences] for p in b.paragraphs]


def test_priors_framing_opening_that_presents_the_report_is_the_overview_first(priors):
    text = "2021年,我县坚持以人民为中心,扎实推进政务公开。现将本年度报告如下:"
    assert "framing_then_report_notes" in priors.fired(text, BEFORE_FIRST_HEADING)
    assert "framing_then_report_notes" not in priors.fired("现将本年度政府信息公开工作报告如下:", BEFORE_FIRST_HEADING)


@pytest.mark.parametrize("text, rule", [
    ("2.解读情况。全年围绕重点政策发布解读材料6篇。", "own_heading_interpretation"),
    ("(三)回应关切。对网民留言均在5日内回复。", "own_heading_interpretation"),
    ("一是落实主管责任。由分管副局长牵头负责。", "own_heading_oversight"),
    ("二是加强统筹指导。定期调度各科室进度。", "own_heading_oversight"),
])
def test_priors_a_paragraphs_own_heading_names_its_topic(priors, text, rule):
    assert rule in priors.fired(text, "〔2021〕一、总体情况")
    assert rule not in priors.fired("全年发布信息12条,其中解读3篇。", "〔2021〕一、总体情况")
