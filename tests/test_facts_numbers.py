"""The numeral and unit normaliser: every written form the issue lists."""
import pytest

from nlp.facts.numbers import NumberReader


@pytest.fixture(scope="module")
def reader():
    return NumberReader()


def one(reader, text):
    found = reader.find(text)
    assert len(found) == 1, found
    q = found[0]
    return q.value, q.unit, q.qualifier


@pytest.mark.parametrize("text, expected", [
    ("收到申请2件", (2, "件", None)),                          # Arabic
    ("两个栏目", (2, "个", None)),                              # 两
    ("九个部分", (9, "个部分", None)),                          # Chinese digit + measure word (parts of a report)
    ("八部分", (8, "部分", None)),                              # not eight 部
    ("宣传资料3万余份", (30000, "份", "approx")),               # Chinese numeral, 万, 余
    ("三万余份", (30000, "份", "approx")),
    ("发表1.4万篇", (14000, "篇", None)),                       # decimal x 万
    ("受理群众来电56.3万人次", (563000, "人次", None)),
    ("成交额67.96亿元", (6796000000, "元", None)),              # 亿元 -> 元
    ("税费收入8.9亿余元", (890000000, "元", "approx")),
    ("专项经费6.84万元", (68400, "元", None)),                  # 万元 -> 元, exact
    ("经费205万元", (2050000, "元", None)),
    ("处理费3940元", (3940, "元", None)),
    ("满意率97.68%", (97.68, "%", None)),                       # percent as written
    ("办结率100%", (100, "%", None)),
    ("办结率100.00%", (100, "%", None)),
    ("百分之九十五", (95, "%", None)),
    ("阅读量突破10万+", (100000, None, "approx")),              # +
    ("共发布文章5500余条", (5500, "条", "approx")),
    ("宣传物资超20万份", (200000, "份", "approx")),             # 超
    ("粉丝数超过22万", (220000, None, "approx")),               # 超过, no unit
    ("信息1200多条", (1200, "条", "approx")),                   # 多
    ("近300人", (300, "人", "approx")),                         # 近
    ("约30次", (30, "次", "approx")),                           # 约
    ("30人左右", (30, "人", "approx")),                         # 左右
    ("100人以上", (100, "人", "approx")),                       # 以上
    ("推荐量1700万", (17000000, None, None)),
    ("建设工程招标445个标次", (445, "个标次", None)),
    ("办结量13698", (13698, None, None)),
    ("共26,567条", (26567, "条", None)),                        # thousands separator
])
def test_forms(reader, text, expected):
    value, unit, qualifier = one(reader, text)
    assert (value, unit, qualifier) == expected
    assert type(value) is type(expected[0]) or isinstance(value, float)


def test_money_is_exact_not_float_noise(reader):
    assert reader.find("6.84万元")[0].value == 68400
    assert isinstance(reader.find("6.84万元")[0].value, int)
    assert reader.find("3351.29万元")[0].value == 33512900


def test_kinds(reader):
    assert reader.find("67.96亿元")[0].kind == "money"
    assert reader.find("97.68%")[0].kind == "percent"
    assert reader.find("2件")[0].kind == "count"


def test_raw_and_offsets(reader):
    text = "全年收到约3万余份材料"
    q = reader.find(text)[0]
    assert text[q.start:q.end] == q.raw == "约3万余份"


def test_adjacent_numbers_are_separate(reader):
    values = [(q.value, q.unit) for q in reader.find("办结率为100%6件申请中")]
    assert values == [(100, "%"), (6, "件")]


@pytest.mark.parametrize("text", ["一次", "一站式审批", "一是加强", "“十四五”规划", "三大特色平台", "千家万户", "十佳作品"])
def test_chinese_words_are_not_quantities(reader, text):
    assert reader.find(text) == []


@pytest.mark.parametrize("cell, expected", [
    ("3286", (3286, None, "count")), ("0 ", (0, None, "count")), ("0", (0, None, "count")),
    ("5万元", (50000, "元", "money")), ("96171.6", (96171.6, None, "count")), ("-3", (-3, None, "count")),
    ("1,234", (1234, None, "count")),
])
def test_cells(reader, cell, expected):
    q = reader.parse_cell(cell)
    assert (q.value, q.unit, q.kind) == expected


@pytest.mark.parametrize("cell", ["", "  ", "——", "—", "-", "/", "规章", "3.其他", "(七)总计"])
def test_non_number_cells(reader, cell):
    assert reader.parse_cell(cell) is None
