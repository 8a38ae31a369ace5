"""Device choice for the transformer path (issue 14). No GPU here: CUDA and MPS are faked by
patching torch's availability checks, and Trainer's arguments are recorded, not built."""
import subprocess
import sys

import pytest

torch = pytest.importorskip("torch")

from models.device import Placement, placement, resolve_device, resolve_precision  # noqa: E402
from nlp.errors import ModelError  # noqa: E402


@pytest.fixture
def fake_cuda(monkeypatch):
    def install(available=True, count=1, bf16=True):
        monkeypatch.setattr(torch.cuda, "is_available", lambda: available)
        monkeypatch.setattr(torch.cuda, "device_count", lambda: count if available else 0)
        monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: bf16)
    return install


@pytest.fixture
def fake_mps(monkeypatch):
    def install(available=True):
        monkeypatch.setattr(torch.backends.mps, "is_available", lambda: available)
    return install


def test_auto_prefers_cuda_then_mps_then_cpu(fake_cuda, fake_mps):
    fake_cuda(True)
    fake_mps(True)
    assert resolve_device("auto") == "cuda"
    fake_cuda(False)
    assert resolve_device("auto") == "mps"
    fake_mps(False)
    assert resolve_device("auto") == resolve_device(None) == "cpu"


def test_explicit_devices(fake_cuda, fake_mps):
    fake_cuda(True, count=2)
    fake_mps(False)
    assert resolve_device("CUDA") == "cuda"
    assert resolve_device("cuda:1") == "cuda:1"
    assert resolve_device("cpu") == "cpu"
    with pytest.raises(ModelError, match="only 2 CUDA device"):
        resolve_device("cuda:2")
    with pytest.raises(ModelError, match="MPS is not available"):
        resolve_device("mps")
    for bad in ("gpu", "cuda:x", "cpu:0", "tpu"):
        with pytest.raises(ModelError, match="expected one of"):
            resolve_device(bad)


def test_asking_for_a_missing_gpu_is_an_error_not_a_fallback(fake_cuda):
    fake_cuda(False)
    with pytest.raises(ModelError, match="CUDA is not available"):
        resolve_device("cuda")


def test_precision_follows_the_device(fake_cuda):
    fake_cuda(True, bf16=True)
    assert resolve_precision("cuda") == "bf16"
    fake_cuda(True, bf16=False)
    assert resolve_precision("cuda:0") == "fp16"
    assert resolve_precision("cuda", "fp32") == "fp32"
    assert resolve_precision("cpu") == resolve_precision("mps") == "fp32"
    with pytest.raises(ModelError, match="needs a CUDA device"):
        resolve_precision("cpu", "bf16")
    with pytest.raises(ModelError, match="expected one of"):
        resolve_precision("cpu", "int8")
    assert placement("cpu") == Placement("cpu", "fp32")
    assert Placement("cuda", "bf16").autocast_dtype() is torch.bfloat16
    assert Placement("cpu", "fp32").autocast_dtype() is None


@pytest.fixture
def recorded_training_arguments(monkeypatch):
    import transformers

    seen = {}

    def record(**kwargs):
        seen.update(kwargs)
        return kwargs

    monkeypatch.setattr(transformers, "TrainingArguments", record)
    return seen


def test_trainer_arguments_on_a_fake_gpu(recorded_training_arguments):
    from training.hf import training_arguments

    training_arguments(0, 1, 8, 1e-3, placement=Placement("cuda", "bf16"))
    assert recorded_training_arguments["use_cpu"] is False
    assert recorded_training_arguments["bf16"] is True and recorded_training_arguments["fp16"] is False
    assert recorded_training_arguments["dataloader_pin_memory"] is True
    training_arguments(0, 1, 8, 1e-3, placement=Placement("cuda", "fp16"))
    assert recorded_training_arguments["fp16"] is True and recorded_training_arguments["bf16"] is False


def test_trainer_arguments_on_the_cpu_are_unchanged(recorded_training_arguments):
    from training.hf import training_arguments

    training_arguments(0, 1, 8, 1e-3)
    assert recorded_training_arguments["use_cpu"] is True
    assert not recorded_training_arguments["bf16"] and not recorded_training_arguments["fp16"]


def test_training_on_one_gpu_of_several_says_how(recorded_training_arguments):
    from training.hf import training_arguments

    with pytest.raises(ModelError, match="CUDA_VISIBLE_DEVICES"):
        training_arguments(0, 1, 8, 1e-3, placement=Placement("cuda:1", "bf16"))


def test_train_config_device_override():
    from training.train import read_config

    cfg = read_config("train_transformer_tiny", device="cuda")
    assert cfg["model"]["device"] == "cuda"
    assert "device" not in (read_config("train_baseline", device="cuda").get("model") or {})


class _RecordingModel(torch.nn.Module):
    """Stands in for a sequence classifier: records the device of every input batch."""

    def __init__(self, n_labels):
        super().__init__()
        self.linear = torch.nn.Linear(1, n_labels)
        self.seen = []

    def forward(self, input_ids, attention_mask=None, **_):
        self.seen.append((input_ids.device, input_ids.shape[0]))
        x = attention_mask.sum(dim=1, keepdim=True).float()
        return type("Out", (), {"logits": self.linear(x)})()

    @property
    def device(self):
        return self.linear.weight.device


def test_predict_moves_inputs_to_the_model_and_keeps_text_order():
    from transformers import BertTokenizerFast

    from models.char_tokenizer import build_char_tokenizer
    from models.transformer import TransformerClassifier

    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        tok = build_char_tokenizer(["一二三四五六七八九十"], tmp, model_max_length=16)
    clf = TransformerClassifier(["a", "b"], max_length=16)
    clf.tokenizer, clf.model, clf.placement = tok, _RecordingModel(2), placement("cpu")
    texts = ["一二三四五", "一", "一二三", "一二三四五六七八九十"]
    P = clf.predict_proba(texts, batch_size=2)
    assert all(dev == clf.model.device for dev, _ in clf.model.seen)
    # batches are formed by length, but rows come back in the caller's order
    expected = torch.sigmoid(clf.model.linear(torch.tensor([[len(t) + 2.0] for t in texts]))).detach().numpy()
    assert P == pytest.approx(expected, abs=1e-6)
    assert isinstance(tok, BertTokenizerFast)


def test_cli_refuses_a_missing_gpu_with_one_line(tmp_path):
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    r = subprocess.run([sys.executable, "-m", "nlp.cli", "pretrain", "--config", "pretrain_tiny",
                        "--device", "cuda", "-o", str(tmp_path / "m")], capture_output=True, text=True)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert "CUDA is not available" in r.stderr
