"""A pool of real report pages kept outside the repository, for weak (silver) labels.

The pool is a folder of page texts (``*.txt``, one report page each), optionally with an
``index.jsonl`` (``{"url", "query", "file"}`` per page) recording where each page came from.
Pages that duplicate a report of the development set are left out, so that the dev set stays
unseen: same url, or most of the page's text found in a dev page (mirror sites copy reports
under other addresses)."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterable

SHINGLE = 20          # characters per shingle
MIRROR_SHARE = 0.5    # share of a page's shingles found in one dev page that makes it a copy


def _norm_url(url: str) -> str:
    return re.sub(r"^https?://", "", url.strip()).rstrip("/")


def _shingles(text: str, step: int = 1) -> set[str]:
    s = "".join(text.split())
    return {s[i:i + SHINGLE] for i in range(0, max(len(s) - SHINGLE + 1, 1), step)}


def page_urls(pool: str | Path) -> dict[str, str]:
    """``{page file name: url}`` from the pool's ``index.jsonl`` (empty without one)."""
    index = Path(pool) / "index.jsonl"
    if not index.is_file():
        return {}
    out = {}
    for line in index.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            out[Path(rec["file"]).name] = rec.get("url", "")
    return out


class DevsetFilter:
    """Tells whether a pool page is one of the dev set's reports (by url or by text)."""

    def __init__(self, devset: str | Path):
        self.urls: set[str] = set()
        self.pages: list[set[str]] = []
        for report in sorted((Path(devset) / "reports").glob("*")):
            gold, page = report / "gold.json", report / "page.txt"
            if gold.is_file():
                self.urls.add(_norm_url(json.loads(gold.read_text(encoding="utf-8")).get("url") or ""))
            if page.is_file():
                self.pages.append(_shingles(page.read_text(encoding="utf-8-sig")))

    def overlap(self, text: str) -> float:
        """The largest share of the text's shingles found in a single dev page."""
        sh = _shingles(text, step=5)
        if not sh or not self.pages:
            return 0.0
        return max(len(sh & dev) / len(sh) for dev in self.pages)

    def is_dev(self, text: str, url: str | None = None) -> bool:
        if url and _norm_url(url) in self.urls:
            return True
        return self.overlap(text) >= MIRROR_SHARE


def filter_pages(files: Iterable[str | Path], devset: str | Path | None) -> tuple[list[Path], list[Path]]:
    """(kept, dropped) page files: dropped are copies of dev-set reports."""
    files = [Path(f) for f in files]
    if not devset or not (Path(devset) / "reports").is_dir():
        return files, []
    dev = DevsetFilter(devset)
    urls: dict[Path, dict[str, str]] = {}
    kept, dropped = [], []
    for f in files:
        url = urls.setdefault(f.parent, page_urls(f.parent)).get(f.name)
        text = f.read_text(encoding="utf-8-sig", errors="replace")
        (dropped if dev.is_dev(text, url) else kept).append(f)
    return kept, dropped
