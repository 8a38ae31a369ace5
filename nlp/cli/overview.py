"""`govreport overview STORE -o overview.html`: the picture of a whole corpus."""
from __future__ import annotations

import json
from pathlib import Path

import typer

from . import app, fail
from ..errors import GovReportError


@app.command()
def overview(
    store: str = typer.Argument(..., help="An SQLite store or a postgresql:// URL."),
    output: Path = typer.Option(..., "-o", "--output", help="The HTML page (or .json with --format json)."),
    fmt: str = typer.Option("html", "--format", "-f", help="html (inline SVG charts) or json (the numbers)."),
) -> None:
    """Write one self-contained HTML page with the picture of a whole store."""
    from ..views.overview import overview_data, render_overview
    from ..views.queries import open_sql_store

    if fmt not in ("html", "json"):
        fail(f"unknown --format {fmt!r} (use html or json)")
    try:
        sql_store = open_sql_store(store)
        try:
            data = overview_data(sql_store)
        finally:
            sql_store.close()
        text = render_overview(data) if fmt == "html" else json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except (GovReportError, OSError) as e:
        fail(str(e))
    typer.echo(f"overview of {data['documents']} documents -> {output}", err=True)
