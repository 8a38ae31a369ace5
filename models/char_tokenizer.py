"""A character-level BERT tokenizer built from a corpus, so pretraining needs no download.

Chinese characters are split one by one by BERT's basic tokenizer; for runs of digits and
Latin letters the vocabulary also holds ``##c`` continuation pieces, so ``2022`` becomes
``2 ##0 ##2 ##2`` instead of ``[UNK]``."""
from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Iterable

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def _is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x2FA1F


def build_vocab(texts: Iterable[str], min_freq: int = 1, max_size: int | None = None) -> list[str]:
    counts = Counter(ch for t in texts for ch in t.lower() if not ch.isspace())
    chars = [c for c, n in counts.most_common() if n >= min_freq]
    if max_size:
        chars = chars[: max(0, max_size - len(SPECIAL_TOKENS))]
    vocab = SPECIAL_TOKENS + sorted(chars)
    vocab += sorted("##" + c for c in chars if not _is_cjk(c))
    return vocab


def build_char_tokenizer(texts: Iterable[str], out_dir: str | os.PathLike, min_freq: int = 1,
                         max_size: int | None = None, model_max_length: int = 512):
    """Build a ``BertTokenizerFast`` over the corpus characters and save it in ``out_dir``."""
    from transformers import BertTokenizerFast

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    vocab = {tok: i for i, tok in enumerate(build_vocab(texts, min_freq, max_size))}
    tokenizer = BertTokenizerFast(vocab=vocab, do_lower_case=True, tokenize_chinese_chars=True,
                                  model_max_length=model_max_length)
    tokenizer.save_pretrained(str(out))
    return tokenizer
