"""Regex helpers for the one-pass scans: word alternations and a start-character guard.

Python's ``re`` skips quickly over text only when a pattern starts with a literal or a
character class; a big alternation with optional prefixes and lookbehinds is tried in full at
every position. ``guarded`` puts the class of characters any match can start with in front
(``(?=[…])``), computed from the pattern itself, so most positions fail after one test.
"""
from __future__ import annotations

import re

try:  # the regex parser's own view of a pattern (private, but stable; sre_* before 3.11)
    from re import _constants as C  # noqa: N812
    from re import _parser
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as C  # noqa: N812
    import sre_parse as _parser

_CATEGORIES = {C.CATEGORY_DIGIT: r"\d", C.CATEGORY_UNI_DIGIT: r"\d", C.CATEGORY_SPACE: r"\s",
               C.CATEGORY_UNI_SPACE: r"\s", C.CATEGORY_WORD: r"\w", C.CATEGORY_UNI_WORD: r"\w"}


def alternation(words) -> str:
    """``a|b|…`` of literal words, longest first (so the longest word at a position wins)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


_REPEATS = tuple(getattr(C, n) for n in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(C, n))


class _Anything(Exception):
    """A pattern part that can start with any character."""


def _first(seq) -> tuple[set[str], bool]:
    """(class items a match of ``seq`` can start with, whether ``seq`` can match empty)."""
    items: set[str] = set()
    for op, av in seq:
        got, nullable = _first_item(op, av)
        items |= got
        if not nullable:
            return items, False
    return items, True


def _first_item(op, av) -> tuple[set[str], bool]:
    if op is C.LITERAL:
        return {re.escape(chr(av))}, False
    if op is C.IN:
        items = set()
        for o, a in av:
            if o is C.LITERAL:
                items.add(re.escape(chr(a)))
            elif o is C.RANGE:
                items.add(f"{re.escape(chr(a[0]))}-{re.escape(chr(a[1]))}")
            elif o is C.CATEGORY and a in _CATEGORIES:
                items.add(_CATEGORIES[a])
            else:
                raise _Anything
        return items, False
    if op is C.BRANCH:
        items, nullable = set(), False
        for branch in av[1]:
            got, n = _first(branch)
            items |= got
            nullable |= n
        return items, nullable
    if op is C.SUBPATTERN:
        if av[1]:  # inline flags (?i) change what a character matches
            raise _Anything
        return _first(av[3])
    if op in _REPEATS:
        items, nullable = _first(av[2])
        return items, nullable or av[0] == 0
    if op is getattr(C, "ATOMIC_GROUP", None):
        return _first(av)
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):  # zero-width: the next item starts the match
        return set(), True
    raise _Anything


def start_class(pattern: str) -> str | None:
    """A character class that every match of ``pattern`` starts with; None when a match
    may start with anything (or be empty)."""
    try:
        items, nullable = _first(_parser.parse(pattern))
    except (_Anything, re.error, AttributeError, TypeError, ValueError):
        return None
    return None if nullable or not items else "[" + "".join(sorted(items)) + "]"


def guarded(pattern: str, flags: int = 0) -> re.Pattern:
    """``pattern`` compiled with its start class as a lookahead guard in front."""
    cls = start_class(pattern)
    return re.compile(f"(?={cls})(?:{pattern})" if cls else pattern, flags)


def find_overlapping(rx: re.Pattern, text: str) -> list[tuple[int, str]]:
    """(start, word) of the longest word of the alternation ``rx`` at every position where one
    starts (overlapping occurrences included: 行政复议 and 复议 are both found)."""
    out = []
    search = rx.search
    m = search(text)
    while m:
        out.append((m.start(), m.group()))
        m = search(text, m.start() + 1)
    return out
