"""See and compare: year-over-year comparison per issuer (:mod:`.compare`), a review page per
report (:mod:`.review`) and a corpus overview (:mod:`.overview`), as self-contained HTML or data.

Submodules are imported on first use, so that rendering one report does not import the
database layer."""
from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {"Comparer": "compare", "CompareError": "compare", "compare_issuer": "compare",
            "IssuerNames": "issuers", "render_review": "review", "review_page": "review",
            "render_overview": "overview", "overview_page": "overview"}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
