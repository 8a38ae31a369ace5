"""Parsing throughput: read + structure over the shared corpus repeated to N documents.

    .venv/bin/python benchmarks/bench_parse.py [--docs 1000]

Prints documents/second overall and per format, and peak memory (RSS) of the process.
"""
from __future__ import annotations

import argparse
import itertools
import resource
import sys
import time
from collections import defaultdict

import nlp
from nlp.config import corpus_dir


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1000)
    args = ap.parse_args()
    corpus = corpus_dir()
    if corpus is None:
        sys.exit("corpus not found: set GOVREPORT_CORPUS")
    files = sorted(corpus.rglob("*.txt")) + sorted(corpus.rglob("*.pdf")) + sorted(corpus.rglob("*.docx"))
    blobs = [(f.suffix, f.read_bytes()) for f in files]
    pipe = nlp.Pipeline.from_config({"components": [{"name": "structure", "factory": "nlp.structure:StructureParser"}]})
    pipe.process(blobs[0][1], name="warmup" + blobs[0][0])
    per_kind: dict[str, list[float]] = defaultdict(list)
    chars = 0
    t0 = time.perf_counter()
    for i, (suffix, data) in zip(range(args.docs), itertools.cycle(blobs)):
        t = time.perf_counter()
        doc = pipe.process(data, name=f"doc{i}{suffix}")
        per_kind[suffix].append(time.perf_counter() - t)
        chars += len(doc.text)
    total = time.perf_counter() - t0
    print(f"documents: {args.docs}  ({len(files)} corpus files repeated)")
    print(f"overall: {args.docs / total:.1f} docs/s, {chars / total / 1e6:.2f} M chars/s, {total:.1f} s")
    for suffix, times in sorted(per_kind.items()):
        print(f"  {suffix:5s} {len(times):5d} docs  {len(times) / sum(times):8.1f} docs/s  "
              f"{1000 * sum(times) / len(times):7.1f} ms/doc")
    for name, secs in pipe.timings.items():
        print(f"  component {name:10s} {100 * secs / sum(pipe.timings.values()):5.1f}% of time")
    print(f"peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
