"""The canonical field list (``configs/fields.yaml``) loaded and expanded: every id the
extractor may emit, with its label, unit, kind and eras, plus the table layouts and the
prose rules that point at those ids."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..config import load_config
from ..errors import ConfigError

ALL_ERAS = ("legacy", "2019", "2021")


def compact(text: str) -> str:
    """Label text for matching: NFKC, no whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@dataclass
class FieldDef:
    id: str
    label: str
    unit: str | None
    kind: str = "count"
    eras: tuple[str, ...] = ALL_ERAS
    table: str | None = None
    variants: list[str] = field(default_factory=list)
    table_unit: str | None = None  # unit a bare table number is written in (万元)

    def in_era(self, era: str | None) -> bool:
        return era is None or era in self.eras


@dataclass
class ProseRule:
    field: str
    all: list[str]
    any: list[str]
    none: list[str]
    topic: str | None
    total: bool
    any_period: bool = False  # about another year by nature (上年结转): period words do not block it
    sentence_none: list[str] = field(default_factory=list)  # words barred from the whole sentence
    max_clause: int | None = None  # longest clause subject (含新制定: 3) the rule accepts

    def __post_init__(self) -> None:
        self.all_set, self.any_set, self.none_set = frozenset(self.all), frozenset(self.any), frozenset(self.none)
        self.sentence_none_set = frozenset(self.sentence_none)


@dataclass
class NegationTarget:
    """A quantity a negation can deny: ``field`` when one of ``words`` follows the cue and
    none of ``unless`` is in the phrase (申请 in 因申请引起的行政复议 is not the target)."""

    field: str
    words: list[str]
    unless: list[str] = field(default_factory=list)
    cues: list[str] = field(default_factory=list)  # cues that deny this target only


@dataclass
class Negation:
    """``prose_negation`` in the fields configuration."""

    cues: list[str] = field(default_factory=list)
    not_after_cue: list[str] = field(default_factory=list)
    zero_words: list[str] = field(default_factory=list)
    blockers: set[str] = field(default_factory=set)
    max_gap: int = 30
    targets: list[NegationTarget] = field(default_factory=list)


