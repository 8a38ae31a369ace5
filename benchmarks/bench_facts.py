"""Facts-extraction throughput: documents/second and characters/second of the FactExtractor
(+ TableChecks) alone, on already-parsed corpus documents.

    python benchmarks/bench_facts.py [--repeat N]
"""
from __future__ import annotations

import argparse
import copy
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import nlp  # noqa: E402
from nlp.checks import TableChecks  # noqa: E402
from nlp.config import corpus_dir  # noqa: E402
from nlp.errors import ReadError  # noqa: E402
from nlp.facts import FactExtractor  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=50)
    args = ap.parse_args()
    root = corpus_dir()
    if root is None:
        print("corpus not found (set GOVREPORT_CORPUS)")
        return
    files = sorted((root / "seeds").glob("*.txt")) + sorted((root / "pdf").glob("*.pdf"))
    structure_only = nlp.Pipeline.from_config("pipeline", facts={"enabled": False}, checks={"enabled": False})
    docs = []
    for p in files:
        try:
            docs.append(structure_only.process(p))
        except ReadError as e:  # the scanned PDF has no text layer
            print(f"skipped: {e}")
    chars = sum(len(d.text) for d in docs)
    extractor, checks = FactExtractor(), TableChecks()
    work = [copy.copy(d) for d in docs]
    t0 = time.perf_counter()
    n_facts = 0
    for _ in range(args.repeat):
        for d in work:
            checks(extractor(d))
            n_facts += len(d.facts)
    elapsed = time.perf_counter() - t0
    n_docs = args.repeat * len(docs)
    print(f"facts+checks: {n_docs} documents ({len(docs)} x {args.repeat}), {chars * args.repeat} characters, "
          f"{n_facts} facts in {elapsed:.3f}s")
    print(f"  {n_docs / elapsed:,.1f} documents/s   {chars * args.repeat / elapsed:,.0f} characters/s")


if __name__ == "__main__":
    main()
