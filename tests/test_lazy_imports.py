"""A one-report `tag` of a .txt file and `govreport --help` import only what they use: no
torch, transformers, scikit-learn, SciPy, datasets, pyarrow, SQLAlchemy, PDF or HTML readers.
Checked by dumping ``sys.modules`` of a fresh interpreter at exit (not by timing)."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "transformers", "sklearn", "scipy", "skops", "datasets", "pyarrow", "pandas", "sqlalchemy",
         "pdfplumber", "pypdfium2", "pdfminer", "docx", "bs4", "lxml", "jieba", "matplotlib", "accelerate")

DUMP = """
import atexit, json, sys
out = sys.argv.pop()
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
sys.argv = ["govreport", *sys.argv[1:]]
from nlp.cli import main
main()
"""


def modules_after(args: list[str], tmp_path: Path) -> tuple[set[str], subprocess.CompletedProcess]:
    dump = tmp_path / "modules.json"
    proc = subprocess.run([sys.executable, "-c", DUMP, *args, str(dump)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    return {m.split(".")[0] for m in json.loads(dump.read_text())}, proc


def test_one_report_tag_to_stdout_imports_nothing_heavy(fixtures, tmp_path):
    loaded, proc = modules_after(["tag", str(fixtures / "mini-2021.txt"), "-o", "-"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout.splitlines()[0])
    assert record["paragraphs"] and all(p["labels"] for p in record["paragraphs"])  # it did classify
    assert "numpy" in loaded and "rjieba" in loaded
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


@pytest.mark.parametrize("args", [["--help"], ["tag", "--help"]])
def test_help_imports_no_model_or_store_library(args, tmp_path):
    loaded, proc = modules_after(args, tmp_path)
    assert proc.returncode == 0 and "Usage" in proc.stdout
    unused = set(HEAVY + ("numpy", "rjieba", "yaml", "cn2an"))
    assert not loaded & unused, sorted(loaded & unused)
