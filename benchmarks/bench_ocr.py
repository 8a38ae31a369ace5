"""OCR of scanned PDFs: seconds per page, and how much of the text PDF's facts come back.

    .venv/bin/python benchmarks/bench_ocr.py [--pdf SCANNED.pdf --reference TEXT.pdf] [--threads N]

CPU time per page (all the process's threads) is printed too: on a shared machine it is the
steadier figure. Default: the shared corpus's ``huaian-2024-scanned.pdf`` (the real report printed to 200 dpi
page images) against ``huaian-2024.pdf`` (its text layer). Prints seconds per page (model
loading excluded, reported apart), table cells equal to the text PDF's, prose facts found,
year/era, and the load average (the timing depends on what else the machine runs).
``measure()`` returns the numbers.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def measure(scanned: Path | None = None, reference: Path | None = None) -> dict:
    import nlp
    from nlp.config import corpus_dir, load_config
    from nlp.ingest import ocr

    if scanned is None or reference is None:
        corpus = corpus_dir()
        if corpus is None:
            raise SystemExit("shared corpus not found (set GOVREPORT_CORPUS)")
        scanned = scanned or corpus / "pdf" / "huaian-2024-scanned.pdf"
        reference = reference or corpus / "pdf" / "huaian-2024.pdf"
    pipe = nlp.default_pipeline()
    text_doc = pipe.process(reference)
    t0 = time.perf_counter()
    ocr.engine(load_config("ingest")["pdf"]["ocr"])
    load_s = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.process_time()
    doc = pipe.process(scanned)
    total, cpu = time.perf_counter() - t0, time.process_time() - c0
    pages = (doc.ocr or {}).get("pages", [])
    ocr_pages = [p for p in pages if p["ocr"]]
    expected = {f["field"]: f["value"] for f in text_doc.facts if f["source"] == "table"}
    got = {f["field"]: f["value"] for f in doc.facts if f["source"] == "table"}
    prose = [(f["field"], f["value"]) for f in text_doc.facts if f["source"] == "prose"]
    found = [(f["field"], f["value"]) for f in doc.facts if f["source"] == "prose"]
    return {
        "pages": len(pages), "ocr_pages": len(ocr_pages), "seconds": total, "model_load_s": load_s,
        "cpu_seconds_per_page": cpu / max(1, len(ocr_pages)),
        "seconds_per_page": sum(p["seconds"] for p in ocr_pages) / max(1, len(ocr_pages)),
        "page_seconds": [p["seconds"] for p in ocr_pages],
        "cells": len(expected), "cells_equal": sum(got.get(k) == v for k, v in expected.items()),
        "prose": len(prose), "prose_found": sum(1 for x in prose if x in found),
        "low_confidence_facts": sum(1 for f in doc.facts if f.get("low_confidence")),
        "year": doc.meta.year, "era": doc.meta.era, "mean_confidence": [p["confidence"] for p in ocr_pages],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pdf", type=Path, default=None, help="scanned PDF (default: the corpus scan)")
    ap.add_argument("--reference", type=Path, default=None, help="its text PDF (default: the corpus PDF)")
    ap.add_argument("--threads", type=int, default=None, help="OCR threads (sets OMP_NUM_THREADS)")
    args = ap.parse_args()
    if args.threads:
        os.environ["OMP_NUM_THREADS"] = str(args.threads)
    r = measure(args.pdf, args.reference)
    print(f"{r['ocr_pages']} of {r['pages']} pages read by OCR: {r['seconds_per_page']:.2f} s/page "
          f"(pages: {', '.join(f'{s:.1f}' for s in r['page_seconds'])}; model load {r['model_load_s']:.1f}s apart; "
          f"whole document through the pipeline {r['seconds']:.1f}s)")
    print(f"CPU time (all threads of the process): {r['cpu_seconds_per_page']:.2f} s/page")
    print(f"table cells equal to the text PDF's: {r['cells_equal']}/{r['cells']} = {r['cells_equal'] / max(1, r['cells']):.1%}")
    print(f"prose facts found: {r['prose_found']}/{r['prose']} = {r['prose_found'] / max(1, r['prose']):.1%}")
    print(f"year {r['year']}, era {r['era']}; facts flagged low-confidence: {r['low_confidence_facts']}; "
          f"mean character confidence per page: {r['mean_confidence']}")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
