"""`govreport facts FILE [--format json|csv]`: the numeric facts of one report and the checks
of its tables' arithmetic."""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import typer

from . import app

CSV_COLUMNS = ["field", "label", "subject", "value", "unit", "qualifier", "raw", "source", "paragraph",
               "table", "start", "end", "negated"]


@app.command()
def facts(
    path: Path = typer.Argument(..., help="A report file (.txt .html .pdf .docx)."),
    format: str = typer.Option("json", "--format", "-f", help="json ({\"facts\": [...], \"checks\": [...]}) "
                               "or csv (one fact a row; the checks that fail are listed on stderr)."),
) -> None:
    """Print the quantities a report states (tables and prose), with their canonical fields,
    and the checks of its tables' arithmetic."""
    from .. import default_pipeline
    from . import fail

    if format not in ("json", "csv"):
        fail(f"unknown format {format!r} (use json or csv)")
    doc = default_pipeline().process(path)
    if format == "json":
        typer.echo(json.dumps({"facts": doc.facts, "checks": doc.checks}, ensure_ascii=False, indent=1))
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(doc.facts)
    failed = [c for c in doc.checks if c.get("ok") is False]
    typer.echo(f"checks: {len(doc.checks) - len(failed)} passed, {len(failed)} failed", err=True)
    for c in failed:
        typer.echo(f"  {c.get('name')}: {c.get('left')} != {c.get('right')}"
                   + (f" ({c['detail']})" if c.get("detail") else ""), err=True)
