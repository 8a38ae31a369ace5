"""Shared by the compare / review / overview tests: the acceptance pair (seed 004 and a copy
edited to 2023 with 收到政府信息公开申请5件), hand-built records for exact comparisons, and a
headless Chromium that must load pages without touching the network."""
from __future__ import annotations

import re
import shutil
from functools import lru_cache
from pathlib import Path

import pytest

SEED = "seeds/004_f827ae0e78b185da.txt"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def edited_to_2023(text: str) -> str:
    """Seed 004 as if it were the 2023 report: every year moved on by one, and 5 requests
    received instead of 2 (in the prose and in table 3's first row, natural person + total)."""
    text = text.replace("2023", "2024").replace("2022", "2023")
    text, n_prose = re.subn("收到政府信息公开申请2件", "收到政府信息公开申请5件", text)
    text, n_table = re.subn(r"(一、本年新收政府信息公开申请数量 \|\n)2 \|\n((?:0 \|\n){5})2 \|",
                            r"\g<1>5 |\n\g<2>5 |", text)
    assert (n_prose, n_table) == (1, 1), "seed 004 changed: the acceptance edit no longer applies"
    return text


def write_acceptance_inputs(corpus: Path, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    seed = corpus / SEED
    edited = folder / "huitong-2023.txt"
    edited.write_text(edited_to_2023(seed.read_text(encoding="utf-8")), encoding="utf-8")
    copy = folder / seed.name
    shutil.copyfile(seed, copy)
    return [copy, edited]


@lru_cache(maxsize=2)
def acceptance_records(corpus: Path) -> tuple[dict, dict]:
    """The two acceptance reports tagged with the default pipeline (once per test process)."""
    import nlp

    seed = corpus / SEED
    text = seed.read_text(encoding="utf-8")
    return (nlp.load(seed).to_dict(), nlp.load(edited_to_2023(text), name="huitong-2023.txt").to_dict())


# --- hand-built records ------------------------------------------------------------------------
def record(doc_id: str, issuer: str, year: int | None, facts: list[tuple], labels: list[list[str]] = (),
           problems: list[str] = (), failed: list[tuple[str, list[str]]] = (), era: str = "2021") -> dict:
    """A small but well-formed record. ``facts``: (field, value, source); ``labels``: one list per
    paragraph; ``problems``: sentences labelled problems; ``failed``: (check name, fields)."""
    text, paragraphs, out_facts = f"{issuer}{year}年报告\n", [], []
    for k, labs in enumerate(list(labels) + ([["problems"]] if problems else [])):
        sentences = problems if "problems" in labs and problems else [f"第{k}段。"]
        start = len(text)
        sents, pos = [], start
        for s in sentences:
            sents.append({"start": pos, "end": pos + len(s), "text": s,
                          "labels": ["problems"] if s in problems else [], "scores": {"problems": 0.9}})
            pos += len(s)
        body = "".join(sentences)
        text += body + "\n"
        paragraphs.append({"id": f"p{k}", "section": None, "text": body, "start": start, "end": start + len(body),
                           "sentences": sents, "heading": None, "labels": list(labs),
                           "scores": {lab: 0.9 for lab in labs}})
    for field, value, source in facts:
        raw = f"{value}"
        start = len(text)
        text += raw + "\n"
        out_facts.append({"field": field, "label": None, "subject": None, "value": value, "unit": "件",
                          "qualifier": None, "raw": raw, "source": source, "paragraph": None,
                          "table": "t1" if source == "table" else None, "start": start, "end": start + len(raw)})
    return {"schema_version": "1.0", "doc_id": doc_id, "source": f"{doc_id}.txt",
            "meta": {"title": f"{issuer}{year}年报告", "issuer": issuer, "year": year, "era": era, "published": None},
            "text": text, "sections": [], "paragraphs": paragraphs, "tables": [], "facts": out_facts,
            "checks": [{"name": n, "ok": False, "left": 1, "right": 2, "fields": f, "detail": f"{n} fails"}
                       for n, f in failed] + [{"name": "always", "ok": True, "left": 1, "right": 1,
                                               "fields": ["x"], "detail": "ok"}],
            "warnings": []}


R = "requests.new_received.total"
G = "requests.granted.total"
REVIEW = "review.total"
FEES = "disclosure.admin_fees.amount"


def synthetic_records() -> list[dict]:
    """Three years of 某县 under three spellings, a second 2021 document with fewer facts, and
    another issuer."""
    return [
        record("a2020", "某县人民政府", 2020, [(R, 10, "table"), (R, 99, "prose"), (G, 4, "table"), (FEES, 5, "table")],
               labels=[["overview"], ["platform_building"], ["improvements"]],
               problems=["一是政策解读形式比较单一。", "二是网站栏目更新不够及时。"]),
        record("b2021", "某县", 2021, [(R, 10, "prose"), (G, 6, "table"), (REVIEW, 1, "table")],
               labels=[["overview"]],
               problems=["一是政策解读形式单一。", "二是基层公开标准化程度不高。"],
               failed=[("table3.balance", [R, G])]),
        record("c2021", "某县", 2021, [(R, 1, "table")]),
        record("d2022", "某县人民政府办公室", 2022, [(R, 12, "table"), (G, 6, "table"), (REVIEW, 1, "table")],
               labels=[["overview"], ["overview"]], problems=["政策解读形式单一。"],
               failed=[("table3.balance", [R, G]), ("table4.block_total", [REVIEW])]),
        record("e2022", "某市教育局", 2022, [(R, 3, "table")]),
    ]


# --- the browser -------------------------------------------------------------------------------
class Browser:
    """Chromium driven by Playwright, in a fresh profile; every request a page makes is recorded
    and, unless it is the page's own file, refused."""

    def __init__(self, playwright, profile: Path):
        self.context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900}, service_workers="block")
        self.requests: list[str] = []
        self.errors: list[str] = []

    def open(self, path: Path):
        url = path.resolve().as_uri()
        page = self.context.new_page()
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))

        def route(r):
            if r.request.url == url:
                r.continue_()
            else:
                r.abort()

        page.route("**/*", route)
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        return page, url

    def close(self):
        self.context.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not found (scripts/test.sh installs Debian's chromium when run as root)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (dev extra)")
    with sync_api.sync_playwright() as p:
        b = Browser(p, tmp_path_factory.mktemp("chromium-profile"))
        yield b
        b.close()


def pixel_variance(png: bytes) -> float:
    import io

    from PIL import Image, ImageStat

    return ImageStat.Stat(Image.open(io.BytesIO(png)).convert("L")).var[0]


def external_references(html: str) -> list[str]:
    """Anything in a page that would make a browser fetch something: src/href/action other
    than in-page anchors and data: URIs, CSS url()/@import, <link>, absolute http(s) URLs
    inside tags (the SVG namespace name is not fetched)."""
    found = re.findall(r"""(?:src|href|action|srcset|poster)\s*=\s*["']?(?!#|data:)([^"'\s>]+)""", html, re.I)
    found += re.findall(r"url\(\s*['\"]?(?!data:)[^)]*\)|@import|<link\b|<iframe\b|<object\b|<embed\b", html, re.I)
    for tag in re.findall(r"<[a-z][^>]*>", html, re.I):  # URLs in the text itself are not fetched
        found += [u for u in re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s\"'<>]*", tag, re.I)
                  if u != "http://www.w3.org/2000/svg"]
    return found
