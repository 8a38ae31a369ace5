"""The Ray engine of :func:`nlp.batch.tag_corpus` (``govreport tag --engine ray``): the same
inputs, records and stores as the process pool, with the tagging spread over a Ray cluster.

The driver (this process) discovers the inputs and skips those the store has, exactly as the
process pool does; the rest become a Ray Data dataset of small rows (a file path on a file
system every node sees, or the text of a JSON Lines/dataset item). ``map_batches`` runs them
through a pool of actors, each of which builds the pipeline once, and the tagged records stream
back to the driver, which alone writes the store in atomic batches: a killed run loses no
committed document and a rerun stores every document exactly once.

With ``gpus_per_worker`` the pipeline is cut around its ``classify`` component into three
stages: CPU actors read and run the components before it, GPU actors (``num_gpus`` each)
classify the paragraphs of a whole batch of documents in one call, and CPU actors run the
components after it. Documents and records travel pickled, as between the process pool's
processes.

An actor that dies (killed, out of memory, a crash in a native library) is not restarted: the
inputs of its batch are tagged again one per batch, and an input that kills its worker again is
recorded as failed (the next run retries it); the run goes on.
"""
from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import pickle
import re
import signal
import sys
import threading
import time
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from ..config import load_config
from ..errors import GovReportError
from .inputs import InputItem

LOST = "worker died while tagging this input (a crash or out of memory); retried on the next run"


class RayEngineError(GovReportError):
    """The Ray engine cannot start, or the cluster failed the run."""


@dataclass
class RayOptions:
    address: str | None = None          # None: start a local instance; "auto"; "ray://host:10001"
    num_cpus: int | None = None         # CPUs for a local instance; with an address, CPUs this run uses
    workers: int | None = None          # CPU actors (default: the CPUs available)
    gpus_per_worker: float = 0.0        # >0: classify in GPU actors with this many GPUs each
    split_classify: bool | None = None  # run classify as its own stage (default: when gpus_per_worker > 0)

    @property
    def split(self) -> bool:
        return self.gpus_per_worker > 0 if self.split_classify is None else self.split_classify


@dataclass(frozen=True)
class StagePlan:
    """Actors and resources of one map_batches stage."""
    name: str              # "tag" | "head" | "classify" | "tail"
    min_actors: int
    max_actors: int
    num_cpus: float
    num_gpus: float = 0.0


