"""Facts-extraction throughput: documents/second and characters/second of the FactExtractor
(+ TableChecks) alone, on already-parsed corpus documents, with the prose extractor alone and
a reference measured in the same run: one plain regex pass over the same texts (every number,
``re.finditer``). Times are this process's CPU time (``time.process_time``), the best of
``--rounds`` rounds, so that a busy shared machine distorts them little.

    python benchmarks/bench_facts.py [--repeat N] [--rounds R]
"""
from __future__ import annotations

import argparse
import copy
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import nlp  # noqa: E402
from nlp.checks import TableChecks  # noqa: E402
from nlp.config import corpus_dir  # noqa: E402
from nlp.errors import ReadError  # noqa: E402
from nlp.facts import FactExtractor  # noqa: E402


def best_of(rounds: int, fn) -> float:
    times = []
    for _ in range(rounds):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    root = corpus_dir()
    if root is None:
        print("corpus not found (set GOVREPORT_CORPUS)")
        return
    files = sorted((root / "seeds").glob("*.txt")) + sorted((root / "pdf").glob("*.pdf"))
    structure_only = nlp.Pipeline.from_config("pipeline", classify={"enabled": False},
                                              facts={"enabled": False}, checks={"enabled": False})
    docs = []
    for p in files:
        try:
            docs.append(structure_only.process(p))
        except ReadError as e:  # the scanned PDF has no text layer
            print(f"skipped: {e}")
    chars = sum(len(d.text) for d in docs) * args.repeat
    n_docs = args.repeat * len(docs)
    extractor, checks = FactExtractor(), TableChecks()
    work = [copy.copy(d) for d in docs]
    n_facts = sum(len(checks(extractor(d)).facts) for d in work) * args.repeat

    def facts_and_checks():
        for _ in range(args.repeat):
            for d in work:
                checks(extractor(d))

    def prose_only():
        for _ in range(args.repeat):
            for d in work:
                extractor.prose.extract(d)

    number = re.compile(r"\d+(?:\.\d+)?")

    def one_regex_pass():
        for _ in range(args.repeat):
            for d in work:
                for _m in number.finditer(d.text):
                    pass

    t_all = best_of(args.rounds, facts_and_checks)
    t_prose = best_of(args.rounds, prose_only)
    t_ref = best_of(args.rounds, one_regex_pass)
    print(f"{n_docs} documents ({len(docs)} x {args.repeat}), {chars:,} characters, {n_facts:,} facts; "
          f"best of {args.rounds} rounds")
    print(f"  facts+checks     {n_docs / t_all:9,.1f} documents/s  {chars / t_all:13,.0f} characters/s")
    print(f"  prose facts      {n_docs / t_prose:9,.1f} documents/s  {chars / t_prose:13,.0f} characters/s")
    print(f"  one regex pass   {'':22s}{chars / t_ref:13,.0f} characters/s")
    print(f"  facts+checks take {t_all / t_ref:.1f}x, prose facts {t_prose / t_ref:.1f}x the time of one regex pass")


if __name__ == "__main__":
    main()
