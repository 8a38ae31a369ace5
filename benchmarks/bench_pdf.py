"""PDF tagging speed against a reference measured in the same run: pdfplumber's
``extract_text`` alone on N copies of the corpus PDF, then ``govreport tag`` on the same
copies (the Python API equivalent: ``tag_corpus`` with the default pipeline, 1 worker, into a
JSON Lines store). Prints both times and their ratio (issue 8 target: <= 0.5).

    .venv/bin/python benchmarks/bench_pdf.py [--copies 20] [--pdf PATH]

The pipeline is built and its model loaded once before timing (one warm-up document), so the
ratio compares steady-state per-document work; ``measure()`` returns the numbers. With
``--cold`` it also times the command itself (``govreport tag DIR -j 1``, a fresh process:
interpreter start, imports and model loading included).
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _copies(pdf: Path, folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for k in range(n):
        target = folder / f"copy{k:03d}.pdf"
        shutil.copyfile(pdf, target)
        files.append(target)
    return files


def time_pdfplumber(files: list[Path]) -> float:
    import pdfplumber

    t0 = time.perf_counter()
    for f in files:
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                page.extract_text()
    return time.perf_counter() - t0


def time_tag(files: list[Path], out: Path) -> tuple[float, int]:
    from nlp.batch import tag_corpus
    from nlp.store import open_store

    with open_store(out) as store:
        summary = tag_corpus([str(f) for f in files], store, workers=1, progress=False)
    if summary.failed:
        raise SystemExit(f"tagging failed: {summary.failures[:3]}")
    return summary.seconds, summary.processed


def time_cli(folder: Path, out: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "nlp.cli", "tag", str(folder), "-j", "1", "-o", str(out), "--no-progress"],
                   check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - t0


def measure(pdf: Path | None = None, copies: int = 20, cold: bool = False) -> dict[str, float]:
    """Seconds for pdfplumber ``extract_text`` and for ``tag`` on ``copies`` copies of ``pdf``
    (and, with ``cold``, for the ``govreport tag`` command in a fresh process)."""
    from nlp.config import corpus_dir

    if pdf is None:
        corpus = corpus_dir()
        if corpus is None:
            raise SystemExit("shared corpus not found (set GOVREPORT_CORPUS)")
        pdf = corpus / "pdf" / "huaian-2024.pdf"
    with tempfile.TemporaryDirectory(prefix="govreport-bench-pdf-") as tmp:
        base = Path(tmp)
        files = _copies(pdf, base / "pdfs", copies)
        warm = _copies(pdf, base / "warm", 1)
        time_pdfplumber(warm)
        time_tag(warm, base / "warm.jsonl")
        plumber = time_pdfplumber(files)
        tag, n = time_tag(files, base / "out.jsonl")
        result = {"copies": n, "pdfplumber_extract_text_s": plumber, "tag_s": tag, "ratio": tag / plumber}
        if cold:
            result["cli_s"] = time_cli(base / "pdfs", base / "cli.jsonl")
            result["cli_ratio"] = result["cli_s"] / plumber
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=20)
    ap.add_argument("--pdf", type=Path, default=None)
    ap.add_argument("--cold", action="store_true", help="also time the govreport tag command in a fresh process")
    args = ap.parse_args()
    r = measure(args.pdf, args.copies, args.cold)
    n = r["copies"]
    print(f"{n} copies of {args.pdf or 'huaian-2024.pdf'}, 1 worker")
    print(f"  pdfplumber extract_text alone: {r['pdfplumber_extract_text_s']:.2f}s "
          f"({1000 * r['pdfplumber_extract_text_s'] / n:.0f} ms/file)")
    print(f"  govreport tag (default pipeline): {r['tag_s']:.2f}s ({1000 * r['tag_s'] / n:.0f} ms/file)")
    print(f"  ratio tag / extract_text: {r['ratio']:.2f} (target <= 0.5)")
    if "cli_s" in r:
        print(f"  govreport tag DIR -j 1 (fresh process, model loading included): {r['cli_s']:.2f}s, "
              f"ratio {r['cli_ratio']:.2f}")


if __name__ == "__main__":
    main()