def plan_stages(cpus: float, gpus: float, options: RayOptions, batches: int | None = None) -> list[StagePlan]:
    """The stages and their resource requests for a cluster with ``cpus`` CPUs and ``gpus`` GPUs,
    for ``batches`` batches of input (no more actors than that).

    One stage: ``workers`` (default: every CPU) actors of one CPU each. Split: GPU actors of
    ``gpus_per_worker`` GPUs each (as many as the GPUs hold; a quarter CPU each for tokenising),
    the readers (head) on the CPUs, and a smaller pool for the cheap tail (facts, checks)."""
    cpu_budget = options.workers or int(min(cpus, options.num_cpus or cpus))
    cpu_budget = max(1, min(cpu_budget, batches or cpu_budget))
    if not options.split:
        return [StagePlan("tag", cpu_budget, cpu_budget, 1.0)]
    g = options.gpus_per_worker
    if g > 0:
        if gpus < g:
            raise RayEngineError(f"--gpus-per-worker {g:g}: the Ray cluster has {gpus:g} GPU(s)")
        n_gpu_actors = max(1, math.floor(gpus / g + 1e-9))
    else:  # the classify stage on CPUs (tests, or a cluster without GPUs)
        n_gpu_actors = 1
    tail = max(1, cpu_budget // 4)
    return [StagePlan("head", 1, max(1, cpu_budget - 1), 1.0),
            StagePlan("classify", 1, n_gpu_actors, 0.25, g),
            StagePlan("tail", 1, tail, 0.5)]


# --- actors ---------------------------------------------------------------------------------
def _stage_components(pipeline: Any, stage: str) -> list[tuple[str, Any]]:
    names = [n for n, _ in pipeline.components]
    if stage == "tag":
        return pipeline.components
    if "classify" not in names:
        raise RayEngineError("the pipeline has no 'classify' component to place on GPU workers")
    cut = names.index("classify")
    return {"head": pipeline.components[:cut], "classify": pipeline.components[cut:cut + 1],
            "tail": pipeline.components[cut + 1:]}[stage]


def _stage_overrides(config: str | None, overrides: dict | None, stage: str) -> dict | None:
    """Overrides of a config pipeline that leave out the components of other stages, so that
    e.g. CPU actors never load the transformer (a factory's pipeline is sliced once built)."""
    if stage == "tag":
        return overrides
    names = [c["name"] for c in load_config(config or "pipeline").get("components", [])]
    if "classify" not in names:
        raise RayEngineError("the pipeline has no 'classify' component to place on GPU workers")
    cut = names.index("classify")
    keep = {"head": names[:cut], "classify": ["classify"], "tail": names[cut + 1:]}[stage]
    out = {k: dict(v) for k, v in (overrides or {}).items()}
    for n in names:
        if n not in keep:
            out[n] = {**out.get(n, {}), "enabled": False}
    return out


class _Stage:
    """A map_batches actor: builds its part of the pipeline once."""

    def __init__(self, stage: str, factory: str, config: str | None, overrides: dict | None):
        from .runner import DEFAULT_FACTORY, build_pipeline

        for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            os.environ.setdefault(var, "1")  # one actor per CPU: no thread pools inside
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        self.stage = stage
        from_config = stage != "tag" and (config or overrides or factory == DEFAULT_FACTORY)
        if from_config:  # other stages' components are never built (no transformer on CPU actors)
            self.pipeline = build_pipeline(factory, config, _stage_overrides(config, overrides, stage))
        else:
            self.pipeline = build_pipeline(factory, config, overrides)
            self.pipeline.components = _stage_components(self.pipeline, stage)
        if stage != "classify" and "torch" in sys.modules:
            sys.modules["torch"].set_num_threads(1)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list]:
        if self.stage in ("tag", "head"):
            return self._read_and_run(batch)
        return self._run_on_docs(batch)

    def _read_and_run(self, batch: dict[str, Any]) -> dict[str, list]:
        from .runner import tag_document

        out: dict[str, list] = {"i": [], "out": [], "error": [], "timings": []}
        for i, path, text, source, attachments in zip(batch["i"], batch["path"], batch["text"], batch["source"],
                                                      batch["attachments"]):
            item = InputItem(key="", source=source, path=path or None, text=None if path else text,
                             attachments=tuple(json.loads(attachments)))
            doc, error, timings = tag_document(self.pipeline, item)
            emitted, error = self._emit(doc, error)
            out["i"].append(int(i))
            out["out"].append(emitted)
            out["error"].append(error)
            out["timings"].append(json.dumps(timings))
        return out

    def _run_on_docs(self, batch: dict[str, Any]) -> dict[str, list]:
        rows = list(zip(batch["i"], batch["out"], batch["error"], batch["timings"]))
        docs = {k: pickle.loads(o) for k, (_, o, _, _) in enumerate(rows) if o is not None}
        timings = {k: json.loads(t) for k, (_, _, _, t) in enumerate(rows)}
        errors = self._classify(docs, timings) if self.stage == "classify" else self._finish(docs, timings)
        out: dict[str, list] = {"i": [], "out": [], "error": [], "timings": []}
        for k, (i, _, error, _) in enumerate(rows):
            emitted, error = self._emit(docs.get(k), errors.get(k, error))
            out["i"].append(int(i))
            out["out"].append(emitted)
            out["error"].append(error)
            out["timings"].append(json.dumps(timings[k]))
        return out

    def _classify(self, docs: dict[int, Any], timings: dict[int, dict]) -> dict[int, str]:
        """Classify the documents together (one predict call); if that fails, one by one to find
        the document(s) that fail. Removes failed documents; returns their errors."""
        from .runner import describe_error

        (name, comp), = self.pipeline.components
        errors: dict[int, str] = {}
        t0 = time.perf_counter()
        try:
            if hasattr(comp, "pipe"):
                comp.pipe(list(docs.values()))
            else:
                for d in docs.values():
                    comp(d)
        except Exception:
            for k, d in list(docs.items()):
                try:
                    comp(d)
                except Exception as e:
                    errors[k] = describe_error(e)
                    del docs[k]
        share = (time.perf_counter() - t0) / max(1, len(docs))
        for k in docs:
            timings[k][name] = timings[k].get(name, 0.0) + share
        return errors

    def _finish(self, docs: dict[int, Any], timings: dict[int, dict]) -> dict[int, str]:
        """Run the components after classify on each document."""
        from .runner import describe_error

        errors: dict[int, str] = {}
        for k, d in list(docs.items()):
            before = dict(self.pipeline.timings)
            try:
                docs[k] = self.pipeline(d)
            except Exception as e:
                errors[k] = describe_error(e)
                del docs[k]
            for n, v in self.pipeline.timings.items():
                if v != before.get(n, 0.0):
                    timings[k][n] = timings[k].get(n, 0.0) + v - before.get(n, 0.0)
        return errors

    def _emit(self, doc: Any, error: str | None) -> tuple[bytes | None, str | None]:
        """What the stage passes on, pickled as the process pool does: the record (last stage) or
        the Document."""
        from .runner import describe_error

        if doc is None:
            return None, error
        try:
            out = doc.to_dict() if self.stage in ("tag", "tail") else doc
            return pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL), None
        except Exception as e:
            return None, describe_error(e)


