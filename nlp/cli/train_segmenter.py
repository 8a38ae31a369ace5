"""`govreport train-segmenter CORPUS... -o DIR`: train a domain spacy-pkuseg model."""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import List, Optional

import typer

from . import app, fail


@app.command("train-segmenter")
def train_segmenter(
    corpus: List[Path] = typer.Argument(..., help="Segmented text (words separated by spaces, one sentence a "
                                                  "line), or report files with --from-reports."),
    output: Path = typer.Option(..., "-o", "--output", help="Model directory to write."),
    from_reports: bool = typer.Option(False, "--from-reports",
                                      help="Inputs are reports: segment them with domain rjieba first."),
    test: Optional[Path] = typer.Option(None, "--test", help="Segmented held-out file (default: the training file)."),
    iterations: int = typer.Option(10, "--iterations", help="Training iterations."),
    init_model: Optional[Path] = typer.Option(None, "--init-model", help="Continue from this pkuseg model."),
) -> None:
    """Train a spacy-pkuseg segmentation model with spacy_pkuseg's own trainer."""
    from ..segment import corpus_from_segmenter, make_segmenter, train_pkuseg

    missing = [str(p) for p in corpus if not p.is_file()]
    if missing:
        fail(f"no such file: {', '.join(missing)}")
    with tempfile.TemporaryDirectory() as tmp:
        train_file = Path(tmp) / "train.txt"
        if from_reports:
            from training.pretrain import read_text

            n = corpus_from_segmenter((read_text(str(p)) for p in corpus), make_segmenter(), train_file)
        else:
            with open(train_file, "w", encoding="utf-8") as out:
                for p in corpus:
                    out.write(p.read_text(encoding="utf-8").rstrip("\n") + "\n")
            n = sum(1 for _ in open(train_file, encoding="utf-8"))
        path = train_pkuseg(train_file, output, str(test) if test else None, iterations,
                            str(init_model) if init_model else None)
    typer.echo(f"trained pkuseg model on {n} lines -> {path}")
