"""Read quantities as written in Chinese reports: numerals (Arabic or Chinese, via cn2an),
万/亿 multipliers, decimals, percentages, money (元/万元/亿元 -> 元) and approximate qualifiers
(余/多/近/约/左右/超过/以上 -> "approx"). Units, multipliers and qualifiers come from
``configs/facts.yaml``.

>>> reader = NumberReader()
>>> q = reader.find("发放宣传资料3万余份")[0]
>>> (q.value, q.unit, q.qualifier)
(30000, '份', 'approx')
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

import cn2an

from ..config import load_config
from .patterns import alternation

ARABIC = r"\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?"
# A Chinese numeral starts with a digit character; a bare 百/千/万 is a word (千家万户), not a number.
CHINESE = r"[零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千]*"
CHINESE_PERCENT = r"百分之(?P<pct>[零〇一二两三四五六七八九十百]+(?:点[零〇一二三四五六七八九]+)?)"
BLANK_CELLS = {"", "——", "—", "-", "--", "/", "\\", "—— ——", "无数据"}


@dataclass
class Quantity:
    """One quantity found in a string; offsets are into that string."""

    value: int | float
    unit: str | None
    kind: str  # count | money | percent
    qualifier: str | None  # "approx" or None
    raw: str
    start: int
    end: int
    numeral: str  # the number as written, e.g. "三", "1.4", "5,500"
    chinese: bool  # written in Chinese numerals

    @property
    def has_unit(self) -> bool:
        return self.unit is not None


def to_number(value: Decimal) -> int | float:
    """An integral Decimal becomes int, anything else float."""
    return int(value) if value == value.to_integral_value() else float(value)


class NumberReader:
    """Finds and normalises quantities. Configuration: ``configs/facts.yaml``."""

    def __init__(self, config: dict[str, Any] | str = "facts"):
        cfg = load_config(config) if isinstance(config, str) else config
        self.money_units: dict[str, Decimal] = {k: Decimal(str(v)) for k, v in cfg["money_units"].items()}
        self.multipliers: dict[str, Decimal] = {k: Decimal(str(v)) for k, v in cfg["multipliers"].items()}
        qual = cfg["qualifiers"]
        units = list(cfg["units"]) + list(self.money_units)
        # The pattern in two pieces, so that a caller can put a guard between a leading
        # qualifier and the number (see ProseExtractor): ``pattern = before? body``.
        self.before = alternation(qual["before"])
        self.body = (
            rf"(?:{CHINESE_PERCENT}|(?<![\d.])(?P<num>{ARABIC}|{CHINESE})"
            rf"(?P<mult>{alternation(list(self.multipliers))})?"
            rf"(?P<mid>{alternation(qual['after_number'])})?"
            rf"(?P<unit>%|{alternation(units)})?)"
            rf"(?P<post>{alternation(qual['after_unit'])})?"
        )
        self.pattern = re.compile(rf"(?P<pre>{self.before})?{self.body}")
        self.cell_pattern = re.compile(
            rf"^(?P<num>[+-]?(?:{ARABIC}))(?P<mult>{alternation(list(self.multipliers))})?"
            rf"(?P<unit>%|{alternation(units)})?$"
        )
        self._cached_cell = lru_cache(maxsize=4096)(self._parse_cell)
        self.one_units = set(cfg.get("lone_one_units", []))
        self.clause_ends = set(cfg.get("clause_ends", ""))

    # -- numerals -------------------------------------------------------------------------
    @staticmethod
    def numeral_value(numeral: str) -> Decimal | None:
        """The value of an Arabic or Chinese numeral (no multiplier, no unit)."""
        numeral = numeral.replace(",", "")
        try:
            return Decimal(numeral)
        except InvalidOperation:
            pass
        try:
            return Decimal(str(cn2an.cn2an(numeral, "normal")))
        except (ValueError, KeyError, IndexError, TypeError):
            return None

    def normalise(self, value: Decimal, unit: str | None) -> tuple[int | float, str | None, str]:
        """(value, unit, kind): money goes to 元, percent keeps the number as written."""
        if unit == "%":
            return to_number(value), "%", "percent"
        if unit in self.money_units:
            return to_number(value * self.money_units[unit]), "元", "money"
        return to_number(value), unit, "count"

    # -- prose ----------------------------------------------------------------------------
    def find(self, text: str) -> list[Quantity]:
        """Every quantity mention in ``text`` (nothing is excluded here: dates and phone
        numbers are found too; the prose extractor drops them by context)."""
        found = []
        for m in self.pattern.finditer(text):
            q = self.quantity(m)
            if q is not None:
                found.append(q)
        return found

    def quantity(self, m: re.Match) -> Quantity | None:
        """The quantity of a match of a pattern with this reader's groups (``pattern``, or a
        bigger pattern that embeds ``before`` and ``body``); None for a non-quantity."""
        if m.group("pct"):
            value = self.numeral_value(m.group("pct").replace("点", "."))
            if value is None:
                return None
            return self._quantity(m, value, "%", m.group("pct"), chinese=True)
        numeral = m.group("num")
        if not numeral:
            return None
        chinese = not numeral[0].isdigit()
        unit = m.group("unit")
        if chinese and (unit is None or numeral == "一" and not self._counted_one(m)):
            # Chinese numerals count only with a measure word, and a lone 一 is idiom
            # (一次, 一个窗口, 一站式, 一件事一次办), not a statistic.
            return None
        value = self.numeral_value(numeral)
        if value is None:
            return None
        if m.group("mult"):
            value *= self.multipliers[m.group("mult")]
        return self._quantity(m, value, unit, numeral, chinese)

    def _counted_one(self, m: re.Match) -> bool:
        """申请一件, : a lone 一 whose measure word ends its clause is a count."""
        end = m.end()
        return (m.group("unit") in self.one_units and not m.group("post")
                and (end == len(m.string) or m.string[end] in self.clause_ends))

    def _quantity(self, m: re.Match, value: Decimal, unit: str | None, numeral: str, chinese: bool) -> Quantity:
        approx = bool(m.group("pre") or m.group("post") or m.group("mid"))
        number, unit, kind = self.normalise(value, unit)
        return Quantity(
            value=number, unit=unit, kind=kind, qualifier="approx" if approx else None,
            raw=m.group(0), start=m.start(), end=m.end(), numeral=numeral, chinese=chinese,
        )

    # -- table cells ----------------------------------------------------------------------
    def parse_cell(self, text: str) -> Quantity | None:
        """A table cell holding one number ("3286", "0 ", "5万元", "96171.6"); None for a
        blank cell ("", "——") or a cell that is not a number. Cached: a report's cells
        repeat a few texts (0, blanks) many times."""
        return self._cached_cell(text)

    def _parse_cell(self, text: str) -> Quantity | None:
        compact = "".join(text.split())
        if compact in BLANK_CELLS:
            return None
        m = self.cell_pattern.match(compact)
        if not m:
            return None
        value = Decimal(m.group("num").replace(",", ""))
        if m.group("mult"):
            value *= self.multipliers[m.group("mult")]
        number, unit, kind = self.normalise(value, m.group("unit"))
        return Quantity(number, unit, kind, None, text.strip(), 0, len(text), m.group("num"), False)

    @staticmethod
    def is_blank(text: str) -> bool:
        return "".join(text.split()) in BLANK_CELLS


@lru_cache(maxsize=1)
def default_reader() -> NumberReader:
    return NumberReader()
