"""Small helpers shared by MLM pretraining and fine-tuning with Hugging Face Trainer."""
from __future__ import annotations

import os
import tempfile


def offline() -> None:
    """Never reach the Hub: every checkpoint here is a local directory."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def training_arguments(seed: int, epochs: float, batch_size: int, learning_rate: float,
                       weight_decay: float = 0.01, max_steps: int = -1, warmup_ratio: float = 0.06,
                       output_dir: str | None = None, logging_steps: int = 0, placement=None):
    """Trainer arguments; ``placement`` (models.device.Placement, default: the CPU in fp32) decides
    where Trainer puts the model and batches and whether it trains in bf16/fp16."""
    from transformers import TrainingArguments

    from models.device import Placement

    placement = placement or Placement("cpu", "fp32")
    if placement.kind == "cuda" and ":" in placement.device:
        from nlp.errors import ModelError

        raise ModelError(f"training on {placement.device}: Trainer uses every visible GPU; pick one with "
                         "CUDA_VISIBLE_DEVICES=N and --device cuda")

    return TrainingArguments(
        output_dir=output_dir or tempfile.mkdtemp(prefix="govreport-trainer-"),
        num_train_epochs=epochs, max_steps=max_steps, per_device_train_batch_size=batch_size,
        per_device_eval_batch_size=batch_size, learning_rate=learning_rate, weight_decay=weight_decay,
        warmup_steps=warmup_ratio, seed=seed, data_seed=seed, save_strategy="no", eval_strategy="no",
        report_to="none", logging_strategy="steps" if logging_steps else "no", logging_steps=logging_steps or 500,
        use_cpu=placement.kind == "cpu", bf16=placement.precision == "bf16", fp16=placement.precision == "fp16",
        dataloader_num_workers=0, dataloader_pin_memory=placement.kind == "cuda",
        disable_tqdm=True,
    )