# --- driver ---------------------------------------------------------------------------------
@contextlib.contextmanager
def ray_session(options: RayOptions) -> Iterator[Any]:
    """Connect to the cluster at ``options.address``, or start a local instance; a Ray already
    initialised in this process (a notebook, a test) is used as it is and left running.

    Quiet unless ``$GOVREPORT_RAY_LOGS`` is set: the run's summary says what happened (and which
    inputs failed); worker output and Ray's own messages stay in Ray's session logs."""
    try:
        import ray
        import ray.data  # noqa: F401 - configures its loggers on import: before _ray_messages
    except ImportError:
        raise RayEngineError("the Ray engine needs Ray: pip install 'govreport-nlp[ray]'") from None
    verbose = bool(os.environ.get("GOVREPORT_RAY_LOGS"))
    with _ray_messages(verbose):
        if ray.is_initialized():
            yield ray
            return
        kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": verbose,
                                  "logging_level": logging.INFO if verbose else logging.ERROR}
        main = threading.current_thread() is threading.main_thread()
        sigterm = signal.getsignal(signal.SIGTERM) if main else None
        try:
            if options.address:
                ray.init(address=options.address, **kwargs)
            else:
                ray.init(num_cpus=options.num_cpus, **kwargs)
        except Exception as e:  # ConnectionError, ValueError, RuntimeError ...: one line for the user
            where = options.address or "a local instance"
            raise RayEngineError(f"ray: cannot start or reach {where}: {_root_cause(e)}") from None
        finally:
            if sigterm is not None:  # ray.init makes SIGTERM exit at once; `govreport tag` commits first
                signal.signal(signal.SIGTERM, sigterm)
        try:
            yield ray
        finally:
            ray.shutdown()


@contextlib.contextmanager
def _ray_messages(verbose: bool) -> Iterator[None]:
    """Ray's driver prints the cluster's error messages (a worker died, a task is retried, with
    tracebacks) on stdout, where ``-o -`` writes records: send them to stderr when asked for,
    else drop them. The hook is Ray's private printer, so it is patched only where it exists."""
    module = sys.modules.get("ray._private.worker")
    original = getattr(module, "print_to_stdstream", None)
    data_logger = logging.getLogger("ray.data")
    level = data_logger.level
    data_logger.setLevel(logging.INFO if verbose else logging.CRITICAL)
    if original is not None:
        def to_stderr(data: dict, ignore_prefix: bool) -> None:
            if verbose:
                original({**data, "is_err": True}, ignore_prefix)

        module.print_to_stdstream = to_stderr
    try:
        yield
    finally:
        data_logger.setLevel(level)
        if original is not None:
            module.print_to_stdstream = original


