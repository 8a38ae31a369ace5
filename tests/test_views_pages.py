"""govreport review and govreport overview: page contents, errors, and the pages driven in a
real headless Chromium (no console errors, facts visible with their field ids, non-blank
screenshots, no request leaving the page)."""
from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from typer.testing import CliRunner

from nlp.cli import app
from nlp.store import open_store
from nlp.views.overview import overview_data
from nlp.views.queries import open_sql_store
from nlp.views.review import render_review
from tests.views_support import (SEED, acceptance_records, browser, external_references, pixel_variance,  # noqa: F401
                                 record, synthetic_records)

runner = CliRunner()


def marks(html: str) -> dict[tuple[int, int], dict]:
    soup = BeautifulSoup(html, "lxml")
    out = {}
    for m in soup.select("mark.fact"):
        tip = m.select_one(".tip")
        shown = tip.get_text()
        tip.extract()
        out[(int(m["data-start"]), int(m["data-end"]))] = {"field": m["data-field"], "text": m.get_text(),
                                                           "tip": shown, "value": m["data-value"]}
    return out


@pytest.fixture(scope="module")
def seed_page(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("review") / "x.html"
    res = runner.invoke(app, ["review", str(corpus / SEED), "-o", str(out)])
    assert res.exit_code == 0, res.output
    return out


@pytest.fixture(scope="module")
def acceptance_store(corpus, tmp_path_factory):
    path = tmp_path_factory.mktemp("review-store") / "huitong.sqlite"
    with open_store(path) as store:
        store.write_many(acceptance_records(corpus))
    return path


@pytest.mark.corpus
def test_review_marks_every_fact_of_seed_004(corpus, seed_page):
    rec = acceptance_records(corpus)[0]
    html = seed_page.read_text(encoding="utf-8")
    drawn = marks(html)
    prose = [f for f in rec["facts"] if f["source"] == "prose"]
    assert len(prose) >= 20
    for f in rec["facts"]:  # prose and table facts alike, at their offsets, with field id and value
        m = drawn[(f["start"], f["end"])]
        assert m["text"] == rec["text"][f["start"]:f["end"]]
        assert m["field"] == (f["field"] or "")
        assert (f["field"] or "(no field)") in m["tip"] and f"{f['value']:,}".rstrip("0").rstrip(".")[:3] in m["tip"]
    assert len(drawn) == len(rec["facts"]) and "Facts not drawn" not in html
    soup = BeautifulSoup(html, "lxml")
    paras = soup.select("div.para")
    assert [p["id"] for p in paras] == [p["id"] for p in rec["paragraphs"]]
    assert all(p["data-labels"] and "1.00" in p["title"] for p in paras)  # labels, scores on hover
    cell_fields = {f for td in soup.select("table.grid td[data-field]") for f in td["data-field"].split()}
    assert cell_fields == {f["field"] for f in rec["facts"] if f["source"] == "table"}
    assert external_references(html) == []


@pytest.mark.corpus
def test_review_from_a_store_lists_failed_checks_with_their_cells(corpus, acceptance_store, tmp_path):
    edited = acceptance_records(corpus)[1]
    out = tmp_path / "r.html"
    res = runner.invoke(app, ["review", str(acceptance_store), "--doc", edited["doc_id"][:6], "-o", str(out)])
    assert res.exit_code == 0, res.output
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "lxml")
    assert soup.title.get_text() == "会同县2023年政府信息公开工作年度报告"
    items = soup.select("ul.checks li")
    failed = [c for c in edited["checks"] if c["ok"] is False]
    assert len(items) == len(failed) == 2
    for li, check in zip(items, failed):
        targets = li["data-targets"].split()
        assert len(targets) >= len(check["fields"])
        fields_drawn = {f for t in targets for f in (soup.find(id=t).get("data-field") or "").split()}
        assert set(check["fields"]) <= fields_drawn


def test_review_errors(tmp_path, corpus, acceptance_store):
    cases = [
        (["review", str(acceptance_store), "-o", str(tmp_path / "a.html")], "holds several documents; pick one with --doc"),
        (["review", str(acceptance_store), "--doc", "ffff", "-o", str(tmp_path / "a.html")], "no document 'ffff'"),
        (["review", str(corpus / SEED), "--doc", "ab", "-o", str(tmp_path / "a.html")], "--doc picks a document from a store"),
        (["review", str(tmp_path / "missing.txt"), "-o", str(tmp_path / "a.html")], "missing.txt"),
        (["review", str(tmp_path / "missing.sqlite"), "-o", str(tmp_path / "a.html")], "no such SQLite store"),
    ]
    for args, message in cases:
        res = runner.invoke(app, args)
        assert res.exit_code == 1 and message in res.output and "Traceback" not in res.output, (args, res.output)
    assert not (tmp_path / "a.html").exists()


