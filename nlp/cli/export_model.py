"""`govreport export-model MODEL.skops`: the fast format (``.npz``) of a trained baseline."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from . import app, fail
from ..errors import GovReportError


@app.command("export-model")
def export_model(
    model: Path = typer.Argument(..., help="A trained baseline estimator (.skops)."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="The .npz to write (default: MODEL with .npz)."),
) -> None:
    """Export a scikit-learn baseline to plain arrays (.npz + JSON) for fast tagging (`tag --model OUT`)."""
    from models.baseline import BaselineClassifier

    out = output or model.with_suffix(".npz")
    if out.suffix != ".npz":
        fail(f"{out}: the fast format is a .npz file")
    try:
        path = BaselineClassifier.load(model).save(out)
    except GovReportError as e:
        fail(str(e))
    typer.echo(f"{model} -> {path}", err=True)
