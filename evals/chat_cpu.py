"""CPU per chat turn, in process: `POST /v1/chat` through the ASGI app (no sockets, so neither a
client nor the network is counted), new sessions, the offline composer, the configured knowledge
base, a throw-away records database — and where that CPU goes, by stage.

    python -m evals.chat_cpu [--turns 300] [--offset 0] [--data-dir data] [--no-stages]

CPU time, not wall time, is what to compare on a shared box: run it under `nice -n 19` and compare
two trees in interleaved runs on the same `--offset`. Stages are the thread CPU (time.thread_time)
spent inside the functions in STAGES, wrapped for the run; nested stages overlap (chroma_query is
part of dense_sides), and work on helper threads (the BM25 side) is counted on its own line, so the
stages do not add up to the total. `event_loop_ms` is the CPU of the thread that runs the ASGI app
(routing, middleware, JSON); the rest runs on the thread pool. Questions: the STARD dev share in
order (a question asked twice would hit the caches). Writes data/evals/chat_cpu.json."""
from __future__ import annotations

import argparse
import asyncio
import functools
import importlib
import json
import os
import tempfile
import time
from collections import Counter
from pathlib import Path

from evals.chat_latency import server_environment
from evals.common_chat import load_questions, write_result

# (label, module, attribute path): the parts of a turn worth watching
STAGES = (
    ("reply", "assistant.conversation.service", "ConversationService.reply"),
    ("search", "knowledge.retriever", "Retriever.search"),
    ("dense_sides", "knowledge.ranking.sources", "DenseSource.tops"),
    ("chroma_query", "chromadb.api.models.Collection", "Collection.query"),
    ("embedding_model", "knowledge.embeddings", "OnnxEmbedder.embed_token_batch"),
    ("tokenizer", "knowledge.embeddings", "OnnxEmbedder.token_ids"),
    ("bm25_side_thread", "knowledge.lexical", "LexicalIndex.scores"),
    ("neighbour_votes", "knowledge.ranking.sources", "neighbour_votes"),
    ("candidate_features", "knowledge.ranking.pipeline", "candidate_features"),
    ("hits", "knowledge.retriever", "Retriever.hits_for"),
    ("composer", "assistant.answers.composer", "OfflineComposer.answer"),
    ("verify", "assistant.answers.verify", "CitationVerifier.verify"),
    ("session_write", "assistant.conversation.sessions", "SessionStore.save_turn"),
    ("record_write", "assistant.records.service", "ConsultationRecords.record_turn"),
)


def _wrap_stages(spent: Counter):
    """Replace each STAGES function by one that adds its thread CPU to `spent`; returns the undo."""
    originals = []
    for label, module_name, path in STAGES:
        owner = importlib.import_module(module_name)
        *parents, name = path.split(".")
        for parent in parents:
            owner = getattr(owner, parent)
        original = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
        originals.append((owner, name, original))

        @functools.wraps(original)
        def timed(*args, __original=original, __label=label, **kwargs):
            started = time.thread_time()
            try:
                return __original(*args, **kwargs)
            finally:
                spent[__label] += time.thread_time() - started
        setattr(owner, name, timed)

    def undo() -> None:
        for owner, name, original in reversed(originals):
            setattr(owner, name, original)
    return undo


async def _post_chat(app, message: str) -> int:
    body = json.dumps({"message": message}, ensure_ascii=False).encode()
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/v1/chat", "raw_path": b"/v1/chat", "root_path": "", "query_string": b"",
             "headers": [(b"host", b"127.0.0.1"), (b"content-type", b"application/json"),
                         (b"content-length", str(len(body)).encode())],
             "client": ("127.0.0.1", 40000), "server": ("127.0.0.1", 8000)}
    sent, status = False, 0

    async def receive():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()          # the client never disconnects

    async def send(message):
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


def run(turns: int, offset: int, settings=None, stages: bool = True, warmup: int = 20) -> dict:
    """`settings`: the app's (default: the environment's, with a throw-away records database, rate
    limits off and the offline composer, as evals.chat_latency serves it)."""
    from api.app import create_app
    from api.settings import Settings

    if settings is None:
        records = Path(tempfile.mkdtemp(prefix="fayuan-chat-cpu-")) / "records.sqlite3"
        os.environ.update(server_environment(None, f"sqlite:///{records.as_posix()}"))
        settings = Settings()
    spent: Counter = Counter()
    undo = _wrap_stages(spent) if stages else (lambda: None)
    questions = [q["question"] for q in load_questions()]
    asked = questions[offset:offset + turns]
    warm = questions[-warmup:] if warmup else []      # the far end of the file: not among `asked`
    statuses: Counter = Counter()
    loop = asyncio.new_event_loop()
    try:
        app = create_app(settings)
        lifespan = app.router.lifespan_context(app)
        loop.run_until_complete(lifespan.__aenter__())   # start-up as under uvicorn
        try:
            for q in warm:
                loop.run_until_complete(_post_chat(app, q))
            spent.clear()
            loop_cpu, process_cpu = time.thread_time(), time.process_time()
            for q in asked:
                statuses[loop.run_until_complete(_post_chat(app, q))] += 1
            loop_cpu, process_cpu = time.thread_time() - loop_cpu, time.process_time() - process_cpu
        finally:
            loop.run_until_complete(lifespan.__aexit__(None, None, None))
    finally:
        loop.close()
        undo()
    n = max(len(asked), 1)
    return {"turns": len(asked), "offset": offset, "http_status": dict(statuses),
            "cpu_ms_per_turn": round(process_cpu / n * 1000, 2), "event_loop_ms": round(loop_cpu / n * 1000, 2),
            "stages_ms": {label: round(spent[label] / n * 1000, 2) for label, _, _ in STAGES} if stages else {},
            "load_average_1m": round(os.getloadavg()[0], 2)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--offset", type=int, default=0, help="first dev-share question asked")
    parser.add_argument("--data-dir", type=Path, default=None, help="default: FAYUAN_DATA_DIR or data")
    parser.add_argument("--no-stages", action="store_true", help="no per-stage wrappers (plain total)")
    args = parser.parse_args(argv)
    if args.data_dir:
        os.environ["FAYUAN_DATA_DIR"] = str(args.data_dir)
    result = run(args.turns, args.offset, stages=not args.no_stages)
    print(f"CPU per turn {result['cpu_ms_per_turn']} ms (event loop {result['event_loop_ms']} ms), "
          f"{result['turns']} turns, HTTP {result['http_status']}, load average {result['load_average_1m']}")
    for label, ms in sorted(result["stages_ms"].items(), key=lambda kv: -kv[1]):
        print(f"  {ms:7.2f} ms  {label}")
    from api.settings import Settings

    print("written to", write_result("chat_cpu", result, args.data_dir or Settings().data_dir))


if __name__ == "__main__":
    main()
