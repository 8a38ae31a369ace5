"""The speed figures of the README, side by side, each a ratio measured in one run (so machine
load affects both sides alike), repeated ``--repeat`` times and reported as the median:

(a) ``tag`` with the default pipeline on 300 seed-text reports (the 5 seeds repeated, each copy
    made distinct), 1 worker, into a JSON Lines store ÷ plain ``jieba.lcut`` on the same texts;
    one-time start-up (imports, model, dictionaries) is left out of both sides, and printed
    apart (each in a fresh interpreter) with the ratio it gives when counted on both sides;
(b) ``govreport tag seeds/004….txt -o -`` as a cold process: wall time, CPU time and the
    child's peak RSS (``os.wait4``'s rusage of that child alone);
(c) ``tag`` on 20 copies of ``pdf/huaian-2024.pdf``, 1 worker ÷ pdfplumber ``extract_text``
    alone on the same files, warm (``benchmarks/bench_pdf.py``'s ``measure`` when present).

    python benchmarks/bench_speed.py                 # all three, 3 repeats
    python benchmarks/bench_speed.py --only b --repeat 5
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
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
GOVREPORT = [sys.executable, "-c", "from nlp.cli import main; main()"]


def seed_texts(corpus: Path, n: int) -> list[tuple[str, str]]:
    seeds = sorted((corpus / "seeds").glob("*.txt"))
    if not seeds:
        raise SystemExit(f"no seed texts under {corpus / 'seeds'}")
    texts = [p.read_text(encoding="utf-8") for p in seeds]
    # a marker line keeps every copy a distinct document (its own doc_id), as in bench_batch.py
    return [(f"copy{k:03d}_{seeds[k % len(seeds)].name}", f"{texts[k % len(seeds)]}\n(副本{k})\n") for k in range(n)]


def run_tag(folder: Path, out: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of ``govreport tag FOLDER -o OUT --workers 1`` in this process (pipeline
    already built)."""
    from nlp.batch import tag_corpus
    from nlp.store import open_store

    if out.exists():
        shutil.rmtree(out) if out.is_dir() else out.unlink()
    t0, c0 = time.perf_counter(), time.process_time()
    with open_store(str(out)) as store:
        summary = tag_corpus([str(folder)], store, workers=1, progress=False)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    if summary.failed:
        raise SystemExit(f"tag failed: {summary.failures[:3]}")
    return seconds, cpu


def timed(fn) -> tuple[float, float]:
    """(wall, CPU) seconds of ``fn()``."""
    t0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - t0, time.process_time() - c0


def bench_texts(corpus: Path, tmp: Path, n: int) -> dict:
    import jieba
    import logging

    jieba.setLogLevel(logging.WARNING)
    items = seed_texts(corpus, n)
    folder = tmp / "texts"
    folder.mkdir(exist_ok=True)
    for name, text in items:
        (folder / name).write_text(text, encoding="utf-8")
    texts = [t for _, t in items]

    jieba.initialize()
    import nlp

    nlp.default_pipeline()  # the one-time start-up of either side is measured apart (startup_seconds)

    jieba_s, jieba_cpu = timed(lambda: [jieba.lcut(t) for t in texts])
    tag_s, tag_cpu = run_tag(folder, tmp / "texts.jsonl")
    return {"docs": n, "chars": sum(map(len, texts)), "tag_s": tag_s, "jieba_s": jieba_s,
            "ratio": tag_s / jieba_s, "cpu_ratio": tag_cpu / jieba_cpu}


def startup_seconds(code: str) -> float:
    """Wall time of a fresh interpreter running ``code`` (imports, dictionaries, model)."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    return time.perf_counter() - t0


def bench_startup() -> dict:
    pipeline = startup_seconds("import nlp; nlp.default_pipeline()")
    jieba = startup_seconds("import jieba, logging; jieba.setLogLevel(logging.WARNING); jieba.initialize()")
    return {"pipeline_s": pipeline, "jieba_s": jieba}


def bench_cold(corpus: Path) -> dict:
    """Run through a small intermediate process: Linux folds the parent's peak RSS into a
    child's ``ru_maxrss`` at fork/exec, so the measuring parent must itself be small."""
    seed = min((corpus / "seeds").glob("004_*.txt"))
    out = subprocess.run([sys.executable, __file__, "--cold-child", str(seed)], cwd=ROOT, capture_output=True,
                         text=True)
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout)


def cold_child(seed: str) -> dict:
    t0 = time.perf_counter()
    proc = subprocess.Popen([*GOVREPORT, "tag", seed, "-o", "-"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"govreport tag failed: {err}")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
            "max_rss_mb": usage.ru_maxrss / 1024}  # ru_maxrss is in KiB on Linux


