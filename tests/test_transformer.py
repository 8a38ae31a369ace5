"""The whole transformer path on a toy configuration: pretrain -> fine-tune -> save -> load -> predict."""
import os
from pathlib import Path

import numpy as np
import pytest

os.environ["HF_HUB_OFFLINE"] = "1"

from nlp.config import load_config
from nlp.errors import ModelError
from training.annotations import read_jsonl
from training.data_utils import label_names

FIXTURE = Path(__file__).parent / "fixtures" / "classify_train.jsonl"


@pytest.fixture(scope="module")
def tiny_checkpoint(tmp_path_factory):
    from training.pretrain import pretrain

    texts = [a.text for a in read_jsonl(FIXTURE)] * 3
    out = tmp_path_factory.mktemp("pretrain")
    summary = pretrain(texts, out, load_config("pretrain_tiny"))
    assert summary["steps"] == 4 and summary["vocab_size"] > 100
    return out


def test_pretrain_writes_a_safetensors_checkpoint(tiny_checkpoint):
    assert (tiny_checkpoint / "model.safetensors").is_file()
    assert (tiny_checkpoint / "tokenizer.json").is_file()
    assert not list(tiny_checkpoint.glob("*.bin"))


def test_finetune_save_load_predict(tiny_checkpoint, tmp_path):
    from models.transformer import TransformerClassifier

    records = read_jsonl(FIXTURE)
    texts, labels = [a.text for a in records], [a.labels for a in records]
    clf = TransformerClassifier(label_names(), tiny_checkpoint, max_length=64, epochs=1, batch_size=8)
    clf.tune = True
    clf.fit(texts, labels, texts[:13], labels[:13])
    out = clf.save(tmp_path / "model")
    assert (out / "model.safetensors").is_file() and (out / "govreport.json").is_file()
    loaded = TransformerClassifier.load(out)
    assert loaded.labels == label_names() and loaded.thresholds == clf.thresholds
    P1, P2 = clf.predict_proba(texts[:4]), loaded.predict_proba(texts[:4])
    assert P1.shape == (4, 13) and np.allclose(P1, P2, atol=1e-5)
    assert all(labs for labs in loaded.predict(texts[:4]))


def test_train_command_config_runs_the_transformer(tiny_checkpoint, tmp_path):
    from training.train import train

    cfg = dict(load_config("train_transformer_tiny"))
    cfg["data"] = {"annotations": str(FIXTURE)}
    cfg["model"] = {**cfg["model"], "checkpoint": str(tiny_checkpoint)}
    model, path, summary = train(cfg, str(tmp_path / "ft"))
    assert summary["gold_train"] == 26 and (path / "model.safetensors").is_file()


def test_missing_checkpoint_is_a_clear_error(tmp_path):
    from models.transformer import TransformerClassifier

    with pytest.raises(ModelError, match="config.json"):
        TransformerClassifier(["a"], tmp_path).fit(["x"], [["a"]])
    with pytest.raises(ModelError, match="govreport.json"):
        TransformerClassifier.load(tmp_path)


def test_tag_command_uses_a_transformer_model_dir(tiny_checkpoint, tmp_path, fixtures):
    """`govreport tag --model DIR` labels every paragraph with the fine-tuned transformer."""
    import json

    from typer.testing import CliRunner

    from models.transformer import TransformerClassifier
    from nlp.cli import app

    records = read_jsonl(FIXTURE)
    clf = TransformerClassifier(label_names(), tiny_checkpoint, max_length=64, epochs=1, batch_size=8)
    clf.fit([a.text for a in records], [a.labels for a in records])
    model_dir = clf.save(tmp_path / "model")
    out = tmp_path / "tagged.jsonl"
    result = CliRunner().invoke(app, ["tag", str(fixtures / "mini-2021.txt"), "--model", str(model_dir),
                                      "-o", str(out), "-j", "1", "--no-progress"])
    assert result.exit_code == 0, result.output
    record = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    # the scores are this transformer's probabilities after the genre priors, not the shipped baseline's
    from models.context import paragraph_context
    from nlp.classify import label_probabilities, load_priors
    from nlp.pipeline import Pipeline

    doc = Pipeline.from_config("pipeline", classify={"enabled": False}).process(fixtures / "mini-2021.txt")
    first = next(p for p in doc.paragraphs if p.text.strip())
    assert first.text == record["paragraphs"][0]["text"]
    P, _ = label_probabilities(clf, [first.text], [paragraph_context(doc, first)], load_priors("label_priors", clf.labels))
    expected = {round(float(p), 4) for p in P[0]}
    got = {round(v, 4) for v in record["paragraphs"][0]["scores"].values()}
    assert got == expected
    assert all(p["labels"] for p in record["paragraphs"])


