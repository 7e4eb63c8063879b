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
    status: str                  # ready / not_ready
    checks: dict[str, bool]      # knowledge_base, database
    reasons: dict[str, str] = {}  # why a failing check failed


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


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
def readyz(services: Services = Depends(get_services)):
    """Ready: knowledge base loaded and records database reachable (503 with reasons if not)."""
    problems = {"knowledge_base": knowledge_base_problem(services.knowledge),
                "database": database_problem(services.records_engine)}
    reasons = {name: why for name, why in problems.items() if why}
    body = Readiness(status="not_ready" if reasons else "ready",
                     checks={name: why is None for name, why in problems.items()}, reasons=reasons)
    return JSONResponse(body.model_dump(), status_code=503 if reasons else 200)
