"""Fine-tune any local Hugging Face checkpoint directory for multi-label paragraph
classification (Trainer + datasets), save with safetensors, load for inference."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Sequence

import numpy as np

from nlp.errors import ModelError

FORMAT = "govreport-transformer/1"
META_FILE = "govreport.json"


def _quiet():
    from training.hf import offline

    offline()
    import datasets
    import transformers

    datasets.disable_progress_bars()
    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()


def _check_checkpoint(path: Path) -> None:
    if not (path / "config.json").is_file():
        raise ModelError(f"{path}: not a Hugging Face checkpoint directory (no config.json); "
                         "build one offline with `govreport pretrain`")
    if not (path / "model.safetensors").is_file() and not list(path.glob("model-*.safetensors")):
        raise ModelError(f"{path}: no safetensors weights (model.safetensors); only safetensors checkpoints are loaded")


def _weighted_trainer(pos_weight):
    import torch
    from transformers import Trainer

    class WeightedTrainer(Trainer):
        """BCE with per-label positive weights: rare labels are not drowned out."""

        def compute_loss(self, model, inputs, return_outputs=False, **kwargs):
            labels = inputs.pop("labels")
            outputs = model(**inputs)
            loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight.to(outputs.logits.device))
            loss = loss_fn(outputs.logits, labels.to(outputs.logits.dtype))
            return (loss, outputs) if return_outputs else loss

    return WeightedTrainer


class TransformerClassifier:
    def __init__(self, labels: Sequence[str], checkpoint: str | os.PathLike | None = None, max_length: int = 256,
                 epochs: float = 10, batch_size: int = 16, learning_rate: float = 5e-4, weight_decay: float = 0.01,
                 max_pos_weight: float = 10.0, tune_thresholds: bool = False, seed: int = 0,
                 device: str = "auto", precision: str = "auto"):
        self.labels = list(labels)
        # where it runs is a property of the machine, not of the model: not saved with it
        self.device, self.precision = device, precision
        self.placement = None  # resolved when the model is trained or loaded
        self.checkpoint = Path(checkpoint) if checkpoint else None
        self.max_length = int(max_length)
        self.hparams = dict(epochs=float(epochs), batch_size=int(batch_size), learning_rate=float(learning_rate),
                            weight_decay=float(weight_decay), max_pos_weight=float(max_pos_weight), seed=int(seed))
        # thresholds stay 0.5 (the loss is class-weighted) unless tuned on held-out paragraphs;
        # never report scores on the paragraphs they were tuned on
        self.tune = bool(tune_thresholds)
        self.thresholds = [0.5] * len(self.labels)
        self.model = None
        self.tokenizer = None

    # --- training --------------------------------------------------------------------
    def fit(self, texts: Sequence[str], labels: Sequence[Sequence[str]],
            dev_texts: Sequence[str] | None = None, dev_labels: Sequence[Sequence[str]] | None = None
            ) -> "TransformerClassifier":
        if self.checkpoint is None:
            raise ModelError("transformer: no checkpoint directory given")
        _check_checkpoint(self.checkpoint)
        _quiet()
        import torch
        from datasets import Dataset
        from transformers import AutoModelForSequenceClassification, AutoTokenizer, DataCollatorWithPadding, set_seed

        from training.hf import training_arguments
        from .baseline import _indicator
        from .device import placement

        hp = self.hparams
        self.placement = placement(self.device, self.precision)
        set_seed(hp["seed"])
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(self.checkpoint), local_files_only=True)
            self.model = AutoModelForSequenceClassification.from_pretrained(
                str(self.checkpoint), local_files_only=True, use_safetensors=True, num_labels=len(self.labels),
                problem_type="multi_label_classification",
                id2label=dict(enumerate(self.labels)), label2id={l: i for i, l in enumerate(self.labels)})
        except (OSError, ValueError) as e:
            raise ModelError(f"{self.checkpoint}: cannot load checkpoint: {e}") from None
        # never feed more positions than the checkpoint has
        self.max_length = min(self.max_length, int(getattr(self.model.config, "max_position_embeddings", self.max_length)))
        Y = _indicator(labels, self.labels).astype(np.float32)
        pos = Y.sum(axis=0)
        pos_weight = torch.tensor(np.clip((len(Y) - pos) / np.maximum(pos, 1), 1.0, hp["max_pos_weight"]),
                                  dtype=torch.float32)
        ds = Dataset.from_dict({"text": list(texts), "labels": Y.tolist()}).map(
            lambda b: self.tokenizer(b["text"], truncation=True, max_length=self.max_length),
            batched=True, remove_columns=["text"])
        args = training_arguments(hp["seed"], hp["epochs"], hp["batch_size"], hp["learning_rate"], hp["weight_decay"],
                                  placement=self.placement)
        trainer = _weighted_trainer(pos_weight)(model=self.model, args=args, train_dataset=ds,
                                                data_collator=DataCollatorWithPadding(self.tokenizer))
        self.train_result = trainer.train()
        self.model.eval()
        if dev_texts and self.tune:
            self.tune_thresholds(dev_texts, dev_labels)
        return self

    def tune_thresholds(self, texts: Sequence[str], labels: Sequence[Sequence[str]]) -> list[float]:
        """Per-label thresholds maximising F1 on held-out paragraphs (0.5 where a label is absent)."""
        from .baseline import _indicator

        P, Y = self.predict_proba(texts), _indicator(labels, self.labels)
        for j in range(len(self.labels)):
            if Y[:, j].sum() == 0:
                continue
            best = max(((2 * ((P[:, j] >= t) & (Y[:, j] == 1)).sum() / ((P[:, j] >= t).sum() + Y[:, j].sum()), -abs(t - 0.5), t)
                        for t in np.arange(0.1, 0.91, 0.05)))
            self.thresholds[j] = round(float(best[2]), 2)
        return self.thresholds

    # --- inference -------------------------------------------------------------------
    def predict_proba(self, texts: Sequence[str], batch_size: int | None = None) -> np.ndarray:
        """Label probabilities, on the device the model is on (inputs follow the model; batches
        are formed from texts of similar length so little padding is computed)."""
        if self.model is None:
            raise ModelError("transformer: model is not trained or loaded")
        import contextlib

        import torch

        device = self.model.device
        batch_size = batch_size or (128 if device.type == "cuda" else 32)
        dtype = self.placement.autocast_dtype() if self.placement else None
        amp = torch.autocast(device.type, dtype=dtype) if dtype is not None else contextlib.nullcontext()
        order = np.argsort([len(t) for t in texts], kind="stable")
        out = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        with torch.inference_mode(), amp:
            for i in range(0, len(texts), batch_size):
                idx = order[i:i + batch_size]
                enc = self.tokenizer([texts[j] for j in idx], truncation=True, max_length=self.max_length,
                                     padding=True, return_tensors="pt").to(device)
                out[idx] = torch.sigmoid(self.model(**enc).logits).float().cpu().numpy()
        return out

    def predict(self, texts: Sequence[str]) -> list[list[str]]:
        from .decision import decide

        return decide(self.predict_proba(texts), self.labels, self.thresholds, at_least_one=True)

    # --- persistence -----------------------------------------------------------------
    def save(self, out_dir: str | os.PathLike) -> Path:
        if self.model is None:
            raise ModelError("transformer: nothing to save (not trained)")
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        self.model.save_pretrained(str(out), safe_serialization=True)
        self.tokenizer.save_pretrained(str(out))
        meta = {"format": FORMAT, "labels": self.labels, "thresholds": self.thresholds,
                "max_length": self.max_length, "hparams": self.hparams,
                "base_checkpoint": str(self.checkpoint) if self.checkpoint else None}
        (out / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
        return out

    @classmethod
    def load(cls, model_dir: str | os.PathLike, device: str = "auto", precision: str = "auto") -> "TransformerClassifier":
        """Load a saved model onto ``device`` (``auto``: CUDA, then MPS, then the CPU)."""
        from .device import placement

        path = Path(model_dir)
        meta_file = path / META_FILE
        if not meta_file.is_file():
            raise ModelError(f"{path}: not a govreport transformer model directory (no {META_FILE}); "
                             "train one with `govreport train --config configs/train_transformer.yaml`")
        _check_checkpoint(path)
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            raise ModelError(f"{meta_file}: not valid JSON: {e}") from None
        if meta.get("format") != FORMAT:
            raise ModelError(f"{meta_file}: not a {FORMAT} model")
        _quiet()
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        clf = cls(meta["labels"], None, meta.get("max_length", 256), device=device, precision=precision)
        clf.placement = placement(device, precision)
        clf.thresholds = [float(t) for t in meta["thresholds"]]
        try:
            clf.tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
            clf.model = AutoModelForSequenceClassification.from_pretrained(str(path), local_files_only=True,
                                                                           use_safetensors=True)
        except (OSError, ValueError) as e:
            raise ModelError(f"{path}: cannot load model: {e}") from None
        clf.model.to(clf.placement.device).eval()
        return clf
