"""The records database (sessions, messages, tickets, audit, staff, regional standards).

Every records table derives from `RecordsBase`, so `create_records_schema` makes them all; SQLite
by default, PostgreSQL by FAYUAN_DATABASE_URL."""
from __future__ import annotations

import time

from sqlalchemy import Engine
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import DeclarativeBase

SCHEMA_ATTEMPTS = 5


class RecordsBase(DeclarativeBase):
    pass


def create_records_schema(engine: Engine) -> None:
    # import the modules that define tables so they register on RecordsBase.metadata
    import importlib
    import pkgutil

    import assistant

    for mod in pkgutil.walk_packages(assistant.__path__, "assistant."):
        if mod.name.endswith(("_models", ".models")):
            importlib.import_module(mod.name)
    # `fayuan serve --workers N` starts N processes that all create the schema at once: one can see a
    # table missing, then find it made by another ("table … already exists" on SQLite, a pg_type
    # unique violation on PostgreSQL). create_all skips existing tables, so trying again settles it.
    for attempt in range(SCHEMA_ATTEMPTS):
        try:
            RecordsBase.metadata.create_all(engine)
            return
        except DatabaseError:
            if attempt == SCHEMA_ATTEMPTS - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
