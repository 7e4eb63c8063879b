"""What the serving process's memory is, part by part: RSS (anonymous / file-backed) after each
piece the server loads, over the configured knowledge base (docs/performance.md, "Memory").

    python -m evals.serving_memory [--data-dir DIR] [--searches 18]

Each line is the process's RSS after that step and what the step added. File-backed pages (the
memory-mapped embedding table, BM25 matrices, Chroma's files) are shared with other processes
through the page cache; anonymous ones are this process's own."""
from __future__ import annotations

import argparse
import gc
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

QUESTIONS = ["老板拖欠工资怎么办", "离婚财产怎么分", "被狗咬了谁赔", "工伤认定要多久", "加班费怎么算", "试用期被辞退有补偿吗"]


def memory_mb() -> dict[str, float]:
    wanted = {"VmRSS": "rss", "RssAnon": "anon", "RssFile": "file"}
    out = {}
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            if key in wanted:
                out[wanted[key]] = int(value.split()[0]) / 1024
    return out


class Steps:
    def __init__(self):
        self.last = memory_mb()
        self.rows: list[dict] = []

    def __call__(self, name: str) -> None:
        gc.collect()
        now = memory_mb()
        row = {"step": name, **{k: round(v) for k, v in now.items()},
               **{f"added_{k}": round(now[k] - self.last[k]) for k in now}}
        self.rows.append(row)
        print(f"{name:40s} RSS {now['rss']:6.0f} MB (+{row['added_rss']:4d})   anon {now['anon']:6.0f} "
              f"(+{row['added_anon']:4d})   file {now['file']:5.0f} (+{row['added_file']:4d})", flush=True)
        self.last = now


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", help="data folder (default: FAYUAN_DATA_DIR)")
    ap.add_argument("--searches", type=int, default=18)
    args = ap.parse_args(argv)
    step = Steps()
    step("python")
    import api.app  # noqa: F401 - what the server imports
    from knowledge.docmeta import DocMeta
    from knowledge.embeddings import load_embedder
    from knowledge.generations import current_generation
    from knowledge.kb import catalog_for, open_generation
    from knowledge.ranking.pipeline import open_bound_ranker
    from api.settings import Settings, get_settings
    from knowledge.vectors import VectorIndex

    step("imports (api, chromadb, onnxruntime, ...)")
    settings = get_settings() if not args.data_dir else Settings(data_dir=Path(args.data_dir))
    generation = current_generation(settings.kb_dir)
    if generation is None:
        print(f"no knowledge base in {settings.kb_dir}")
        return 2
    catalog, docmeta = catalog_for(generation), DocMeta.load(generation)
    step("catalog + docmeta")
    VectorIndex.open(generation, settings.chroma_url).count()
    step("Chroma client + collections")
    embedder = load_embedder(settings.embedding_model, settings.embedding_backend, settings.resolved_model_dir)
    step("query encoder (base, onnx int8)")
    ranker = open_bound_ranker(settings.knowledge, catalog, docmeta, embedder.model_id)
    step("lay ranker (tuned encoder, known questions)")
    kb = open_generation(generation, settings.knowledge, embedder, ranker.ranker if ranker else None)
    step("knowledge base wired (BM25 mapped, jieba dictionary, hit rows)")
    for i in range(args.searches):
        kb.search(QUESTIONS[i % len(QUESTIONS)], 10)
    step(f"after {args.searches} searches")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
