"""The context a paragraph is read in: where it sits in the report's outline.

Every report follows the fixed outline of its template era (legacy: 概述 / 主动公开 / 依申请公开 /
… / 存在的主要问题及改进措施; 2019 and 2021: 一、总体情况 (一)主动公开 … 五、存在的主要问题及改进情况
六、其他需要报告的事项), so the heading path above a paragraph says a lot about what it is about.
The classifiers read it as a second text next to the paragraph itself."""
from __future__ import annotations

import re

SEPARATOR = " › "
BEFORE_FIRST_HEADING = "〔前言〕"  # paragraphs before the first heading: report notes, preamble


def heading_path(doc, paragraph) -> list[str]:
    """Section titles from the outermost to the innermost, then the inline heading if it is not
    already the innermost section."""
    path = list(doc.section_path(paragraph.section))
    heading = (paragraph.heading or "").strip()
    if heading and not (path and heading.startswith(path[-1])):
        path.append(heading)
    return path


def context_text(path: list[str], era: str | None = None) -> str:
    """The context string a model reads: the heading path (or a marker for text before the first
    heading), prefixed with the template era when known."""
    body = SEPARATOR.join(p.strip() for p in path if p.strip()) or BEFORE_FIRST_HEADING
    return f"〔{era}〕{body}" if era else body


def paragraph_context(doc, paragraph) -> str:
    return context_text(heading_path(doc, paragraph), doc.meta.era)


# 一、 (三) 3. 二是 第四部分: the numbering differs between eras and reports (收费 is part 四 of a
# legacy report, 复议 part 四 of a 2021 one), so the model reads the headings' words only
_ORDINAL = re.compile(r"(^|(?<=" + re.escape(SEPARATOR) + r")|(?<=〕))\s*(第?[一二三四五六七八九十]+(?:(?:部分|是)[、.．,,:: ]?|[、.．,,:: ])"
                      r"|[（(]\s*[一二三四五六七八九十\d]+\s*[)）]|\d+\s*[、.．]|[①-⑳])\s*")


def model_view(context: str) -> str:
    """The context as the classifier reads it: heading words without their ordinal markers."""
    return _ORDINAL.sub(r"\1", context or "")