@pytest.fixture(scope="module")
def tiny_model_dir(tiny_checkpoint, tmp_path_factory):
    from models.transformer import TransformerClassifier

    records = read_jsonl(FIXTURE)
    clf = TransformerClassifier(label_names(), tiny_checkpoint, max_length=64, epochs=1, batch_size=8)
    clf.fit([a.text for a in records], [a.labels for a in records])
    return clf.save(tmp_path_factory.mktemp("model") / "model")


@pytest.mark.slow
def test_workers_on_a_gpu_share_one_model_in_the_main_process(tiny_model_dir, tmp_path, fixtures, monkeypatch):
    """With a transformer on an accelerator, `--workers 2` loads the model once (here) and the
    workers run the other components: the records equal a one-worker run's. The GPU is faked:
    device "auto" resolves to CUDA, while the model itself is placed on the CPU."""
    import json
    import shutil

    import models.device as device
    from nlp.batch import tag_corpus
    from nlp.batch import gpu
    from nlp.store import open_store

    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(3):
        shutil.copy(fixtures / "mini-2021.txt", inputs / f"r{i}.txt")
        with open(inputs / f"r{i}.txt", "a", encoding="utf-8") as f:
            f.write(f"\n附:本报告第{i + 1}份副本。\n")
    overrides = {"classify": {"model": str(tiny_model_dir)}}

    def run(out, workers):
        store = open_store(str(out))
        try:
            summary = tag_corpus([inputs], store, workers=workers, pipeline_overrides=overrides, progress=False)
        finally:
            store.close()
        return summary, {r["doc_id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}

    _, one = run(tmp_path / "one.jsonl", 1)
    loaded = []
    real_init = gpu.RecordClassifier.__init__
    monkeypatch.setattr(device, "resolve_device", lambda d="auto": "cuda")
    monkeypatch.setattr(device, "placement", lambda d="auto", p="auto": device.Placement("cpu", "fp32"))
    monkeypatch.setattr(gpu.RecordClassifier, "__init__",
                        lambda self, *a, **k: (loaded.append(a), real_init(self, *a, **k))[1])
    summary, two = run(tmp_path / "two.jsonl", 2)
    assert len(loaded) == 1 and summary.workers == 2 and summary.written == 3
    assert summary.timings["classify"] > 0  # labelled here, not in the workers
    assert two.keys() == one.keys()
    for doc_id, record in one.items():
        assert [(p["labels"], p["scores"]) for p in two[doc_id]["paragraphs"]] == \
               [(p["labels"], p["scores"]) for p in record["paragraphs"]]
        assert two[doc_id]["facts"] == record["facts"]


def test_no_main_process_classifier_on_the_cpu(tiny_model_dir):
    from nlp.batch.gpu import main_process_classifier

    overrides = {"classify": {"model": str(tiny_model_dir), "device": "cpu"}}
    assert main_process_classifier(2, None, overrides) is None
    assert main_process_classifier(1, None, {"classify": {"model": str(tiny_model_dir)}}) is None
    assert main_process_classifier(2, None, None) is None  # the shipped baseline
