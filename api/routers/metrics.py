"""GET /metrics: Prometheus text exposition of the app's registry (api.metrics).

In development open, like most exporters (it holds counts and timings, no personal data).
FAYUAN_METRICS_TOKEN makes it need `Authorization: Bearer <token>`; in production it is off (404)
until a token is set. FAYUAN_METRICS_ENABLED=false turns it off (404) everywhere."""
from __future__ import annotations

import hmac

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST

from api.deps import get_services
from api.services import Services

router = APIRouter(tags=["ops"])


def _authorised(header: str | None, token: str) -> bool:
    scheme, _, given = (header or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request, services: Services = Depends(get_services)) -> Response:
    settings = services.settings
    if not settings.metrics_enabled:
        raise HTTPException(404, "metrics are turned off (FAYUAN_METRICS_ENABLED=false)")
    if settings.env == "production" and not settings.metrics_token:
        raise HTTPException(404, "metrics need FAYUAN_METRICS_TOKEN when FAYUAN_ENV=production")
    if settings.metrics_token and not _authorised(request.headers.get("authorization"), settings.metrics_token):
        raise HTTPException(401, "metrics need a bearer token (FAYUAN_METRICS_TOKEN)",
                            headers={"WWW-Authenticate": "Bearer"})
    return Response(request.app.state.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
