"""`govreport annotations …`: Label Studio export/import, re-alignment, weak-label report."""
from __future__ import annotations

import json
from pathlib import Path
from typing import List

import typer

from . import app, fail

annotations_app = typer.Typer(help="Gold annotations: Label Studio round trip, re-alignment, weak labels.",
                              no_args_is_help=True)
app.add_typer(annotations_app, name="annotations")


@annotations_app.command("export")
def export(
    source: Path = typer.Argument(..., help="Annotations JSONL, or a report file to pre-fill (unlabelled)."),
    output: Path = typer.Option(..., "-o", "--output", help="Label Studio tasks JSON."),
    interface: Path = typer.Option(None, "--interface", help="Also write the labelling interface XML here."),
) -> None:
    """Write Label Studio tasks (and optionally the labelling interface)."""
    from training.annotations import label_studio_config, read_jsonl, to_label_studio, from_document
    from training.data_utils import label_names

    if source.suffix == ".jsonl":
        records = read_jsonl(source)
    else:
        from training.train import parse_reports

        records = [r for doc in parse_reports([str(source)]) for r in from_document(doc, source.name)]
    output.write_text(json.dumps(to_label_studio(records), ensure_ascii=False, indent=1), encoding="utf-8")
    if interface:
        interface.write_text(label_studio_config(label_names(), ["problems", "improvements"]), encoding="utf-8")
    typer.echo(f"{len(records)} tasks -> {output}")


@annotations_app.command("import")
def import_(
    export_file: Path = typer.Argument(..., help="Label Studio JSON export."),
    output: Path = typer.Option(..., "-o", "--output", help="Annotations JSONL to write."),
) -> None:
    """Convert a Label Studio JSON export to annotation JSON Lines."""
    from training.annotations import read_label_studio, write_jsonl

    records = read_label_studio(export_file)
    write_jsonl(records, output)
    typer.echo(f"{len(records)} annotations -> {output}")


@annotations_app.command("realign")
def realign(
    annotations: Path = typer.Argument(..., help="Annotations JSONL."),
    output: Path = typer.Option(..., "-o", "--output", help="Re-aligned annotations JSONL."),
    corpus: Path = typer.Option(None, "--corpus", help="Directory the `source` paths are relative to "
                                                       "(default: the shared corpus)."),
) -> None:
    """Re-attach annotations to the paragraphs the current parser produces."""
    from ..config import corpus_dir
    from training.annotations import read_jsonl, realign as run, write_jsonl
    from training.train import parse_reports

    base = corpus or corpus_dir()
    if base is None:
        fail("no corpus directory (pass --corpus or set GOVREPORT_CORPUS)")
    records = read_jsonl(annotations)
    docs = {}
    for source in sorted({a.source for a in records}):
        parsed = parse_reports([str(Path(base) / source)])
        if parsed:
            docs[source] = parsed[0]
    aligned, unmatched = run(records, docs)
    write_jsonl(aligned, output)
    typer.echo(f"{len(aligned)} re-aligned, {len(unmatched)} unmatched -> {output}")
    for a in unmatched[:20]:
        typer.echo(f"  unmatched {a.source} {a.paragraph}: {a.text[:40]}", err=True)


@annotations_app.command("weak")
def weak(
    reports: List[Path] = typer.Argument(..., help="Report files to weak-label."),
    output: Path = typer.Option(None, "-o", "--output", help="Write silver annotations JSONL here."),
    config: str = typer.Option("weak_labels", "--config", help="Labelling-function config."),
    gold: Path = typer.Option(None, "--gold", help="Also score the silver labels against these gold annotations."),
) -> None:
    """Apply the weak labelling functions; print their coverage and conflicts."""
    from training.annotations import Annotation, write_jsonl
    from training.train import parse_reports
    from training.weak import WeakLabeller, WeakReport

    labeller, report = WeakLabeller(config), WeakReport()
    docs = parse_reports([str(p) for p in reports])
    records = [Annotation(Path(d.source).name, p.text, labels, d.doc_id, p.id)
               for d, p, labels in labeller.label_documents(docs, report)]
    typer.echo(report.format())
    if gold:
        from training.annotations import read_jsonl
        from training.data_utils import label_names
        from training.evaluate import format_scores, scores

        silver_by_text = {r.text: r.labels for r in records}
        pairs = [(g.labels, silver_by_text[g.text]) for g in read_jsonl(gold) if g.text in silver_by_text]
        if pairs:
            s = scores([t for t, _ in pairs], [p for _, p in pairs], label_names())
            typer.echo(format_scores(s, f"\nsilver vs gold ({len(pairs)} paragraphs)"))
    if output:
        write_jsonl([r for r in records if r.labels], output)
        typer.echo(f"{sum(bool(r.labels) for r in records)} silver annotations -> {output}")