def run_ray(items: Iterable[InputItem], handle: Callable[..., None], options: RayOptions,
            factory: str, config: str | None, overrides: dict | None,
            on_workers: Callable[[int], None] | None = None) -> None:
    """Tag ``items`` on Ray, calling ``handle(item, record, error, timings)`` for each as its
    record streams back (the caller writes it). Nothing starts when there is nothing to tag.

    Inputs whose batch was lost with its actor are tagged again one per batch, so that one input
    that crashes its worker fails alone, not with the neighbours it shared a batch with."""
    todo = list(items)
    if not todo:
        return
    batch = int(load_config("batch").get("ray", {}).get("batch_size", 8))
    with ray_session(options) as ray:
        resources = ray.cluster_resources()
        stages = plan_stages(resources.get("CPU", 1), resources.get("GPU", 0), options, math.ceil(len(todo) / batch))
        if on_workers:
            on_workers(stages[0].max_actors)
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False
        ctx.max_errored_blocks = -1  # a batch lost with its actor: its inputs are retried/recorded below

        done = [False] * len(todo)
        pending = list(range(len(todo)))
        for size in dict.fromkeys((batch, 1)):
            if size != batch:  # the retry round: as many actors as inputs to retry, at most
                stages = plan_stages(resources.get("CPU", 1), resources.get("GPU", 0), options, len(pending))
            ds = _dataset(ray, todo, pending, size, stages, (factory, config, overrides))
            try:
                for row in ds.iter_rows():
                    i = int(row["i"])
                    if done[i]:
                        continue
                    done[i] = True
                    record = pickle.loads(row["out"]) if row["out"] is not None else None
                    handle(todo[i], record, row["error"] if record is None else None, json.loads(row["timings"]))
            except KeyboardInterrupt:
                raise
            except Exception as e:  # the cluster failed the run (e.g. the pipeline cannot be built)
                raise RayEngineError(f"ray: {_root_cause(e)}") from None
            pending = [i for i in pending if not done[i]]
            if not pending:
                return
        for i in pending:
            handle(todo[i], None, LOST, {})


def _dataset(ray: Any, todo: list[InputItem], indices: list[int], batch: int, stages: list[StagePlan],
             pipeline_args: tuple) -> Any:
    """The lazy Ray dataset that tags ``todo[i]`` for ``i`` in ``indices``: one block per batch."""
    rows = [{"i": i, "path": todo[i].path, "text": todo[i].text, "source": todo[i].source,
             "attachments": json.dumps(list(todo[i].attachments))} for i in indices]
    ds = ray.data.from_items(rows, override_num_blocks=max(1, math.ceil(len(rows) / batch)))
    for plan in stages:
        with warnings.catch_warnings():
            # An actor that dies (a crash in a native reader, out of memory) is not restarted and
            # its one batch comes back as lost: Ray Data's default, restarting it and retrying the
            # batch forever, would stall the run on one bad input. Ray 2.60 takes this only through
            # the deprecated ray_remote_args_fn (hence ray<2.64 in pyproject.toml).
            warnings.simplefilter("ignore", DeprecationWarning)
            ds = ds.map_batches(
                _Stage, batch_size=batch, batch_format="numpy", zero_copy_batch=True,
                fn_constructor_args=(plan.name, *pipeline_args),
                compute=ray.data.ActorPoolStrategy(min_size=plan.min_actors, max_size=plan.max_actors,
                                                   max_tasks_in_flight_per_actor=1),
                num_cpus=plan.num_cpus, num_gpus=plan.num_gpus or None,
                ray_remote_args_fn=_no_restarts)
    return ds


def _no_restarts() -> dict[str, Any]:
    return {"max_restarts": 0}


def _root_cause(e: BaseException) -> str:
    """One line for an error that failed the whole Ray run: the exception the actor raised."""
    chain = []
    while e is not None and e not in chain:
        chain.append(e)
        e = e.__cause__ or e.__context__
    for err in chain:
        if isinstance(err, GovReportError):
            return str(err)
    for err in chain:
        lines = [ln.strip() for ln in str(err).splitlines() if ln.strip()]
        if lines:  # Ray's message ends with the remote exception: "nlp.errors.ModelError: ..."
            m = re.match(r"^([\w.]+\.)?(\w+(?:Error|Exception)): (.+)$", lines[-1])
            if m and (m.group(1) or "").startswith("nlp."):
                return m.group(3)
            return f"{m.group(2)}: {m.group(3)}" if m else f"{type(err).__name__}: {lines[-1]}"
    return type(chain[0]).__name__
