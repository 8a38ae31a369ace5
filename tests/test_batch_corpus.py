"""Acceptance: the shared corpus tagged with the default pipeline into SQLite."""
from __future__ import annotations

import sqlite3

import pytest
from typer.testing import CliRunner

from nlp.cli import app
from nlp.config import corpus_dir

pytestmark = pytest.mark.corpus


def test_tag_corpus_into_sqlite_and_query_by_issuer_and_year(tmp_path):
    corpus = corpus_dir()
    if corpus is None:
        pytest.skip("shared corpus not found (GOVREPORT_CORPUS)")
    out = tmp_path / "reports.sqlite"
    res = CliRunner().invoke(app, ["tag", str(corpus), "-o", str(out), "--no-progress", "-j", "2"])
    assert res.exit_code == 0, res.output
    con = sqlite3.connect(out)
    n_files = sum(1 for p in corpus.rglob("*") if p.suffix in (".txt", ".pdf", ".docx", ".html", ".htm"))
    (n_docs,) = con.execute("SELECT count(*) FROM documents").fetchone()
    (n_failed,) = con.execute("SELECT count(*) FROM failures").fetchone()
    assert n_docs + n_failed == n_files and n_docs >= n_files - 1
    dated = con.execute("SELECT issuer, year FROM documents WHERE issuer IS NOT NULL AND year IS NOT NULL").fetchall()
    assert len(dated) >= 5 and all(2000 < y < 2100 for _, y in dated)
    (n_paragraphs,) = con.execute("SELECT count(*) FROM paragraphs").fetchone()
    assert n_paragraphs > 5 * n_docs
    # the acceptance query runs against the view; its rows are the facts the pipeline found
    rows = con.execute("SELECT issuer, year, value FROM fact_values WHERE field = 'requests.new_received.total' "
                       "ORDER BY issuer, year").fetchall()
    (n_facts,) = con.execute("SELECT count(*) FROM facts WHERE field = 'requests.new_received.total'").fetchone()
    assert len(rows) == n_facts
    again = CliRunner().invoke(app, ["tag", str(corpus), "-o", str(out), "--no-progress", "-j", "1"])
    assert f"0 documents written, {n_docs} already stored" in again.output
