"""`govreport segment FILE`: tokens of every paragraph."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from . import app


@app.command()
def segment(
    path: Path = typer.Argument(..., help="A report file (.txt .html .pdf .docx)."),
    backend: str = typer.Option("rjieba", "--backend", "-b",
                                help="rjieba (compiled jieba) or jieba, both with the domain dictionary; or pkuseg."),
    pkuseg_model: Optional[Path] = typer.Option(None, "--pkuseg-model", help="spacy-pkuseg model directory."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per paragraph."),
) -> None:
    """Print the words of every paragraph, one paragraph a line."""
    from ..pipeline import Pipeline

    options = {"enabled": True, "backend": backend}
    if backend == "pkuseg":
        options["model"] = str(pkuseg_model) if pkuseg_model else None
    pipe = Pipeline.from_config("pipeline", segment=options, classify={"enabled": False})
    doc = pipe.process(path)
    for p in doc.paragraphs:
        if as_json:
            typer.echo(json.dumps({"paragraph": p.id, "tokens": p.tokens}, ensure_ascii=False))
        else:
            typer.echo(f"{p.id}\t{' '.join(p.tokens or [])}")
