"""spacy-pkuseg backend. spacy-pkuseg downloads its pretrained models at run time, which is
not possible here, so it runs only from a model directory: one the user supplies, or one
trained on a segmented corpus with :func:`train_pkuseg` (``govreport train-segmenter``)."""
from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path
from typing import Iterable

from ..errors import ConfigError, ModelError
from .base import Segmenter

# The safe model files spacy_pkuseg writes; older pickled formats are refused.
MODEL_FILES = ("features.msgpack", "weights.npz")


def _require_pkuseg():
    try:
        import spacy_pkuseg
    except ImportError:
        raise ModelError("the pkuseg backend needs spacy-pkuseg: pip install 'govreport-nlp[pkuseg]'") from None
    return spacy_pkuseg


def check_model_dir(model: str | os.PathLike | None) -> Path:
    if not model:
        raise ModelError(
            "the pkuseg segmenter needs a model directory (spacy-pkuseg cannot download its models "
            "offline): pass model=DIR / --pkuseg-model DIR, or train one with `govreport train-segmenter`"
        )
    path = Path(model)
    missing = [f for f in MODEL_FILES if not (path / f).is_file()]
    if missing:
        raise ModelError(f"{path}: not a spacy-pkuseg model directory (missing {', '.join(missing)})")
    return path


class PkusegSegmenter(Segmenter):
    name = "pkuseg"

    def __init__(self, model: str | os.PathLike | None = None, user_dict: str | None = None):
        path = check_model_dir(model)
        spacy_pkuseg = _require_pkuseg()
        self.model_dir = path
        try:
            self.seg = spacy_pkuseg.pkuseg(model_name=str(path), user_dict=user_dict)
        except Exception as e:  # the library raises bare Exceptions / KeyErrors on bad files
            raise ModelError(f"{path}: cannot load pkuseg model: {e}") from None

    def cut(self, text: str) -> list[str]:
        return [w for w in self.seg.cut(text) if w.strip()]


def corpus_from_segmenter(texts: Iterable[str], segmenter: Segmenter, out: str | os.PathLike) -> int:
    """Write a pkuseg training corpus (one line of space-separated words per text line) by
    segmenting raw ``texts`` with ``segmenter`` (e.g. domain jieba). Returns lines written."""
    n = 0
    with open(out, "w", encoding="utf-8") as f:
        for text in texts:
            for line in text.splitlines():
                words = segmenter.cut(line)
                if words:
                    f.write(" ".join(words) + "\n")
                    n += 1
    return n


def train_pkuseg(train_file: str | os.PathLike, out_dir: str | os.PathLike, test_file: str | None = None,
                 iterations: int = 10, init_model: str | None = None, verbose: bool = False) -> Path:
    """Train a pkuseg model with spacy_pkuseg's own trainer on a segmented corpus (UTF-8, one
    sentence per line, words separated by spaces). ``test_file`` defaults to the training file."""
    spacy_pkuseg = _require_pkuseg()
    train_file = Path(train_file)
    if not train_file.is_file() or train_file.stat().st_size == 0:
        raise ConfigError(f"{train_file}: segmented training corpus not found or empty")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if init_model:
        check_model_dir(init_model)
    log = io.StringIO()
    quiet = contextlib.nullcontext() if verbose else contextlib.redirect_stdout(log)
    try:
        with quiet:
            spacy_pkuseg.train(str(train_file.resolve()), str(Path(test_file or train_file).resolve()),
                               str(out.resolve()), train_iter=iterations, init_model=init_model)
    except Exception as e:  # the trainer raises bare Exceptions
        raise ModelError(f"pkuseg training failed: {e}") from None
    check_model_dir(out)
    return out
