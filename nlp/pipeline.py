"""A pipeline of small components, spaCy style: read a file into a Document, then run each
component on it in order. Components are named, listed in ``configs/pipeline.yaml`` with a
``factory`` (``module:callable``) and a ``config`` mapping, and can be swapped or removed.
"""
from __future__ import annotations

import importlib
import time
from collections import defaultdict
from typing import Any, Callable, Iterable, Protocol

from .config import load_config
from .document import Document
from .errors import ConfigError


class Component(Protocol):
    def __call__(self, doc: Document) -> Document: ...


def resolve_factory(spec: str) -> Callable[..., Component]:
    module, _, attr = spec.partition(":")
    try:
        obj = importlib.import_module(module)
        for part in attr.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as e:
        raise ConfigError(f"cannot load pipeline component factory {spec!r}: {e}") from None
    return obj


class Pipeline:
    def __init__(self, components: Iterable[tuple[str, Component]] = ()):
        self.components: list[tuple[str, Component]] = list(components)
        self.timings: dict[str, float] = defaultdict(float)

    @classmethod
    def from_config(cls, config: str | dict[str, Any] = "pipeline", **overrides: dict[str, Any]) -> "Pipeline":
        """Build from a config name/path or dict. ``overrides`` maps a component name to
        config keys to change; ``{"enabled": False}`` drops it, ``{"enabled": True}`` adds it."""
        cfg = load_config(config) if isinstance(config, str) else config
        comps = []
        for entry in cfg.get("components", []):
            name = entry["name"]
            options = dict(entry.get("config") or {})
            extra = dict(overrides.get(name) or {})
            enabled = extra.pop("enabled", entry.get("enabled", True))
            if not enabled:
                continue
            options.update(extra)
            comps.append((name, resolve_factory(entry["factory"])(**options)))
        return cls(comps)

    @property
    def names(self) -> list[str]:
        return [n for n, _ in self.components]

    def get(self, name: str) -> Component:
        for n, c in self.components:
            if n == name:
                return c
        raise KeyError(name)

    def replace(self, name: str, component: Component) -> None:
        self.components = [(n, component if n == name else c) for n, c in self.components]

    def remove(self, name: str) -> None:
        self.components = [(n, c) for n, c in self.components if n != name]

    def add(self, name: str, component: Component, before: str | None = None) -> None:
        idx = self.names.index(before) if before else len(self.components)
        self.components.insert(idx, (name, component))

    def __call__(self, doc: Document) -> Document:
        for name, comp in self.components:
            t0 = time.perf_counter()
            doc = comp(doc)
            self.timings[name] += time.perf_counter() - t0
        return doc

    def process(self, source: Any, name: str | None = None) -> Document:
        """Read ``source`` (path, bytes or text) and run every component on it."""
        from .ingest import read

        t0 = time.perf_counter()
        doc = read(source, name=name)
        self.timings["ingest"] += time.perf_counter() - t0
        return self(doc)
