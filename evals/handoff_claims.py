"""Concurrent claiming of the handoff queue: S staff threads race for T tickets; prints how long it
took and checks that every ticket ended with exactly one owner and one claim audit row.

    python -m evals.handoff_claims                     # SQLite in a temporary folder
    python -m evals.handoff_claims --url postgresql+psycopg://postgres@127.0.0.1:54329/fayuan_test
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

from argon2 import PasswordHasher
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from assistant.db import create_records_schema
from assistant.handoff.models import HandoffEventRow
from assistant.handoff.queue import HandoffQueue
from assistant.handoff.states import TicketConflict
from assistant.staff.accounts import StaffDirectory
from knowledge.database import make_engine


def run(url: str, staff_count: int, ticket_count: int) -> dict:
    engine = make_engine(url, **({} if url.startswith("sqlite") else {"pool_size": staff_count + 2}))
    create_records_schema(engine)
    directory = StaffDirectory(engine, hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    staff = [directory.add(f"s{i:03d}", "eval-password") for i in range(staff_count)]
    queue = HandoffQueue(engine)
    tickets = [queue.open(f"e{i:05d}", trigger="person_request", service="法律援助").id for i in range(ticket_count)]
    wins: list[str] = []
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(staff_count)

    def work(member):
        order = tickets[:]
        random.Random(member.id).shuffle(order)
        barrier.wait()
        for ticket_id in order:
            start = time.perf_counter()
            try:
                queue.claim(ticket_id, member)
                won = True
            except TicketConflict:
                won = False
            with lock:
                latencies.append(time.perf_counter() - start)
                if won:
                    wins.append(ticket_id)

    threads = [threading.Thread(target=work, args=(m,)) for m in staff]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    per_ticket = Counter(wins)
    with Session(engine) as db:
        claim_rows = db.scalar(select(func.count()).select_from(HandoffEventRow).where(HandoffEventRow.action == "claim"))
    engine.dispose()
    return {"database": url.split(":")[0], "staff": staff_count, "tickets": ticket_count,
            "claim_attempts": len(latencies), "seconds": round(elapsed, 2),
            "median_attempt_ms": round(statistics.median(latencies) * 1000, 2),
            "tickets_owned_exactly_once": sum(1 for t in tickets if per_ticket[t] == 1),
            "claim_audit_rows": claim_rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--staff", type=int, default=20)
    parser.add_argument("--tickets", type=int, default=100)
    args = parser.parse_args()
    if args.url and args.url.startswith("postgresql"):
        schema = f"eval_{uuid.uuid4().hex[:10]}"
        admin = create_engine(args.url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            sep = "&" if "?" in args.url else "?"
            result = run(f"{args.url}{sep}options=-csearch_path%3D{schema}", args.staff, args.tickets)
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    else:
        with tempfile.TemporaryDirectory() as folder:
            url = args.url or f"sqlite:///{(Path(folder) / 'claims.sqlite3').as_posix()}"
            result = run(url, args.staff, args.tickets)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
