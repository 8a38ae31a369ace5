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
                       output_dir: str | None = None, logging_steps: int = 0):
    from transformers import TrainingArguments

    return TrainingArguments(
        output_dir=output_dir or tempfile.mkdtemp(prefix="govreport-trainer-"),
        num_train_epochs=epochs, max_steps=max_steps, per_device_train_batch_size=batch_size,
        per_device_eval_batch_size=batch_size, learning_rate=learning_rate, weight_decay=weight_decay,
        warmup_steps=warmup_ratio, seed=seed, data_seed=seed, save_strategy="no", eval_strategy="no",
        report_to="none", logging_strategy="steps" if logging_steps else "no", logging_steps=logging_steps or 500,
        use_cpu=True, dataloader_num_workers=0,
        disable_tqdm=True,
    )