def test_review_of_a_jsonl_store_and_facts_it_cannot_draw(tmp_path):
    rec = record("x1", "某县", 2021, [("requests.new_received.total", 7, "prose"), ("review.total", 1, "table")])
    first = rec["facts"][0]
    rec["facts"].append(dict(first, field=None, start=first["start"], end=first["end"] + 1))  # overlaps: not drawable
    rec["facts"].append(dict(first, start=10_000, end=10_002))  # outside the text
    path = tmp_path / "one.jsonl"
    with open_store(path) as store:
        store.write(rec)
    out = tmp_path / "one.html"
    assert runner.invoke(app, ["review", str(path), "-o", str(out)]).exit_code == 0  # the only document
    html = out.read_text(encoding="utf-8")
    assert set(marks(html)) == {(f["start"], f["end"]) for f in rec["facts"][:2]}
    assert "Facts not drawn in the text (2)" in html and html == render_review(rec)


def test_overview_numbers_on_a_synthetic_store(tmp_path):
    path = tmp_path / "s.sqlite"
    with open_store(path) as store:
        store.write_many(synthetic_records())
    store = open_sql_store(str(path))
    data = overview_data(store)
    store.close()
    assert data["documents"] == 5 and data["issuers"] == 2
    assert data["by_year"] == [{"year": 2020, "documents": 1}, {"year": 2021, "documents": 2},
                               {"year": 2022, "documents": 2}]
    assert {r["level"]: r["documents"] for r in data["by_level"]}["county"] == 4
    assert {r["level"]: r["documents"] for r in data["by_level"]}["department"] == 1
    cov = {r["field"]: r["documents"] for r in data["coverage"]}
    assert cov["requests.new_received.total"] == 5 and cov["review.total"] == 2 and cov["proactive.total"] == 0
    received = data["distributions"]["received"]
    # per document, the table value wins: 10 (not the prose 99), 10, 1, 12, 3
    assert received["documents"] == [0, 2, 3, 0, 0, 0] and received["total"] == 36
    assert data["failed_checks"]["documents"] == 2 and data["failed_checks"]["share"] == 0.4
    assert data["failed_checks"]["by_check"] == [{"name": "table3.balance", "documents": 2},
                                                 {"name": "table4.block_total", "documents": 1}]
    out = tmp_path / "o.json"
    assert runner.invoke(app, ["overview", str(path), "-o", str(out), "-f", "json"]).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == data


# --- in Chromium ----------------------------------------------------------------------------------
def assert_clean_load(b, page, url):
    assert b.errors == [], b.errors
    assert set(b.requests) == {url}, b.requests  # nothing but the page itself
    png = page.screenshot(full_page=False)
    assert pixel_variance(png) > 100, "blank screenshot"


@pytest.mark.corpus
def test_review_page_in_chromium(browser, seed_page, corpus, acceptance_store, tmp_path):
    b = browser
    b.errors.clear(), b.requests.clear()
    page, url = b.open(seed_page)
    mark = page.locator('mark.fact[data-field="requests.new_received.total"][data-source="prose"]')
    tip = mark.locator(".tip")
    assert mark.count() == 1 and not tip.is_visible()
    mark.hover()
    assert tip.is_visible() and tip.inner_text() == "requests.new_received.total = 2件"
    n_facts = len(acceptance_records(corpus)[0]["facts"])
    assert page.locator("mark.fact").count() == n_facts
    page.check("#show-ids")
    assert page.locator("mark.fact .tip:visible").count() == n_facts
    page.click('.legend .chip[data-label="problems"]')
    assert page.locator(".para:not(.dim)").count() == 2
    assert_clean_load(b, page, url)
    page.close()

    out = tmp_path / "edited.html"
    edited = acceptance_records(corpus)[1]["doc_id"]
    assert runner.invoke(app, ["review", str(acceptance_store), "--doc", edited, "-o", str(out)]).exit_code == 0
    b.errors.clear(), b.requests.clear()
    page, url = b.open(out)
    page.click("ul.checks li >> nth=0")
    assert page.locator(".flagged").count() >= 4  # the four cells of one table-3 balance check
    assert_clean_load(b, page, url)
    page.close()


def test_overview_and_compare_pages_in_chromium(browser, tmp_path):
    path = tmp_path / "s.sqlite"
    with open_store(path) as store:
        store.write_many(synthetic_records())
    ov, cmp = tmp_path / "overview.html", tmp_path / "compare.html"
    assert runner.invoke(app, ["overview", str(path), "-o", str(ov)]).exit_code == 0
    assert runner.invoke(app, ["compare", str(path), "--issuer", "某县", "-f", "html", "-o", str(cmp)]).exit_code == 0
    for html_file, expect in ((ov, "svg.chart"), (cmp, ".pair.repeated")):
        assert external_references(html_file.read_text(encoding="utf-8")) == []
        b = browser
        b.errors.clear(), b.requests.clear()
        page, url = b.open(html_file)
        assert page.locator(expect).count() >= 1
        assert_clean_load(b, page, url)
        page.close()
