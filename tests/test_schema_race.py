"""`fayuan serve --workers N` starts N processes that each create the records schema on start-up.
On a fresh database they race: one must not die because another made a table first."""
from __future__ import annotations

import multiprocessing

from sqlalchemy import inspect

PROCESSES = 6


def _create(url: str, barrier) -> None:
    from assistant.db import create_records_schema
    from knowledge.database import make_engine

    engine = make_engine(url)
    barrier.wait(timeout=60)          # all processes reach create_all together
    create_records_schema(engine)
    engine.dispose()


def test_processes_creating_the_schema_at_once_all_succeed(records_db_url):
    from assistant.db import RecordsBase, create_records_schema
    from knowledge.database import make_engine

    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(PROCESSES)
    procs = [ctx.Process(target=_create, args=(records_db_url, barrier)) for _ in range(PROCESSES)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0] * PROCESSES
    engine = make_engine(records_db_url)
    create_records_schema(engine)                  # imports every model module
    tables = set(inspect(engine).get_table_names())
    assert set(RecordsBase.metadata.tables) <= tables
    engine.dispose()
