"""Title, issuing body, report year, template era and publication date."""
from __future__ import annotations

import re
from datetime import date

from ..document import Meta
from .rules import Rules

_YEAR = re.compile(r"(?<!\d)(199\d|20[0-3]\d)\s*年")


def pick_title(candidates: list[str], rules: Rules) -> str | None:
    """Best title among preamble lines and adjacent pairs (titles wrap, and repeat with a site prefix)."""
    options = set()
    for i, line in enumerate(candidates):
        options.add(line)
        if i + 1 < len(candidates):
            options.add(line + candidates[i + 1])
    titled = []
    for t in options:
        t = re.split(r"[-—_|]", t)[-1].strip() if re.search(r"[-—_|]", t) else t
        if rules.title.search(t):
            titled.append(t)
    if not titled:
        return None
    return max(titled, key=lambda t: (bool(_YEAR.search(t)), bool(_issuer_from_title(t)), -len(t)))


def _issuer_from_title(title: str) -> str | None:
    m = _YEAR.search(title)
    before = title[: m.start()] if m else ""
    after = title[m.end():] if m else title
    after = after.lstrip("度")
    name = before.strip() or re.split(r"(政府信息公开|信息公开|政务公开)", after)[0].strip()
    if not name or len(name) > 30 or "报告" in name:
        return None
    return name + "政府" if name.endswith("人民") else name


def _year(title: str | None, text: str, rules: Rules) -> int | None:
    if title and (m := _YEAR.search(title)):
        return int(m.group(1))
    head = text[:3000]
    for pattern in rules.year_in_text:
        m = pattern.search(head)
        if m:
            return int(next(g for g in m.groups() if g and g.isdigit()))
    return None


def _era(year: int | None, table_text: str, rules: Rules) -> str | None:
    for era, pattern in rules.era_markers:
        if pattern.search(table_text):
            return era
    if year is None:
        return None
    return "legacy" if year <= 2018 else "2019" if year <= 2020 else "2021"


def _published(removed: list[str], signature_dates: list[str], rules: Rules) -> str | None:
    for line in removed:
        for pattern in rules.published:
            if m := pattern.search(line):
                return _iso(*m.groups())
    for line in signature_dates:
        if m := re.match(r"(\d{4})年(\d{1,2})月(\d{1,2})日", line):
            return _iso(*m.groups())
    return None


def _iso(y: str, m: str, d: str) -> str | None:
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def build_meta(title_lines: list[str], text: str, table_text: str, removed: list[str],
               signature_dates: list[str], rules: Rules) -> Meta:
    title = pick_title(title_lines, rules)
    issuer = _issuer_from_title(title) if title else None
    if issuer is None:
        for pattern in rules.issuer_in_text:
            if m := pattern.search(text[:1500]):
                issuer = m.group(1) + ("政府" if m.group(1).endswith("人民") else "")
                break
    year = _year(title, text, rules)
    return Meta(title, issuer, year, _era(year, table_text, rules), _published(removed, signature_dates, rules))
