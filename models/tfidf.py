"""A fitted scikit-learn ``TfidfVectorizer`` as plain arrays, with a NumPy ``transform`` that
gives the same numbers (counts of the vocabulary's n-grams, sublinear tf, idf, l2 norm) for a
whole batch of texts at once, without importing scikit-learn.

How the batch is counted: each text becomes a stream of unit ids (characters for ``char``,
tokens for ``word``; id 0 for a unit no vocabulary term contains), the texts are laid end to end
with a 0 between them, and each window of n non-zero ids is packed into one integer (``bits``
per unit). The vocabulary's packed keys sit in an open-addressing hash table, so finding every
n-gram of the batch is a few vectorised gathers. A window holding a 0 can be no term, which also
keeps n-grams from running across two texts. When the packed keys would not fit in 63 bits
(a huge alphabet with long n-grams) the same counts are made with a Python dictionary."""
from __future__ import annotations

import re
from collections import Counter
from itertools import repeat
from typing import Any, Sequence

import numpy as np

from nlp.errors import ModelError

ANALYZERS = ("char", "word")
_WHITE_SPACES = re.compile(r"\s\s+")  # scikit-learn's char analyzer squeezes whitespace runs


class TfidfArrays:
    """One vectorizer: ``column`` (the text column it reads), its analyzer settings, ``terms``
    (feature order) and ``idf``. Build it with :meth:`from_vectorizer` or :meth:`from_arrays`."""

    def __init__(self, column: str, analyzer: str, ngram_range: Sequence[int], lowercase: bool,
                 token_pattern: str | None, sublinear_tf: bool, norm: str | None,
                 terms: Sequence[str], idf: np.ndarray | None):
        if analyzer not in ANALYZERS:
            raise ModelError(f"fast baseline: analyzer {analyzer!r} is not supported (only {', '.join(ANALYZERS)})")
        if norm not in ("l2", None):
            raise ModelError(f"fast baseline: norm {norm!r} is not supported (only l2 or none)")
        self.column, self.analyzer = column, analyzer
        self.ngram_range = (int(ngram_range[0]), int(ngram_range[1]))
        self.lowercase, self.token_pattern = bool(lowercase), token_pattern
        self.sublinear_tf, self.norm = bool(sublinear_tf), norm
        self.terms = list(terms)
        self.idf = None if idf is None else np.asarray(idf, dtype=np.float64)
        self._tokenize = None
        if analyzer == "word":  # \S+ (the baseline's) is str.split: both split at str.isspace()
            self._tokenize = str.split if token_pattern == r"\S+" else re.compile(token_pattern).findall
        self._index: tuple | None = None
        self._dict: dict[str, int] | None = None

    @property
    def n_features(self) -> int:
        return len(self.terms)

    # --- from scikit-learn, to and from arrays ------------------------------------------
    @classmethod
    def from_vectorizer(cls, column: str, vec: Any) -> "TfidfArrays":
        """From a fitted ``TfidfVectorizer``; refuses settings this transform does not reproduce."""
        p = vec.get_params()
        unsupported = {k: p.get(k) for k in ("preprocessor", "tokenizer", "stop_words", "strip_accents")
                       if p.get(k) is not None}
        unsupported |= {k: p.get(k) for k, ok in (("binary", False), ("input", "content")) if p.get(k) != ok}
        if callable(p.get("analyzer")) or p.get("analyzer") not in ANALYZERS:
            unsupported["analyzer"] = p.get("analyzer")
        if np.dtype(p.get("dtype")) != np.float64:
            unsupported["dtype"] = p.get("dtype")
        if unsupported:
            raise ModelError(f"fast baseline: cannot export a vectorizer with {unsupported}")
        idf = np.asarray(vec.idf_, dtype=np.float64) if p.get("use_idf", True) else None
        arrays = cls(column, p["analyzer"], p["ngram_range"], p["lowercase"], p.get("token_pattern"),
                     p["sublinear_tf"], p["norm"], [str(t) for t in vec.get_feature_names_out()], idf)
        arrays._check_terms()
        return arrays

    def _check_terms(self) -> None:
        lo, hi = self.ngram_range
        for t in self.terms:
            n = len(t) if self.analyzer == "char" else len(t.split(" "))
            if not lo <= n <= hi:
                raise ModelError(f"fast baseline: term {t!r} is not a {lo}..{hi}-gram of its {self.analyzer} analyzer")

    def config(self) -> dict[str, Any]:
        """The JSON-able settings (terms and idf go to arrays)."""
        return {"column": self.column, "analyzer": self.analyzer, "ngram_range": list(self.ngram_range),
                "lowercase": self.lowercase, "token_pattern": self.token_pattern,
                "sublinear_tf": self.sublinear_tf, "norm": self.norm, "use_idf": self.idf is not None,
                "n_features": self.n_features}

    def arrays(self) -> dict[str, np.ndarray]:
        out = {"terms": np.array(self.terms, dtype=str)}
        if self.idf is not None:
            out["idf"] = self.idf
        return out

    @classmethod
    def from_arrays(cls, config: dict[str, Any], arrays: dict[str, np.ndarray]) -> "TfidfArrays":
        terms = arrays["terms"].tolist()
        if len(terms) != config["n_features"]:
            raise ModelError("fast baseline: vocabulary size does not match its config")
        return cls(config["column"], config["analyzer"], config["ngram_range"], config["lowercase"],
                   config.get("token_pattern"), config["sublinear_tf"], config["norm"], terms,
                   arrays["idf"] if config.get("use_idf", True) else None)

    # --- the vocabulary index ---------------------------------------------------------
    def _build_index(self) -> tuple | None:
        """(alphabet lookup, bits, hash table of n-gram keys, unigram columns), or None when the
        keys would not fit in 63 bits."""
        width = self.ngram_range[1]
        if self.analyzer == "char":  # terms as a (terms x width) grid of code points, vectorised
            points = np.array(self.terms, dtype=f"<U{width}").view(np.uint32).reshape(len(self.terms), width)
            present = np.arange(width) < np.fromiter(map(len, self.terms), np.int64, len(self.terms))[:, None]
            alphabet = np.unique(points[present]).astype(np.int64)
            lookup: Any = np.zeros(int(alphabet.max(initial=0)) + 2, dtype=np.uint64)  # last slot: beyond
            lookup[alphabet] = np.arange(1, len(alphabet) + 1, dtype=np.uint64)
            units = np.where(present, lookup[points], 0).astype(np.uint64)
        else:
            tokens = [t.split(" ") for t in self.terms]
            alphabet = sorted({u for t in tokens for u in t})
            lookup = {u: i + 1 for i, u in enumerate(alphabet)}
            units = np.zeros((len(tokens), width), dtype=np.uint64)
            for row, t in enumerate(tokens):
                units[row, :len(t)] = [lookup[u] for u in t]
        bits = max(1, len(alphabet).bit_length())  # ids 1..len(alphabet), 0 = unknown
        if bits * width > 63:
            return None
        keys = np.zeros(len(self.terms), dtype=np.uint64)
        for k in range(width):
            keys |= units[:, k] << np.uint64(bits * k)
        unigrams = np.full(len(alphabet) + 1, -1, dtype=np.int64)  # unit id -> column: a plain gather
        single = np.flatnonzero(units[:, 1:].sum(axis=1) == 0) if width > 1 else np.arange(len(self.terms))
        unigrams[units[single, 0].astype(np.int64)] = single
        return lookup, bits, KeyTable(keys), unigrams

    def _ids(self, units: list, lookup: Any) -> np.ndarray:
        if self.analyzer == "char":
            text = "\0".join(units)  # the separators are replaced by id 0 below
            cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
            ids = lookup[np.minimum(cp, len(lookup) - 1)]
            seps = np.cumsum([len(u) + 1 for u in units[:-1]], dtype=np.int64) - 1
            ids[seps] = 0
            return ids
        flat: list[str] = []
        for tokens in units:
            flat += tokens
            flat.append("")  # separator, never a vocabulary token
        return np.fromiter(map(lookup.get, flat, repeat(0)), dtype=np.uint64, count=len(flat))

    # --- transform ----------------------------------------------------------------------
    def _units_of(self, texts: Sequence[str]) -> list:
        if self.lowercase:
            texts = [t.lower() for t in texts]
        if self.analyzer == "char":
            return [_WHITE_SPACES.sub(" ", t) for t in texts]
        return [self._tokenize(t) for t in texts]

    def prepare(self) -> None:
        if self._index is None:
            self._index = self._build_index() or ()

    def counts(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows, cols, counts) of vocabulary n-grams, sorted by row then column."""
        units = self._units_of(texts)
        if not units:
            return (np.zeros(0, np.int64),) * 2 + (np.zeros(0, np.float64),)
        self.prepare()
        if not self._index:
            return self._counts_with_dict(units)
        lookup, bits, table, unigrams = self._index
        ids = self._ids(units, lookup)
        sizes = np.fromiter(map(len, units), dtype=np.int64, count=len(units)) + 1
        row_of = np.repeat(np.arange(len(units), dtype=np.int64), sizes)
        zeros = np.concatenate(([0], np.cumsum(ids == 0)))
        lo, hi = self.ngram_range
        found_rows, found_cols = [], []
        key = np.zeros(len(ids), dtype=np.uint64)
        for n in range(1, hi + 1):
            m = len(ids) - n + 1
            if m <= 0 or not self.n_features:
                break
            key = key[:m] | (ids[n - 1:] << np.uint64(bits * (n - 1)))
            if n < lo:
                continue
            ok = np.flatnonzero(zeros[n:n + m] == zeros[:m])
            col = unigrams[ids[ok].astype(np.int64)] if n == 1 else table.find(key[ok])
            hit = col >= 0
            found_rows.append(row_of[ok[hit]])
            found_cols.append(col[hit])
        if not found_rows:
            return (np.zeros(0, np.int64),) * 2 + (np.zeros(0, np.float64),)
        F = self.n_features
        flat, count = np.unique(np.concatenate(found_rows) * F + np.concatenate(found_cols), return_counts=True)
        return flat // F, flat % F, count.astype(np.float64)

    def _counts_with_dict(self, units: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self._dict is None:
            self._dict = {t: j for j, t in enumerate(self.terms)}
        lo, hi = self.ngram_range
        rows, cols, vals = [], [], []
        for r, u in enumerate(units):
            grams: Counter = Counter()
            for n in range(lo, hi + 1):
                if self.analyzer == "char":
                    grams.update(u[i:i + n] for i in range(len(u) - n + 1))
                else:
                    grams.update(u if n == 1 else (" ".join(u[i:i + n]) for i in range(len(u) - n + 1)))
            hits = sorted((self._dict[g], c) for g, c in grams.items() if g in self._dict)
            rows += [r] * len(hits)
            cols += [j for j, _ in hits]
            vals += [c for _, c in hits]
        return np.array(rows, np.int64), np.array(cols, np.int64), np.array(vals, np.float64)

    def transform(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows, cols, values) of the TF-IDF matrix, as ``TfidfVectorizer.transform`` gives it."""
        rows, cols, vals = self.counts(texts)
        if self.sublinear_tf:
            vals = np.log(vals) + 1.0
        if self.idf is not None:
            vals = vals * self.idf[cols]
        if self.norm == "l2" and len(vals):
            norms = np.sqrt(np.bincount(rows, weights=vals * vals, minlength=len(texts)))
            norms[norms == 0.0] = 1.0
            vals = vals / norms[rows]
        return rows, cols, vals


