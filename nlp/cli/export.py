"""`govreport export SRC DST`: copy a store into another (SQLite -> Parquet, -> datasets ...)."""
from __future__ import annotations

from typing import Optional

import typer

from . import app, fail
from ..errors import GovReportError


@app.command()
def export(
    src: str = typer.Argument(..., help="Store to read (.sqlite, .jsonl, .parquet, .csv, postgresql://...)."),
    dst: str = typer.Argument(..., help="Store to write, by suffix or URL; with --format hf a directory "
                              "for a Hugging Face DatasetDict (splits documents, paragraphs, facts, checks)."),
    fmt: Optional[str] = typer.Option(None, "--format", help="'hf' for a datasets directory; default: by DST suffix."),
) -> None:
    """Copy every document of one store into another (documents already in DST are skipped)."""
    from ..store import StoreBusy, open_store
    from .tag import EXIT_BUSY
    from ..store.export import copy_store, export_hf

    if fmt not in (None, "hf", "store"):
        fail(f"unknown --format {fmt!r} (use 'hf', or leave it out)")
    try:
        source = open_store(src, mode="r")
        try:
            if fmt == "hf":
                counts = export_hf(source, dst)
            else:
                with open_store(dst) as target:
                    counts = copy_store(source, target)
        finally:
            source.close()
    except StoreBusy as e:
        fail(str(e), code=EXIT_BUSY)
    except GovReportError as e:
        fail(str(e))
    typer.echo(", ".join(f"{v} {k}" for k, v in counts.items()) + f" -> {dst}", err=True)
