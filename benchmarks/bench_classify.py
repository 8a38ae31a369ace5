"""CPU throughput of paragraph classification and segmentation; prints measured numbers.

    python benchmarks/bench_classify.py [--transformer runs/transformer] [--repeat 20]

- baseline: the shipped models/artifacts/baseline.npz (NumPy, what tag loads) and the same
  model's scikit-learn estimator (baseline.skops), paragraphs/second (one predict call per
  document-sized batch, words cut afresh per call) and documents/second for the whole classify
  component;
- transformer: a fine-tuned directory (default runs/transformer; without one, a toy model is
  pretrained + fine-tuned on the spot and reported as such), paragraphs/second;
- segmentation: characters/second for domain rjieba and jieba, and for spacy-pkuseg with a model trained
  by `train-segmenter` (here: trained on the gold texts segmented by domain jieba).
Texts are the gold paragraphs of training/data/annotations.jsonl (the corpus reports).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def rate(fn, units: int, min_seconds: float = 1.0) -> float:
    fn()  # warm-up
    n, t0 = 0, time.perf_counter()
    while True:
        fn()
        n += 1
        elapsed = time.perf_counter() - t0
        if elapsed >= min_seconds:
            return units * n / elapsed


def batches(texts: list[str], size: int) -> list[list[str]]:
    return [texts[i:i + size] for i in range(0, len(texts), size)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--transformer", default="runs/transformer")
    ap.add_argument("--batch", type=int, default=15, help="paragraphs per predict call (≈ one report)")
    args = ap.parse_args()

    import torch

    from models.baseline import BaselineClassifier
    from nlp.classify import ParagraphClassifier, shipped_baseline_path
    from nlp.document import Document, Paragraph
    from nlp.classify import load_model
    from nlp.segment import JiebaSegmenter, PkusegSegmenter, RjiebaSegmenter, corpus_from_segmenter, train_pkuseg
    from training.annotations import read_jsonl

    gold = read_jsonl(Path(__file__).resolve().parents[1] / "training/data/annotations.jsonl")
    texts = [a.text for a in gold]
    chars = sum(len(t) for t in texts)
    print(f"texts: {len(texts)} gold paragraphs, {chars:,} characters; torch threads {torch.get_num_threads()}, "
          f"cpu count {os.cpu_count()}")

    baseline = load_model(None)
    estimator = BaselineClassifier.load(shipped_baseline_path(".skops"))
    groups = batches(texts, args.batch)
    pps = rate(lambda: [baseline.predict_proba(g) for g in groups], len(texts))
    print(f"baseline (.npz, NumPy)            {pps:10,.0f} paragraphs/s  (batches of {args.batch})")
    pps = rate(lambda: [estimator.predict_proba(g) for g in groups], len(texts))
    print(f"baseline (.skops, scikit-learn)   {pps:10,.0f} paragraphs/s  (batches of {args.batch})")

    docs = []
    by_source: dict[str, list[str]] = {}
    for a in gold:
        by_source.setdefault(a.source, []).append(a.text)
    for paras in by_source.values():
        doc, pos = Document(text=""), 0
        for i, t in enumerate(paras):
            doc.paragraphs.append(Paragraph(f"p{i}", None, t, pos, pos + len(t)))
            pos += len(t) + 1
        doc.text = "\n".join(paras)
        docs.append(doc)
    component = ParagraphClassifier()

    def run_component():
        for d in docs:
            for p in d.paragraphs:
                p.sentences = []
            component(d)

    dps = rate(run_component, len(docs))
    print(f"classify component (baseline, incl. sentences) {dps:8,.1f} documents/s")

    model_dir = Path(args.transformer)
    label = str(model_dir)
    with tempfile.TemporaryDirectory() as tmp:
        if not (model_dir / "govreport.json").is_file():
            from models.transformer import TransformerClassifier
            from nlp.config import load_config
            from training.pretrain import pretrain

            pretrain(texts, Path(tmp) / "pt", load_config("pretrain_tiny"))
            TransformerClassifier(baseline.labels, Path(tmp) / "pt", max_length=64, epochs=1).fit(
                texts, [a.labels for a in gold]).save(Path(tmp) / "ft")
            model_dir, label = Path(tmp) / "ft", "toy model (no runs/transformer: see README)"
        from models.transformer import TransformerClassifier

        tr = TransformerClassifier.load(model_dir)
        tps = rate(lambda: [tr.predict_proba(g) for g in groups], len(texts), min_seconds=2.0)
        cfg = tr.model.config
        print(f"transformer   {tps:10,.1f} paragraphs/s  ({label}: {cfg.num_hidden_layers} layers, hidden "
              f"{cfg.hidden_size}, max_length {tr.max_length})")

        rjieba = RjiebaSegmenter.shared()
        rcs = rate(lambda: [rjieba.cut(t) for t in texts], chars)
        print(f"rjieba (domain dict) {rcs:10,.0f} characters/s")
        jieba = JiebaSegmenter.shared()
        jcs = rate(lambda: [jieba.cut(t) for t in texts], chars)
        print(f"jieba (domain dict)  {jcs:10,.0f} characters/s")
        corpus = Path(tmp) / "seg.txt"
        corpus_from_segmenter(texts, jieba, corpus)
        pk = PkusegSegmenter(train_pkuseg(corpus, Path(tmp) / "pkuseg", iterations=5))
        pcs = rate(lambda: [pk.cut(t) for t in texts], chars)
        print(f"pkuseg (trained by train-segmenter on jieba-segmented gold texts) {pcs:10,.0f} characters/s")


if __name__ == "__main__":
    main()
