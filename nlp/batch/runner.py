"""Tag many reports into a store, in parallel, resumably.

The main process discovers inputs, skips those the store already has, hands the rest to a pool
of worker processes (each builds the pipeline once) and writes results to the store as they
come back. Only the main process writes, in atomic batches, so a run killed at any moment
loses no committed document and a rerun neither repeats nor duplicates one.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from collections import defaultdict
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from ..config import load_config
from ..errors import GovReportError
from ..store import Store, StoreError
from ..store.rows import sizes
from .inputs import InputItem, discover, group_sources, iter_items

DEFAULT_FACTORY = "nlp:default_pipeline"
ENGINES = ("process", "ray")


@dataclass
class RunSummary:
    inputs: int = 0
    written: int = 0      # new documents stored
    skipped: int = 0      # inputs already in the store (same file, or same container item)
    duplicates: int = 0   # read fine, but the same text is already stored under its doc_id
    failed: int = 0
    facts: int = 0
    paragraphs: int = 0
    seconds: float = 0.0
    workers: int = 1
    engine: str = "process"
    run_id: str | None = None
    failures: list[tuple[str, str]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    interrupted: bool = False

    @property
    def processed(self) -> int:
        """Inputs that went through the pipeline in this run."""
        return self.written + self.duplicates + self.failed

    @property
    def tagged(self) -> int:
        """Inputs the pipeline turned into a document in this run."""
        return self.written + self.duplicates

    @property
    def docs_per_second(self) -> float:
        return self.tagged / self.seconds if self.seconds > 0 else 0.0

    @property
    def all_failed(self) -> bool:
        return self.written + self.skipped + self.duplicates == 0

    def counts(self) -> dict[str, Any]:
        """What the runner knows; the store adds what it committed (written, duplicates, failed,
        facts, paragraphs) when it records the run."""
        return {"inputs": self.inputs, "skipped": self.skipped, "seconds": round(self.seconds, 3),
                "workers": self.workers, "interrupted": self.interrupted,
                **({"engine": self.engine} if self.engine != "process" else {})}

    def take_store_counts(self, counts: dict[str, Any]) -> None:
        for name in ("written", "duplicates", "failed", "facts", "paragraphs"):
            setattr(self, name, int(counts.get(name, 0)))


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C (or SIGTERM) stopped a run; ``summary`` counts what was committed before."""

    def __init__(self, summary: RunSummary):
        super().__init__("interrupted")
        self.summary = summary


SINGLE_THREAD_ENV = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                     "TOKENIZERS_PARALLELISM": "false"}


# --- worker side ---------------------------------------------------------------------------
_pipeline = None
_encoder: Callable[[dict[str, Any]], Any] | None = None  # the store's row_encoder, run here


def build_pipeline(factory: str = DEFAULT_FACTORY, config: str | None = None,
                   overrides: dict[str, dict[str, Any]] | None = None) -> Any:
    """The pipeline a worker runs: from a config file/name (with per-component ``overrides``,
    e.g. another classifier model) if either is given, else ``factory()``."""
    from ..pipeline import Pipeline, resolve_factory

    if config or overrides:
        return Pipeline.from_config(config or "pipeline", **(overrides or {}))
    return resolve_factory(factory)()


def _init_worker(factory: str, config: str | None, overrides: dict | None, single_thread: bool,
                 encoder: Callable[[dict[str, Any]], Any] | None = None,
                 environ: dict[str, str] | None = None) -> None:
    global _pipeline, _encoder
    _encoder = encoder
    if environ is not None and environ != os.environ:  # forked from a forkserver started earlier
        os.environ.clear()
        os.environ.update(environ)
    if multiprocessing.parent_process() is not None:  # a pool worker: the main process handles Ctrl-C
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    if single_thread:  # N worker processes on N cores: no thread pools inside each
        os.environ.update(SINGLE_THREAD_ENV)
    _pipeline = build_pipeline(factory, config, overrides)
    if single_thread and "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)


def tag_item(item: InputItem) -> tuple[Any, str | None, dict[str, float]]:
    """Run the worker's pipeline on one input: (record, None, timings) or (None, error, timings);
    the record as the store's rows where the store has a ``row_encoder``."""
    doc, error, timings = tag_document(_pipeline, item)
    if doc is None:
        return None, error, timings
    try:
        record = doc.to_dict()
    except Exception as e:
        return None, describe_error(e), timings
    if _encoder is not None:
        try:
            return _encoder(record), None, timings
        except Exception:  # e.g. a value JSON cannot hold: the store says why, as for any record
            pass
    return record, None, timings


def tag_document(pipeline: Any, item: InputItem) -> tuple[Any, str | None, dict[str, float]]:
    """Read and tag one input with ``pipeline``: (Document, None, timings) or (None, error, timings)."""
    before = dict(pipeline.timings)
    try:
        if item.path is not None:
            source = [item.path, *item.attachments] if item.attachments else item.path
            result: tuple[Any, Any] = (pipeline.process(source), None)
        else:
            result = (pipeline.process(item.text, name=item.source), None)
    except Exception as e:  # a bug in one component on one file must not stop the run
        result = (None, describe_error(e))
    delta = {k: v - before.get(k, 0.0) for k, v in pipeline.timings.items() if v != before.get(k, 0.0)}
    return result[0], result[1], delta


