"""Eligibility pre-screen API and the staff-maintained regional standards.

POST /v1/eligibility                  facts → decision (anyone; nothing stored)
GET  /v1/admin/regions                regions with the standard in force today (staff)
GET  /v1/admin/regions/audit          change history, newest first (staff; ?region=)
GET  /v1/admin/regions/{region}       one region's entry as stored (staff)
PUT  /v1/admin/regions/{region}       replace a region's entry (admin; audited, effective at once)
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Query

from api.auth import require_admin, require_staff
from api.deps import get_services
from api.responses import error_responses, inline_schema, json_body, region_entry
from api.services import Services
from api.request_body import BadBody, read_model, read_object
from assistant.eligibility.application import applicant_notice, application_packet
from assistant.eligibility.engine import decide
from assistant.eligibility.facts import EligibilityFacts, validation_reason
from assistant.eligibility.regions import RegionEntry
from assistant.eligibility.standards import StandardsBook
from assistant.staff.accounts import StaffMember

log = logging.getLogger(__name__)
router = APIRouter(tags=["eligibility"])
REGION_NAME = {"maxLength": 40, "pattern": r"\S"}


def _pre_screen_body() -> dict:
    """{"facts": {...}} or the facts object itself (then without a "facts" key)."""
    facts = inline_schema(EligibilityFacts)
    return json_body({"anyOf": [
        {"type": "object", "properties": {"facts": facts}, "required": ["facts"]},
        {"allOf": [facts, {"not": {"required": ["facts"]}}]}]})


def standards_book(services: Services = Depends(get_services)) -> StandardsBook:
    return services.eligibility_standards


def _unprocessable(reason: str) -> HTTPException:
    return HTTPException(status_code=422, detail={"reason": reason})


@router.post("/v1/eligibility", responses=error_responses(422), openapi_extra=_pre_screen_body())
def pre_screen(body: Any = Body(..., include_in_schema=False), book: StandardsBook = Depends(standards_book)) -> dict:
    """Body: {"facts": {...}} as in the eligibility scenarios, or the facts object itself."""
    if not isinstance(body, dict):
        raise _unprocessable("body must be a JSON object: {\"facts\": {...}}")
    try:
        facts = read_object(EligibilityFacts, body["facts"] if "facts" in body else body,
                            not_object="facts must be a JSON object", reason=validation_reason, strict=True)
    except BadBody as exc:
        raise _unprocessable(exc.reason) from None
    result = decide(facts, book).api_dict()
    received = facts.application_date or dt.date.today()
    packet = application_packet(result, None, received, book.snapshot())
    result["application"] = {"received_on": packet["received_on"], "decision_due": packet["decision_due"],
                             "notice": applicant_notice(packet)}
    return result


@router.get("/v1/admin/regions")
def list_regions(book: StandardsBook = Depends(standards_book),
                 _staff: StaffMember = Depends(require_staff)) -> dict:
    table, today = book.snapshot(), dt.date.today()
    rows = []
    for name, entry in table.entries.items():
        std = table.standard_for(name, today)
        rows.append({
            "region": name, "level": entry.level, "parent": entry.parent,
            "in_force_today": None if std is None else {
                "from_region": std.source_region,
                "threshold_urban": std.describe(std.threshold("urban"))["value"],
                "threshold_rural": std.describe(std.threshold("rural"))["value"],
                "comparison": std.comparison, "effective_from": _iso(std.version.effective_from),
                "effective_to": _iso(std.version.effective_to)},
        })
    return {"regions": rows}


@router.get("/v1/admin/regions/audit")
def region_audit(region: str | None = Query(None, max_length=40), limit: int = Query(200, ge=1, le=1000),
                 book: StandardsBook = Depends(standards_book),
                 _staff: StaffMember = Depends(require_staff)) -> dict:
    return {"audit": [row.to_dict() for row in book.audit(region, limit)]}


@router.get("/v1/admin/regions/{region}", responses=error_responses(404))
def get_region(region: str, book: StandardsBook = Depends(standards_book),
               _staff: StaffMember = Depends(require_staff)) -> dict:
    return region_entry(book, region)


@router.put("/v1/admin/regions/{region}", responses=error_responses(422),
         openapi_extra=json_body(inline_schema(RegionEntry)))
def put_region(region: str = Path(..., json_schema_extra=REGION_NAME), body: Any = Body(..., include_in_schema=False), book: StandardsBook = Depends(standards_book),
               admin: StaffMember = Depends(require_admin)) -> dict:
    if not isinstance(body, dict):
        raise _unprocessable("body must be a region entry object")
    if not region.strip() or len(region) > 40:
        raise _unprocessable("region name must be 1–40 characters")
    try:
        entry = read_model(RegionEntry, body, reason=validation_reason, strict=True)
    except BadBody as exc:
        raise _unprocessable(exc.reason) from None
    try:
        saved = book.put(region, entry, actor=admin.username)
    except ValueError as exc:
        raise _unprocessable(str(exc)) from None
    log.info("regional standard %s changed by %s", saved["region"], admin.username)
    return saved


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None
