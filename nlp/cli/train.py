"""`govreport train --config configs/NAME.yaml`: train the baseline or a transformer."""
from __future__ import annotations

import time
from typing import List, Optional

import typer

from . import app


@app.command()
def train(
    config: str = typer.Option(..., "--config", "-c", help="Training config (configs/train_baseline.yaml, …)."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Override the config's output path."),
    device: Optional[str] = typer.Option(None, "--device", help="Transformer: auto (CUDA, then MPS, then CPU), cpu, "
                                         "cuda or mps (default: the config's model.device, else auto)."),
    silver: Optional[List[str]] = typer.Option(None, "--silver", help="Report files (globs) to weak-label for "
                                                                      "training, instead of the config's data.silver."),
) -> None:
    """Train a paragraph classifier (kind: baseline | transformer) from a config."""
    from training.train import train as run

    t0 = time.perf_counter()
    _, path, summary = run(config, output, device, silver)
    typer.echo(f"trained {summary['kind']} on {summary['gold_train']} gold + {summary.get('devset_gold', 0)} dev-set gold + {summary['silver']} silver paragraphs "
               f"(dev {summary['dev']}) in {time.perf_counter() - t0:.1f}s on {summary['device']} -> {path}"
               + (f" (estimator: {summary['estimator']})" if summary.get("estimator") else ""))
