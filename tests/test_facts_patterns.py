"""The scan helpers: the start-class guard never changes what a pattern matches."""
import re

import pytest

from nlp.facts import FactExtractor
from nlp.facts.patterns import alternation, find_overlapping, guarded, start_class


@pytest.mark.parametrize("pattern, cls", [
    (r"abc|d\d", "[ad]"),
    (r"(?:约|近)?\d+", r"[\d约近]"),
    (r"(?<![\d.])\s*[(]\d", r"[(\s]"),           # lookbehind and \s* do not start it, ( does
    (r"x*", None),            # may match empty
    (r"[^a]b", None),         # may start with anything
    (r".b", None),
])
def test_start_class(pattern, cls):
    got = start_class(pattern)
    if cls is None:
        assert got is None
    else:  # same set of characters, whatever the order
        probe = "ad约近5( x7"
        assert [c for c in probe if re.match(got, c)] == [c for c in probe if re.match(cls, c)]


def test_guarded_scan_finds_what_the_plain_one_finds():
    scan = FactExtractor().prose.scan
    plain = re.compile(scan.pattern.split(")(?:", 1)[1][:-1], re.M)
    texts = ["2022年收到申请约30件,电话:0731-5552468;全年无行政复议。",
             "1.主动公开信息情况\n近20人参加,第3次会议(2)项,《条例》“十四五”规划。",
             "依申请公开零报告,QQ群12345678,网址www.example.gov.cn,邮编:410000。"]
    for t in texts:
        assert [m.span() for m in scan.finditer(t)] == [m.span() for m in plain.finditer(t)]


def test_find_overlapping_reports_every_start():
    rx = re.compile(alternation(["行政复议", "复议", "申请", "依申请公开"]))
    assert find_overlapping(rx, "依申请公开的行政复议") == [(0, "依申请公开"), (1, "申请"), (6, "行政复议"), (8, "复议")]
