"""GET /v1/laws (title search) and GET /v1/laws/{law}/articles/{article_id} (exact lookup)."""
from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from pydantic import BaseModel

from api.deps import get_knowledge
from api.responses import error_responses
from knowledge.numerals import NUM_CHARS
from knowledge.kb import normalise_article_id

router = APIRouter(prefix="/v1/laws", tags=["knowledge"])
# the shapes normalise_article_id reads ("38", "10-1", "第三十八条之一", "38条"), declared in the schema
ARTICLE_ID_PATTERN = rf"^\s*(\d+(-\d+)?\s*$|[第笫]?\s*[{NUM_CHARS}]+\s*条)"


class LawVersionInfo(BaseModel):
    effective_date: str | None
    version_date: str | None
    status: str
    current: bool


class LawInfo(BaseModel):
    law: str
    law_title: str
    kind: str
    level: str
    region: str | None
    status: str | None
    effective_date: str | None
    dates: dict[str, str]
    versions: list[LawVersionInfo]


class LawList(BaseModel):
    laws: list[LawInfo]


class ArticleResponse(BaseModel):
    law: str
    law_title: str
    article_id: str
    label: str
    path: list[str]
    text: str
    clauses: list[dict]
    level: str | None
    region: str | None
    effective_date: str | None
    status: str | None
    citation: str


@router.get("", response_model=LawList, responses=error_responses(422, 503))
def list_laws(q: str | None = Query(None, max_length=100, description="Part of a title or alias, e.g. 劳动"),
              limit: int = Query(50, ge=1, le=500), kb=Depends(get_knowledge)) -> LawList:
    return LawList(laws=kb.search_laws(q.strip() if q else None, limit))


@router.get("/{law}/articles/{article_id}", response_model=ArticleResponse,
            responses=error_responses(404, 422, 503))
def get_article(law: str = Path(..., max_length=100, description="Short title, full title or alias, e.g. 劳动合同法"),
                article_id: str = Path(..., max_length=30, description='"38", "10-1" or "第三十八条"',
                                      json_schema_extra={"pattern": ARTICLE_ID_PATTERN}),
                as_of: dt.date | None = Query(None, description="YYYY-MM-DD: the version in force that day"),
                kb=Depends(get_knowledge)) -> ArticleResponse:
    aid = normalise_article_id(article_id)
    if aid is None:
        raise HTTPException(422, detail=f"条号格式不对：{article_id} (article id must look like 38, 10-1 or 第三十八条)")
    if kb.resolve_law(law) is None:
        raise HTTPException(404, detail=f"知识库中没有这部法律：{law} (unknown law)")
    when = as_of.isoformat() if as_of else None
    hit = kb.get_article(law, aid, as_of=when)
    if hit is None:
        raise HTTPException(404, detail=f"{kb.resolve_law(law)}没有第{aid}条或该日期无有效版本 "
                                        f"(article not found{' for that date' if when else ''})")
    detail = kb.article_detail(hit.doc_id)
    return ArticleResponse(law=hit.law, law_title=hit.law_title, article_id=hit.article_id, path=hit.path,
                           text=hit.text, level=hit.level, region=hit.region, effective_date=hit.effective_date,
                           status=hit.status, citation=hit.citation, label=detail["label"],
                           clauses=detail["clauses"])
