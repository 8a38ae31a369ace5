"""Title, issuing body, report year, template era and publication date.

Every pattern is in ``configs/structure.yaml`` (``meta:``); the order of the sources is here."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from ..document import Meta
from .rules import MetaRules, Rules

_YEAR = re.compile(r"(?<!\d)(199\d|20[0-3]\d)\s*年")
_BARE_YEAR = re.compile(r"(?<![\d.\-/])(199\d|20[0-3]\d)(?![\d\-/.])")
_DISCLOSURE = re.compile(r"政府信息公开|信息公开|政务公开|政府信息")
_TRAILING_NOTE = re.compile(r"\([^()]*\)$")
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}


@dataclass
class MetaSources:
    """What the parser saw that tells the metadata."""
    title_lines: list[str]
    text: str
    table_text: str = ""
    removed: list[str] = field(default_factory=list)
    signature_dates: list[str] = field(default_factory=list)
    signature_bodies: list[str] = field(default_factory=list)
    title_repeats: list[str] = field(default_factory=list)


def build_meta(src: MetaSources, rules: Rules) -> Meta:
    m = rules.meta
    title = pick_title(src.title_lines, m) or pick_title(src.title_repeats[:3], m)
    issuer = issuer_from_title(title, m) if title else None
    if issuer is None:
        issuer = issuer_from_text(src, m)
    year = report_year(title, src.text, m)
    era = template_era(year, src.table_text, rules)
    return Meta(title, issuer, year, era, published_date(src.removed, src.signature_dates, m))


# -- title ------------------------------------------------------------------------------------
def pick_title(candidates: list[str], m: MetaRules) -> str | None:
    """Best title among preamble lines and adjacent pairs (titles wrap, repeat with a site
    prefix, carry a chrome label, or sit inside the notice that publishes them)."""
    options = set()
    for i, line in enumerate(candidates):
        options.add(line)
        if i + 1 < len(candidates):
            options.add(line + candidates[i + 1])
    titled = []
    for t in options:
        t = m.title_label.sub("", t)
        if notice := m.title_in_notice.search(t):
            t = notice.group("title")
        t = re.split(r"[-—_|]", t)[-1].strip() if re.search(r"[-—_|]", t) else t
        if t and m.title.search(t):
            titled.append(t)
    if not titled:
        return None
    return max(titled, key=lambda t: (_title_year(t) is not None, bool(issuer_from_title(t, m)), -len(t), t))


def _title_year(title: str) -> re.Match | None:
    return _YEAR.search(title) or _BARE_YEAR.search(title)


# -- issuer -----------------------------------------------------------------------------------
def clean_issuer(name: str, m: MetaRules) -> str | None:
    """A plausible name of a reporting body, or None (pronouns, fragments, chrome)."""
    name = _DISCLOSURE.split(name.strip(" 《》“”\"'"))[0]  # …办公室政府信息公开领导小组
    name = m.issuer_tail.sub("", m.issuer_lead.sub("", name))
    name = _TRAILING_NOTE.sub("", name)  # 泾县人民政府(办公室), 委农办(县农业局)
    if name.endswith("人民"):
        name += "政府"
    if not 2 <= len(name) <= 30 or "(" in name or ")" in name:
        return None
    if any(p.search(name) for p in m.issuer_reject):
        return None
    return name


def issuer_from_title(title: str, m: MetaRules) -> str | None:
    found = _title_year(title)
    before = title[: found.start()] if found else ""
    after = title[found.end():].lstrip("年度") if found else title
    name = _DISCLOSURE.split(before)[0].strip() or _DISCLOSURE.split(after)[0].strip()
    return clean_issuer(name, m) if name else None


def issuer_from_text(src: MetaSources, m: MetaRules) -> str | None:
    """The body's name from the text, in order: report-name mentions, contact and compiler
    phrases, the signature block, sentences the body opens with its own name, the page header.
    When the text calls itself 我县/本局/…, a name of that kind of unit is preferred."""
    head = src.text[:1500]
    candidates: list[str] = []
    for pattern in m.issuer_in_text:
        for found in pattern.finditer(head):
            candidates.append(_office_to_body(found.group("name"), m))
    candidates += src.signature_bodies
    candidates += _self_named(src.text, m)
    candidates += [h.group("name") for line in src.removed if (h := m.issuer_header.search(line))]
    names = [n for n in (clean_issuer(c, m) for c in candidates) if n]
    if not names:
        return None
    unit = _self_reference(src.text, m)
    if unit:
        agreeing = [n for n in names if _unit_of(n).endswith(unit)]
        if agreeing:
            return agreeing[0]
    return names[0]


def _office_to_body(name: str, m: MetaRules) -> str:
    body = m.issuer_office.sub("", name)
    return body if body != name and m.issuer_units.search(body) else name


def _self_reference(text: str, m: MetaRules) -> str | None:
    units = Counter(found.group("unit") for found in m.issuer_pronoun.finditer(text))
    return units.most_common(1)[0][0] if units else None


def _unit_of(name: str) -> str:
    """The kind of unit a name ends with, in the form the text uses for itself (我县, 我办...)."""
    return re.sub(r"(人民政府|政府|办事处|公室|公厅|员会)$", "", name) or name


def _self_named(text: str, m: MetaRules) -> list[str]:
    """Names right after a year that opens a clause ("2024年,会泽县认真…", "2014年,南薰乡未收取…"),
    most frequent first."""
    units = m.issuer_units.pattern[:-1]  # without the end anchor
    pattern = re.compile(r"(?:^|[。;,:!?])(?:19|20)\d\d年(?:度|以来)?,?(?P<name>[\u4e00-\u9fff]{1,12}?" + units + ")",
                         re.M)
    counts = Counter(found.group("name") for found in pattern.finditer(text[:20000]))
    return [name for name, _ in counts.most_common()]


# -- year and era -----------------------------------------------------------------------------
def report_year(title: str | None, text: str, m: MetaRules) -> int | None:
    """The year reported on: the title, else the statistics period or a report-name mention,
    else the year the body talks about most (publication dates weigh little)."""
    if title and (found := _title_year(title)):
        return int(found.group(1))
    head = text[:3000]
    for pattern in m.year_in_text:
        if found := pattern.search(head):
            return int(next(g for g in found.groups() if g and g.isdigit()))
    return _voted_year(text, m.year_vote)


def _voted_year(text: str, weights: dict[str, float]) -> int | None:
    votes: Counter = Counter()
    first: dict[int, int] = {}
    for found in _YEAR.finditer(text[:20000]):
        year, start, after = int(found.group(1)), found.start(), text[found.end():found.end() + 6]
        if re.match(r"\d{1,2}月", after):
            kind = "date"
        elif start == 0 or text[start - 1] == "\n":
            kind = "line_start"
        elif after.startswith("度"):
            kind = "yearly"
        else:
            kind = "other"
        votes[year] += weights.get(kind, 1.0)
        first.setdefault(year, start)
    if not votes:
        return None
    return max(votes, key=lambda y: (votes[y], -first[y]))


def template_era(year: int | None, table_text: str, rules: Rules) -> str | None:
    """The template actually used (markers in the tables), else the one of the report's year."""
    for era, pattern in rules.era_markers:
        if pattern.search(table_text):
            return era
    if year is None:
        return None
    return "legacy" if year <= 2018 else "2019" if year <= 2020 else "2021"


# -- publication date -------------------------------------------------------------------------
def published_date(removed: list[str], signature_dates: list[str], m: MetaRules) -> str | None:
    for line in removed:
        for pattern in m.published:
            if found := pattern.search(line):
                return _iso(*found.groups())
    for line in signature_dates:
        if found := re.match(r"(\d{4})(?:年|-)(\d{1,2})(?:月|-)(\d{1,2})", line):
            return _iso(*found.groups())
        if found := re.match(r"(.{4})年(.{1,3})月(.{1,3})日", line):
            return _iso(*(_chinese_number(g) for g in found.groups()))
    return None


def _chinese_number(s: str) -> str:
    """二〇一〇 -> 2010 (digit by digit); 十九 -> 19 (with 十)."""
    if "十" not in s:
        return "".join(str(_CN_DIGITS.get(c, c)) for c in s)
    tens, _, ones = s.partition("十")
    return str(_CN_DIGITS.get(tens, 1) * 10 + _CN_DIGITS.get(ones, 0))


def _iso(y: str, m: str, d: str) -> str | None:
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None
