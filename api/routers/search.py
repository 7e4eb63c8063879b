"""GET /v1/search: hybrid search over statutes and typical cases."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel

from api.deps import get_knowledge, get_services
from api.responses import error_responses
from api.services import Services
from knowledge.types import Hit

router = APIRouter(prefix="/v1", tags=["knowledge"])


class SearchResult(BaseModel):
    kind: Literal["statute", "case"]
    text: str
    score: float
    law: str | None = None
    law_title: str | None = None
    article_id: str | None = None
    path: list[str] = []
    level: str | None = None
    region: str | None = None
    effective_date: str | None = None
    status: str | None = None
    case_title: str | None = None
    section: str | None = None


class SearchResponse(BaseModel):
    results: list[SearchResult]


def hit_to_result(hit: Hit) -> SearchResult:
    data = {k: v for k, v in hit.to_dict().items() if k in SearchResult.model_fields}
    return SearchResult(**data)


@router.get("/search", response_model=SearchResponse, response_model_exclude_none=True,
            responses=error_responses(422, 503))
def search(
    q: str = Query(..., max_length=500, description="Question or keywords, e.g. 公司拖欠工资怎么办",
                   json_schema_extra={"pattern": r"\S"}),   # not blank (checked below, with a reason)
    k: int | None = Query(None, ge=1, le=100, description="Number of results (1-100, default 10)"),
    kind: Literal["statute", "case"] | None = Query(None, description="statute or case"),
    level: str | None = Query(None, max_length=20, description="法律 / 行政法规 / 司法解释 / 部门规章 / 地方性法规 …"),
    region: str | None = Query(None, max_length=40, description="Local rules of a region, e.g. 浙江 or 上海市"),
    as_of: dt.date | None = Query(None, description="YYYY-MM-DD: search the versions in force on that date"),
    services: Services = Depends(get_services),
    kb=Depends(get_knowledge),
) -> SearchResponse:
    if not q.strip():
        raise HTTPException(status_code=422, detail="q 不能为空 (q must not be empty)")
    hits = kb.search(q, k or services.settings.search_default_k, kind=kind, level=level,
                     region=region.strip() or None if region else None,
                     as_of=as_of.isoformat() if as_of else None)
    return SearchResponse(results=[hit_to_result(h) for h in hits])