def bench_pdf(corpus: Path, tmp: Path, n: int) -> dict:
    try:  # the PDF reader's own benchmark (benchmarks/bench_pdf.py) owns this measurement
        from bench_pdf import measure
    except ImportError:
        measure = None
    if measure is not None:
        r = measure(copies=n)
        return {"docs": r["copies"], "tag_s": r["tag_s"], "pdfplumber_s": r["pdfplumber_extract_text_s"],
                "ratio": r["ratio"]}
    import pdfplumber

    def extract(files: list[Path]) -> None:
        for f in files:
            with pdfplumber.open(f) as pdf:
                for page in pdf.pages:
                    page.extract_text()

    src = corpus / "pdf" / "huaian-2024.pdf"
    folder, warm = tmp / "pdfs", tmp / "pdf-warm-up"
    folder.mkdir(exist_ok=True)
    warm.mkdir(exist_ok=True)
    shutil.copyfile(src, warm / "warm.pdf")
    files = []
    for k in range(n):
        files.append(folder / f"copy{k:02d}.pdf")
        shutil.copyfile(src, files[-1])
    extract([warm / "warm.pdf"])  # imports and first-use costs out of both sides
    run_tag(warm, tmp / "warm.jsonl")
    plumber_s, _ = timed(lambda: extract(files))
    tag_s, _ = run_tag(folder, tmp / "pdfs.jsonl")
    return {"docs": n, "tag_s": tag_s, "pdfplumber_s": plumber_s, "ratio": tag_s / plumber_s}


def median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--texts", type=int, default=300)
    ap.add_argument("--pdfs", type=int, default=20)
    ap.add_argument("--only", choices=["a", "b", "c"], nargs="+", default=["a", "b", "c"])
    ap.add_argument("--json", action="store_true", help="also print every run as JSON")
    ap.add_argument("--cold-child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.cold_child:
        print(json.dumps(cold_child(args.cold_child)))
        return

    from nlp.config import corpus_dir

    corpus = corpus_dir()
    if corpus is None:
        raise SystemExit("shared corpus not found (set GOVREPORT_CORPUS)")
    results: dict[str, list[dict]] = {k: [] for k in args.only}
    with tempfile.TemporaryDirectory(prefix="govreport-speed-") as tmp:
        tmp = Path(tmp)
        for _ in range(args.repeat):
            if "b" in args.only:
                results["b"].append(bench_cold(corpus))
            if "a" in args.only:
                results["a"].append(bench_texts(corpus, tmp, args.texts) | {"startup": bench_startup()})
            if "c" in args.only:
                results["c"].append(bench_pdf(corpus, tmp, args.pdfs))
    if args.json:
        print(json.dumps(results, indent=1))
    print(f"median of {args.repeat} runs; load average at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if "a" in args.only:
        a = results["a"]
        print(f"(a) tag {a[0]['docs']} seed texts ({a[0]['chars']:,} chars), 1 worker: {median(a, 'tag_s'):.2f} s; "
              f"jieba.lcut alone: {median(a, 'jieba_s'):.2f} s; ratio {median(a, 'ratio'):.2f}x  "
              f"(start-up left out; CPU-time ratio {median(a, 'cpu_ratio'):.2f}x)")
        pipeline = statistics.median(r["startup"]["pipeline_s"] for r in a)
        jieba = statistics.median(r["startup"]["jieba_s"] for r in a)
        with_startup = statistics.median((r["tag_s"] + r["startup"]["pipeline_s"]) / (r["jieba_s"] + r["startup"]["jieba_s"])
                                         for r in a)
        print(f"    start-up (fresh interpreter): pipeline {pipeline:.2f} s, jieba {jieba:.2f} s; "
              f"ratio with start-up on both sides {with_startup:.2f}x")
    if "b" in args.only:
        b = results["b"]
        print(f"(b) govreport tag seeds/004 -o - (cold process): {median(b, 'wall_s'):.2f} s wall "
              f"({median(b, 'cpu_s'):.2f} s CPU), peak RSS {median(b, 'max_rss_mb'):.0f} MB")
    if "c" in args.only:
        c = results["c"]
        print(f"(c) tag {c[0]['docs']} copies of huaian-2024.pdf, 1 worker: {median(c, 'tag_s'):.2f} s; "
              f"pdfplumber extract_text alone: {median(c, 'pdfplumber_s'):.2f} s; ratio {median(c, 'ratio'):.2f}x")


if __name__ == "__main__":
    main()
