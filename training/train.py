"""Train a paragraph classifier from a config (``configs/train_baseline.yaml``,
``configs/train_transformer.yaml``): data paths, labels, hyper-parameters, seed, output."""
from __future__ import annotations

import glob
import os
import re
from pathlib import Path
from typing import Any

from nlp.config import load_config
from nlp.errors import ConfigError

from .annotations import Annotation
from .data_utils import gold, label_names, load_split, resolve, select, sentence_examples

KINDS = ("baseline", "transformer")


def read_config(config: str | dict, device: str | None = None) -> dict[str, Any]:
    """A training config; ``device`` (auto/cpu/cuda/mps) overrides a transformer's ``model.device``."""
    cfg = dict(load_config(config) if isinstance(config, str) else config)
    if cfg.get("kind") not in KINDS:
        raise ConfigError(f"training config: kind must be one of {', '.join(KINDS)}, not {cfg.get('kind')!r}")
    if device and cfg["kind"] == "transformer":
        cfg["model"] = {**(cfg.get("model") or {}), "device": device}
    return cfg


_ENV = re.compile(r"\$\{(\w+)(?::-([^}]*))?\}|\$(\w+)")


def expand(value: str) -> str:
    """``$VAR``, ``${VAR}`` and ``${VAR:-default}`` in a config path."""
    def sub(m: re.Match) -> str:
        name = m.group(1) or m.group(3)
        default = m.group(2) if m.group(2) is not None else ""
        return os.environ.get(name) or default

    return _ENV.sub(sub, value)


def report_files(paths: list[str]) -> list[Path]:
    return sorted({Path(f) for p in paths for f in glob.glob(str(resolve(expand(p))), recursive=True)
                   if Path(f).is_file()})


def parse_reports(paths: list[str]) -> list:
    """Parse report files with the structure parser only (no classifier)."""
    from nlp.pipeline import Pipeline

    pipe = Pipeline.from_config("pipeline", classify={"enabled": False}, segment={"enabled": False})
    return [pipe.process(f) for f in report_files(paths)]


def silver(cfg: dict, exclude_sources: set[str]) -> list[Annotation]:
    """Weak labels over ``data.silver`` report files (globs), skipping gold documents and, with
    ``data.exclude_devset``, pages that are copies of dev-set reports (training/pool.py)."""
    data = cfg.get("data") or {}
    paths = data.get("silver") or []
    if isinstance(paths, str):
        paths = [paths]
    if not paths:
        return []
    from models.context import paragraph_context

    from .pool import filter_pages
    from .weak import WeakLabeller

    labeller = WeakLabeller(data.get("weak_labels", "weak_labels"))
    gold_names = {Path(s).name for s in exclude_sources}
    files = [f for f in report_files(paths) if f.name not in gold_names]
    files, _ = filter_pages(files, expand(str(data["exclude_devset"])) if data.get("exclude_devset") else None)
    docs = parse_reports([str(f) for f in files])
    return [Annotation(doc.source, p.text, labels, doc.doc_id, p.id, context=paragraph_context(doc, p))
            for doc, p, labels in labeller.label_documents(docs) if labels]


def devset_gold(cfg: dict) -> list[Annotation]:
    """Gold paragraphs of a dev set you keep (``data.devset_gold: {root, ids}``;
    training/devset_gold.py); nothing when the root is unset (``${VAR}`` of an unset variable)."""
    spec = (cfg.get("data") or {}).get("devset_gold")
    root = expand(str((spec or {}).get("root") or ""))
    if not root:
        return []
    if not (Path(root) / "reports").is_dir():
        raise ConfigError(f"training config: data.devset_gold.root {root}: no reports/ folder")
    from .devset_gold import devset_annotations

    return devset_annotations(root, spec.get("ids", "all"))


def build_model(cfg: dict, labels: list[str]):
    params = dict(cfg.get("model") or {})
    seed = int(cfg.get("seed", 0))
    if cfg["kind"] == "baseline":
        from models.baseline import BaselineClassifier

        return BaselineClassifier(labels, seed=seed, **params)
    from models.transformer import TransformerClassifier

    checkpoint = params.pop("checkpoint", None)
    if not checkpoint:
        raise ConfigError("transformer config: model.checkpoint (a local checkpoint directory) is required")
    return TransformerClassifier(labels, resolve(checkpoint), seed=seed, **params)


def fit(cfg: dict, train: list[Annotation], dev: list[Annotation] | None = None):
    """Fit the configured model kind on annotation records."""
    labels = label_names(cfg.get("labels", "labels"))
    model = build_model(cfg, labels)
    texts, ys = [a.text for a in train], [a.labels for a in train]
    if cfg["kind"] == "baseline":
        sent_texts, sent_labels = sentence_examples(train)
        return model.fit(texts, ys, sent_texts or None, sent_labels or None, contexts=[a.context or "" for a in train])
    return model.fit(texts, ys, [a.text for a in dev] if dev else None, [a.labels for a in dev] if dev else None)


def train(config: str | dict, output: str | None = None, device: str | None = None,
          silver_paths: list[str] | None = None) -> tuple[Any, Path, dict]:
    """Train from ``config`` and save to ``output`` (default: the config's ``output``);
    ``silver_paths`` replaces the config's ``data.silver`` globs. Returns (model, saved path, summary)."""
    cfg = read_config(config, device)
    if silver_paths is not None:
        cfg["data"] = {**(cfg.get("data") or {}), "silver": list(silver_paths)}
    data = cfg.get("data") or {}
    annotations = gold(cfg)
    split = load_split(data.get("split"))
    part = data.get("train_on", "train")
    train_set = select(annotations, split, part)
    dev_set = select(annotations, split, "dev") if part == "train" else []
    dev_gold = devset_gold(cfg)
    weak = silver(cfg, {a.source for a in annotations})
    model = fit(cfg, train_set + dev_gold + weak, dev_set)
    out = output or cfg.get("output")
    if not out:
        raise ConfigError("training config: output is required (or pass --output)")
    path = model.save(resolve(out) if not Path(out).is_absolute() and output is None else Path(out))
    placement = getattr(model, "placement", None)
    summary = {"kind": cfg["kind"], "gold_train": len(train_set), "silver": len(weak), "devset_gold": len(dev_gold),
               "dev": len(dev_set),
               "output": str(path), "device": f"{placement.device} {placement.precision}" if placement else "cpu"}
    # the baseline also keeps its scikit-learn estimator (.skops) beside the fast .npz tag loads
    estimator = cfg.get("estimator_output") if output is None else None
    if estimator:
        summary["estimator"] = str(model.save(resolve(estimator)))
    return model, Path(path), summary
