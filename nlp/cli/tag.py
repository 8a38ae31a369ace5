"""`govreport tag INPUT... -o OUTPUT`: tag a corpus into a store, in parallel and resumably."""
from __future__ import annotations

import shlex
import signal
import sys
import threading
from pathlib import Path
from typing import List, Optional

import typer

from . import app, fail
from ..errors import GovReportError

MAX_LISTED_FAILURES = 20
EXIT_BUSY = 75  # EX_TEMPFAIL (sysexits.h): another run is writing the store; try again later
EXIT_INTERRUPTED = 130


def split_pipeline_option(value: str | None) -> tuple[str | None, str]:
    """``--pipeline`` is a config file/name, or ``module:callable`` returning a Pipeline."""
    from ..batch.runner import DEFAULT_FACTORY

    if value and ":" in value and not Path(value).exists():
        return None, value
    return value, DEFAULT_FACTORY


@app.command()
def tag(
    inputs: List[str] = typer.Argument(..., help="Report files, folders (recursive), globs, JSON Lines "
                                       "files of {id, text}, or datasets saved with save_to_disk."),
    output: str = typer.Option("-", "-o", "--output", help="Store: .sqlite (default for no suffix), "
                               ".jsonl, .parquet (directory), .csv (directory), postgresql://..., "
                               "or - for JSON Lines on stdout (the default; not resumable)."),
    workers: Optional[int] = typer.Option(None, "--workers", "-j", min=1, help="Worker processes (default: all cores)."),
    pipeline: Optional[str] = typer.Option(None, "--pipeline", help="Pipeline config file (a copy of "
                                           "configs/pipeline.yaml) or module:callable returning a Pipeline."),
    model: Optional[str] = typer.Option(None, "--model", help="Paragraph classifier: a .skops baseline or a "
                                        "transformer directory (default: the shipped baseline)."),
    device: Optional[str] = typer.Option(None, "--device", help="Where a transformer --model runs: auto (CUDA, then "
                                         "MPS, then CPU), cpu, cuda, cuda:N or mps."),
    tokens: bool = typer.Option(False, "--tokens", help="Segment paragraphs (rjieba, domain dictionary) and keep tokens in records."),
    progress: Optional[bool] = typer.Option(None, "--progress/--no-progress", help="Progress bar (default: when stderr is a terminal)."),
    batch_size: Optional[int] = typer.Option(None, "--batch-size", min=1, help="Documents per committed batch."),
    strict: bool = typer.Option(False, "--strict", help="Exit non-zero if any input failed."),
    engine: str = typer.Option("process", "--engine", help="process: a pool of worker processes on this "
                               "machine; ray: a Ray cluster (pip install 'govreport-nlp[ray]'; README: Ray)."),
    address: Optional[str] = typer.Option(None, "--address", help="--engine ray: the cluster (auto, or "
                                          "ray://HOST:10001); default: start a local Ray instance."),
    num_cpus: Optional[int] = typer.Option(None, "--num-cpus", min=1, help="--engine ray: CPUs of the local "
                                           "instance, or at most this many CPU workers on a cluster."),
    gpus_per_worker: Optional[float] = typer.Option(None, "--gpus-per-worker", min=0.0, help="--engine ray: "
                                                    "classify in GPU workers with this many GPUs each (a "
                                                    "transformer --model; 0.5 puts two on a GPU)."),
    group_by: Optional[str] = typer.Option(None, "--group-by", help="Tag a report with its attachments as one "
                                           "record: 'folder' (the files directly in a folder are one report) or "
                                           "a regular expression on file names (files of a folder with the same "
                                           "match, or first group, are one report)."),
    wait: bool = typer.Option(False, "--wait/--no-wait", help="If another run is writing the same file "
                              "store: wait for it to finish (--wait), or stop at once with exit status "
                              f"{EXIT_BUSY} (--no-wait, the default)."),
) -> None:
    """Tag reports into a store. Rerunning the same command resumes: stored inputs are skipped."""
    from ..batch import tag_corpus
    from ..batch.runner import RunInterrupted
    from ..store import StoreBusy, open_store

    from ..classify import classify_overrides

    from ..batch.runner import ENGINES

    if engine not in ENGINES:
        fail(f"--engine {engine}: expected one of {', '.join(ENGINES)}")
    if engine != "ray" and (address or num_cpus or gpus_per_worker):
        fail("--address, --num-cpus and --gpus-per-worker need --engine ray")
    config, factory = split_pipeline_option(pipeline)
    overrides = classify_overrides(model, device) | ({"segment": {"enabled": True}} if tokens else {})
    previous = _terminate_as_interrupt()
    try:
        store = open_store(output, batch_size=batch_size, wait=wait)
        try:
            summary = tag_corpus(inputs, store, workers=workers, pipeline_config=config, pipeline_factory=factory,
                                 pipeline_overrides=overrides, group_by=group_by, engine=engine, address=address,
                                 num_cpus=num_cpus, gpus_per_worker=gpus_per_worker,
                                 progress=progress, command=shlex.join(["govreport", *sys.argv[1:]]))
        finally:
            store.close()
    except StoreBusy as e:
        fail(str(e), code=EXIT_BUSY)
    except GovReportError as e:  # bad output, pipeline config or store: one line, no traceback
        fail(str(e))
    except RunInterrupted as e:
        print_summary(e.summary, output)
        fail("interrupted; what is written above is stored (rerun the same command to go on)", code=EXIT_INTERRUPTED)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    print_summary(summary, output)
    if summary.inputs == 0:
        fail("no input found")
    if summary.all_failed:
        fail(f"every input failed ({summary.failed})")
    if strict and summary.failed:
        fail(f"{summary.failed} input(s) failed", code=2)


def _terminate_as_interrupt():
    """SIGTERM (kill, systemd, a cron timeout) stops a run as Ctrl-C does: committed and recorded."""
    def interrupt(_signum, _frame):
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, interrupt)


def print_summary(summary, output: str) -> None:
    """Counts of what this run stored (as its run record says) and of what it did."""
    echo = lambda msg: typer.echo(msg, err=True)  # noqa: E731 - stdout stays free for data
    echo(f"{summary.written} documents written, {summary.skipped} already stored, "
         f"{summary.duplicates} duplicates, {summary.failed} failed; {summary.facts} facts, "
         f"{summary.paragraphs} paragraphs -> {output}")
    if summary.tagged:
        on = " on Ray" if summary.engine == "ray" else ""
        echo(f"{summary.tagged} tagged in {summary.seconds:.1f}s ({summary.docs_per_second:.1f} documents/s, "
             f"{summary.workers} worker{'s' if summary.workers > 1 else ''}{on})")
    else:
        echo(f"nothing tagged ({summary.seconds:.1f}s)")
    if summary.failures:
        echo("failed:")
        for source, error in summary.failures[:MAX_LISTED_FAILURES]:
            echo(f"  {source}: {error}")
        if len(summary.failures) > MAX_LISTED_FAILURES:
            echo(f"  ... and {len(summary.failures) - MAX_LISTED_FAILURES} more (see the failures table)")
