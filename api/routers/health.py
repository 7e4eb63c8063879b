"""Liveness and readiness for the orchestrator (systemd, Docker, Kubernetes, a load balancer).

/healthz touches nothing: it answers while the process can answer at all. /readyz checks what a
request needs (a served knowledge base whose files are still there, a records database that
answers) and says 503 with the failing check's reason otherwise. Reasons name the kind of
failure, never a URL or a path (the endpoint is public); the details go to the log."""
from __future__ import annotations

import logging

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from api.deps import get_services
from api.metrics import serving_generation
from api.services import Services

router = APIRouter(tags=["ops"])
log = logging.getLogger(__name__)


class Readiness(BaseModel):
    status: str                  # ready / degraded (serving, articles still being embedded) / not_ready
    checks: dict[str, bool]      # knowledge_base, database
    reasons: dict[str, str] = {}  # why a failing check failed
    embedding: dict | None = None  # while degraded: parts embedded and the one in progress (knowledge.dense_status)


@router.get("/healthz")
def healthz() -> dict:
    """Alive: the process answers."""
    return {"status": "ok"}


def knowledge_base_problem(knowledge) -> str | None:
    """Why the knowledge base cannot serve, or None."""
    if knowledge is None:
        return "knowledge base not loaded (run `fayuan ingest`)"
    try:
        generation = serving_generation(knowledge)
    except Exception as exc:  # noqa: BLE001 - a failed generation switch is "not ready"
        log.warning("readyz: knowledge base generation could not be opened: %s", exc)
        return f"knowledge base generation could not be opened ({type(exc).__name__})"
    folder = getattr(generation, "generation_dir", None)
    if folder is not None and not folder.is_dir():
        return "knowledge base files are missing (the served generation was deleted)"
    return None


def database_problem(engine) -> str | None:
    """Why the records database does not answer `SELECT 1`, or None."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        log.warning("readyz: records database unreachable: %s", exc)
        return f"records database unreachable ({type(exc).__name__})"
    return None


def embedding_in_progress(knowledge, kb_dir) -> dict | None:
    """The embedding report while the served generation is not fully embedded, else None."""
    from knowledge.dense_status import embedding_report

    try:
        folder = getattr(serving_generation(knowledge), "generation_dir", None)
    except Exception:  # noqa: BLE001 - reported by knowledge_base_problem
        return None
    if folder is None:
        return None
    report = embedding_report(kb_dir, folder)
    return None if report["complete"] else report


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
def readyz(services: Services = Depends(get_services)):
    """Ready: knowledge base loaded and records database reachable (503 with reasons if not).
    "degraded" (200): serving on BM25 and the lay vocabulary while the articles are embedded;
    `embedding` says how far that is."""
    problems = {"knowledge_base": knowledge_base_problem(services.knowledge),
                "database": database_problem(services.records_engine)}
    reasons = {name: why for name, why in problems.items() if why}
    embedding = None if problems["knowledge_base"] else embedding_in_progress(services.knowledge,
                                                                              services.settings.kb_dir)
    status = "not_ready" if reasons else "degraded" if embedding else "ready"
    body = Readiness(status=status, checks={name: why is None for name, why in problems.items()},
                     reasons=reasons, embedding=embedding)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=503 if reasons else 200)