class FieldSchema:
    """Field ids and table layouts from a fields configuration (default ``fields``)."""

    def __init__(self, config: dict[str, Any] | str = "fields"):
        cfg = load_config(config) if isinstance(config, str) else config
        try:
            self._load(cfg)
        except (KeyError, TypeError, ValueError) as e:
            raise ConfigError(f"fields configuration is malformed: {e!r}") from None

    def _add(self, fd: FieldDef) -> None:
        if fd.id in self.fields:
            old = self.fields[fd.id]
            old.eras = tuple(sorted(set(old.eras) | set(fd.eras), key=ALL_ERAS.index))
            old.variants += [v for v in fd.variants if v not in old.variants]
            old.table = old.table or fd.table
            return
        self.fields[fd.id] = fd

    def _load(self, cfg: dict[str, Any]) -> None:
        self.fields: dict[str, FieldDef] = {}
        for fid, d in (cfg.get("fields") or {}).items():
            self._add(FieldDef(fid, d["label"], d.get("unit"), d.get("kind", "count"),
                               tuple(str(e) for e in d.get("eras", ALL_ERAS)), d.get("table"),
                               list(d.get("variants", [])), d.get("table_unit")))
        self.derived: dict[str, list[str]] = dict(cfg.get("derived") or {})
        self._load_table2(cfg["table2"])
        self._load_table3(cfg["table3"])
        self._load_table4(cfg["table4"])
        self._load_legacy(cfg["legacy_stats"])
        self.prose_topics: dict[str, list[str]] = cfg.get("prose_topics") or {}
        self.prose_units: dict[str, list[str]] = cfg.get("prose_units") or {}
        self.prose_scope_exclude: list[str] = list(cfg.get("prose_scope_exclude") or [])
        self.prose_rules = [
            ProseRule(r["field"], list(r.get("all", [])), list(r.get("any", [])), list(r.get("none", [])),
                      r.get("topic"), bool(r.get("total", False)), bool(r.get("any_period", False)),
                      list(r.get("sentence_none", [])), r.get("max_clause"))
            for r in cfg.get("prose_rules") or []
        ]
        self.prose_other_period: list[str] = list(cfg.get("prose_other_period") or [])
        self.prose_part_words: list[str] = list(cfg.get("prose_part_words") or [])
        neg = dict(cfg.get("prose_negation") or {})
        targets = [NegationTarget(t["field"], list(t["words"]), list(t.get("unless", [])), list(t.get("cues", [])))
                   for t in neg.pop("targets", [])]
        self.negation = Negation(**{k: set(v) if k == "blockers" else v for k, v in neg.items()}, targets=targets)
        for fid in [r.field for r in self.prose_rules] + [t.field for t in targets] + list(self.derived) + [
            f for parts in self.derived.values() for f in parts
        ] + [f for s in self.legacy_sums for f in [s["total"], *s["parts"]]]:
            if fid not in self.fields:
                raise ConfigError(f"fields configuration refers to an undeclared field {fid!r}")

    def _load_table2(self, t2: dict[str, Any]) -> None:
        self.table2_rows = [dict(r, match=[compact(v) for v in r["variants"]]) for r in t2["rows"]]
        self.table2_columns = {str(era): cols for era, cols in t2["columns"].items()}
        self.table2_era_markers = {str(e): [compact(w) for w in ws] for e, ws in t2["era_markers"].items()}
        self.table2_amount_unit = dict(t2.get("amount_table_unit") or {})
        labels = {r["key"]: r["label"] for r in t2["rows"]}
        for era, rows in self.table2_columns.items():
            for key, cols in rows.items():
                for col in cols:
                    cd = t2["column_defs"][col]
                    table_unit = self.table2_amount_unit.get(key) if cd["kind"] == "money" else None
                    self._add(FieldDef(f"{key}.{col}", f"{labels[key]}·{cd['label']}", cd["unit"], cd["kind"],
                                       (era,), "table2", [labels[key]], table_unit))

    def _load_table3(self, t3: dict[str, Any]) -> None:
        self.table3_columns = [c["key"] for c in t3["columns"]]
        self.table3_column_match = [[compact(v) for v in c["variants"]] for c in t3["columns"]]
        self.table3_rows = []
        for r in t3["rows"]:
            eras = tuple(str(e) for e in r.get("eras", ("2019", "2021")))
            row = dict(r, eras=eras, match=[compact(v) for v in r["variants"]])
            self.table3_rows.append(row)
            for c in t3["columns"]:
                self._add(FieldDef(f"requests.{r['key']}.{c['key']}", f"{r['label']}·{c['label']}", "件",
                                   "count", eras, "table3", list(r["variants"])))
        self.table3_era_markers = {str(e): [compact(w) for w in ws] for e, ws in t3["era_markers"].items()}

    def _load_table4(self, t4: dict[str, Any]) -> None:
        self.table4_order = []
        for b in t4["blocks"]:
            for r in t4["results"]:
                fid = f"{b['key']}.{r['key']}"
                self.table4_order.append(fid)
                self._add(FieldDef(fid, f"{b['label']}·{r['label']}", "件", "count", ("2019", "2021"), "table4",
                                   [r["label"]]))
        self.table4_blocks = [[f"{b['key']}.{r['key']}" for r in t4["results"]] for b in t4["blocks"]]

    def _load_legacy(self, lg: dict[str, Any]) -> None:
        self.legacy_sections = {int(k): [compact(v) for v in vs] for k, vs in lg["sections"].items()}
        self.legacy_headers = [compact(h) for h in lg.get("headers", [])]
        self.legacy_rows = [dict(r, match=[compact(v) for v in r["variants"]]) for r in lg["rows"]]
        for r in lg["rows"]:
            fid = r["field"]
            if fid not in self.fields:
                raise ConfigError(f"legacy_stats row names an undeclared field {fid!r}")
            fd = self.fields[fid]
            fd.eras = tuple(sorted(set(fd.eras) | {"legacy"}, key=ALL_ERAS.index))
            fd.variants += [v for v in r["variants"] if v not in fd.variants]
        self.legacy_sums = list(lg.get("sums") or [])

    # -- use --------------------------------------------------------------------------------
    def __contains__(self, field_id: str) -> bool:
        return field_id in self.fields

    def get(self, field_id: str) -> FieldDef:
        try:
            return self.fields[field_id]
        except KeyError:
            raise ConfigError(f"unknown field id {field_id!r} (not declared in configs/fields.yaml)") from None

    def label(self, field_id: str) -> str:
        return self.get(field_id).label


@lru_cache(maxsize=4)
def load_schema(name: str = "fields") -> FieldSchema:
    return FieldSchema(name)
