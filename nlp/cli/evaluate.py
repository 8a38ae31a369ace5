"""`govreport evaluate --config …`: per-label P/R/F1, macro/micro-F1, and a PNG plot."""
from __future__ import annotations

import json
from typing import Optional

import typer

from . import app, fail


@app.command()
def evaluate(
    config: str = typer.Option("train_baseline", "--config", "-c", help="Training config (data, labels, model)."),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="Evaluate this trained model (.skops or "
                                                                    "transformer dir) instead of cross-validating."),
    split: str = typer.Option("dev", "--split", help="With --model: dev, train or all gold paragraphs."),
    folds: Optional[int] = typer.Option(None, "--folds", help="CV folds grouped by document (default: one per document)."),
    plot: Optional[str] = typer.Option(None, "--plot", help="PNG to write ('' for none; default "
                                       "runs/KIND_cv.png, or runs/KIND_SPLIT.png with --model, KIND from the config)."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
    device: Optional[str] = typer.Option(None, "--device", help="Transformer: auto, cpu, cuda or mps "
                                         "(default: the config's model.device, else auto)."),
) -> None:
    """Cross-validate the configured model on the gold set (default), or score a trained model."""
    from training import evaluate as ev
    from training.data_utils import gold, load_split, select
    from training.train import read_config

    cfg = read_config(config, device)
    annotations = gold(cfg)
    if model:
        from ..classify import load_model

        if split not in ("dev", "train", "all"):
            fail("--split must be dev, train or all")
        subset = select(annotations, load_split((cfg.get("data") or {}).get("split")), split)
        if not subset:
            fail(f"no gold paragraphs in split {split!r}")
        clf = load_model(model, device or "auto")
        s = ev.scores([a.labels for a in subset], ev.predict_labels(clf, subset), clf.labels)
        title = f"{model} on gold {split} ({len(subset)} paragraphs)"
        sent = ev.sentence_scores(clf, subset)
    else:
        s, sent, _ = ev.cross_validate(cfg, annotations, folds, int(cfg.get("seed", 0)))
        k = folds or len({a.source for a in annotations})
        title = f"{cfg['kind']} {k}-fold CV grouped by document ({len(annotations)} gold paragraphs)"
    if as_json:
        typer.echo(json.dumps({"title": title, **s, "sentences": sent}, ensure_ascii=False, indent=1))
    else:
        typer.echo(ev.format_scores(s, title))
        if sent:
            typer.echo(ev.format_scores(sent, "\nsentences (problems vs improvements; gold sentences of problem/"
                                              "improvement paragraphs + all sentences of other paragraphs)"))
    if plot is None:
        plot = f"runs/{cfg['kind']}_{split if model else 'cv'}.png"
    if plot.strip():
        typer.echo(f"plot -> {ev.plot(s, plot, title)}", err=True)