class KeyTable:
    """Open-addressing hash table from distinct non-zero uint64 keys to their positions, with
    vectorised insert and lookup (linear probing, multiplicative hashing)."""

    _MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)

    def __init__(self, keys: np.ndarray):
        keys = np.asarray(keys, dtype=np.uint64)
        self.bits = max(4, int(2 * len(keys)).bit_length() + 1)  # load factor <= 1/4
        size = 1 << self.bits
        self.keys = np.zeros(size, dtype=np.uint64)  # 0 = empty (no key is 0)
        self.values = np.full(size, -1, dtype=np.int64)
        pending = np.arange(len(keys))
        slot = self._hash(keys)
        while len(pending):
            s = slot[pending]
            free = self.keys[s] == 0
            # of several pending keys wanting one free slot, the first takes it
            _, first = np.unique(s[free], return_index=True)
            placed = pending[free][first]
            self.keys[slot[placed]] = keys[placed]
            self.values[slot[placed]] = placed
            left = np.ones(len(pending), dtype=bool)
            left[np.flatnonzero(free)[first]] = False
            pending = pending[left]
            moved = pending[self.keys[slot[pending]] != 0]  # their slot is taken: probe on
            slot[moved] = (slot[moved] + 1) & (size - 1)

    def _hash(self, keys: np.ndarray) -> np.ndarray:
        return ((keys * self._MULTIPLIER) >> np.uint64(64 - self.bits)).astype(np.int64)

    def find(self, keys: np.ndarray) -> np.ndarray:
        """The position of each key, -1 where absent."""
        slot = self._hash(keys)
        stored = self.keys[slot]
        hit = stored == keys
        out = np.where(hit, self.values[slot], -1)
        todo = np.flatnonzero(~hit & (stored != 0))  # collided on the first probe: probe on
        mask = len(self.keys) - 1
        while len(todo):
            s = slot[todo] = (slot[todo] + 1) & mask
            stored = self.keys[s]
            hit = stored == keys[todo]
            out[todo[hit]] = self.values[s[hit]]
            todo = todo[~hit & (stored != 0)]
        return out
