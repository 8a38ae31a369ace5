"""The Ray engine (`govreport tag --engine ray`): the same records and stores as the process pool,
failures recorded, a killed driver resumed exactly; stage planning for GPU workers.

One local Ray instance (2 CPUs) serves the in-process tests of this module; the kill-and-resume
test runs `govreport tag` as a subprocess, which starts its own."""
from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nlp.batch.ray_engine import LOST, RayEngineError, RayOptions, StagePlan, plan_stages
from nlp.cli import app
from nlp.store import open_store
from tests.batch_support import FACTORY, write_reports
from tests.test_batch_cli import kill_and_resume

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()
RUN_COLUMNS = {"run_id"}  # differ between any two runs


@pytest.fixture(scope="module")
def local_ray():
    ray = pytest.importorskip("ray")
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), old]))  # workers import tests.*
    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR", log_to_driver=False)
    try:
        yield ray
    finally:
        ray.shutdown()
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old


def tag(*args: object):
    return runner.invoke(app, ["tag", *map(str, args), "--no-progress"])


def tables(path: Path) -> dict[str, list[str]]:
    """Every row of every table but the runs, as sorted JSON, without the run ids."""
    store = open_store(path, mode="r")
    return {table: sorted(json.dumps({k: v for k, v in row.items() if k not in RUN_COLUMNS}, sort_keys=True,
                                     ensure_ascii=False) for row in store.iter_rows(table))
            for table in ("documents", "paragraphs", "facts", "checks", "sources", "failures")}


# --- planning (no Ray needed) ----------------------------------------------------------------
def test_plan_stages_requests_the_resources_asked_for():
    assert plan_stages(16, 0, RayOptions()) == [StagePlan("tag", 16, 16, 1.0)]
    assert plan_stages(16, 0, RayOptions(workers=3)) == [StagePlan("tag", 3, 3, 1.0)]
    assert plan_stages(16, 0, RayOptions(num_cpus=4)) == [StagePlan("tag", 4, 4, 1.0)]
    assert plan_stages(16, 0, RayOptions(), batches=2) == [StagePlan("tag", 2, 2, 1.0)]  # no idle actors
    head, classify, tail = plan_stages(32, 4, RayOptions(gpus_per_worker=0.5))
    assert classify == StagePlan("classify", 1, 8, 0.25, 0.5)  # two classifier actors per GPU
    assert (head.name, head.max_actors, head.num_gpus) == ("head", 31, 0.0)
    assert (tail.name, tail.max_actors, tail.num_gpus) == ("tail", 8, 0.0)
    assert plan_stages(8, 3, RayOptions(gpus_per_worker=1))[1].max_actors == 3
    with pytest.raises(RayEngineError, match="has 0 GPU"):
        plan_stages(8, 0, RayOptions(gpus_per_worker=1))
    # the classify stage without GPUs (how the tests run it): one actor, no GPU requested
    assert plan_stages(2, 0, RayOptions(split_classify=True))[1] == StagePlan("classify", 1, 1, 0.25, 0.0)


def echo_pipeline():
    from nlp.document import Document
    from nlp.pipeline import Pipeline

    class Echo(Pipeline):  # the record's text says what the actor was asked to read
        def process(self, source, name=None):
            return Document(text=repr(source), source=name or "file")

    return Echo()


def test_an_actor_reads_what_the_process_pool_reads():
    import pickle

    from nlp.batch.ray_engine import _Stage

    stage = _Stage("tag", "tests.test_ray:echo_pipeline", None, None)
    batch = {"i": [3, 4], "path": ["a/report.pdf", None], "text": [None, "全文"], "source": ["a/report.pdf", "x.jsonl#7"],
             "attachments": ['["a/annex.xls"]', "[]"]}
    out = stage(batch)
    assert out["i"] == [3, 4] and out["error"] == [None, None]
    grouped, text = (pickle.loads(o) for o in out["out"])
    assert grouped["text"] == repr(["a/report.pdf", "a/annex.xls"])  # --group-by: the report with its attachments
    assert (text["text"], text["source"]) == (repr("全文"), "x.jsonl#7")


def test_ray_options_need_the_ray_engine(tmp_path):
    res = tag(tmp_path, "-o", tmp_path / "o.sqlite", "--address", "auto")
    assert res.exit_code == 1 and "need --engine ray" in res.output
    res = tag(tmp_path, "-o", tmp_path / "o.sqlite", "--engine", "spark")
    assert res.exit_code == 1 and "expected one of process, ray" in res.output


# --- on a local Ray instance -------------------------------------------------------------------
@pytest.mark.corpus
def test_same_stores_as_the_process_pool(corpus, local_ray, tmp_path):
    from nlp.batch import tag_corpus

    seeds = corpus / "seeds"
    for out in ("a.sqlite", "a.parquet"):
        assert tag(seeds, "-o", tmp_path / out, "-j", "1").exit_code == 0
    res = tag(seeds, "-o", tmp_path / "b.sqlite", "--engine", "ray")
    assert res.exit_code == 0, res.output
    assert "5 documents written" in res.output and "on Ray" in res.output
    a = tables(tmp_path / "a.sqlite")
    assert len(a["documents"]) == len(a["sources"]) == 5 and len(a["facts"]) > 100
    assert tables(tmp_path / "b.sqlite") == a

    # Parquet, with classify in actors of its own (the GPU layout, on a CPU here): paragraphs
    # batched across documents, the same labels and scores
    with open_store(tmp_path / "b.parquet") as store:
        summary = tag_corpus([seeds], store, engine="ray", classify_stage=True, progress=False)
    assert summary.written == 5 and summary.timings["classify"] > 0
    a_parquet = tables(tmp_path / "a.parquet")
    assert tables(tmp_path / "b.parquet") == a_parquet and len(a_parquet["facts"]) == len(a["facts"])


def test_failures_are_recorded_and_a_crash_fails_alone(local_ray, tmp_path):
    write_reports(tmp_path / "in", 12)
    (tmp_path / "in" / "bad.txt").write_text("FAIL")
    (tmp_path / "in" / "crash.txt").write_text("CRASH")  # kills its worker process
    out = tmp_path / "o.sqlite"
    first = tag(tmp_path / "in", "-o", out, "--engine", "ray", "--pipeline", FACTORY)
    assert first.exit_code == 0, first.output
    assert "12 documents written, 0 already stored, 0 duplicates, 2 failed; 36 facts" in first.output
    assert "bad.txt: marked as a bad input" in first.output
    assert f"crash.txt: {LOST}" in first.output
    con = sqlite3.connect(out)
    assert con.execute("SELECT count(*) FROM failures").fetchone() == (2,)
    assert con.execute("SELECT count(*), count(DISTINCT source) FROM documents").fetchone() == (12, 12)


def test_a_pipeline_that_cannot_be_built_is_one_error_line(local_ray, tmp_path):
    write_reports(tmp_path / "in", 2)
    res = tag(tmp_path / "in", "-o", tmp_path / "o.sqlite", "--engine", "ray", "--model", tmp_path / "nope.skops")
    assert res.exit_code == 1
    assert res.output.strip().splitlines()[-1] == f"error: ray: {tmp_path / 'nope.skops'}: no such model file or directory"
    assert "Traceback" not in res.output


@pytest.mark.slow
def test_sigkill_the_driver_then_resume_stores_every_document_once(tmp_path):
    pytest.importorskip("ray")
    kill_and_resume(tmp_path, str(tmp_path / "out.parquet"), 2, extra=("--engine", "ray", "--num-cpus", "2"),
                    delay=0.03, start_s=180)
