"""`govreport tag FILE... -o OUT`: the main job."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List

import typer

from . import app, fail
from ..errors import GovReportError


@app.command()
def tag(
    inputs: List[Path] = typer.Argument(..., help="Report files (.txt .html .pdf .docx)."),
    output: str = typer.Option("-", "-o", "--output", help="Output JSON Lines file, or - for stdout."),
) -> None:
    """Parse reports into structured records (one JSON object per document)."""
    from .. import default_pipeline

    pipe = default_pipeline()
    out = sys.stdout if output == "-" else open(output, "w", encoding="utf-8")
    failed = 0
    try:
        for path in inputs:
            try:
                doc = pipe.process(path)
            except GovReportError as e:
                failed += 1
                typer.echo(f"error: {e}", err=True)
                continue
            out.write(json.dumps(doc.to_dict(), ensure_ascii=False) + "\n")
            out.flush()
    finally:
        if out is not sys.stdout:
            out.close()
    if failed == len(inputs):
        fail(f"no document could be read ({failed} failed)")
