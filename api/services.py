"""The objects the routes work with, built once at start-up and injected (never module globals).

Each area adds its service here; `build_services` is the one place they are wired together."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from knowledge.database import make_engine
from knowledge.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    records_engine: Engine
    knowledge: Any = None            # knowledge.types.KnowledgeBase, once loaded
    extra: dict[str, Any] = field(default_factory=dict)


def build_services(settings: Settings) -> Services:
    from assistant.db import create_records_schema

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    create_records_schema(engine)
    return Services(settings=settings, records_engine=engine)
