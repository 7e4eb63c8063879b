"""The records database (sessions, messages, tickets, audit, staff, regional standards).

Every records table derives from `RecordsBase`, so `create_records_schema` makes them all; SQLite
by default, PostgreSQL by FAYUAN_DATABASE_URL."""
from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import DeclarativeBase


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
    RecordsBase.metadata.create_all(engine)
