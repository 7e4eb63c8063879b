"""Legal tools that give exact answers, with the article for every number (assistant/tools).

POST /v1/tools/deadline               {"kind", "start_date", "today"?, …} → deadline, days left, citations, notes
POST /v1/tools/compensation           {"kind", facts…} → amount, formula, citations, assumptions, missing
GET  /v1/admin/figures                the statistics table: regions and their figures (staff)
GET  /v1/admin/figures/audit          change history, newest first (staff; ?region=)
GET  /v1/admin/figures/{region}       one region's entry as stored (staff)
PUT  /v1/admin/figures/{region}       replace or create a region's figures (admin; audited, effective at once)
"""
from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Query
from pydantic import BaseModel

from api.auth import require_admin, require_staff
from api.deps import get_services
from api.responses import error_responses, inline_schema, json_body, region_entry
from api.services import Services
from api.request_body import BadBody, read_object
from assistant.staff.accounts import StaffMember
from assistant.tools.compensation import CompensationRequest, compute_compensation
from assistant.tools.deadlines import DeadlineRequest, compute_deadline
from assistant.tools.figures import FigureRegion, FiguresBook
from assistant.tools.validation import chinese_reason

log = logging.getLogger(__name__)
router = APIRouter(tags=["tools"])
REGION_NAME = {"maxLength": 40, "pattern": r"\S"}


def figures_book(services: Services = Depends(get_services)) -> FiguresBook:
    return services.compensation_figures


def _validated(model: type[BaseModel], body: Any) -> Any:
    """The body as `model`, with JSON's own types; a 422 {"reason": ...} in Chinese otherwise."""
    try:
        return read_object(model, body, not_object="请求体应为 JSON 对象", reason=chinese_reason, strict=True)
    except BadBody as exc:
        raise HTTPException(status_code=422, detail={"reason": exc.reason}) from None


@router.post("/v1/tools/deadline", responses=error_responses(422),
             openapi_extra=json_body(inline_schema(DeadlineRequest)))
def deadline(body: Any = Body(..., include_in_schema=False),
             services: Services = Depends(get_services)) -> dict:
    request = _validated(DeadlineRequest, body)
    return compute_deadline(request, services.knowledge).to_dict()


@router.post("/v1/tools/compensation", responses=error_responses(422),
             openapi_extra=json_body(inline_schema(CompensationRequest)))
def compensation(body: Any = Body(..., include_in_schema=False), book: FiguresBook = Depends(figures_book),
                 services: Services = Depends(get_services)) -> dict:
    request = _validated(CompensationRequest, body)
    return compute_compensation(request, book, services.knowledge).to_dict()


@router.get("/v1/admin/figures")
def list_figures(book: FiguresBook = Depends(figures_book), _staff: StaffMember = Depends(require_staff)) -> dict:
    return {"regions": [{"region": name, **entry.model_dump(mode="json")} for name, entry in book.regions().items()]}


@router.get("/v1/admin/figures/audit")
def figures_audit(region: str | None = Query(None, max_length=40), limit: int = Query(200, ge=1, le=1000),
                  book: FiguresBook = Depends(figures_book), _staff: StaffMember = Depends(require_staff)) -> dict:
    return {"audit": [row.to_dict() for row in book.audit(region, limit)]}


@router.get("/v1/admin/figures/{region}", responses=error_responses(404))
def get_figures(region: str, book: FiguresBook = Depends(figures_book),
                _staff: StaffMember = Depends(require_staff)) -> dict:
    return region_entry(book, region)


@router.put("/v1/admin/figures/{region}", responses=error_responses(422),
            openapi_extra=json_body(inline_schema(FigureRegion)))
def put_figures(region: str = Path(..., json_schema_extra=REGION_NAME), body: Any = Body(..., include_in_schema=False),
                book: FiguresBook = Depends(figures_book), admin: StaffMember = Depends(require_admin)) -> dict:
    if not region.strip() or len(region) > 40:
        raise HTTPException(status_code=422, detail={"reason": "地区名称应为 1–40 个字"})
    entry = _validated(FigureRegion, body)
    saved = book.put(region, entry, actor=admin.username)
    log.info("compensation figures of %s changed by %s", saved["region"], admin.username)
    return saved
