"""User dictionaries in jieba's format (``word [freq] [tag]`` per line), shared by the backends."""
from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Iterator

from ..errors import ConfigError

DEFAULT_DICTIONARIES = ("domain_dict.txt",)
# jieba's own line syntax (jieba.Tokenizer.load_userdict)
_ENTRY = re.compile(r"^(.+?)( [0-9]+)?( [a-z]+)?$")


def dictionary_path(name: str) -> Path:
    """A user dictionary: an existing path, or a file bundled in ``configs/dictionaries``."""
    p = Path(name)
    if p.is_file():
        return p
    bundled = Path(str(resources.files("configs"))) / "dictionaries" / p.name
    if bundled.is_file():
        return bundled
    raise ConfigError(f"{name}: no such segmentation dictionary")


def read_entries(name: str) -> Iterator[tuple[str, int | None, str | None]]:
    """(word, frequency or None, part-of-speech tag or None) for each entry of a user dictionary."""
    path = dictionary_path(name)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot read segmentation dictionary ({e})") from None
    for line in lines:
        line = line.strip()
        if not line:
            continue
        word, freq, tag = _ENTRY.match(line).groups()
        yield word.strip(), int(freq) if freq else None, tag.strip() if tag else None
