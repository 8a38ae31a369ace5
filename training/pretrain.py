"""Masked-language-model pretraining of a small character-level BERT from scratch, so the
transformer path (pretrain -> fine-tune -> predict) runs offline with no downloaded weights."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Iterable, Sequence

from nlp.errors import ConfigError

from .hf import training_arguments

MODEL_KEYS = ("hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size")


def chunk_texts(texts: Iterable[str], chunk_chars: int) -> list[str]:
    """Cut texts at line ends into pieces of at most ``chunk_chars`` characters."""
    chunks: list[str] = []
    for text in texts:
        buf = ""
        for line in re.split(r"\n+", text):
            line = line.strip()
            while len(line) > chunk_chars:
                if buf:
                    chunks.append(buf)
                    buf = ""
                chunks.append(line[:chunk_chars])
                line = line[chunk_chars:]
            if len(buf) + len(line) + 1 > chunk_chars and buf:
                chunks.append(buf)
                buf = ""
            buf = f"{buf}\n{line}" if buf else line
        if buf:
            chunks.append(buf)
    return [c for c in chunks if c.strip()]


def pretrain(texts: Sequence[str], out_dir: str | os.PathLike, config: dict) -> dict:
    """Build a char tokenizer from ``texts``, pretrain ``BertForMaskedLM`` on them, and save
    model (safetensors) + tokenizer in ``out_dir``. ``config``: ``model`` (sizes), ``max_length``,
    ``epochs``/``max_steps``, ``batch_size``, ``learning_rate``, ``mlm_probability``, ``seed``,
    ``min_char_freq``. Returns a summary (also written to ``pretrain.json``)."""
    from models.device import placement
    from models.transformer import _quiet

    where = placement(config.get("device", "auto"), config.get("precision", "auto"))  # fail before any work
    _quiet()
    import torch
    from datasets import Dataset
    from transformers import BertConfig, BertForMaskedLM, DataCollatorForLanguageModeling, Trainer, set_seed

    from models.char_tokenizer import build_char_tokenizer

    texts = [t for t in texts if t and t.strip()]
    if not texts:
        raise ConfigError("pretrain: the corpus has no text")
    seed = int(config.get("seed", 0))
    set_seed(seed)
    max_length = int(config.get("max_length", 128))
    out = Path(out_dir)
    tokenizer = build_char_tokenizer(texts, out, min_freq=int(config.get("min_char_freq", 1)),
                                     model_max_length=max_length)
    chunks = chunk_texts(texts, max_length - 2)
    ds = Dataset.from_dict({"text": chunks}).map(
        lambda b: tokenizer(b["text"], truncation=True, max_length=max_length, return_special_tokens_mask=True),
        batched=True, remove_columns=["text"])
    sizes = {k: int(v) for k, v in (config.get("model") or {}).items() if k in MODEL_KEYS}
    bert_config = BertConfig(vocab_size=len(tokenizer), max_position_embeddings=max_length,
                             pad_token_id=tokenizer.pad_token_id, **sizes)
    model = BertForMaskedLM(bert_config)
    collator = DataCollatorForLanguageModeling(tokenizer, mlm_probability=float(config.get("mlm_probability", 0.15)),
                                               seed=seed)
    args = training_arguments(seed, float(config.get("epochs", 1)), int(config.get("batch_size", 16)),
                              float(config.get("learning_rate", 5e-4)), max_steps=int(config.get("max_steps", -1)),
                              logging_steps=int(config.get("logging_steps", 0)),
                              placement=where)
    trainer = Trainer(model=model, args=args, train_dataset=ds, data_collator=collator)
    result = trainer.train()
    model.save_pretrained(str(out), safe_serialization=True)
    tokenizer.save_pretrained(str(out))
    summary = {"chunks": len(chunks), "characters": sum(len(t) for t in texts), "vocab_size": len(tokenizer),
               "parameters": sum(p.numel() for p in model.parameters()), "steps": result.global_step,
               "train_loss": round(float(result.training_loss), 4), "config": config,
               "torch_threads": torch.get_num_threads(), "device": str(args.device),
               "precision": "bf16" if args.bf16 else "fp16" if args.fp16 else "fp32"}
    (out / "pretrain.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    return summary


def corpus_texts(cfg: dict, extra: Sequence[str] = ()) -> list[str]:
    """Report texts for pretraining: ``corpus`` globs (``{corpus}`` = the shared corpus; skipped
    when absent) and extra paths, read with the ingest reader; plus annotation texts."""
    import glob

    from nlp.config import corpus_dir

    from .annotations import read_jsonl
    from .data_utils import resolve

    base = corpus_dir()
    patterns = []
    for p in list(cfg.get("corpus") or []) + list(extra):
        if "{corpus}" in p:
            if base is None:
                continue
            p = p.replace("{corpus}", str(base))
        patterns.append(str(resolve(p)) if not any(ch in p for ch in "*?[") else p)
    files = sorted({f for p in patterns for f in glob.glob(p, recursive=True) if Path(f).is_file()})
    texts = [read_text(f) for f in files]
    if cfg.get("include_annotations"):
        path = resolve(cfg["include_annotations"])
        if path.is_file():
            texts += [a.text for a in read_jsonl(path)]
    return [t for t in texts if t]


def read_text(path: str) -> str:
    from nlp.errors import GovReportError

    try:
        from nlp.ingest import read

        return read(path).text
    except ImportError:  # the reader is not available: plain text files only
        return Path(path).read_text(encoding="utf-8", errors="replace") if path.endswith(".txt") else ""
    except GovReportError:
        return ""
