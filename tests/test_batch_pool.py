"""The worker pool: processes forked from a forkserver that has imported the pipeline's modules,
yet each worker sees the main process as it is when its pool starts (environment)."""
from __future__ import annotations

from nlp.batch import tag_corpus
from nlp.batch.runner import pipeline_modules
from nlp.store import open_store
from tests.batch_support import FACTORY, write_reports


def test_the_pool_preloads_the_configured_components():
    modules = pipeline_modules("nlp:default_pipeline", None)
    assert {"nlp.batch.runner", "nlp", "nlp.structure", "nlp.classify", "nlp.facts", "nlp.checks"} <= set(modules)
    assert "nlp.segment" not in modules  # disabled in configs/pipeline.yaml
    assert pipeline_modules(FACTORY, "no-such-config") == ["nlp.batch.runner", "nlp.ingest", "tests.batch_support"]


def test_workers_see_the_environment_of_their_run(tmp_path, monkeypatch):
    write_reports(tmp_path / "c", 6)
    monkeypatch.delenv("GOVREPORT_TEST_WARN", raising=False)
    warnings = {}
    for name in ("before", "after"):  # the second run's workers come from the server the first started
        if name == "after":
            monkeypatch.setenv("GOVREPORT_TEST_WARN", "set between runs")
        seen = warnings[name] = []
        with open_store(tmp_path / f"{name}.jsonl") as store:
            summary = tag_corpus([str(tmp_path / "c")], store, workers=2, pipeline_factory=FACTORY, progress=False,
                                 on_result=lambda item, record, error: seen.append(record["warnings"]))
        assert summary.written == 6
    assert warnings["before"] == [[]] * 6
    assert warnings["after"] == [["set between runs"]] * 6
