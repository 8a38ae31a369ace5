"""`govreport pretrain --config configs/pretrain_small.yaml`: a char-level BERT from scratch."""
from __future__ import annotations

import time
from pathlib import Path
from typing import List, Optional

import typer

from . import app, fail


@app.command()
def pretrain(
    corpus: List[Path] = typer.Argument(None, help="Extra report files for the corpus."),
    config: str = typer.Option("pretrain_small", "--config", "-c", help="Pretraining config."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Checkpoint directory to write."),
    device: Optional[str] = typer.Option(None, "--device", help="auto (CUDA, then MPS, then CPU), cpu, cuda or mps "
                                         "(default: the config's device, else auto)."),
) -> None:
    """Masked-language-model pretraining of a small BERT on report texts (offline, CPU)."""
    from ..config import load_config
    from training.data_utils import resolve
    from training.pretrain import corpus_texts, pretrain as run

    cfg = dict(load_config(config))
    if device:
        cfg["device"] = device
    from models.device import placement

    placement(cfg.get("device", "auto"), cfg.get("precision", "auto"))  # a missing GPU is reported before any work
    texts = corpus_texts(cfg, [str(p) for p in corpus or []])
    if not texts:
        fail("no corpus text found (check `corpus` in the config or pass files)")
    out = output or resolve(cfg.get("output", "runs/pretrain"))
    t0 = time.perf_counter()
    summary = run(texts, out, cfg)
    typer.echo(f"pretrained {summary['parameters']:,}-parameter BERT on {summary['characters']:,} characters "
               f"({summary['steps']} steps, loss {summary['train_loss']}) in {time.perf_counter() - t0:.1f}s "
               f"on {summary['device']} {summary['precision']} -> {out}")
