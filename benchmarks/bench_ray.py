"""Benchmark the Ray engine against the process pool: the seed reports repeated to >= N distinct
documents, tagged with the default pipeline into SQLite by the process pool (--workers 1, 2) and
by a local Ray instance with 1 and 2 CPU workers. Each run is its own process.

Printed per run: documents/s over the whole run; for Ray, the start-up of the local instance
(``ray.init``, not in the run's own seconds) and, for both, the time to the first stored
document (pool or actors starting, each building the pipeline) and the rate after it. Also:
what moving one record costs (pickle out and in, as both engines do; Ray adds Arrow blocks and
its object store).

    python benchmarks/bench_ray.py                 # >= 1000 documents, 1 and 2 workers
    python benchmarks/bench_ray.py --docs 300 --workers 1 2 4
    python benchmarks/bench_ray.py --repeat 2       # best of 2 interleaved runs (a busy machine)
"""
from __future__ import annotations

import argparse
import json
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_batch import build_corpus  # noqa: E402


def run_once(corpus: str, engine: str, workers: int, out: str) -> dict:
    from nlp.batch import tag_corpus
    from nlp.store import open_store

    init_s = 0.0
    if engine == "ray":
        import logging

        import ray

        t = time.perf_counter()
        ray.init(num_cpus=workers, include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False)
        init_s = time.perf_counter() - t
    first: list[float] = []
    t0 = time.perf_counter()

    def on_result(item, record, error) -> None:
        if not first:
            first.append(time.perf_counter() - t0)

    with open_store(out) as store:
        s = tag_corpus([corpus], store, workers=workers, engine=engine, progress=False, on_result=on_result)
    rest = s.seconds - (first[0] if first else 0.0)
    return {"engine": engine, "workers": s.workers, "tagged": s.tagged, "written": s.written, "failed": s.failed,
            "seconds": s.seconds, "docs_per_s": s.docs_per_second, "init_s": init_s,
            "first_s": first[0] if first else None, "steady_docs_per_s": (s.tagged - 1) / rest if rest > 0 else None}


def record_cost(store_path: str, n: int = 200) -> tuple[float, float]:
    """Mean pickled size (KB) and pickle dumps+loads time (ms) of stored records."""
    from nlp.store import open_store

    records = []
    for r in open_store(store_path, mode="r").iter_records():
        records.append(r)
        if len(records) >= n:
            break
    t = time.perf_counter()
    sizes = [len(pickle.dumps(r, protocol=pickle.HIGHEST_PROTOCOL)) for r in records]
    for r in records:
        pickle.loads(pickle.dumps(r, protocol=pickle.HIGHEST_PROTOCOL))
    ms = (time.perf_counter() - t) * 1000 / len(records)
    return sum(sizes) / len(sizes) / 1024, ms


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=1, help="runs per setting, interleaved; the fastest counts")
    ap.add_argument("--run", nargs=4, metavar=("CORPUS", "ENGINE", "WORKERS", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.run:
        print(json.dumps(run_once(args.run[0], args.run[1], int(args.run[2]), args.run[3])))
        return

    from nlp.config import corpus_dir

    src = corpus_dir()
    if src is None:
        raise SystemExit("shared corpus not found (set GOVREPORT_CORPUS)")
    with tempfile.TemporaryDirectory(prefix="govreport-bench-ray-") as tmp:
        n = build_corpus(src / "seeds", Path(tmp) / "corpus", args.docs, text_only=True)
        print(f"corpus: {src / 'seeds'} repeated to {n} distinct documents")
        results: dict[tuple[str, int], dict] = {}
        for w in args.workers:
            for k in range(args.repeat):
                for engine in ("process", "ray"):
                    out = str(Path(tmp) / f"{engine}-{w}-{k}.sqlite")
                    res = subprocess.run([sys.executable, __file__, "--run", str(Path(tmp) / "corpus"), engine, str(w), out],
                                         capture_output=True, text=True, cwd=ROOT)
                    if res.returncode != 0:
                        raise SystemExit(res.stderr)
                    r = json.loads(res.stdout.strip().splitlines()[-1])
                    best = results.get((engine, w))
                    if best is None or r["seconds"] + r["init_s"] < best["seconds"] + best["init_s"]:
                        results[engine, w] = r
            for engine in ("process", "ray"):
                r = results[engine, w]
                init = f"ray.init {r['init_s']:.1f}s + " if engine == "ray" else ""
                print(f"{engine:7} workers={r['workers']}: {r['tagged']} documents in {init}{r['seconds']:.1f}s = "
                      f"{r['docs_per_s']:.1f} documents/s; first stored after {r['first_s']:.1f}s, then "
                      f"{r['steady_docs_per_s']:.1f} documents/s; {r['written']} stored, {r['failed']} failed")
            p, r = results["process", w], results["ray", w]
            print(f"  workers={w}: Ray / process pool = {r['docs_per_s'] / p['docs_per_s']:.2f} (run), "
                  f"{r['steady_docs_per_s'] / p['steady_docs_per_s']:.2f} (after the first document), "
                  f"{(r['seconds'] + r['init_s']) / p['seconds']:.2f}x the wall time with ray.init")
        kb, ms = record_cost(str(Path(tmp) / f"process-{args.workers[0]}-0.sqlite"))
        print(f"one record: {kb:.0f} KB pickled, {ms:.2f} ms to pickle and unpickle "
              f"(both engines; Ray also copies it into Arrow blocks and its object store)")


if __name__ == "__main__":
    main()
