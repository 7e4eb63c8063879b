"""SQLAlchemy engine factory shared by the catalog and the records database.

SQLite gets WAL and a busy timeout so several readers and one writer (ingest, API workers) can
share a file without 'database is locked'; PostgreSQL is a plain URL change.

Transactions that read and then write (the chat session store: look the session up, then insert
it or append to it) must take SQLite's write lock up front: pysqlite only sends BEGIN right before
the first INSERT/UPDATE, so two threads can both read "no such session" and both insert it (the
loser's turn fails with a UNIQUE error). `for_writes(engine)` gives an engine whose transactions
start with BEGIN IMMEDIATE (they queue on the busy timeout instead); plain reads stay as they
are, never waiting for a writer."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event

# the largest integer a SQLite INTEGER / PostgreSQL BIGINT holds: bound ids and offsets taken from
# requests by it (a larger one overflowed in the driver: a 500)
MAX_DB_INT = 2**63 - 1


_IMMEDIATE = "fayuan_sqlite_immediate"

# libpq waits forever for an unreachable PostgreSQL server by default: a request would hang instead
# of failing (readyz answering 503). A `connect_timeout` in the URL wins over this.
POSTGRES_CONNECT_TIMEOUT_S = 10


def for_writes(engine: Engine) -> Engine:
    """The same engine (same pool) whose transactions take the write lock at BEGIN on SQLite;
    unchanged on PostgreSQL (row locks and unique constraints do the job there)."""
    if engine.dialect.name != "sqlite":
        return engine
    return engine.execution_options(**{_IMMEDIATE: True})


def flush_deleted(engine: Engine) -> None:
    """After purging personal data: copy the write-ahead log into the database and truncate it,
    so the old versions of the pages (still holding what was deleted) leave the -wal file too.
    A no-op for other databases; best effort when a reader holds the log (the next one wins)."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def make_engine(url: str, **kwargs) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            # deleted and overwritten content is zeroed, not left in free pages and cells: purged
            # personal data must not be readable from the file afterwards
            cur.execute("PRAGMA secure_delete=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):  # noqa: ANN001
            if conn.get_execution_options().get(_IMMEDIATE):
                conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    connect_args = {} if "connect_timeout=" in url else {"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S}
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)
