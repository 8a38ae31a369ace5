"""Issuer names: one canonical name per issuer, and the administrative level it names.

The rules are data (``configs/issuers.yaml``)::

    >>> names = IssuerNames()
    >>> names.canonical("会同县人民政府办公室"), names.level("会同县")
    ('会同县', 'county')
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any

from ..config import load_config
from ..errors import ConfigError

UNKNOWN = "unknown"


class IssuerNames:
    def __init__(self, config: dict[str, Any] | str = "issuers"):
        cfg = load_config(config) if isinstance(config, str) else config
        try:
            norm = cfg.get("normalise") or {}
            self.strip = [re.compile(p) for p in norm.get("strip_patterns") or []]
            self.suffixes = sorted(norm.get("suffixes") or [], key=len, reverse=True)
            self.aliases = {self._reduce(v): canon for canon, variants in (norm.get("aliases") or {}).items()
                            for v in variants}
            levels = cfg.get("levels") or {}
            self.level_overrides = dict(levels.get("overrides") or {})
            self.level_rules = [(r["level"], re.compile(r["pattern"])) for r in levels.get("rules") or []]
        except (AttributeError, KeyError, TypeError, re.error) as e:
            raise ConfigError(f"issuers configuration is malformed: {e!r}") from None

    def _reduce(self, name: str) -> str:
        name = "".join(unicodedata.normalize("NFKC", name).split())
        for pattern in self.strip:
            name = pattern.sub("", name)
        stripped = True
        while stripped:
            stripped = False
            for suffix in self.suffixes:
                if name.endswith(suffix) and len(name) > len(suffix):
                    name, stripped = name[: -len(suffix)], True
                    break
        return name

    def canonical(self, name: str | None) -> str | None:
        """The issuer's canonical name; None for a missing or blank name."""
        if not name or not name.strip():
            return None
        reduced = self._reduce(name)
        return self.aliases.get(reduced, reduced)

    def level(self, name: str | None) -> str:
        """province | city | county | township | department | unknown."""
        canon = self.canonical(name)
        if canon is None:
            return UNKNOWN
        if canon in self.level_overrides:
            return self.level_overrides[canon]
        for level, pattern in self.level_rules:
            if pattern.search(canon):
                return level
        return UNKNOWN
