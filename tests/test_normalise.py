from nlp.ingest.normalise import normalise


def test_full_width_folded_to_ascii():
    text, _ = normalise("（一）２０２４年，收到申请ＡＢＣ３件：")
    assert text == "(一)2024年,收到申请ABC3件:"


def test_spaces_next_to_cjk_removed_and_runs_collapsed():
    assert normalise("统 计 指 标")[0] == "统计指标"
    assert normalise("2024 年 1 月")[0] == "2024年1月"
    assert normalise("  Windows   10  ")[0] == "Windows 10"
    assert normalise("\u3000\u3000正文")[0] == "正文"


def test_zero_width_removed_and_expansions_handled():
    text, anchors = normalise("申\u200b请㈠件")
    assert text == "申请(一)件"
    assert anchors[0] == (0, 0)


def test_anchors_map_back_to_source():
    src = "收到  申请 3119 件，答复"
    text, anchors = normalise(src)
    assert text == "收到申请3119件,答复"

    def to_src(i):
        k = max(j for j, (n, _) in enumerate(anchors) if n <= i)
        return anchors[k][1] + i - anchors[k][0]

    i = text.index("3119")
    assert src[to_src(i):to_src(i) + 4] == "3119"
    assert src[to_src(text.index("答"))] == "答"


def test_changing_characters_scan_equals_translate():
    from nlp.ingest.normalise import _BY_CHAR, _CHANGING, _ONE_TO_ONE

    text = "".join(_BY_CHAR) + "政府信息公开 abc ２０２４（一），。、“”\u3000x"
    assert _CHANGING.sub(lambda m: _BY_CHAR[m.group()], text) == text.translate(_ONE_TO_ONE)


def test_pinyin_glosses_are_dropped_with_offsets_kept():
    src = "我镇（zhèn）认(rèn)真公开(Annex 1)和附件(de)"
    text, anchors = normalise(src)
    assert text == "我镇认真公开(Annex 1)和附件(de)"
    k = text.index("真")
    n, s = [a for a in anchors if a[0] <= k][-1]
    assert src[s + k - n] == "真"
