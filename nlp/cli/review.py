"""`govreport review FILE|STORE [--doc ID] -o PAGE.html`: a self-contained review page."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from . import app, fail
from ..errors import GovReportError


@app.command()
def review(
    source: str = typer.Argument(..., help="A report file (.txt .html .pdf .docx), tagged with the default "
                                 "pipeline, or a store (.sqlite, .jsonl, .parquet, .csv, postgresql://...)."),
    doc: Optional[str] = typer.Option(None, "--doc", help="doc_id (or a unique prefix) of the stored document."),
    output: Path = typer.Option(..., "-o", "--output", help="The HTML page to write."),
) -> None:
    """Write one self-contained HTML page to review a report: labels, facts, tables, checks."""
    from ..views.review import review_page

    try:
        html = review_page(source, doc)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(html, encoding="utf-8")
    except (GovReportError, OSError) as e:
        fail(str(e))
    typer.echo(f"review page -> {output}", err=True)
