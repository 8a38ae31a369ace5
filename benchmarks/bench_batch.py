"""Benchmark batch tagging: the shared corpus repeated to >= N documents, tagged with the
default pipeline into SQLite with 1 and 2 workers. Prints documents/second, peak memory of the
whole process tree (sampled with psutil) and the share of time per pipeline component.

    python benchmarks/bench_batch.py                 # full corpus mix, >= 2000 documents
    python benchmarks/bench_batch.py --text-only     # only the text/HTML reports
    python benchmarks/bench_batch.py --docs 500 --workers 1 2 4
    python benchmarks/bench_batch.py --text-only --docs 1000 --repeat 3   # medians of 3 (the runs interleaved)

Besides wall time it prints each run's CPU time, of the main process (which writes the store) and
of its worker processes, and the load average when it started: on a shared machine the CPU
times say what N workers allow on N idle cores whatever else runs. With --repeat, each round's
1-worker and N-worker runs are also compared with each other (adjacent in time, so less exposed
to the load drifting).
Text and HTML copies get a marker line so every copy is a distinct document (distinct doc_id);
PDF and DOCX copies are byte-identical, so they are tagged in full but stored once.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TEXT_SUFFIXES = {".txt", ".htm", ".html"}


def build_corpus(src: Path, dst: Path, n_docs: int, text_only: bool) -> int:
    files = sorted(p for p in src.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES | {".pdf", ".docx"})
    if text_only:
        files = [p for p in files if p.suffix.lower() in TEXT_SUFFIXES]
    if not files:
        raise SystemExit(f"no reports under {src}")
    copies = -(-n_docs // len(files))
    for k in range(copies):
        folder = dst / f"copy{k:04d}"
        folder.mkdir(parents=True)
        for p in files:
            target = folder / p.name
            if p.suffix.lower() in TEXT_SUFFIXES:
                text = p.read_text(encoding="utf-8", errors="replace")
                target.write_text(f"{text}\n(副本{k})\n", encoding="utf-8")
            else:
                shutil.copyfile(p, target)
    return copies * len(files)


def run_once(corpus: str, workers: int, out: str) -> dict:
    """One measured run (in its own process, so memory peaks do not mix)."""
    import psutil

    from nlp.batch import tag_corpus
    from nlp.store import open_store

    me = psutil.Process()
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            try:
                procs = [me, *me.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in procs if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    with open_store(out) as store:
        summary = tag_corpus([corpus], store, workers=workers, progress=False)
    stop.set()
    sampler.join()
    import resource
    from multiprocessing import forkserver

    # The workers' forkserver outlives the run: stopped (and reaped) here, so that its CPU time
    # and that of the workers it reaped count among this process's children.
    getattr(forkserver._forkserver, "_stop", lambda: None)()

    main, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return {"main_cpu_s": main.ru_utime + main.ru_stime,
            "cpu_s": main.ru_utime + main.ru_stime + children.ru_utime + children.ru_stime,
            "workers": workers, "processed": summary.processed, "written": summary.written,
            "failed": summary.failed, "duplicates": summary.duplicates, "seconds": summary.seconds,
            "docs_per_s": summary.docs_per_second, "peak_mb": peak / 2**20, "timings": dict(summary.timings),
            "facts": summary.facts}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--text-only", action="store_true")
    ap.add_argument("--repeat", type=int, default=1, help="runs per worker count, interleaved; medians reported")
    ap.add_argument("--run", nargs=3, metavar=("CORPUS", "WORKERS", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.run:
        print(json.dumps(run_once(args.run[0], int(args.run[1]), args.run[2])))
        return

    from nlp.config import corpus_dir

    src = corpus_dir()
    if src is None:
        raise SystemExit("shared corpus not found (set GOVREPORT_CORPUS)")
    runs: dict[int, list[dict]] = {w: [] for w in args.workers}
    with tempfile.TemporaryDirectory(prefix="govreport-bench-") as tmp:
        n = build_corpus(src, Path(tmp) / "corpus", args.docs, args.text_only)
        print(f"corpus: {src} repeated to {n} documents ({'text only' if args.text_only else 'all formats'})")
        for rep in range(args.repeat):
            for w in args.workers:
                out = Path(tmp) / f"bench-{w}-{rep}.sqlite"
                load = os.getloadavg()[0]
                res = subprocess.run([sys.executable, __file__, "--run", str(Path(tmp) / "corpus"), str(w), str(out)],
                                     capture_output=True, text=True, cwd=ROOT)
                if res.returncode != 0:
                    raise SystemExit(res.stderr)
                for f in Path(tmp).glob(f"bench-{w}-{rep}.sqlite*"):
                    f.unlink()
                r = json.loads(res.stdout.strip().splitlines()[-1])
                r["load"] = load
                runs[w].append(r)
                total = sum(r["timings"].values()) or 1.0
                shares = ", ".join(f"{k} {v / total:.0%}" for k, v in sorted(r["timings"].items(), key=lambda kv: -kv[1]))
                print(f"workers={w}: {r['processed']} documents in {r['seconds']:.1f}s = {r['docs_per_s']:.1f} documents/s; "
                      f"peak memory {r['peak_mb']:.0f} MB (all processes); {r['written']} stored, "
                      f"{r['duplicates']} duplicates, {r['failed']} failed, {r['facts']} facts; load average {load:.2f}")
                print(f"  time per component (summed over workers, {total:.1f}s): {shares}")
                print(f"  CPU time of all processes {r['cpu_s']:.1f}s: main process {r['main_cpu_s']:.1f}s, "
                      f"workers {r['cpu_s'] - r['main_cpu_s']:.1f}s")
    if 1 not in runs or len(runs) < 2:
        return
    med = {w: {k: statistics.median(r[k] for r in rs) for k in ("seconds", "cpu_s", "main_cpu_s", "load")}
           for w, rs in runs.items()}
    print(f"medians of {args.repeat} run(s):")
    for w in sorted(k for k in runs if k > 1):
        # what the CPU work allows on idle cores, whatever else the machine is running
        print(f"workers={w}: wall-time speed-up over 1 worker {med[1]['seconds'] / med[w]['seconds']:.2f}x "
              f"({med[1]['seconds']:.1f}s / {med[w]['seconds']:.1f}s; load average {med[1]['load']:.2f} / "
              f"{med[w]['load']:.2f}); CPU-bound speed-up on {w} idle cores {med[1]['cpu_s'] / (med[w]['cpu_s'] / w):.2f}x "
              f"(1-worker CPU {med[1]['cpu_s']:.1f}s / ({w}-worker CPU {med[w]['cpu_s']:.1f}s / {w}), "
              f"of which main process {med[w]['main_cpu_s']:.1f}s)")
        if args.repeat > 1:  # each round's two runs are adjacent in time: less sensitive to load drift
            rounds = [(a["seconds"] / b["seconds"], a["cpu_s"] / (b["cpu_s"] / w)) for a, b in zip(runs[1], runs[w])]
            print(f"  per round (wall; CPU-bound): {', '.join(f'{x:.2f}x; {y:.2f}x' for x, y in rounds)}; medians "
                  f"{statistics.median(x for x, _ in rounds):.2f}x; {statistics.median(y for _, y in rounds):.2f}x")


if __name__ == "__main__":
    main()