def describe_error(e: Exception) -> str:
    """An input's failure as the user reads it: our own errors as they are, bugs with their type."""
    return str(e) if isinstance(e, GovReportError) else f"{type(e).__name__}: {e}"


def tag_items(items: list[InputItem]) -> list[tuple[dict[str, Any] | None, str | None, dict[str, float]]]:
    """:func:`tag_item` on a few inputs: one pool task, so the per-task cost (futures, queues,
    wake-ups: ~1 ms of the main process's CPU each) is paid once for all of them."""
    return [tag_item(item) for item in items]


# --- main side -----------------------------------------------------------------------------
def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def tag_corpus(
    inputs: Iterable[str | os.PathLike],
    store: Store,
    workers: int | None = None,
    pipeline_config: str | None = None,
    pipeline_factory: str = DEFAULT_FACTORY,
    pipeline_overrides: dict[str, dict[str, Any]] | None = None,
    progress: bool | None = None,
    command: str = "",
    on_result: Callable[[InputItem, dict[str, Any] | None, str | None], None] | None = None,
    engine: str = "process",
    address: str | None = None,
    num_cpus: int | None = None,
    gpus_per_worker: float | None = None,
    classify_stage: bool | None = None,
    group_by: str | None = None,
) -> RunSummary:
    """Tag every report found in ``inputs`` into ``store``; see the module docstring.

    ``progress``: None shows a bar only when stderr is a terminal. ``pipeline_factory`` is a
    ``module:callable`` returning a Pipeline (it must be importable by worker processes).

    ``engine="ray"`` tags on a Ray cluster (:mod:`nlp.batch.ray_engine`): ``address`` (None: a
    local instance of ``num_cpus`` CPUs; ``"auto"``: the cluster this machine belongs to;
    ``"ray://host:10001"``), ``workers`` CPU actors (default: the cluster's CPUs, at most
    ``num_cpus``), and ``gpus_per_worker`` GPUs for each classifier actor. ``classify_stage``:
    classify in actors of their own, paragraphs batched across documents (default: when
    ``gpus_per_worker`` is set; True without GPUs runs that stage on CPUs). The store is written
    here, as with the process pool.

    ``group_by``: files that belong to one report (``"folder"`` or a file-name pattern, see
    ``inputs.group_sources``) are tagged as one report with its attachments.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if engine != "ray" and (address or num_cpus or gpus_per_worker or classify_stage):
        raise ValueError("address, num_cpus, gpus_per_worker and classify_stage are options of engine='ray'")
    cfg = load_config("batch")
    sources = discover(list(inputs), cfg)
    if group_by:
        sources = group_sources(sources, group_by, cfg)
    summary = RunSummary(inputs=sum(s.count for s in sources), engine=engine)
    summary.workers = max(1, min(workers or default_workers(), summary.inputs or 1))
    known = store.known_sources()
    summary.run_id = store.start_run(command)
    t0 = time.perf_counter()

    from tqdm import tqdm

    bar = tqdm(total=summary.inputs, unit="doc", file=sys.stderr, dynamic_ncols=True, smoothing=0.05,
               disable=not (sys.stderr.isatty() if progress is None else progress))

    # a transformer on a GPU: loaded once, here, and fed by the CPU workers (nlp/batch/gpu.py)
    classifier = None
    if engine != "ray" and summary.workers > 1:
        from .gpu import main_process_classifier, without_classify

        classifier = main_process_classifier(summary.workers, pipeline_config, pipeline_overrides)
        if classifier is not None:
            pipeline_overrides = without_classify(pipeline_overrides)
    # Workers build the store's rows themselves, unless the record is still needed here.
    encoder = getattr(store, "row_encoder", None) if engine != "ray" and classifier is None and on_result is None else None

    def handle(item: InputItem, record: dict[str, Any] | None, error: str | None,
               timings: dict[str, float] | None = None) -> None:
        for k, v in (timings or {}).items():
            summary.timings[k] += v
        if classifier is not None and error is None:
            classifier.add(item, record, store_record)
        else:
            store_record(item, record, error)

    def store_record(item: InputItem, record: dict[str, Any] | None, error: str | None = None) -> None:
        if error is not None:
            error = error.removeprefix(f"{item.source}: ")  # ReadError repeats the path
            summary.failed += 1
            summary.failures.append((item.source, error))
            store.write_failure(item.source, error)
        elif store.write(record, item.key):
            paragraphs, facts = sizes(record)
            summary.written += 1
            summary.facts += facts
            summary.paragraphs += paragraphs
        else:
            summary.duplicates += 1
        if on_result:
            on_result(item, record, error)
        bar.update(1)
        if summary.failed:
            bar.set_postfix(failed=summary.failed, refresh=False)

    def todo() -> Iterable[InputItem]:
        for item in iter_items(sources, cfg):
            if item.error is not None:
                handle(item, None, item.error)
            elif item.key in known:
                summary.skipped += 1
                bar.update(1)
            else:
                yield item

    failed = True
    try:
        if engine == "ray":
            from .ray_engine import RayOptions, run_ray

            def on_workers(n: int) -> None:
                summary.workers = n

            options = RayOptions(address=address, num_cpus=num_cpus, workers=workers,
                                 gpus_per_worker=gpus_per_worker or 0.0, split_classify=classify_stage)
            run_ray(todo(), handle, options, pipeline_factory, pipeline_config, pipeline_overrides, on_workers)
        elif summary.workers == 1:
            started = False
            for item in todo():
                if not started:  # built on the first item: a rerun that skips everything builds nothing
                    _init_worker(pipeline_factory, pipeline_config, pipeline_overrides, False, encoder)
                    started = True
                handle(item, *tag_item(item))
        else:
            # a few inputs a task, but enough tasks to keep every worker busy to the end
            per_task = max(1, min(cfg.get("inputs_per_task", 1), summary.inputs // (4 * summary.workers)))
            _run_pool(todo(), handle, summary.workers, cfg["in_flight_per_worker"] * summary.workers,
                      (pipeline_factory, pipeline_config, pipeline_overrides, True, encoder, dict(os.environ)),
                      per_task, preload=pipeline_modules(pipeline_factory, pipeline_config))
            if classifier is not None:
                classifier.flush(store_record)
                summary.timings["classify"] += classifier.seconds
        failed = False
    except KeyboardInterrupt:
        summary.interrupted = True
        failed = False  # what was tagged is still committed and recorded below
        raise RunInterrupted(summary) from None
    finally:
        bar.close()
        summary.seconds = time.perf_counter() - t0
        try:
            summary.take_store_counts(store.finish_run(summary.counts()))
        except StoreError:
            if not failed:
                raise  # else the error in flight (e.g. the store's own) is the one to report
    return summary


def pipeline_modules(factory: str, config: str | None) -> list[str]:
    """The modules a worker imports to build its pipeline, as far as the config names them."""
    modules = ["nlp.batch.runner", "nlp.ingest", factory.partition(":")[0]]
    try:
        components = load_config(config or "pipeline").get("components") or []
        modules += [c["factory"].partition(":")[0] for c in components if c.get("enabled", True)]
    except (GovReportError, AttributeError, KeyError, TypeError):
        pass  # the workers report a bad config when they build the pipeline
    return list(dict.fromkeys(modules))


def pool_context(preload: list[str]) -> multiprocessing.context.BaseContext:
    """Worker processes are forked from a forkserver: a fresh single-threaded process (fork
    from this one is unsafe: threads of torch, tokenizers, tqdm, the store's connection) that
    has imported ``preload`` once, so each worker skips ~0.4 s of imports. It starts with the
    first pool of the process and serves later ones; workers get this process's environment,
    working directory and sys.path as spawned ones would. Spawn where there is no forkserver."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    from multiprocessing import forkserver

    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(preload)  # only read when the server starts
    # The server imports numpy & co. before any worker can set its thread count: it starts
    # with the workers' one-thread environment (BLAS pools are sized on import).
    saved = {k: os.environ.get(k) for k in SINGLE_THREAD_ENV}
    os.environ.update(SINGLE_THREAD_ENV)
    try:
        forkserver.ensure_running()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return ctx


def _run_pool(items: Iterable[InputItem], handle: Callable[..., None], workers: int, in_flight: int,
              initargs: tuple[Any, ...], per_task: int = 1, preload: list[str] | None = None) -> None:
    """Feed items to a process pool, ``per_task`` inputs a task, with at most ``in_flight`` tasks
    waiting; a pool whose worker died (killed, out of memory) is replaced and the items it held
    are recorded as failures."""
    ctx = None

    def new_pool() -> ProcessPoolExecutor:
        nonlocal ctx
        ctx = ctx or pool_context(preload or ["nlp.batch.runner"])
        return ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, initargs=initargs)

    pool = None  # started on the first item, so a rerun that skips everything starts no process
    pending: dict[Future, list[InputItem]] = {}
    died = "worker process died while tagging this input"

    def collect(futures: Iterable[Future]) -> bool:
        broken = False
        for fut in futures:
            chunk = pending.pop(fut)
            try:
                results = fut.result()
            except BrokenProcessPool:
                broken = True
                results = [(None, died)] * len(chunk)
            for item, result in zip(chunk, results):
                handle(item, *result)
        return broken

    def submit(chunk: list[InputItem]) -> None:
        nonlocal pool
        pool = pool or new_pool()
        try:
            pending[pool.submit(tag_items, chunk)] = chunk
        except BrokenProcessPool:
            for item in chunk:
                handle(item, None, died)
            collect(list(pending))
            pool.shutdown(wait=False, cancel_futures=True)
            pool = new_pool()
            return
        if len(pending) >= in_flight:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            if collect(done):
                collect(list(pending))
                pool.shutdown(wait=False, cancel_futures=True)
                pool = new_pool()

    try:
        chunk: list[InputItem] = []
        for item in items:
            chunk.append(item)
            if len(chunk) >= per_task:
                submit(chunk)
                chunk = []
        if chunk:
            submit(chunk)
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            collect(done)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
