from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy import text

from api.deps import get_services
from api.services import Services

router = APIRouter(tags=["ops"])


@router.get("/healthz")
def healthz() -> dict:
    """Alive: the process answers."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(services: Services = Depends(get_services)):
    """Ready: knowledge base loaded and records database reachable."""
    from fastapi.responses import JSONResponse

    checks = {"knowledge_base": services.knowledge is not None}
    try:
        with services.records_engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = True
    except Exception:  # noqa: BLE001 - any failure means not ready
        checks["database"] = False
    ok = all(checks.values())
    return JSONResponse({"status": "ready" if ok else "not_ready", "checks": checks}, status_code=200 if ok else 503)
